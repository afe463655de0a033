/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "load.h"

#include <math.h>
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

/* The rates of the runs, items and seconds summed: achieved from the
 * first intended arrival to the last completion; unqueued the same had
 * every item run its own service time from its intended arrival, with no
 * wait, which is what a short run's last items take to drain even when
 * nothing queued; offered between the first and the last arrival. */
static void
run_rates (const CbLoadRun *runs, guint n_runs, CbLoadResult *out)
{
  double span = 0, unqueued_span = 0, arrival_span = 0, items = 0, gaps = 0;
  for (guint r = 0; r < n_runs; r++)
    {
      const CbLoadRun *run = &runs[r];
      double last = -INFINITY, unqueued = -INFINITY;
      if (run->n_items < 2)
        continue;
      for (guint i = 0; i < run->n_items; i++)
        {
          last = MAX (last, run->completion[i]);
          unqueued = MAX (unqueued, run->intended[i] + run->service[i]);
        }
      span += last - run->intended[0];
      unqueued_span += unqueued - run->intended[0];
      arrival_span += run->intended[run->n_items - 1] - run->intended[0];
      items += run->n_items;
      gaps += run->n_items - 1;
    }
  out->achieved_rate = span > 0 ? items / span : NAN;
  out->unqueued_rate = unqueued_span > 0 ? items / unqueued_span : NAN;
  out->offered_rate = arrival_span > 0 ? gaps / arrival_span : NAN;
}

/* Each run's items recorded once per latency, every run into the same
 * three histograms: merged as cb_hist_merge would. */
static void
record_histograms (const CbLoadRun *runs, guint n_runs, CbLoadResult *out)
{
  CbHist **hists[] = { &out->response_hist, &out->service_hist,
                       &out->queueing_hist };
  for (guint h = 0; h < G_N_ELEMENTS (hists); h++)
    {
      *hists[h] = cb_hist_new ();
      for (guint r = 0; r < n_runs; r++)
        for (guint i = 0; i < runs[r].n_items; i++)
          cb_hist_record (*hists[h],
                          llround (latency_of (&runs[r], i, (Kind) h) * 1e9));
    }
}

void
cb_load_result_clear (CbLoadResult *load)
{
  g_clear_pointer (&load->response_hist, cb_hist_free);
  g_clear_pointer (&load->service_hist, cb_hist_free);
  g_clear_pointer (&load->queueing_hist, cb_hist_free);
  memset (load, 0, sizeof *load);
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
  run_rates (runs, n_runs, out);
  latency_percentiles (runs, n_runs, RESPONSE, &out->response);
  latency_percentiles (runs, n_runs, SERVICE, &out->service);
  latency_percentiles (runs, n_runs, QUEUEING, &out->queueing);
  record_histograms (runs, n_runs, out);
  out->q2_median = quarter_median (runs, n_runs, 1);
  out->q4_median = quarter_median (runs, n_runs, 3);
  /* A run too short to have quarters gives NAN: not judged growing. */
  out->growing = out->q4_median > CB_LOAD_GROWTH_FACTOR * out->q2_median
                 && out->q4_median - out->q2_median > CB_LOAD_GROWTH_MIN;
  out->kept_up = !(out->achieved_rate
                   < CB_LOAD_KEPT_UP_RATIO * out->unqueued_rate)
                 && !out->growing;
}

const char *
cb_load_verdict (const CbLoadResult *load)
{
  return load->kept_up ? "kept up" : "fell behind";
}
