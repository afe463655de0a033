/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* --runs auto stops when the 95 % CI half-width is this fraction of the
 * mean, after at least AUTO_MIN_RUNS runs. */
#define AUTO_TARGET 0.02
#define AUTO_MIN_RUNS 3
#define AUTO_MAX_RUNS 1000
/* Before a benchmark's first run, nothing is known of its length. */
#define TIMEOUT_UNKNOWN 600.0
#define TIMEOUT_BASE 60.0
#define TIMEOUT_FACTOR 10.0

typedef struct {
  CbResult *result;
  gboolean done;
  double spent; /* seconds of measured runs, for --max-time */
} RowState;

static void
progress (const CbSessionOptions *options, guint row, guint n_rows,
          const char *what, guint run, const char *runs, const char *name)
{
  if (!options->progress)
    return;
  /* \033[K clears what a longer previous line left behind. */
  fprintf (stderr, "\r\033[K[%u/%u] %s %u/%s: %s", row + 1, n_rows, what, run,
           runs, name);
  fflush (stderr);
}

static void
progress_end (const CbSessionOptions *options)
{
  if (options->progress)
    fprintf (stderr, "\r\033[K");
}

/* Generous: a run may take many times its sequential estimate on a loaded
 * machine, but a hung plugin must not hold the suite for ever. */
static double
timeout_for (const CbSessionOptions *options, const CbResult *result)
{
  if (options->timeout > 0)
    return options->timeout;
  if (result->info.latency_bound && result->info.item_waits != NULL)
    {
      double total = 0;
      for (guint i = 0; i < result->info.n_items; i++)
        total += result->info.item_waits[i];
      return TIMEOUT_BASE + TIMEOUT_FACTOR * total;
    }
  if (result->samples->len > 0)
    {
      CbStats s;
      g_autofree double *walls = cb_result_walls (result);
      cb_stats_compute (walls, result->samples->len, &s);
      /* The slowest CPU-bound strategy is about sequential: n_cpus x. */
      return TIMEOUT_BASE + TIMEOUT_FACTOR * s.max * g_get_num_processors ();
    }
  return TIMEOUT_UNKNOWN;
}

/* One run; a failure marks the row done.  Returns FALSE on interrupt. */
static gboolean
run_once (CbRunner *runner, RowState *row, gboolean measured,
          const CbSessionOptions *options)
{
  CbResult *result = row->result;
  CbRunSample sample;
  g_autoptr (GError) error = NULL;

  cb_runner_set_timeout (runner, timeout_for (options, result));
  if (!cb_runner_run (runner, result->bench, &result->info, &sample, &error))
    {
      if (g_error_matches (error, CB_RUN_ERROR, CB_RUN_ERROR_INTERRUPTED))
        {
          result->interrupted = TRUE;
          return FALSE;
        }
      cb_result_fail (result,
                      g_error_matches (error, CB_RUN_ERROR,
                                       CB_RUN_ERROR_TIMEOUT)
                          ? CB_RESULT_TIMED_OUT
                          : CB_RESULT_FAILED,
                      error->message);
      row->done = TRUE;
      return TRUE;
    }
  if (!measured)
    {
      result->warmups_done++;
      cb_run_sample_clear (&sample);
      return TRUE;
    }
  g_array_append_val (result->samples, sample);
  row->spent += sample.wall;
  result->status = CB_RESULT_OK;
  return TRUE;
}

static gboolean
row_has_enough (const RowState *row, const CbSessionOptions *options)
{
  const CbResult *result = row->result;
  guint n = result->samples->len;
  if (options->runs > 0)
    return n >= options->runs;
  if (n >= AUTO_MAX_RUNS || row->spent >= options->max_time)
    return TRUE;
  if (n < AUTO_MIN_RUNS)
    return FALSE;
  CbStats s;
  g_autofree double *walls = cb_result_walls (result);
  cb_stats_compute (walls, n, &s);
  return s.mean > 0 && (s.ci95_high - s.mean) <= AUTO_TARGET * s.mean;
}

/* Warm-ups (when not done yet) and one measured run of a row. */
static gboolean
advance_row (CbRunner *runner, RowState *row, guint index, guint n_rows,
             const CbSessionOptions *options)
{
  CbResult *result = row->result;
  g_autofree char *runs
      = options->runs ? g_strdup_printf ("%u", options->runs) : g_strdup ("auto");
  g_autofree char *warmups = g_strdup_printf ("%u", options->warmups);

  while (!row->done && result->warmups_done < options->warmups)
    {
      progress (options, index, n_rows, "warm-up", result->warmups_done + 1,
                warmups, result->bench->name);
      if (!run_once (runner, row, FALSE, options))
        return FALSE;
    }
  if (row->done)
    return TRUE;
  progress (options, index, n_rows, "run", result->samples->len + 1, runs,
            result->bench->name);
  if (!run_once (runner, row, TRUE, options))
    return FALSE;
  if (!row->done)
    row->done = row_has_enough (row, options);
  return TRUE;
}

/* Runs rows until each has its runs, failed, or the suite is interrupted;
 * FALSE on interrupt. */
static gboolean
run_rows (CbRunner *runner, RowState *rows, guint n,
          const CbSessionOptions *options)
{
  gboolean stopped = FALSE;
  /* Interleaved: round-robin, so slow drift (thermal, other load) hits every
   * row alike instead of whichever row ran during it. */
  for (gboolean pending = TRUE; pending && !stopped;)
    {
      pending = FALSE;
      for (guint i = 0; i < n && !stopped; i++)
        {
          while (!rows[i].done && !stopped)
            {
              stopped = !advance_row (runner, &rows[i], i, n, options);
              if (options->interleave)
                break;
            }
          pending |= !rows[i].done;
        }
    }
  progress_end (options);
  for (guint i = 0; i < n; i++)
    if (!rows[i].done && rows[i].result->status != CB_RESULT_FAILED
        && rows[i].result->status != CB_RESULT_TIMED_OUT)
      {
        rows[i].result->interrupted = TRUE;
        if (rows[i].result->samples->len == 0)
          rows[i].result->status = CB_RESULT_PENDING;
      }
  return !stopped;
}

static void
run_benchmarks (CbRunner *runner, GPtrArray *benchmarks, GPtrArray *results,
                const CbSessionOptions *options)
{
  guint n = benchmarks->len;
  g_autofree RowState *rows = g_new0 (RowState, n + 1);
  for (guint i = 0; i < n; i++)
    {
      rows[i].result = cb_result_new (benchmarks->pdata[i], results->len);
      g_ptr_array_add (results, rows[i].result);
    }
  run_rows (runner, rows, n, options);
}

GPtrArray *
cb_session_run (CbRunner *runner, const CbSuite *suite,
                const CbSessionOptions *options)
{
  GPtrArray *results
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);
  run_benchmarks (runner, suite->benchmarks, results, options);
  return results;
}

static gboolean
needs_baseline (GPtrArray *results, const CbResult *r)
{
  if (r->status != CB_RESULT_OK || r->info.latency_bound
      || r->samples->len == 0)
    return FALSE;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *other = results->pdata[i];
      if (strcmp (other->bench->workload_key, r->bench->workload_key) == 0
          && strcmp (other->bench->strategy->desc->strategy->name,
                     CB_BASELINE_STRATEGY) == 0)
        return FALSE; /* present, even if it failed: don't run it twice */
    }
  return TRUE;
}

void
cb_session_add_baselines (CbRunner *runner, CbSuite *suite,
                          const CbRegistry *registry, GPtrArray *results,
                          const CbSessionOptions *options)
{
  const CbPlugin *sequential
      = cb_registry_find_strategy (registry, CB_BASELINE_STRATEGY);
  g_autoptr (GPtrArray) added = g_ptr_array_new ();

  if (sequential == NULL || cb_runner_interrupted ())
    return;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (!needs_baseline (results, r))
        continue;
      gboolean queued = FALSE;
      for (guint j = 0; j < added->len && !queued; j++)
        queued = strcmp (((CbBenchmark *) added->pdata[j])->workload_key,
                         r->bench->workload_key) == 0;
      if (queued)
        continue;
      CbBenchmark *b = cb_suite_add_baseline (suite, r->bench, sequential, NULL);
      if (b != NULL)
        g_ptr_array_add (added, b);
    }
  run_benchmarks (runner, added, results, options);
}
