/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What runs inside the forked worker process: the benchmark's workload and
 * strategy, with results written to the shared result area. */
#pragma once

#include <sys/types.h>

#include "suite.h"

/* Called in the child right after fork(): runs bench once with seed,
 * writes the results to the memfd fd and _exit()s.  runner is the pid of
 * the supervising parent, which the worker must not outlive. */
G_GNUC_NORETURN void cb_worker_start (const CbBenchmark *bench, guint64 seed,
                                      int fd, pid_t runner);
