/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's report: what the table and Markdown writers both say; see
 * report.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "report.h"
#include "report-load.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "counters-report.h"
#include "format.h"
#include "throughput.h"
#include "run-reports.h"
#include "usl.h"

/* ------------------------------------------------------------------------ */
/* Results                                                                   */

static gboolean
result_shows_figures (const CbResult *r)
{
  return r->status == CB_RESULT_OK && cb_result_measured (r);
}

const char *
cb_report_status_name (CbResultStatus status)
{
  switch (status)
    {
    case CB_RESULT_OK: return "ok";
    case CB_RESULT_FAILED: return "failed";
    case CB_RESULT_TIMED_OUT: return "timed-out";
    case CB_RESULT_PENDING: return "not-run";
    }
  return "unknown";
}

const char *
cb_report_workload_name (const CbBenchmark *bench)
{
  return bench->workload->desc->workload->name;
}

const char *
cb_report_strategy_name (const CbBenchmark *bench)
{
  return bench->strategy->desc->strategy->name;
}

/* What a row that has no figures shows instead, already display-safe; NULL
 * for a successful row. */
static char *
failure_text (const CbResult *r)
{
  const char *what;
  switch (r->status)
    {
    case CB_RESULT_FAILED: what = "failed"; break;
    case CB_RESULT_TIMED_OUT: what = "timed out"; break;
    case CB_RESULT_PENDING:
      return g_strdup (r->interrupted ? "not run (interrupted)" : "not run");
    case CB_RESULT_OK:
    default: return NULL;
    }
  if (r->error == NULL || r->error[0] == '\0')
    return g_strdup (what);
  g_autofree char *message = cb_text_display (r->error);
  /* "timed out after 2 s" says it already. */
  if (g_str_has_prefix (message, what))
    return g_steal_pointer (&message);
  return g_strdup_printf ("%s: %s", what, message);
}

/* ------------------------------------------------------------------------ */
/* Summary: the fastest strategy of each workload against its baseline      */

typedef struct {
  const char *workload_key;
  const CbResult *fastest;
  const CbResult *baseline; /* NULL without a sequential row */
} WorkloadSummary;

static GArray *
summarise_workloads (const CbReport *report)
{
  GPtrArray *results = report->results;
  GArray *out = g_array_new (FALSE, TRUE, sizeof (WorkloadSummary));
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      guint j;
      /* Open-loop rows take their schedule's time: no speed to compare. */
      if (!result_shows_figures (r) || r->load.open)
        continue;
      for (j = 0; j < out->len; j++)
        if (strcmp (g_array_index (out, WorkloadSummary, j).workload_key,
                    r->bench->workload_key) == 0)
          break;
      if (j == out->len)
        {
          WorkloadSummary s = { r->bench->workload_key, r,
                                  cb_results_find_baseline (results, r) };
          g_array_append_val (out, s);
        }
      else if (r->wall.mean
               < g_array_index (out, WorkloadSummary, j).fastest->wall.mean)
        g_array_index (out, WorkloadSummary, j).fastest = r;
    }
  return out;
}

/* Hyperfine's sentence; the ± is half the width of the speedup's 95 % CI. */
static char *
summary_sentence (const WorkloadSummary *s, CbTextFunc name_of)
{
  g_autofree char *fastest = name_of (s->fastest->bench->name);
  if (s->baseline == NULL)
    return g_strdup_printf ("%s was the fastest (no sequential row to "
                            "compare with)",
                            fastest);
  if (s->baseline == s->fastest || !isfinite (s->fastest->speedup))
    return g_strdup_printf ("%s was the fastest: no strategy beat running "
                            "the items in order",
                            fastest);
  g_autofree char *baseline = name_of (s->baseline->bench->name);
  g_autofree char *speedup = cb_fmt_fixed (s->fastest->speedup, 2);
  double half = (s->fastest->speedup_high - s->fastest->speedup_low) / 2;
  if (!isfinite (half))
    return g_strdup_printf ("%s ran %s times faster than %s", fastest,
                            speedup, baseline);
  g_autofree char *pm = cb_fmt_fixed (half, 2);
  return g_strdup_printf ("%s ran %s ± %s times faster than %s", fastest,
                          speedup, pm, baseline);
}

CbList *
cb_report_summary (const CbReport *report, CbTextFunc text, CbTextFunc name)
{
  g_autoptr (GArray) summaries = summarise_workloads (report);
  CbList *list = cb_list_new ();
  for (guint i = 0; i < summaries->len; i++)
    {
      const WorkloadSummary *s = &g_array_index (summaries, WorkloadSummary, i);
      cb_list_add_item (list, text (s->workload_key),
                        summary_sentence (s, name));
    }
  /* One line per fitted worker sweep (usl.h). */
  g_autoptr (GPtrArray) laws = cb_usl_laws (report);
  for (guint i = 0; i < laws->len; i++)
    cb_list_add_item (list, cb_usl_sentence (laws->pdata[i], text), NULL);
  g_autoptr (GPtrArray) load = cb_report_load_summary (report);
  for (guint i = 0; i < load->len; i++)
    cb_list_add_item (list, text (load->pdata[i]), NULL);
  return list;
}

CbList *
cb_report_warnings (const CbReport *report, CbTextFunc text)
{
  CbList *list = cb_list_new ();
  const GPtrArray *env = report->environment ? report->environment->warnings
                                             : NULL;
  for (guint i = 0; env != NULL && i < env->len; i++)
    {
      const CbEnvWarning *w = env->pdata[i];
      cb_list_add_item (list, text (w->message),
                        w->fix ? text (w->fix) : NULL);
    }
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      for (guint w = 0; r->warnings != NULL && r->warnings[w] != NULL; w++)
        {
          g_autofree char *name = text (r->bench->name);
          g_autofree char *warning = text (r->warnings[w]);
          cb_list_add_item (list, g_strdup_printf ("[%s] %s", name, warning),
                            NULL);
        }
    }
  return list;
}

/* ------------------------------------------------------------------------ */
/* Footer sentences                                                          */

static char *
memory_tree_sentence (const CbReport *report)
{
  double interval = report->options ? report->options->memory_interval : 0;
  if (!report->memory_sampled)
    return g_strdup ("Memory (maxrss): the worker's peak resident set size "
                     "(ru_maxrss); this system does not let concbench sample "
                     "the PSS of a process tree");
  if (interval <= 0)
    return g_strdup ("Memory: peak summed PSS of the worker's process tree");
  g_autofree char *ms = cb_fmt_general (interval * 1000, 6);
  return g_strdup_printf ("Memory: peak summed PSS of the worker's process "
                          "tree, sampled every %s ms",
                          ms);
}

/* Whether a row's strategy reported workers the core cannot see (ranks on
 * other hosts): their memory is not in the tree's. */
static gboolean
any_remote_workers (const CbReport *report)
{
  for (guint i = 0; report->results != NULL && i < report->results->len; i++)
    if (cb_run_reports_workers_run (report->results->pdata[i]) != NULL)
      return TRUE;
  return FALSE;
}

char *
cb_report_memory_sentence (const CbReport *report)
{
  g_autofree char *local = memory_tree_sentence (report);
  if (!any_remote_workers (report))
    return g_steal_pointer (&local);
  return g_strdup_printf ("%s; rows whose strategy reported remote workers "
                          "(MPI ranks) show only the local process tree: "
                          "each worker's own peak RSS and CPU, per host, "
                          "are in --format json (workers)",
                          local);
}

/* What the workers ran with, read back from them: the first run that
 * knows it (every worker of a session gets the same). */
static guint64
workers_timer_slack (const CbReport *report)
{
  for (guint i = 0; report->results != NULL && i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      for (guint k = 0; r->samples != NULL && k < r->samples->len; k++)
        {
          const CbRunSample *s = &g_array_index (r->samples, CbRunSample, k);
          if (s->timer_slack > 0)
            return s->timer_slack;
        }
    }
  return 0;
}

char *
cb_report_settings_sentence (const CbReport *report)
{
  GString *s = g_string_new (NULL);
  g_autofree char *runs = cb_text_display (report->runs);
  g_string_append_printf (s, "Runs: %s per benchmark after %u warm-up%s",
                          runs, report->warmups,
                          report->warmups == 1 ? "" : "s");
  if (report->options != NULL)
    {
      g_string_append_printf (s, "; seed %" G_GUINT64_FORMAT,
                              report->options->seed);
      if (report->options->timeout > 0)
        {
          g_autofree char *t = cb_fmt_general (report->options->timeout, 6);
          g_string_append_printf (s, "; timeout %s s per run", t);
        }
    }
  guint64 slack = workers_timer_slack (report);
  if (slack > 0)
    {
      g_autofree char *us = cb_fmt_general (slack / 1000.0, 6);
      g_string_append_printf (
          s, "; timer slack %s µs (%s)", us,
          report->options && report->options->timer_slack ? "--timer-slack"
                                                          : "the system's");
    }
  if (report->options != NULL && report->options->placement.cpus != NULL)
    g_string_append_printf (s, "; workers pinned to CPUs %s (--affinity)",
                            report->options->placement.cpus);
  if (report->options != NULL && report->options->placement.has_nice)
    g_string_append_printf (s, "; workers at nice %d (--nice)",
                            report->options->placement.nice);
  return g_string_free (s, FALSE);
}

static const char *
signal_name (int signum)
{
  switch (signum)
    {
    case SIGINT: return " (SIGINT)";
    case SIGTERM: return " (SIGTERM)";
    case SIGHUP: return " (SIGHUP)";
    case SIGQUIT: return " (SIGQUIT)";
    default: return "";
    }
}

char *
cb_report_incomplete_sentence (const CbReport *report)
{
  if (report->interrupted_by > 0)
    return g_strdup_printf ("INCOMPLETE: interrupted by signal %d%s; rows "
                            "marked 'not run' did not finish",
                            report->interrupted_by,
                            signal_name (report->interrupted_by));
  return g_strdup ("INCOMPLETE: the suite stopped early; rows marked "
                   "'not run' did not finish");
}

char *
cb_report_title (const CbReport *report)
{
  g_autofree char *name
      = cb_text_display (report->suite ? report->suite->name : NULL);
  return g_strdup_printf ("concbench — %s suite", name);
}

/* ------------------------------------------------------------------------ */
/* The results table                                                         */

enum {
  COL_NAME,
  COL_MEAN,
  COL_STDDEV,
  COL_MEMORY,
  COL_SPEEDUP,
  COL_EFFICIENCY,
  COL_CPU,
  N_COLS
};

typedef double (*ResultFigure) (const CbResult *r);

static double
wall_mean (const CbResult *r)
{
  return r->wall.mean;
}

static double
wall_stddev (const CbResult *r)
{
  return r->wall.stddev;
}

static double
pss_mean (const CbResult *r)
{
  return r->pss.mean;
}

/* The largest known value of a column, for its unit. */
static double
column_largest (GPtrArray *results, ResultFigure figure)
{
  double largest = 0;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      double v = result_shows_figures (r) ? fabs (figure (r)) : NAN;
      if (isfinite (v))
        largest = MAX (largest, v);
    }
  return largest;
}

typedef struct {
  CbTimeUnit mean, sd;
  CbMemoryUnit memory;
  gboolean has_throughput;
  CbThroughputUnit throughput;
} Units;

static char *
cell_speedup (double speedup)
{
  if (!isfinite (speedup))
    return g_strdup ("-");
  g_autofree char *v
      = cb_fmt_fixed (speedup, speedup >= 100 ? 0 : speedup >= 10 ? 1 : 2);
  return g_strconcat (v, "x", NULL);
}

static char *
cell_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup ("-");
  g_autofree char *v = cb_fmt_fixed (fraction * 100, 0);
  return g_strconcat (v, "%", NULL);
}

static void
set_figures (CbTable *table, guint row, const CbResult *r, const Units *u)
{
  char *cells[N_COLS] = { NULL };
  if (!cb_result_measured (r))
    for (guint c = COL_MEAN; c < N_COLS; c++)
      cells[c] = g_strdup ("-");
  else
    {
      cells[COL_MEAN] = cb_fmt_time (r->wall.mean, u->mean);
      /* One run has no spread to show, which is not the same as none. */
      cells[COL_STDDEV] = r->wall.n >= 2 ? cb_fmt_time (r->wall.stddev, u->sd)
                                         : g_strdup ("-");
      cells[COL_MEMORY] = cb_fmt_memory (r->pss.mean, u->memory);
      cells[COL_SPEEDUP] = cell_speedup (r->speedup);
      cells[COL_EFFICIENCY] = cell_percent (r->efficiency);
      cells[COL_CPU] = cb_fmt_fixed_or_dash (r->cpu_util, 2);
    }
  for (guint c = COL_MEAN; c < N_COLS; c++)
    cb_table_set_cell (table, row, c, cells[c], CB_TONE_NONE);
}

/* The throughput column, after the others, when the table has one. */
static void
set_throughput (CbTable *table, guint row, const CbResult *r, const Units *u)
{
  if (u->has_throughput)
    cb_table_set_cell (table, row, N_COLS,
                       cb_throughput_cell (r, u->throughput), CB_TONE_NONE);
}

static void
add_result_row (CbTable *table, const CbReport *report, const CbResult *r,
                const Units *u)
{
  char *span = failure_text (r);
  gboolean red = span != NULL && r->status != CB_RESULT_PENDING;
  guint row = cb_table_add_row (table, red ? CB_TONE_BAD : CB_TONE_NONE);
  cb_table_set_cell (table, row, COL_NAME, cb_text_display (r->bench->name),
                     CB_TONE_NONE);
  if (span != NULL)
    cb_table_set_span (table, row, span);
  else
    {
      set_figures (table, row, r, u);
      set_throughput (table, row, r, u);
      guint first_counter = N_COLS + (u->has_throughput ? 1 : 0);
      cb_report_counter_cells (table, row, first_counter, report, r);
    }
}

CbTable *
cb_report_table (const CbReport *report)
{
  Units u = {
    cb_time_unit_for (column_largest (report->results, wall_mean)),
    cb_time_unit_for (column_largest (report->results, wall_stddev)),
    cb_memory_unit_for (column_largest (report->results, pss_mean)),
    cb_throughput_any (report->results),
    cb_throughput_unit_for (report->results),
  };
  CbTable *table = cb_table_new (N_COLS + (u.has_throughput ? 1 : 0)
                                 + cb_report_counter_columns (report));

  cb_table_set_column (table, COL_NAME, g_strdup ("Benchmark"), FALSE);
  cb_table_set_column (table, COL_MEAN,
                       g_strdup_printf ("Mean (%s)", u.mean.name), TRUE);
  cb_table_set_column (table, COL_STDDEV,
                       g_strdup_printf ("± Std dev (%s)", u.sd.name), TRUE);
  cb_table_set_column (table, COL_MEMORY,
                       g_strdup_printf (report->memory_sampled
                                            ? "Memory (%s)"
                                            : "Memory (maxrss, %s)",
                                        u.memory.name),
                       TRUE);
  cb_table_set_column (table, COL_SPEEDUP, g_strdup ("Speedup"), TRUE);
  cb_table_set_column (table, COL_EFFICIENCY, g_strdup ("Efficiency"), TRUE);
  cb_table_set_column (table, COL_CPU, g_strdup ("CPU"), TRUE);
  if (u.has_throughput)
    cb_table_set_column (table, N_COLS,
                         g_strdup_printf ("Throughput (%s)", u.throughput.name),
                         TRUE);
  cb_report_counter_headers (table, N_COLS + (u.has_throughput ? 1 : 0),
                             report);
  guint open = 0;
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      /* An open-loop row's figures are its latencies, in the table of its
       * own (report-load.c); its wall time is the schedule's. */
      if (cb_result_measured (r) && r->load.open)
        open++;
      else
        add_result_row (table, report, r, &u);
    }
  if (open > 0 && open == report->results->len)
    cb_table_set_empty_text (
        table, g_strdup ("Every row ran open-loop (--rate): see below."));
  return table;
}

/* ------------------------------------------------------------------------ */

gboolean
cb_report_color_decide (gboolean is_tty, const char *no_color,
                        const char *term)
{
  return is_tty && no_color == NULL && term != NULL && term[0] != '\0'
         && strcmp (term, "dumb") != 0;
}

gboolean
cb_report_color_wanted (int fd)
{
  return cb_report_color_decide (isatty (fd), g_getenv ("NO_COLOR"),
                                 g_getenv ("TERM"));
}
