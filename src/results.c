/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "results.h"

#include <math.h>
#include <string.h>

#include "throughput.h"
#include "run-reports.h"

/* Runs shorter than this are dominated by fork and timer resolution. */
#define TIMER_FLOOR 0.001
#define MIN_RUNS 3
/* With fewer runs the median absolute deviation is too coarse: one gap five
 * times another already makes an "outlier". */
#define MIN_RUNS_FOR_OUTLIERS 5

static void
clear_sample (gpointer data)
{
  cb_run_sample_clear (data);
}

CbResult *
cb_result_new (const CbBenchmark *bench, guint index)
{
  CbResult *result = g_new0 (CbResult, 1);
  result->bench = bench;
  result->index = index;
  result->samples = g_array_new (FALSE, TRUE, sizeof (CbRunSample));
  g_array_set_clear_func (result->samples, clear_sample);
  result->warnings = g_new0 (char *, 1);
  return result;
}

void
cb_result_free (CbResult *result)
{
  if (result == NULL)
    return;
  g_free (result->error);
  g_array_unref (result->samples);
  cb_bench_info_clear (&result->info);
  cb_load_result_clear (&result->load);
  g_strfreev (result->warnings);
  g_free (result);
}

gboolean
cb_result_measured (const CbResult *r)
{
  return r->samples != NULL && r->samples->len > 0;
}

void
cb_result_fail (CbResult *result, CbResultStatus status, const char *message)
{
  result->status = status;
  g_free (result->error);
  result->error = g_strdup (message);
}

static double *
sample_field (const CbResult *result, gsize offset)
{
  double *out = g_new0 (double, result->samples->len + 1);
  for (guint i = 0; i < result->samples->len; i++)
    out[i] = G_STRUCT_MEMBER (double,
                              &g_array_index (result->samples, CbRunSample, i),
                              offset);
  return out;
}

double *
cb_result_walls (const CbResult *result)
{
  return sample_field (result, G_STRUCT_OFFSET (CbRunSample, wall));
}

const CbStats *
cb_result_wall_stats (CbResult *result)
{
  /* Samples are only ever appended, so their count tells whether the cache
   * is current; zero runs have all-zero statistics, as a new result has. */
  if (result->wall.n != result->samples->len)
    {
      g_autofree double *walls = cb_result_walls (result);
      cb_stats_compute (walls, result->samples->len, &result->wall);
    }
  return &result->wall;
}

static gboolean
is_baseline (const CbResult *result)
{
  return (cb_plugin_strategy_flags (result->bench->strategy)
          & CB_STRATEGY_BASELINE)
         != 0;
}

/* Over the runs whose memory is known only: a run that nothing measured
 * is unknown, and an unknown averaged in as 0 would halve a mean. */
static void
stats_of_bytes (const CbResult *result, gsize offset, gboolean known_only,
                CbStats *out)
{
  guint n = result->samples->len, k = 0;
  g_autofree double *v = g_new0 (double, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      if (known_only && s->memory_unknown)
        continue;
      v[k++] = (double) G_STRUCT_MEMBER (guint64, s, offset);
    }
  cb_stats_compute (v, k, out);
  if (k == 0)
    out->mean = NAN; /* unknown: every writer shows it as such, none as 0 */
}

static void
memory_stats (CbResult *result, gboolean memory_sampled)
{
  stats_of_bytes (result, memory_sampled
                              ? G_STRUCT_OFFSET (CbRunSample, tree_peak_pss)
                              : G_STRUCT_OFFSET (CbRunSample, worker_maxrss),
                  memory_sampled, &result->pss);
  stats_of_bytes (result, memory_sampled
                              ? G_STRUCT_OFFSET (CbRunSample, tree_peak_rss)
                              : G_STRUCT_OFFSET (CbRunSample, worker_maxrss),
                  memory_sampled, &result->rss);
}

const CbResult *
cb_results_find_baseline (GPtrArray *results, const CbResult *result)
{
  /* An open-loop row's time is its schedule's: it is no baseline, and it
   * has no speedup. */
  if (result->bench->rate > 0)
    return NULL;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (is_baseline (r) && r->bench->rate == 0
          && strcmp (r->bench->workload_key, result->bench->workload_key) == 0
          && r->status == CB_RESULT_OK && r->samples->len > 0)
        return r;
    }
  return NULL;
}

/* Percentiles over every item of every run, from the per-item arrays at
 * offset (completion or service). */
static void
item_percentiles (const CbResult *result, gsize offset, CbPercentiles *out)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint r = 0; r < result->samples->len; r++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, r);
      const double *v = G_STRUCT_MEMBER (double *, s, offset);
      g_array_append_vals (all, v, s->n_items);
    }
  double *v = (double *) all->data;
  out->p50 = cb_percentile (v, all->len, 50);
  out->p90 = cb_percentile (v, all->len, 90);
  out->p99 = cb_percentile (v, all->len, 99);
  out->max = cb_percentile (v, all->len, 100);
}

static void
timer_overshoot (CbResult *result)
{
  double sum = 0, max = 0;
  guint count = 0;
  if (!result->info.latency_bound || result->info.item_waits == NULL)
    return;
  for (guint r = 0; r < result->samples->len; r++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, r);
      for (guint i = 0; i < s->n_items && i < result->info.n_items; i++)
        {
          /* Computing is no overshoot: its estimate is taken off too. */
          double over = s->service[i] - result->info.item_waits[i]
                        - (result->info.item_compute != NULL
                               ? result->info.item_compute[i]
                               : 0.0);
          sum += over;
          max = MAX (max, over);
          count++;
        }
    }
  result->has_overshoot = count > 0;
  result->overshoot_mean = count ? sum / count : 0;
  result->overshoot_max = max;
}

static void
ideal_time (CbResult *result, const CbResult *baseline, guint n_cpus)
{
  const CbBenchInfo *info = &result->info;
  result->ideal = NAN;
  result->karp_flatt = NAN;
  if (info->latency_bound && info->item_waits != NULL)
    {
      result->ideal = cb_ideal_time_with_compute (
          info->item_waits, info->item_compute, info->n_items, info->slots,
          info->chunk, n_cpus);
      result->ideal_basis
          = info->item_compute != NULL
                ? "item waits plus computing scheduled FIFO on the "
                  "strategy's slots, at least the computing / min(slots, CPUs)"
                : "item waits scheduled FIFO on the strategy's slots";
    }
  else if (baseline != NULL)
    {
      guint p = MAX (1, MIN (info->slots, n_cpus));
      result->ideal = baseline->wall.mean / p;
      result->ideal_basis = "sequential time / min(slots, CPUs)";
      if (p > 1 && !isnan (result->speedup))
        result->karp_flatt = cb_karp_flatt (result->speedup, p);
    }
  result->efficiency = result->ideal > 0 && result->wall.mean > 0
                           ? result->ideal / result->wall.mean
                           : NAN;
}

static void
speedup (CbResult *result, const CbResult *baseline)
{
  result->speedup = result->speedup_low = result->speedup_high = NAN;
  if (baseline == NULL)
    return;
  g_autofree double *mine = cb_result_walls (result);
  g_autofree double *base = cb_result_walls (baseline);
  double ratio, low, high;
  /* ratio = mean(mine) / mean(base); speedup is its inverse. */
  cb_ratio_ci95 (base, baseline->samples->len, mine, result->samples->len,
                 &ratio, &low, &high);
  result->speedup = ratio > 0 ? 1.0 / ratio : NAN;
  result->speedup_low = high > 0 ? 1.0 / high : NAN;
  result->speedup_high = low > 0 ? 1.0 / low : NAN;
}

static void
add_warning (CbResult *result, const char *text)
{
  guint n = g_strv_length (result->warnings);
  result->warnings = g_renew (char *, result->warnings, n + 2);
  result->warnings[n] = g_strdup (text);
  result->warnings[n + 1] = NULL;
}

/* Plugins must not print; one that did is named, with how much, once per
 * row: its text is in the JSON, never in concbench's own output. */
static void
warn_plugin_output (CbResult *result)
{
  guint64 bytes = 0;
  guint runs = 0;
  for (guint i = 0; i < result->samples->len; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      bytes += s->plugin_output_bytes;
      runs += s->plugin_output_bytes > 0;
    }
  if (bytes == 0)
    return;
  g_autofree char *w = g_strdup_printf (
      "the plugin printed %" G_GUINT64_FORMAT " bytes to stdout or stderr "
      "in %u of %u runs; kept in the JSON (plugin_output), not shown",
      bytes, runs, result->samples->len);
  add_warning (result, w);
}

/* Processes the runs left alive behind their worker: they were killed,
 * but a benchmark that leaves them is broken, and they ran beside it. */
static void
warn_leftovers (CbResult *result)
{
  guint runs = 0;
  result->n_leftovers = 0;
  for (guint i = 0; i < result->samples->len; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      result->n_leftovers += s->n_leftovers;
      runs += s->n_leftovers > 0;
    }
  if (result->n_leftovers == 0)
    return;
  g_autofree char *w = g_strdup_printf (
      "%u process%s outlived %s run (%u of %u runs) and %s killed",
      result->n_leftovers, result->n_leftovers == 1 ? "" : "es",
      result->n_leftovers == 1 ? "its" : "their", runs,
      result->samples->len, result->n_leftovers == 1 ? "was" : "were");
  add_warning (result, w);
}

/* The open-loop figures, from each run's schedule and records. */
static void
load_figures (CbResult *result)
{
  guint n = result->samples->len, k = 0;
  g_autofree CbLoadRun *runs = g_new0 (CbLoadRun, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      if (s->intended == NULL)
        continue;
      runs[k++] = (CbLoadRun){ s->n_items, s->intended, s->completion,
                               s->service };
    }
  cb_load_result_clear (&result->load);
  cb_load_analyse (runs, k, result->bench->rate, &result->load);
}

static void
counter_means (CbResult *result)
{
  guint n = result->samples->len;
  g_autofree CbCounterReading *readings = g_new0 (CbCounterReading, n + 1);
  for (guint i = 0; i < n; i++)
    readings[i] = g_array_index (result->samples, CbRunSample, i).counters;
  cb_counter_means_compute (readings, n, &result->counters);
}

static void
analyse_one (GPtrArray *results, CbResult *result, guint n_cpus,
             gboolean memory_sampled)
{
  guint n = result->samples->len;
  g_autofree double *walls = cb_result_walls (result);
  g_autofree double *cpu = g_new0 (double, n + 1);
  g_autofree gboolean *flags = g_new0 (gboolean, n + 1);

  g_strfreev (result->warnings);
  result->warnings = g_new0 (char *, 1);
  cb_result_wall_stats (result);
  for (guint i = 0; i < n; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      cpu[i] = s->cpu_user + s->cpu_sys;
    }
  cb_stats_compute (cpu, n, &result->cpu);
  result->has_throughput = cb_throughput_stats (result, &result->throughput);
  counter_means (result);
  memory_stats (result, memory_sampled);
  cb_run_reports_analyse (result);
  /* Below the timer floor, rusage granularity swamps the ratio. */
  result->cpu_util = result->wall.mean >= TIMER_FLOOR
                         ? result->cpu.mean / result->wall.mean
                         : NAN;

  const CbResult *baseline = cb_results_find_baseline (results, result);
  speedup (result, baseline);
  ideal_time (result, baseline, n_cpus);
  item_percentiles (result, G_STRUCT_OFFSET (CbRunSample, completion),
                    &result->completion);
  item_percentiles (result, G_STRUCT_OFFSET (CbRunSample, service),
                    &result->service);
  timer_overshoot (result);
  load_figures (result);

  result->outliers = n >= MIN_RUNS_FOR_OUTLIERS
                         ? cb_stats_outliers (walls, n, flags)
                         : 0;
  g_auto (GStrv) warnings = cb_stats_warnings (&result->wall, MIN_RUNS,
                                               TIMER_FLOOR);
  for (guint i = 0; warnings[i] != NULL; i++)
    add_warning (result, warnings[i]);
  if (result->outliers > 0)
    {
      g_autofree char *w = g_strdup_printf (
          "%u of %u runs are outliers (modified Z-score > 3.5); they are "
          "kept in the statistics",
          result->outliers, n);
      add_warning (result, w);
    }
  warn_plugin_output (result);
  warn_leftovers (result);
}

void
cb_results_analyse (GPtrArray *results, guint n_cpus, gboolean memory_sampled)
{
  /* Baselines first: every other row's speedup and ideal depend on them. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < results->len; i++)
      {
        CbResult *r = results->pdata[i];
        if ((pass == 0) != is_baseline (r) || r->samples->len == 0)
          continue;
        analyse_one (results, r, n_cpus, memory_sampled);
      }
}
