/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"

/* --runs auto stops when the 95 % CI half-width is this fraction of the
 * mean, after at least AUTO_MIN_RUNS runs. */
#define AUTO_TARGET 0.02
#define AUTO_MIN_RUNS 3
#define AUTO_MAX_RUNS 1000

typedef struct {
  const CbPlan *plan;
  const CbPlanSettings *settings;
  CbProgress *bar; /* the progress line on stderr; NULL: none */
} Session;

typedef struct {
  CbResult *result;
  gboolean done;
  double spent; /* seconds of measured runs, for --max-time */
  /* The longest run so far, warm-ups included: the next run's timeout is
   * derived from it, so that after a warm-up the first measured run no
   * longer gets only the allowance for an unknown one. */
  double longest;
  double elapsed; /* seconds of all its runs, warm-ups included */
} RowState;

/* Runs the row still has to make, warm-ups included; with --runs auto at
 * least the minimum, or one more. */
static guint
runs_left (const RowState *row, const Session *session)
{
  const CbResult *r = row->result;
  guint have = r->samples->len, warmups = session->settings->warmups;
  if (row->done)
    return 0;
  guint want = session->settings->runs > 0 ? session->settings->runs
                                            : MAX (AUTO_MIN_RUNS, have + 1);
  return (warmups > r->warmups_done ? warmups - r->warmups_done : 0)
         + (want > have ? want - have : 0);
}

/* The ETA's inputs over every row: seconds left after the current run's
 * row's next run, and seconds done.  A row whose length is not known yet
 * counts as the mean of those that are; none known: NAN. */
static double
estimate_rest (const RowState *rows, guint n, guint current,
               const Session *session, double *done)
{
  double known = 0, left = 0;
  guint n_known = 0, unknown_runs = 0;
  *done = 0;
  for (guint i = 0; i < n; i++)
    {
      double e = cb_plan_run_estimate (&rows[i].result->info, rows[i].longest);
      guint k = runs_left (&rows[i], session) - (i == current);
      *done += rows[i].elapsed;
      if (!isfinite (e))
        {
          unknown_runs += k;
          continue;
        }
      known += e;
      n_known++;
      left += k * e;
    }
  if (unknown_runs > 0)
    left += n_known ? unknown_runs * known / n_known : NAN;
  return left;
}

static void
progress (const Session *session, const RowState *rows, guint row, guint n,
          const char *what, guint run, const char *runs)
{
  if (session->bar == NULL)
    return;
  g_autofree char *status
      = g_strdup_printf ("[%u/%u] %s %u/%s: %s", row + 1, n, what, run, runs,
                         rows[row].result->bench->name);
  double done;
  double after = estimate_rest (rows, n, row, session, &done);
  double estimate
      = cb_plan_run_estimate (&rows[row].result->info, rows[row].longest);
  cb_progress_start_run (session->bar, status, estimate, after, done);
}

/* One run; a failure marks the row done.  Returns FALSE on interrupt. */
static gboolean
run_once (CbRunner *runner, RowState *row, gboolean measured,
          const Session *session)
{
  CbResult *result = row->result;
  CbRunSample sample;
  g_autoptr (GError) error = NULL;

  cb_runner_set_timeout (runner, cb_plan_run_timeout (session->plan,
                                                      &result->info,
                                                      row->longest));
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
      result->refused_params
          = g_error_matches (error, CB_RUN_ERROR, CB_RUN_ERROR_REFUSED);
      row->done = TRUE;
      return TRUE;
    }
  row->longest = MAX (row->longest, sample.wall);
  row->elapsed += sample.wall;
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
row_has_enough (const RowState *row, const Session *session)
{
  CbResult *result = row->result;
  guint n = result->samples->len;
  if (session->settings->runs > 0)
    return n >= session->settings->runs;
  if (n >= AUTO_MAX_RUNS || row->spent >= session->settings->max_time)
    return TRUE;
  if (n < AUTO_MIN_RUNS)
    return FALSE;
  const CbStats *s = cb_result_wall_stats (result);
  return s->mean > 0 && (s->ci95_high - s->mean) <= AUTO_TARGET * s->mean;
}

/* Warm-ups (when not done yet) and one measured run of a row. */
static gboolean
advance_row (CbRunner *runner, RowState *rows, guint index, guint n_rows,
             const Session *session)
{
  RowState *row = &rows[index];
  CbResult *result = row->result;
  g_autofree char *warmups = g_strdup_printf ("%u", session->settings->warmups);

  while (!row->done && result->warmups_done < session->settings->warmups)
    {
      progress (session, rows, index, n_rows, "warm-up",
                result->warmups_done + 1, warmups);
      if (!run_once (runner, row, FALSE, session))
        return FALSE;
    }
  if (row->done)
    return TRUE;
  progress (session, rows, index, n_rows, "run", result->samples->len + 1,
            session->settings->runs_text);
  if (!run_once (runner, row, TRUE, session))
    return FALSE;
  if (!row->done)
    row->done = row_has_enough (row, session);
  return TRUE;
}

/* Runs rows until each has its runs, failed, or the suite is interrupted;
 * FALSE on interrupt. */
static gboolean
run_rows (CbRunner *runner, RowState *rows, guint n,
          const Session *session)
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
              stopped = !advance_row (runner, rows, i, n, session);
              if (session->settings->interleave)
                break;
            }
          pending |= !rows[i].done;
        }
    }
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

/* Runs benchmarks[0..n-1], appending their results in that order. */
static void
run_benchmarks (CbRunner *runner, const CbBenchmark *const *benchmarks,
                guint n, GPtrArray *results, const Session *session)
{
  g_autofree RowState *rows = g_new0 (RowState, n + 1);
  for (guint i = 0; i < n; i++)
    {
      rows[i].result = cb_result_new (benchmarks[i], results->len);
      g_ptr_array_add (results, rows[i].result);
    }
  run_rows (runner, rows, n, session);
}

/* An added baseline only serves rows that were measured: one of its
 * workload's rows must have succeeded. */
static gboolean
baseline_wanted (GPtrArray *results, const CbBenchmark *baseline)
{
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (r->status == CB_RESULT_OK && r->samples->len > 0
          && strcmp (r->bench->workload_key, baseline->workload_key) == 0)
        return TRUE;
    }
  return FALSE;
}

GPtrArray *
cb_session_run (CbRunner *runner, const CbPlan *plan, gboolean progress)
{
  g_autoptr (CbProgress) bar = progress ? cb_progress_new () : NULL;
  const Session session = { plan, &plan->settings, bar };
  const CbBenchmark *const *rows
      = (const CbBenchmark *const *) plan->suite->benchmarks->pdata;
  GPtrArray *results
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);

  run_benchmarks (runner, rows, plan->n_requested, results, &session);
  if (cb_runner_interrupted ())
    return results;
  /* The added baselines run after the rows they serve, by themselves. */
  g_autoptr (GPtrArray) baselines = g_ptr_array_new ();
  for (guint i = plan->n_requested; i < plan->suite->benchmarks->len; i++)
    if (baseline_wanted (results, rows[i]))
      g_ptr_array_add (baselines, (gpointer) rows[i]);
  run_benchmarks (runner, (const CbBenchmark *const *) baselines->pdata,
                  baselines->len, results, &session);
  return results;
}
