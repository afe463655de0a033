/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Throughput: the bytes a run's items move (ABI 1.4 item_bytes, summed by
 * the worker into CbBenchInfo.total_bytes) over that run's wall time, with
 * the statistics of the wall times' style, and its table cell. */
#pragma once

#include "results.h"

typedef struct {
  const char *name; /* "GB/s" or "MiB/s" */
  double scale;     /* bytes per second in one of them */
} CbThroughputUnit;

/* Statistics of total_bytes / wall over the measured runs; FALSE, with out
 * zeroed, when the workload moves no bytes or no run has a wall time. */
gboolean cb_throughput_stats (const CbResult *result, CbStats *out);
/* TRUE when some measured row has a throughput. */
gboolean cb_throughput_any (GPtrArray *results);
/* One unit for a column, by the largest mean throughput in it: GB/s from
 * 10^9 bytes/s up (memory), MiB/s below (files). */
CbThroughputUnit cb_throughput_unit_for (GPtrArray *results);
/* The row's mean throughput in unit, or "-". */
char *cb_throughput_cell (const CbResult *result, CbThroughputUnit unit);
