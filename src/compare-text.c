/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "compare-text.h"

#include <math.h>
#include <string.h>

#include "format.h"

enum {
  C_NAME,
  C_OLD,
  C_NEW,
  C_RATIO,
  C_CI,
  C_PW,
  C_PMW,
  C_VERDICT,
  N_C
};

static CbTimeUnit
pick_unit (const CbComparison *c)
{
  double largest = 0;
  for (guint i = 0; i < c->rows->len; i++)
    {
      const CbCompareRow *r = &g_array_index (c->rows, CbCompareRow, i);
      if (r->kind == CB_COMPARE_COMPARED)
        largest = MAX (largest, MAX (r->so.mean, r->sn.mean));
    }
  return cb_time_unit_for (largest);
}

static char *
ci_cell (const CbCompareRow *r)
{
  if (!isfinite (r->ratio_low) || !isfinite (r->ratio_high))
    return g_strdup ("-");
  g_autofree char *lo = cb_fmt_fixed (r->ratio_low, 3);
  g_autofree char *hi = cb_fmt_fixed (r->ratio_high, 3);
  return g_strdup_printf ("[%s, %s]", lo, hi);
}

static char *
p_cell (double p)
{
  if (!isfinite (p))
    return g_strdup ("-");
  if (p < 0.001)
    return g_strdup ("<0.001");
  return cb_fmt_fixed (p, 3);
}

static void
append_side_failure (GString *s, const CbResultsBench *b, const char *side)
{
  if (s->len > 0)
    g_string_append (s, "; ");
  if (strcmp (b->status, "ok") == 0)
    {
      g_string_append_printf (s, "no measured run in %s", side);
      return;
    }
  g_autofree char *status = cb_text_display (b->status);
  g_string_append_printf (s, "%s in %s", status, side);
  if (b->error != NULL && b->error[0] != '\0')
    {
      g_autofree char *msg = cb_text_display (b->error);
      g_string_append_printf (s, ": %s", msg);
    }
}

/* "failed in NEW: message", "not run in OLD", … */
static char *
failure_text (const CbCompareRow *r)
{
  GString *s = g_string_new (NULL);
  if (!cb_results_bench_usable (r->old))
    append_side_failure (s, r->old, "OLD");
  if (!cb_results_bench_usable (r->new_))
    append_side_failure (s, r->new_, "NEW");
  return g_string_free (s, FALSE);
}

static CbTone
verdict_tone (CbVerdict v)
{
  return v == CB_VERDICT_FASTER   ? CB_TONE_GOOD
         : v == CB_VERDICT_SLOWER ? CB_TONE_BAD
                                  : CB_TONE_NONE;
}

static void
set_figures (CbTable *table, guint row, const CbCompareRow *r, CbTimeUnit unit)
{
  cb_table_set_cell (table, row, C_OLD, cb_fmt_time (r->so.mean, unit),
                     CB_TONE_NONE);
  cb_table_set_cell (table, row, C_NEW, cb_fmt_time (r->sn.mean, unit),
                     CB_TONE_NONE);
  cb_table_set_cell (table, row, C_RATIO, cb_fmt_fixed_or_dash (r->ratio, 3),
                     CB_TONE_NONE);
  cb_table_set_cell (table, row, C_CI, ci_cell (r), CB_TONE_NONE);
  cb_table_set_cell (table, row, C_PW, p_cell (r->p_welch), CB_TONE_NONE);
  cb_table_set_cell (table, row, C_PMW, p_cell (r->p_mw), CB_TONE_NONE);
  cb_table_set_cell (table, row, C_VERDICT,
                     g_strdup (cb_verdict_text (r->verdict)),
                     verdict_tone (r->verdict));
}

static void
set_columns (CbTable *table, CbTimeUnit unit)
{
  cb_table_set_column (table, C_NAME, g_strdup ("Benchmark"), FALSE);
  cb_table_set_column (table, C_OLD, g_strdup_printf ("Old (%s)", unit.name),
                       TRUE);
  cb_table_set_column (table, C_NEW, g_strdup_printf ("New (%s)", unit.name),
                       TRUE);
  cb_table_set_column (table, C_RATIO, g_strdup ("New/Old"), TRUE);
  cb_table_set_column (table, C_CI, g_strdup ("95% CI"), TRUE);
  cb_table_set_column (table, C_PW, g_strdup ("p (Welch)"), TRUE);
  cb_table_set_column (table, C_PMW, g_strdup ("p (MWU)"), TRUE);
  cb_table_set_column (table, C_VERDICT, g_strdup ("Verdict"), FALSE);
}

CbTable *
cb_comparison_table (const CbComparison *c)
{
  CbTimeUnit unit = pick_unit (c);
  CbTable *table = cb_table_new (N_C);

  set_columns (table, unit);
  cb_table_set_empty_text (table, g_strdup ("No benchmark is in both files."));
  for (guint i = 0; i < c->rows->len; i++)
    {
      const CbCompareRow *r = &g_array_index (c->rows, CbCompareRow, i);
      gboolean failed = r->kind == CB_COMPARE_FAILED;
      if (r->kind != CB_COMPARE_COMPARED && !failed)
        continue;
      guint row = cb_table_add_row (table, failed ? CB_TONE_BAD : CB_TONE_NONE);
      cb_table_set_cell (table, row, C_NAME, cb_text_display (r->old->name),
                         CB_TONE_NONE);
      if (failed)
        cb_table_set_span (table, row, failure_text (r));
      else
        set_figures (table, row, r, unit);
    }
  return table;
}

char *
cb_comparison_geomean_sentence (const CbComparison *c)
{
  if (c->n_ratios == 0 || !isfinite (c->geomean))
    return g_strdup ("Geometric mean of new/old: - (no benchmark compared)");
  g_autofree char *g = cb_fmt_fixed (c->geomean, 3);
  double change = (c->geomean - 1) * 100;
  g_autofree char *pct = cb_fmt_fixed (fabs (change), 1);
  g_autofree char *what
      = fabs (change) < 0.05 ? g_strdup ("no change")
        : change < 0 ? g_strdup_printf ("NEW takes %s%% less time", pct)
                     : g_strdup_printf ("NEW takes %s%% more time", pct);
  return g_strdup_printf (
      "Geometric mean of new/old over %u benchmark%s: %s (%s)", c->n_ratios,
      c->n_ratios == 1 ? "" : "s", g, what);
}

char *
cb_comparison_method_sentence (const CbComparison *c)
{
  g_autofree char *alpha = cb_fmt_general (c->alpha, 6);
  return g_strdup_printf (
      "Verdicts per row from Welch's t-test at alpha = %s (the geometric "
      "mean is not a test); the Mann-Whitney U p-value is shown where both "
      "sides have at least %d runs. New/old below 1 means NEW is faster; the "
      "CI is its 95%% confidence interval.",
      alpha, CB_COMPARE_MIN_RUNS_MWU);
}

char *
cb_comparison_file_sentence (const CbResultsFile *f)
{
  GString *s = g_string_new (NULL);
  g_autofree char *path = cb_text_display (f->path);
  g_string_append (s, path);
  if (f->suite != NULL)
    {
      g_autofree char *suite = cb_text_display (f->suite);
      g_string_append_printf (s, " (%s suite", suite);
      if (f->date != NULL)
        {
          g_autofree char *date = cb_text_display (f->date);
          g_string_append_printf (s, ", %s", date);
        }
      g_string_append_c (s, ')');
    }
  if (!f->complete)
    g_string_append (s, " [INCOMPLETE: the run was interrupted]");
  return g_string_free (s, FALSE);
}

char *
cb_comparison_seed_note (const CbComparison *c)
{
  if (c->old->seed == NULL || c->new_->seed == NULL
      || strcmp (c->old->seed, c->new_->seed) == 0)
    return NULL;
  g_autofree char *a = cb_text_display (c->old->seed);
  g_autofree char *b = cb_text_display (c->new_->seed);
  return g_strdup_printf ("Note: the seeds differ (OLD %s, NEW %s): the "
                          "workloads' random data differ too",
                          a, b);
}

static char *
unmatched_heading (const CbComparison *c, CbCompareKind kind)
{
  guint n = 0;
  for (guint i = 0; i < c->rows->len; i++)
    n += g_array_index (c->rows, CbCompareRow, i).kind == kind;
  return g_strdup_printf ("Only in %s (%u):",
                          kind == CB_COMPARE_ONLY_OLD ? "OLD" : "NEW", n);
}

static char *
unmatched_item (const CbResultsBench *b, CbTextFunc text)
{
  g_autofree char *name = text (b->name);
  /* Command-line suites name rows by their parameters already. */
  if (strstr (b->name, b->workload_key) != NULL)
    return g_steal_pointer (&name);
  g_autofree char *wk = text (b->workload_key);
  g_autofree char *st = text (b->strategy);
  return g_strdup_printf ("%s (%s / %s)", name, wk, st);
}

static CbList *
unmatched_list (const CbComparison *c, CbCompareKind kind, CbTextFunc text)
{
  CbList *list = cb_list_new ();
  for (guint i = 0; i < c->rows->len; i++)
    {
      const CbCompareRow *r = &g_array_index (c->rows, CbCompareRow, i);
      const CbResultsBench *b = kind == CB_COMPARE_ONLY_OLD ? r->old : r->new_;
      if (r->kind == kind)
        cb_list_add_item (list, unmatched_item (b, text), NULL);
    }
  return list;
}

void
cb_comparison_append_unmatched (GString *out, const CbComparison *c,
                                CbTextFunc text, CbListAppendFunc append)
{
  static const CbCompareKind kinds[2] = { CB_COMPARE_ONLY_OLD,
                                          CB_COMPARE_ONLY_NEW };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *heading = unmatched_heading (c, kinds[i]);
      g_autoptr (CbList) list = unmatched_list (c, kinds[i], text);
      append (out, list, heading);
    }
}
