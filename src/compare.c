/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench compare: matching, verdicts and the command line; see
 * compare.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "compare.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "output.h"
#include "params.h"
#include "report.h"
#include "writer.h"

#define DEFAULT_ALPHA 0.05

/* ------------------------------------------------------------------------ */
/* Scale: both files must have measured the same work                       */

static GPtrArray *
workload_keys_of (const CbResultsFile *f, const char *workload)
{
  GPtrArray *keys = g_ptr_array_new ();
  for (guint i = 0; i < f->benches->len; i++)
    {
      const CbResultsBench *b = f->benches->pdata[i];
      gboolean seen = FALSE;
      if (strcmp (b->workload, workload) != 0)
        continue;
      for (guint k = 0; k < keys->len && !seen; k++)
        seen = strcmp (keys->pdata[k], b->workload_key) == 0;
      if (!seen)
        g_ptr_array_add (keys, b->workload_key);
    }
  return keys;
}

static gboolean
keys_intersect (GPtrArray *a, GPtrArray *b)
{
  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < b->len; j++)
      if (strcmp (a->pdata[i], b->pdata[j]) == 0)
        return TRUE;
  return FALSE;
}

static gboolean
check_scales (const CbResultsFile *old, const CbResultsFile *new_,
              GError **error)
{
  /* A workload both files ran, never with the same parameters. */
  for (guint i = 0; i < old->benches->len; i++)
    {
      const CbResultsBench *b = old->benches->pdata[i];
      g_autoptr (GPtrArray) ko = workload_keys_of (old, b->workload);
      g_autoptr (GPtrArray) kn = workload_keys_of (new_, b->workload);
      if (kn->len > 0 && !keys_intersect (ko, kn))
        return cb_results_file_error (
            error, new_->path,
            "different workload scale from %s: it ran %s, "
            "%s ran %s",
            old->path, (char *)kn->pdata[0], old->path, (char *)ko->pdata[0]);
    }
  /* A benchmark name both files have, never with the same workload. */
  for (guint i = 0; i < old->benches->len; i++)
    {
      const CbResultsBench *b = old->benches->pdata[i];
      const CbResultsBench *other = NULL;
      gboolean same = FALSE;
      for (guint j = 0; j < new_->benches->len && !same; j++)
        {
          const CbResultsBench *c = new_->benches->pdata[j];
          if (strcmp (c->name, b->name) != 0)
            continue;
          other = c;
          same = strcmp (c->workload_key, b->workload_key) == 0;
        }
      if (other != NULL && !same)
        return cb_results_file_error (
            error, new_->path,
            "different workload scale from %s: '%s' ran %s "
            "here and %s there",
            old->path, b->name, other->workload_key, b->workload_key);
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The comparison                                                            */

const char *
cb_verdict_text (CbVerdict v)
{
  switch (v)
    {
    case CB_VERDICT_FASTER: return "faster";
    case CB_VERDICT_SLOWER: return "slower";
    case CB_VERDICT_NOT_SIGNIFICANT: return "not significant";
    case CB_VERDICT_TOO_FEW_RUNS: return "not significant (too few runs)";
    case CB_VERDICT_NONE:
    default: return NULL;
    }
}

const char *
cb_compare_kind_name (CbCompareKind k)
{
  switch (k)
    {
    case CB_COMPARE_COMPARED: return "compared";
    case CB_COMPARE_FAILED: return "failed";
    case CB_COMPARE_ONLY_OLD: return "only-in-old";
    case CB_COMPARE_ONLY_NEW: return "only-in-new";
    }
  return "unknown";
}

gboolean
cb_results_bench_usable (const CbResultsBench *b)
{
  return strcmp (b->status, "ok") == 0 && b->walls->len > 0;
}

static const double *
walls_of (const CbResultsBench *b)
{
  return (const double *) (gpointer) b->walls->data;
}

void
cb_results_bench_stats (const CbResultsBench *b, CbStats *out)
{
  cb_stats_compute (walls_of (b), b->walls->len, out);
}

static void
row_compute (CbCompareRow *row, double alpha)
{
  const double *a = walls_of (row->old), *b = walls_of (row->new_);
  guint na = row->old->walls->len, nb = row->new_->walls->len;

  cb_stats_compute (a, na, &row->so);
  cb_stats_compute (b, nb, &row->sn);
  cb_ratio_ci95 (a, na, b, nb, &row->ratio, &row->ratio_low,
                 &row->ratio_high);
  row->p_welch = cb_welch_t_test (a, na, b, nb, NULL);
  row->p_mw = na >= CB_COMPARE_MIN_RUNS_MWU && nb >= CB_COMPARE_MIN_RUNS_MWU
                  ? cb_mann_whitney_u (a, na, b, nb, NULL)
                  : NAN;
  if (isnan (row->p_welch))
    row->verdict = CB_VERDICT_TOO_FEW_RUNS;
  else if (row->p_welch < alpha && isfinite (row->ratio) && row->ratio < 1)
    row->verdict = CB_VERDICT_FASTER;
  else if (row->p_welch < alpha && isfinite (row->ratio) && row->ratio > 1)
    row->verdict = CB_VERDICT_SLOWER;
  else
    row->verdict = CB_VERDICT_NOT_SIGNIFICANT;
}

void
cb_comparison_free (CbComparison *c)
{
  if (c == NULL)
    return;
  cb_results_file_free (c->old);
  cb_results_file_free (c->new_);
  if (c->rows != NULL)
    g_array_unref (c->rows);
  g_free (c);
}

CbComparison *
cb_comparison_new (CbResultsFile *old, CbResultsFile *new_, double alpha)
{
  CbComparison *c = g_new0 (CbComparison, 1);
  g_autoptr (GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) matched = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));

  c->old = old;
  c->new_ = new_;
  c->alpha = alpha;
  c->rows = g_array_new (FALSE, TRUE, sizeof (CbCompareRow));
  for (guint i = 0; i < new_->benches->len; i++)
    {
      CbResultsBench *b = new_->benches->pdata[i];
      g_hash_table_insert (by_key, b->key, b);
    }
  for (guint i = 0; i < old->benches->len; i++)
    {
      CbCompareRow row = { 0 };
      row.old = old->benches->pdata[i];
      row.new_ = g_hash_table_lookup (by_key, row.old->key);
      row.ratio = row.ratio_low = row.ratio_high = NAN;
      row.p_welch = row.p_mw = NAN;
      if (row.new_ == NULL)
        row.kind = CB_COMPARE_ONLY_OLD;
      else
        {
          g_hash_table_add (matched, (gpointer) row.new_);
          if (cb_results_bench_usable (row.old)
              && cb_results_bench_usable (row.new_))
            {
              row.kind = CB_COMPARE_COMPARED;
              row_compute (&row, alpha);
              if (isfinite (row.ratio) && row.ratio > 0)
                g_array_append_val (ratios, row.ratio);
            }
          else
            row.kind = CB_COMPARE_FAILED;
        }
      g_array_append_val (c->rows, row);
    }
  for (guint i = 0; i < new_->benches->len; i++)
    {
      CbCompareRow row = { 0 };
      row.new_ = new_->benches->pdata[i];
      if (g_hash_table_contains (matched, row.new_))
        continue;
      row.kind = CB_COMPARE_ONLY_NEW;
      row.ratio = row.ratio_low = row.ratio_high = NAN;
      row.p_welch = row.p_mw = NAN;
      g_array_append_val (c->rows, row);
    }
  c->n_ratios = ratios->len;
  c->geomean = ratios->len ? cb_geometric_mean (
                   (const double *)(gpointer)ratios->data, ratios->len)
                           : NAN;
  return c;
}

/* ------------------------------------------------------------------------ */
/* Command line                                                              */

typedef struct {
  char *alpha;
  char *fail_above;
  char *format;
  char *output;
  GStrv exports;
  GStrv files;
} CompareOptions;

static GOptionContext *
compare_context (CompareOptions *o, GOptionEntry **entries_out)
{
  GOptionEntry entries[] = {
    { "alpha", 0, 0, G_OPTION_ARG_STRING, &o->alpha,
      "Significance level of the verdicts, 0 < A < 1 [default: 0.05]", "A" },
    { "fail-above", 0, 0, G_OPTION_ARG_STRING, &o->fail_above,
      "Exit 1, naming them, when benchmarks are significantly slower than "
      "in OLD by more than PCT %",
      "PCT" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->format,
      "Output format: table, json, csv or markdown [default: table, or from "
      "the -o file name]",
      "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
      "Write the comparison to FILE", "FILE" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->exports,
      "Also write the comparison to FILE, in the format its extension names "
      "(repeatable)",
      "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL,
      NULL },
    { NULL }
  };
  GOptionContext *ctx
      = g_option_context_new ("OLD.json NEW.json [NEW2.json...] - compare "
                              "result files");
  *entries_out = g_memdup (entries, sizeof entries);
  g_option_context_set_summary (
      ctx, "Compares two results files written by concbench --format json "
           "(or -o FILE.json):\nper benchmark matched by name and "
           "parameters, the old and new mean time, their ratio\nwith its 95% "
           "confidence interval, Welch's t-test and Mann-Whitney U "
           "p-values, and a verdict:\nfaster, slower or not significant.  "
           "More files than two are each compared with the first.");
  g_option_context_set_description (
      ctx, "Exit status: 0 compared, 1 --fail-above found a slower "
           "benchmark (or an output\nfile could not be written), 2 a file is "
           "missing, not a concbench JSON results file,\nof an unknown schema "
           "version or of a different workload scale, or a usage error.\n"
           "Environment: NO_COLOR.\n");
  g_option_context_add_main_entries (ctx, *entries_out, NULL);
  return ctx;
}

static void
compare_options_clear (CompareOptions *o)
{
  g_free (o->alpha);
  g_free (o->fail_above);
  g_free (o->format);
  g_free (o->output);
  g_strfreev (o->exports);
  g_strfreev (o->files);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CompareOptions, compare_options_clear)

char *
cb_compare_help (void)
{
  CompareOptions o = { 0 };
  g_autofree GOptionEntry *entries = NULL;
  g_autoptr (GOptionContext) ctx = compare_context (&o, &entries);
  g_set_prgname ("concbench compare");
  return g_option_context_get_help (ctx, TRUE, NULL);
}

static gboolean
parse_alpha (const char *text, double *out)
{
  char *end = NULL;
  if (text == NULL)
    {
      *out = DEFAULT_ALPHA;
      return TRUE;
    }
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(v > 0 && v < 1))
    return FALSE;
  *out = v;
  return TRUE;
}

/* --fail-above PCT: a finite percentage, 0 or more; NAN without it. */
static gboolean
parse_fail_above (const char *text, double *out)
{
  char *end = NULL;
  *out = NAN;
  if (text == NULL)
    return TRUE;
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite (v) || v < 0
      || g_ascii_isspace (*text))
    return FALSE;
  *out = v;
  return TRUE;
}

/* Parses argv (argv[0] is "compare" by then) into o, alpha and the
 * --fail-above percentage. */
static gboolean
parse_command_line (CompareOptions *o, int argc, char **argv, double *alpha,
                    double *fail_above, GError **error)
{
  g_autofree GOptionEntry *entries = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GOptionContext) ctx = compare_context (o, &entries);
  if (!g_option_context_parse (ctx, &argc, &argv, &local))
    {
      cb_set_usage_error (error, "compare: %s", local->message);
      return FALSE;
    }
  guint n_files = o->files ? g_strv_length (o->files) : 0;
  if (n_files < 2)
    {
      cb_set_usage_error (error,
                          "compare: expected two files or more, OLD.json "
                          "then NEW.json... (got %u; see compare --help)",
                          n_files);
      return FALSE;
    }
  if (!parse_alpha (o->alpha, alpha))
    {
      cb_set_usage_error (error,
                          "compare: --alpha: '%s' must be a number between "
                          "0 and 1 (exclusive)",
                          o->alpha);
      return FALSE;
    }
  if (!parse_fail_above (o->fail_above, fail_above))
    {
      cb_set_usage_error (error,
                          "compare: --fail-above: '%s' must be a percentage, "
                          "a number 0 or more",
                          o->fail_above);
      return FALSE;
    }
  return TRUE;
}

static CbComparison *
compare_files (const char *old_path, const char *new_path, double alpha,
               GError **error)
{
  g_autoptr (CbResultsFile) old = cb_results_file_read (old_path, error);
  if (old == NULL)
    return NULL;
  g_autoptr (CbResultsFile) new_ = cb_results_file_read (new_path, error);
  if (new_ == NULL || !check_scales (old, new_, error))
    return NULL;
  return cb_comparison_new (g_steal_pointer (&old), g_steal_pointer (&new_),
                            alpha);
}

/* Each file after the first against the first, which is read once per
 * pair: a comparison owns both of its files. */
static GPtrArray *
compare_all (GStrv files, double alpha, GError **error)
{
  g_autoptr (GPtrArray) pairs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_comparison_free);
  for (guint i = 1; files[i] != NULL; i++)
    {
      CbComparison *c = compare_files (files[0], files[i], alpha, error);
      if (c == NULL)
        return NULL;
      g_ptr_array_add (pairs, c);
    }
  return g_steal_pointer (&pairs);
}

/* Every file is attempted; the failures, if any, make one error. */
static void
write_outputs (const GPtrArray *pairs, GPtrArray *outputs, GError **error)
{
  g_autoptr (GString) failures = g_string_new (NULL);
  for (guint i = 0; i < outputs->len; i++)
    {
      const CbOutput *out = outputs->pdata[i];
      g_autofree char *text
          = cb_writer_for (out->format)->comparison (pairs, FALSE);
      g_autoptr (GError) local = NULL;
      if (!cb_output_write (out->path, text, &local))
        g_string_append_printf (failures, "%s%s", failures->len ? "; " : "",
                                local->message);
    }
  if (failures->len > 0)
    g_set_error_literal (error, CB_ERROR, CB_ERROR_FAILED, failures->str);
}

gboolean
cb_compare_row_regressed (const CbCompareRow *r, double pct)
{
  return r->kind == CB_COMPARE_COMPARED && r->verdict == CB_VERDICT_SLOWER
         && isfinite (r->ratio) && (r->ratio - 1) * 100 > pct;
}

static void
add_regressions (GPtrArray *lines, const CbComparison *c, double pct)
{
  g_autofree char *limit = cb_fmt_general (pct, 6);
  for (guint i = 0; i < c->rows->len; i++)
    {
      const CbCompareRow *r = &g_array_index (c->rows, CbCompareRow, i);
      if (!cb_compare_row_regressed (r, pct))
        continue;
      g_autofree char *slower = cb_fmt_fixed ((r->ratio - 1) * 100, 1);
      g_autofree char *p = cb_fmt_general (r->p_welch, 2);
      g_ptr_array_add (lines,
                       g_strdup_printf ("compare: '%s' is %s%% slower in %s "
                                        "than in %s (p = %s), above "
                                        "--fail-above %s%%",
                                        r->old->name, slower, c->new_->path,
                                        c->old->path, p, limit));
    }
}

/* The --fail-above lines, one per row; NULL when none (or no gate). */
static GStrv
regressions_of (const GPtrArray *pairs, double pct)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  if (isnan (pct))
    return NULL;
  for (guint i = 0; i < pairs->len; i++)
    add_regressions (lines, pairs->pdata[i], pct);
  if (lines->len == 0)
    return NULL;
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

char *
cb_compare_run (int argc, char **argv, GStrv *regressions, GError **error)
{
  g_auto (CompareOptions) o = { 0 };
  CbFormat stdout_format = CB_FORMAT_TABLE;
  double alpha = DEFAULT_ALPHA, fail_above = NAN;

  *regressions = NULL;
  /* GOption sees "compare" as argv[0]; --help says "concbench compare". */
  g_set_prgname ("concbench compare");
  if (!parse_command_line (&o, argc - 1, argv + 1, &alpha, &fail_above,
                           error))
    return NULL;
  g_autoptr (GPtrArray) outputs = cb_outputs_collect (
      o.output, o.format, (const char *const *) o.exports, &stdout_format,
      error);
  if (outputs == NULL)
    return NULL;
  g_autoptr (GPtrArray) pairs = compare_all (o.files, alpha, error);
  if (pairs == NULL)
    return NULL;
  write_outputs (pairs, outputs, error);
  *regressions = regressions_of (pairs, fail_above);
  gboolean color = stdout_format == CB_FORMAT_TABLE
                   && cb_report_color_wanted (STDOUT_FILENO);
  return cb_writer_for (stdout_format)->comparison (pairs, color);
}
