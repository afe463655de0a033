/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What runs inside the worker program: the benchmark's workload and
 * strategy, with results written to the shared result area. */
#pragma once

#include "suite.h"

/* Runs bench once with seed and writes the results to the result area
 * fd; returns the worker's exit status. */
int cb_worker_run (const CbBenchmark *bench, guint64 seed, int fd);
/* Writes a failure that happened before the result area was sized (the
 * benchmark could not be rebuilt, the workload not created) into it. */
void cb_worker_fail_early (int fd, const GError *error,
                           gboolean refused_params);
