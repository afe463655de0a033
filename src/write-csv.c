/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV writer (RFC 4180: CRLF line ends, quoted fields): a run's report
 * one row per benchmark, a comparison one row per compared entry. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "writer.h"

#include <math.h>
#include <string.h>

#include "counters-report.h"
#include "format.h"
#include "throughput.h"

/* Appends one field, comma-separated from what line holds. */
static void
csv_append_field (GString *line, const char *field)
{
  if (line->len > 0)
    g_string_append_c (line, ',');
  if (field == NULL)
    return;
  g_autofree char *valid = g_utf8_make_valid (field, -1);
  if (strpbrk (valid, ",\"\r\n") == NULL)
    {
      g_string_append (line, valid);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/* ---- a run's report ---- */

typedef enum {
  CSV_SECONDS, /* and other real numbers */
  CSV_BYTES,
  CSV_OVERSHOOT, /* seconds, only when the row has an overshoot */
  CSV_LOAD,      /* only for an open-loop row (--rate) */
  CSV_VERDICT,   /* load.kept_up as its verdict, open-loop rows only */
} CsvKind;

typedef struct {
  const char *name;
  gsize offset; /* of a double in CbResult */
  CsvKind kind;
} CsvFigure;

#define FIG(name, member, kind)                                               \
  { name, G_STRUCT_OFFSET (CbResult, member), kind }

static const CsvFigure csv_figures[] = {
  FIG ("mean", wall.mean, CSV_SECONDS),
  FIG ("stddev", wall.stddev, CSV_SECONDS),
  FIG ("median", wall.median, CSV_SECONDS),
  FIG ("mad", wall.mad, CSV_SECONDS),
  FIG ("min", wall.min, CSV_SECONDS),
  FIG ("max", wall.max, CSV_SECONDS),
  FIG ("ci95_low", wall.ci95_low, CSV_SECONDS),
  FIG ("ci95_high", wall.ci95_high, CSV_SECONDS),
  FIG ("cv", wall.cv, CSV_SECONDS),
  FIG ("cpu_mean", cpu.mean, CSV_SECONDS),
  FIG ("cpu_utilisation", cpu_util, CSV_SECONDS),
  FIG ("memory_pss_mean_bytes", pss.mean, CSV_BYTES),
  FIG ("memory_rss_mean_bytes", rss.mean, CSV_BYTES),
  FIG ("ideal", ideal, CSV_SECONDS),
  FIG ("efficiency", efficiency, CSV_SECONDS),
  FIG ("speedup", speedup, CSV_SECONDS),
  FIG ("karp_flatt", karp_flatt, CSV_SECONDS),
  FIG ("completion_p50", completion.p50, CSV_SECONDS),
  FIG ("completion_p90", completion.p90, CSV_SECONDS),
  FIG ("completion_p99", completion.p99, CSV_SECONDS),
  FIG ("completion_max", completion.max, CSV_SECONDS),
  FIG ("service_p50", service.p50, CSV_SECONDS),
  FIG ("service_p90", service.p90, CSV_SECONDS),
  FIG ("service_p99", service.p99, CSV_SECONDS),
  FIG ("service_max", service.max, CSV_SECONDS),
  FIG ("overshoot_mean", overshoot_mean, CSV_OVERSHOOT),
  FIG ("overshoot_max", overshoot_max, CSV_OVERSHOOT),
  FIG ("load_rate", load.target_rate, CSV_LOAD),
  FIG ("load_offered_rate", load.offered_rate, CSV_LOAD),
  FIG ("load_achieved_rate", load.achieved_rate, CSV_LOAD),
  FIG ("response_p50", load.response.p50, CSV_LOAD),
  FIG ("response_p90", load.response.p90, CSV_LOAD),
  FIG ("response_p99", load.response.p99, CSV_LOAD),
  FIG ("response_p99_9", load.response.p999, CSV_LOAD),
  FIG ("response_max", load.response.max, CSV_LOAD),
  FIG ("load_service_p99_9", load.service.p999, CSV_LOAD),
  FIG ("queueing_p99", load.queueing.p99, CSV_LOAD),
  FIG ("load_verdict", load.kept_up, CSV_VERDICT),
};

#undef FIG

static void
csv_append_line (GString *out, GString *line)
{
  g_string_append_len (out, line->str, line->len);
  g_string_append (out, "\r\n");
  g_string_truncate (line, 0);
}

static void
csv_append_figure (GString *line, const CbResult *r, const CsvFigure *f)
{
  gboolean open = cb_result_measured (r) && r->load.open;
  if (f->kind == CSV_VERDICT)
    {
      csv_append_field (line, open ? cb_load_verdict (&r->load) : NULL);
      return;
    }
  double v = G_STRUCT_MEMBER (double, r, f->offset);
  if (!cb_result_measured (r) || !isfinite (v)
      || (f->kind == CSV_OVERSHOOT && !r->has_overshoot)
      || (f->kind == CSV_LOAD && !open))
    {
      csv_append_field (line, NULL);
      return;
    }
  g_autofree char *text
      = f->kind == CSV_BYTES ? cb_fmt_fixed (v, 0) : cb_fmt_general (v, 9);
  csv_append_field (line, text);
}

/* "workload.items", "strategy.threads", …: the union over every row, in
 * the order first seen. */
static GPtrArray *
csv_param_columns (GPtrArray *results)
{
  GPtrArray *columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < results->len; i++)
    {
      const CbBenchmark *bench = ((const CbResult *) results->pdata[i])->bench;
      const CbParamSet *sets[] = { bench->workload_params,
                                   bench->strategy_params };
      const char *roles[] = { "workload", "strategy" };
      for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
        for (guint p = 0; sets[s] != NULL && p < sets[s]->n; p++)
          {
            char *column = g_strdup_printf ("%s.%s", roles[s],
                                            sets[s]->specs[p].name);
            if (g_hash_table_contains (seen, column))
              {
                g_free (column);
                continue;
              }
            g_ptr_array_add (columns, column);
            g_hash_table_add (seen, column);
          }
    }
  return columns;
}

static const char *
param_text (const CbParamSet *set, const char *name)
{
  for (guint i = 0; set != NULL && i < set->n; i++)
    if (strcmp (set->specs[i].name, name) == 0)
      return set->texts[i];
  return NULL;
}

static const char *
csv_param_value (const CbBenchmark *bench, const char *column)
{
  if (g_str_has_prefix (column, "workload."))
    return param_text (bench->workload_params,
                       column + strlen ("workload."));
  return param_text (bench->strategy_params, column + strlen ("strategy."));
}

static void
csv_append_all (GString *line, GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    csv_append_field (line, fields->pdata[i]);
}

static void
csv_append_header (GString *out, const CbReport *report,
                   GPtrArray *param_columns, gboolean bytes)
{
  g_autoptr (GString) line = g_string_new (NULL);
  static const char *const leading[] = { "name", "status", "error",
                                         "workload", "strategy" };
  for (guint i = 0; i < G_N_ELEMENTS (leading); i++)
    csv_append_field (line, leading[i]);
  for (guint i = 0; i < param_columns->len; i++)
    csv_append_field (line, param_columns->pdata[i]);
  csv_append_field (line, "n");
  for (guint i = 0; i < G_N_ELEMENTS (csv_figures); i++)
    csv_append_field (line, csv_figures[i].name);
  if (bytes)
    csv_append_field (line, "throughput_bytes_per_s");
  g_autoptr (GPtrArray) counters = cb_report_counter_fields (report, NULL);
  csv_append_all (line, counters);
  csv_append_field (line, "outliers");
  csv_append_field (line, "warnings");
  csv_append_line (out, line);
}

static void
csv_append_throughput (GString *line, const CbResult *r)
{
  g_autofree char *text = r->has_throughput && cb_result_measured (r)
                              ? cb_fmt_general (r->throughput.mean, 9)
                              : NULL;
  csv_append_field (line, text);
}

static void
csv_append_result (GString *out, const CbReport *report, const CbResult *r,
                   GPtrArray *param_columns, gboolean bytes)
{
  g_autoptr (GString) line = g_string_new (NULL);
  g_autofree char *n = g_strdup_printf ("%u", r->samples ? r->samples->len : 0);
  g_autofree char *outliers = g_strdup_printf ("%u", r->outliers);
  g_autofree char *warnings = r->warnings ? g_strjoinv ("; ", r->warnings)
                                          : NULL;

  csv_append_field (line, r->bench->name);
  csv_append_field (line, cb_report_status_name (r->status));
  csv_append_field (line, r->error);
  csv_append_field (line, cb_report_workload_name (r->bench));
  csv_append_field (line, cb_report_strategy_name (r->bench));
  for (guint i = 0; i < param_columns->len; i++)
    csv_append_field (line,
                      csv_param_value (r->bench, param_columns->pdata[i]));
  csv_append_field (line, n);
  for (guint i = 0; i < G_N_ELEMENTS (csv_figures); i++)
    csv_append_figure (line, r, &csv_figures[i]);
  if (bytes)
    csv_append_throughput (line, r);
  g_autoptr (GPtrArray) counters = cb_report_counter_fields (report, r);
  csv_append_all (line, counters);
  csv_append_field (line, cb_result_measured (r) ? outliers : NULL);
  csv_append_field (line, warnings);
  csv_append_line (out, line);
}

static char *
render_report (const CbReport *report)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) param_columns = csv_param_columns (report->results);
  /* Like the parameter columns, only where some row has one. */
  gboolean bytes = cb_throughput_any (report->results);

  csv_append_header (out, report, param_columns, bytes);
  for (guint i = 0; i < report->results->len; i++)
    csv_append_result (out, report, report->results->pdata[i], param_columns,
                       bytes);
  return g_string_free (out, FALSE);
}

/* ---- a comparison ---- */

static void
csv_append_number (GString *line, double v)
{
  if (!isfinite (v))
    {
      csv_append_field (line, NULL);
      return;
    }
  g_autofree char *text = cb_fmt_general (v, 9);
  csv_append_field (line, text);
}

static void
csv_append_side (GString *line, const CbResultsBench *bench)
{
  if (bench == NULL)
    {
      for (guint i = 0; i < 5; i++)
        csv_append_field (line, NULL);
      return;
    }
  CbStats st;
  cb_results_bench_stats (bench, &st);
  g_autofree char *n = g_strdup_printf ("%u", bench->walls->len);
  csv_append_field (line, bench->status);
  csv_append_field (line, bench->error);
  csv_append_field (line, n);
  csv_append_number (line, bench->walls->len ? st.mean : NAN);
  csv_append_number (line, bench->walls->len ? st.stddev : NAN);
}

/* files: the pair's two paths as two more fields, or NULL (one pair). */
static void
csv_append_compare_row (GString *out, const CbCompareRow *r,
                        const CbComparison *files)
{
  g_autoptr (GString) line = g_string_new (NULL);
  const CbResultsBench *any = r->old ? r->old : r->new_;
  csv_append_field (line, any->name);
  csv_append_field (line, any->workload_key);
  csv_append_field (line, any->strategy);
  csv_append_field (line, cb_compare_kind_name (r->kind));
  csv_append_side (line, r->old);
  csv_append_side (line, r->new_);
  csv_append_number (line, r->ratio);
  csv_append_number (line, r->ratio_low);
  csv_append_number (line, r->ratio_high);
  csv_append_number (line, r->p_welch);
  csv_append_number (line, r->p_mw);
  csv_append_field (line, cb_verdict_text (r->verdict));
  if (files != NULL)
    {
      csv_append_field (line, files->old->path);
      csv_append_field (line, files->new_->path);
    }
  csv_append_line (out, line);
}

/* More than two files add old_file and new_file, last, to tell the pairs
 * apart; two files keep the columns they always had. */
static char *
render_comparison (const GPtrArray *comparisons, gboolean color G_GNUC_UNUSED)
{
  static const char *const header[] = {
    "name", "workload_key", "strategy", "status", "old_status", "old_error",
    "old_n", "old_mean", "old_stddev", "new_status", "new_error", "new_n",
    "new_mean", "new_stddev", "ratio", "ratio_ci95_low", "ratio_ci95_high",
    "p_welch", "p_mann_whitney", "verdict",
  };
  GString *out = g_string_new (NULL);
  g_autoptr (GString) line = g_string_new (NULL);
  gboolean several = comparisons->len > 1;
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    csv_append_field (line, header[i]);
  if (several)
    {
      csv_append_field (line, "old_file");
      csv_append_field (line, "new_file");
    }
  csv_append_line (out, line);
  for (guint p = 0; p < comparisons->len; p++)
    {
      const CbComparison *c = comparisons->pdata[p];
      for (guint i = 0; i < c->rows->len; i++)
        csv_append_compare_row (
            out, &g_array_index (c->rows, CbCompareRow, i),
            several ? c : NULL);
    }
  return g_string_free (out, FALSE);
}

const CbWriter cb_writer_csv = {
  .name = "csv",
  .report = render_report,
  .comparison = render_comparison,
};
