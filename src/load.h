/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What an open-loop row's runs say (issue 16): the three latencies of each
 * item from the core's own timestamps, the rate achieved, and whether the
 * row kept up with its target. */
#pragma once

#include <glib.h>

#include "hist.h"

typedef struct {
  double p50, p90, p99, p999, max; /* seconds */
} CbLatency;

/* The verdict's thresholds, also in concbench(1). */
#define CB_LOAD_KEPT_UP_RATIO 0.98 /* achieved / unqueued below: fell behind */
#define CB_LOAD_GROWTH_FACTOR 2.0  /* last quarter's median response over */
#define CB_LOAD_GROWTH_MIN 1e-3    /* the second's, and by more than 1 ms */
#define CB_LOAD_GROWTH_MIN_ITEMS 8 /* fewer items per run: not judged */

typedef struct {
  gboolean open;        /* an open-loop row with a measured run */
  double target_rate;   /* items per second */
  /* Runs pooled (items and seconds summed):
   * achieved = items / (last completion - first intended arrival);
   * unqueued = items / (the latest intended arrival + own service time -
   *   first intended arrival): what achieved would be had no item waited;
   * offered = gaps / (last - first intended arrival): the target for
   *   constant arrivals, the drawn rate for Poisson. */
  double achieved_rate, unqueued_rate, offered_rate;
  /* response = completion - intended arrival; service = completion -
   * actual start; queueing = actual start - intended arrival */
  CbLatency response, service, queueing;
  /* median response of each run's last quarter of items (by arrival) and
   * of its second quarter, pooled over the runs */
  double q2_median, q4_median;
  gboolean growing; /* q4 > 2 x q2 and by more than 1 ms */
  gboolean kept_up; /* achieved >= 98 % of unqueued, and not growing */
  /* The three latencies of every item of every run, merged (the
   * percentiles above are exact, from the items themselves); NULL when
   * not open.  Owned: cb_load_result_clear frees them. */
  CbHist *response_hist, *service_hist, *queueing_hist;
} CbLoadResult;

/* One run's items, as the runner keeps them (seconds from the start of
 * execute).  actual start = completion - service. */
typedef struct {
  guint n_items;
  const double *intended, *completion, *service;
} CbLoadRun;

/* Fills out (cleared or zeroed before) from runs (open-loop runs of one
 * row at rate); out->open is FALSE when there is no item to judge. */
void cb_load_analyse (const CbLoadRun *runs, guint n_runs, double rate,
                      CbLoadResult *out);
/* Frees the histograms and zeroes load. */
void cb_load_result_clear (CbLoadResult *load);
/* "kept up" or "fell behind". */
const char *cb_load_verdict (const CbLoadResult *load);
