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

/* The tree is every process in the worker's cgroup where it has one (it
 * holds descendants that left the group or the session), else the worker's
 * process group: the runner makes every worker a group leader, its
 * children inherit the group, and the group outlives a parent that dies,
 * which a walk of parent links would not. */
typedef struct CbProcTree CbProcTree;

/* FALSE when /proc (or smaps_rollup) is not there. */
gboolean cb_proc_tree_available (void);
/* procs_file: the cgroup.procs listing the tree, or NULL for the group. */
CbProcTree *cb_proc_tree_new (pid_t pgid, const char *procs_file);
void cb_proc_tree_free (CbProcTree *tree);
/* FALSE when no process of the tree was found.  The PSS is read in full
 * (smaps_rollup) only when it may have reached a new peak, when the tree
 * changed, or every few samples; in between, out->pss is the last full
 * reading, and the cheap RSS and page faults (stat) say whether it can
 * have grown. */
gboolean cb_proc_tree_sample (CbProcTree *tree, CbTreeMemory *out);
/* Samples so far that read the PSS in full. */
guint cb_proc_tree_full_reads (const CbProcTree *tree);
/* VmHWM of the calling process in bytes, 0 if unknown. */
guint64 cb_proc_self_hwm (void);
/* Whether pid is a process that has not exited (not a zombie). */
gboolean cb_proc_is_alive (pid_t pid);
/* The live children of the calling process. */
GArray *cb_proc_children (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbProcTree, cb_proc_tree_free)
