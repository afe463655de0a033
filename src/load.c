/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "load.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

typedef enum { RESPONSE, SERVICE, QUEUEING } Kind;

static double
latency_of (const CbLoadRun *run, guint i, Kind kind)
{
  double start = run->completion[i] - run->service[i];
  switch (kind)
    {
    case RESPONSE:
      return run->completion[i] - run->intended[i];
    case SERVICE:
      return run->service[i];
    default:
      /* Clock granularity can put the start a hair before the arrival the
       * core waited for: never a negative wait. */
      return MAX (0.0, start - run->intended[i]);
    }
}

static void
latency_percentiles (const CbLoadRun *runs, guint n_runs, Kind kind,
                     CbLatency *out)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint r = 0; r < n_runs; r++)
    for (guint i = 0; i < runs[r].n_items; i++)
      {
        double v = latency_of (&runs[r], i, kind);
        g_array_append_val (all, v);
      }
  const double *v = (const double *) all->data;
  out->p50 = cb_percentile (v, all->len, 50);
  out->p90 = cb_percentile (v, all->len, 90);
  out->p99 = cb_percentile (v, all->len, 99);
  out->p999 = cb_percentile (v, all->len, 99.9);
  out->max = cb_percentile (v, all->len, 100);
}

/* Items are numbered in arrival order (the schedule only grows), so a
 * quarter of the run is a quarter of the indices. */
static double
quarter_median (const CbLoadRun *runs, guint n_runs, guint quarter)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint r = 0; r < n_runs; r++)
    {
      guint n = runs[r].n_items;
      if (n < CB_LOAD_GROWTH_MIN_ITEMS)
        continue;
      for (guint i = n * quarter / 4; i < n * (quarter + 1) / 4; i++)
        {
          double v = latency_of (&runs[r], i, RESPONSE);
          g_array_append_val (all, v);
        }
    }
  return cb_percentile ((const double *) all->data, all->len, 50);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The rates over the middle half of each run, from its first quarter's to
 * its third quarter's completion (sorted) and arrival: what a run's start
 * (the pool filling) and end (its last stragglers) would bias is left
 * out, and a server that keeps up completes at exactly the rate its items
 * arrive.  Runs are pooled: items and seconds summed. */
static void
middle_rates (const CbLoadRun *runs, guint n_runs, double *achieved,
              double *offered)
{
  double done_span = 0, arrival_span = 0, items = 0;
  for (guint r = 0; r < n_runs; r++)
    {
      guint n = runs[r].n_items;
      guint lo = n >= CB_LOAD_GROWTH_MIN_ITEMS ? n / 4 : 0;
      guint hi = n >= CB_LOAD_GROWTH_MIN_ITEMS ? 3 * n / 4 : n - 1;
      if (n < 2)
        continue;
      g_autofree double *done = g_new (double, n);
      memcpy (done, runs[r].completion, n * sizeof (double));
      qsort (done, n, sizeof (double), compare_doubles);
      done_span += done[hi] - done[lo];
      arrival_span += runs[r].intended[hi] - runs[r].intended[lo];
      items += hi - lo;
    }
  *achieved = done_span > 0 ? items / done_span : NAN;
  *offered = arrival_span > 0 ? items / arrival_span : NAN;
}

void
cb_load_analyse (const CbLoadRun *runs, guint n_runs, double rate,
                 CbLoadResult *out)
{
  guint64 items = 0;
  memset (out, 0, sizeof *out);
  for (guint r = 0; r < n_runs; r++)
    items += runs[r].intended != NULL ? runs[r].n_items : 0;
  if (rate <= 0 || items == 0)
    return;
  out->open = TRUE;
  out->target_rate = rate;
  middle_rates (runs, n_runs, &out->achieved_rate, &out->offered_rate);
  latency_percentiles (runs, n_runs, RESPONSE, &out->response);
  latency_percentiles (runs, n_runs, SERVICE, &out->service);
  latency_percentiles (runs, n_runs, QUEUEING, &out->queueing);
  out->q2_median = quarter_median (runs, n_runs, 1);
  out->q4_median = quarter_median (runs, n_runs, 3);
  /* A run too short to have quarters gives NAN: not judged growing. */
  out->growing = out->q4_median > CB_LOAD_GROWTH_FACTOR * out->q2_median
                 && out->q4_median - out->q2_median > CB_LOAD_GROWTH_MIN;
  out->kept_up = !(out->achieved_rate
                   < CB_LOAD_KEPT_UP_RATIO * out->offered_rate)
                 && !out->growing;
}

const char *
cb_load_verdict (const CbLoadResult *load)
{
  return load->kept_up ? "kept up" : "fell behind";
}
