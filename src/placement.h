/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the workers run and at what priority: --affinity and --nice, set
 * in each worker before it loads a plugin, so that every thread and child
 * of the benchmark inherits them. */
#pragma once

#include <glib.h>

#define CB_NICE_MIN (-20)
#define CB_NICE_MAX 19

typedef struct {
  char *cpus;       /* canonical CPU list (cpulist.h); NULL: not pinned */
  gboolean has_nice;
  int nice;         /* CB_NICE_MIN..CB_NICE_MAX, when has_nice */
} CbPlacement;

/* In the worker: sched_setaffinity and setpriority on the calling process,
 * which must not have started a thread yet.  A failure is CB_ERROR_FAILED
 * naming the option. */
gboolean cb_placement_apply (const CbPlacement *placement, GError **error);

/* In concbench, before anything runs: whether a worker (a child of this
 * process) will be allowed the nice value; lowering it below this
 * process's needs CAP_SYS_NICE or a large enough RLIMIT_NICE.
 * CB_ERROR_FAILED saying so otherwise. */
gboolean cb_placement_check_nice (int nice, GError **error);

void cb_placement_clear (CbPlacement *placement);
