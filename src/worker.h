/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What runs inside the forked worker process: the benchmark's workload and
 * strategy, with results written to the shared result area. */
#pragma once

#include <sys/types.h>

#include "suite.h"

/* What the runner hands a worker it has just forked. */
typedef struct {
  int result_fd; /* the shared result area (memfd) */
  /* Read end of a pipe: the worker waits for one byte on it before it runs
   * anything of a plugin's, so the runner can first place it (cgroup,
   * limits); EOF without that byte means the runner gave up on it. */
  int go_fd;
  pid_t runner; /* the supervising parent, which the worker must not outlive */
} CbWorkerLaunch;

/* Called in the child right after fork(): runs bench once with seed,
 * writes the results to the result area and _exit()s. */
G_GNUC_NORETURN void cb_worker_start (const CbBenchmark *bench, guint64 seed,
                                      const CbWorkerLaunch *launch);
