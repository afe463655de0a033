/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A cgroup of the runner's own for its workers: every process a worker
 * starts stays in it whatever session or group it moves to, so the whole
 * tree can be listed, killed and held to a memory limit. */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct CbCgroup CbCgroup;

/* Makes the cgroup below the caller's own: under cgroup v2 where the
 * hierarchy lets us (cgroup.kill), else under the v1 freezer; with
 * memory_limit > 0 (bytes), also where a memory controller can enforce it
 * (v2 memory.max, v1 memory.limit_in_bytes).  NULL with error when none can
 * be made (no permission, no cgroup file system). */
CbCgroup *cb_cgroup_new (guint64 memory_limit, GError **error);
/* Removes the cgroup directories; the cgroup must be empty by then. */
void cb_cgroup_free (CbCgroup *cgroup);
/* Moves pid into the cgroup. */
gboolean cb_cgroup_add (CbCgroup *cgroup, pid_t pid, GError **error);
/* Whether the memory limit is the cgroup's (else the caller sets one). */
gboolean cb_cgroup_limits_memory (const CbCgroup *cgroup);
/* Processes killed by the memory controller so far. */
guint64 cb_cgroup_oom_kills (const CbCgroup *cgroup);
/* The cgroup.procs file that lists every process in it. */
const char *cb_cgroup_procs_file (const CbCgroup *cgroup);
/* Kills every process still in the cgroup; adds the pids of those that
 * were alive (not zombies) to killed. */
void cb_cgroup_kill_all (CbCgroup *cgroup, GHashTable *killed);
/* A new descriptor of cgroup.kill, written "1" to kill all at once from a
 * signal handler; -1 under v1. */
int cb_cgroup_open_kill (const CbCgroup *cgroup);
/* pids listed in a cgroup.procs (or any one-pid-a-line) file; NULL when it
 * cannot be read. */
GArray *cb_cgroup_read_pids (const char *procs_file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbCgroup, cb_cgroup_free)
