/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory of a worker's whole process tree, read from /proc. */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct {
  guint64 pss; /* bytes, summed proportional set size */
  guint64 rss; /* bytes, summed resident set size */
  guint n_processes;
} CbTreeMemory;

/* The tree is the worker's process group: the runner makes every worker a
 * group leader, its children inherit the group, and the group outlives a
 * parent that dies, which a walk of parent links would not. */
typedef struct CbProcTree CbProcTree;

/* FALSE when /proc (or smaps_rollup) is not there. */
gboolean cb_proc_tree_available (void);
CbProcTree *cb_proc_tree_new (pid_t pgid);
void cb_proc_tree_free (CbProcTree *tree);
/* FALSE when no process of the group was found. */
gboolean cb_proc_tree_sample (CbProcTree *tree, CbTreeMemory *out);
/* VmHWM of the calling process in bytes, 0 if unknown. */
guint64 cb_proc_self_hwm (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbProcTree, cb_proc_tree_free)
