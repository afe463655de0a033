/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The supervisor's side of CbJobReports (ABI 1.4): a strategy's start-up
 * and its remote workers' usage, read from the result area into the run's
 * sample, and the row's figures made of them. */
#pragma once

#include "results.h"
#include "shared-area.h"

/* One worker the core could not see, as the strategy reported it. */
typedef struct {
  char *host;
  guint rank;
  guint64 peak_rss; /* bytes; 0: unknown */
  double user_cpu, system_cpu;
} CbWorkerRecord;

/* Fills sample's has_startup, startup, workers and workers_dropped from
 * shared, a result area of size bytes.  A started() time outside the run
 * (a clock or a leftover thread's) is not a start-up and is ignored. */
void cb_run_reports_fill (CbRunSample *sample, const Shared *shared,
                          gsize size);

/* result->startup and result->items_time, over the runs that have one. */
void cb_run_reports_analyse (CbResult *result);

/* The last measured run of result whose strategy reported workers, or
 * NULL: the run whose workers the writers show. */
const CbRunSample *cb_run_reports_workers_run (const CbResult *result);
