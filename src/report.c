/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "report.h"

#include "output.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "params.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define ELLIPSIS "…"
#define KIB 1024.0
#define MIB (1024.0 * 1024.0)
/* Names and messages come from suite files, plugins and crashed workers:
 * one cell must not become a screenful. */
#define CELL_TEXT_MAX CB_PLUGIN_TEXT_MAX

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_RESET "\033[0m"

/* ------------------------------------------------------------------------ */
/* Formats                                                                   */

typedef struct {
  const char *name;
  CbFormat format;
} FormatName;

static gboolean
lookup_format (const FormatName *names, gsize n, const char *name,
               CbFormat *out)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        if (out != NULL)
          *out = names[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
cb_format_parse (const char *name, CbFormat *out)
{
  static const FormatName names[] = {
    { "table", CB_FORMAT_TABLE },       { "json", CB_FORMAT_JSON },
    { "csv", CB_FORMAT_CSV },           { "markdown", CB_FORMAT_MARKDOWN },
    { "md", CB_FORMAT_MARKDOWN },
  };
  if (name == NULL)
    return FALSE;
  return lookup_format (names, G_N_ELEMENTS (names), name, out);
}

gboolean
cb_format_from_filename (const char *path, CbFormat *out)
{
  static const FormatName extensions[] = {
    { "json", CB_FORMAT_JSON },         { "csv", CB_FORMAT_CSV },
    { "md", CB_FORMAT_MARKDOWN },       { "markdown", CB_FORMAT_MARKDOWN },
    { "txt", CB_FORMAT_TABLE },
  };
  if (path == NULL)
    return FALSE;
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  /* ".json" alone is a hidden file with no extension. */
  if (dot == NULL || dot == base)
    return FALSE;
  return lookup_format (extensions, G_N_ELEMENTS (extensions), dot + 1, out);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */

/* At most max bytes of s, cut on a character boundary, "…" marking a cut.
 * Never reads more than max + 1 bytes of s. */
static char *
clip_utf8 (const char *s, gsize max)
{
  gsize len = strnlen (s, max + 1);
  if (len <= max)
    return g_strndup (s, len);
  gsize cut = max > strlen (ELLIPSIS) ? max - strlen (ELLIPSIS) : 0;
  while (cut > 0 && ((guchar) s[cut] & 0xC0) == 0x80)
    cut--;
  g_autofree char *head = g_strndup (s, cut);
  return g_strconcat (head, ELLIPSIS, NULL);
}

/* Text for a terminal or a Markdown cell: valid UTF-8 on one line without
 * control characters, which could move the cursor or smuggle in escape
 * sequences.  NULL becomes "-". */
static char *
display_text (const char *s)
{
  if (s == NULL)
    return g_strdup ("-");
  g_autofree char *clipped = clip_utf8 (s, CELL_TEXT_MAX);
  g_autofree char *valid = g_utf8_make_valid (clipped, -1);
  GString *out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\t' || c == '\n' || c == '\r')
        g_string_append_c (out, ' ');
      else if (g_unichar_iscntrl (c))
        g_string_append_unichar (out, 0xFFFD);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* A field of cb_report_list_plugin_names(): one word for `read`. */
static char *
word_text (const char *s)
{
  g_autofree char *clipped = clip_utf8 (s != NULL ? s : "-", CELL_TEXT_MAX);
  char *valid = g_utf8_make_valid (clipped, -1);
  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || *p == '|')
      *p = '_';
  return valid;
}

static glong
text_width (const char *s)
{
  return g_utf8_strlen (s, -1);
}

static void
append_spaces (GString *out, glong n)
{
  for (; n > 0; n--)
    g_string_append_c (out, ' ');
}

static void
append_padded (GString *out, const char *text, glong width, gboolean right)
{
  glong pad = width - text_width (text);
  if (right)
    append_spaces (out, pad);
  g_string_append (out, text);
  if (!right)
    append_spaces (out, pad);
}

/* Cells separated by two spaces, each padded to its column's width in
 * characters.  A left-aligned last cell is not padded: no trailing blanks. */
static void
append_aligned (GString *out, const char *indent, char *const *cells,
                const glong *widths, const gboolean *right, guint n)
{
  g_string_append (out, indent);
  for (guint c = 0; c < n; c++)
    {
      gboolean last = c + 1 == n;
      if (c > 0)
        g_string_append (out, "  ");
      append_padded (out, cells[c], last && !right[c] ? 0 : widths[c],
                     right[c]);
    }
  g_string_append_c (out, '\n');
}

static void
append_colored (GString *out, const char *text, const char *color,
                gboolean use_color)
{
  if (use_color)
    g_string_append_printf (out, "%s%s%s", color, text, ANSI_RESET);
  else
    g_string_append (out, text);
}

/* Numbers are written the same in every locale: reports are compared and
 * parsed by programs. */
static char *
fmt_fixed (double v, int decimals)
{
  char format[16];
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 9));
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

static char *
fmt_general (double v, int digits)
{
  char format[16];
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_snprintf (format, sizeof format, "%%.%dg", CLAMP (digits, 1, 17));
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

/* ------------------------------------------------------------------------ */
/* Results                                                                   */

/* cb_results_analyse() skips rows without a measured run, leaving their
 * derived figures zero rather than NAN: they must not be shown as zeros. */
static gboolean
result_measured (const CbResult *r)
{
  return r->samples != NULL && r->samples->len > 0;
}

static gboolean
result_shows_figures (const CbResult *r)
{
  return r->status == CB_RESULT_OK && result_measured (r);
}

static gboolean
info_known (const CbResult *r)
{
  return r->info.n_items > 0 || r->info.slots > 0;
}

static const char *
status_name (CbResultStatus status)
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

static const char *
workload_name (const CbBenchmark *bench)
{
  return bench->workload->desc->workload->name;
}

static const char *
strategy_name (const CbBenchmark *bench)
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
  g_autofree char *message = display_text (r->error);
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
summarise_workloads (GPtrArray *results)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (WorkloadSummary));
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      guint j;
      if (!result_shows_figures (r))
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

typedef char *(*NameFormatter) (const char *name);

/* Hyperfine's sentence; the ± is half the width of the speedup's 95 % CI. */
static char *
summary_sentence (const WorkloadSummary *s, NameFormatter name_of)
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
  g_autofree char *speedup = fmt_fixed (s->fastest->speedup, 2);
  double half = (s->fastest->speedup_high - s->fastest->speedup_low) / 2;
  if (!isfinite (half))
    return g_strdup_printf ("%s ran %s times faster than %s", fastest,
                            speedup, baseline);
  g_autofree char *pm = fmt_fixed (half, 2);
  return g_strdup_printf ("%s ran %s ± %s times faster than %s", fastest,
                          speedup, pm, baseline);
}

/* ------------------------------------------------------------------------ */
/* Footer sentences shared by the table and Markdown                         */

static char *
memory_sentence (const CbReport *report)
{
  double interval = report->options ? report->options->memory_interval : 0;
  if (!report->memory_sampled)
    return g_strdup ("Memory (maxrss): the worker's peak resident set size "
                     "(ru_maxrss); this system does not let concbench sample "
                     "the PSS of a process tree");
  if (interval <= 0)
    return g_strdup ("Memory: peak summed PSS of the worker's process tree");
  g_autofree char *ms = fmt_general (interval * 1000, 6);
  return g_strdup_printf ("Memory: peak summed PSS of the worker's process "
                          "tree, sampled every %s ms",
                          ms);
}

static char *
settings_sentence (const CbReport *report)
{
  GString *s = g_string_new (NULL);
  g_autofree char *runs = display_text (report->runs);
  g_string_append_printf (s, "Runs: %s per benchmark after %u warm-up%s",
                          runs, report->warmups,
                          report->warmups == 1 ? "" : "s");
  if (report->options != NULL)
    {
      g_string_append_printf (s, "; seed %" G_GUINT64_FORMAT,
                              report->options->seed);
      if (report->options->timeout > 0)
        {
          g_autofree char *t = fmt_general (report->options->timeout, 6);
          g_string_append_printf (s, "; timeout %s s per run", t);
        }
    }
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

static char *
incomplete_sentence (const CbReport *report)
{
  if (report->interrupted_by > 0)
    return g_strdup_printf ("INCOMPLETE: interrupted by signal %d%s; rows "
                            "marked 'not run' did not finish",
                            report->interrupted_by,
                            signal_name (report->interrupted_by));
  return g_strdup ("INCOMPLETE: the suite stopped early; rows marked "
                   "'not run' did not finish");
}

static char *
title_text (const CbReport *report)
{
  g_autofree char *name
      = display_text (report->suite ? report->suite->name : NULL);
  return g_strdup_printf ("concbench — %s suite", name);
}

/* ------------------------------------------------------------------------ */
/* The table model, shared by the terminal table and Markdown                */

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

static const gboolean col_right[N_COLS] = { FALSE, TRUE, TRUE, TRUE,
                                            TRUE,  TRUE, TRUE };

typedef struct {
  char *cells[N_COLS]; /* only cells[COL_NAME] when span is set */
  char *span;          /* why the row has no figures */
  gboolean failed;     /* FAILED or TIMED_OUT: red */
} Row;

typedef struct {
  char *headers[N_COLS];
  GPtrArray *rows; /* Row* */
} Table;

static void
row_free (gpointer data)
{
  Row *row = data;
  for (guint c = 0; c < N_COLS; c++)
    g_free (row->cells[c]);
  g_free (row->span);
  g_free (row);
}

static void
table_free (Table *table)
{
  for (guint c = 0; c < N_COLS; c++)
    g_free (table->headers[c]);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

typedef struct {
  const char *name;
  double scale; /* seconds per unit */
} TimeUnit;

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

/* One unit per column, from its largest value, so a column reads at a
 * glance. */
static TimeUnit
pick_time_unit (GPtrArray *results, ResultFigure figure)
{
  static const TimeUnit s = { "s", 1 }, ms = { "ms", 1e-3 },
                        us = { "µs", 1e-6 };
  double largest = 0;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      double v = result_shows_figures (r) ? fabs (figure (r)) : NAN;
      if (isfinite (v))
        largest = MAX (largest, v);
    }
  if (largest >= 1 || largest == 0)
    return s;
  return largest >= 1e-3 ? ms : us;
}

static char *
cell_time (double seconds, TimeUnit unit)
{
  double v = seconds / unit.scale;
  if (!isfinite (v))
    return g_strdup ("-");
  /* A microsecond row in a column of seconds must not read as no time. */
  if (v > 0 && v < 0.0005)
    return g_strdup ("<0.001");
  return fmt_fixed (v, 3);
}

typedef struct {
  const char *name;
  double scale;  /* bytes per unit */
  int decimals;
} MemoryUnit;

/* One unit per column, like the times: MiB from the largest value, KiB when
 * every row stays under a MiB; decimals so the largest has four digits. */
static MemoryUnit
pick_memory_unit (GPtrArray *results)
{
  double largest = 0;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (result_shows_figures (r) && isfinite (r->pss.mean))
        largest = MAX (largest, r->pss.mean);
    }
  if (largest < MIB)
    return (MemoryUnit){ "KiB", KIB, 1 };
  return (MemoryUnit){ "MiB", MIB,
                       largest < 10 * MIB ? 3 : largest < 100 * MIB ? 2 : 1 };
}

static char *
cell_memory (double bytes, MemoryUnit unit)
{
  if (!isfinite (bytes) || bytes <= 0)
    return g_strdup ("-");
  return fmt_fixed (bytes / unit.scale, unit.decimals);
}

static char *
cell_speedup (double speedup)
{
  if (!isfinite (speedup))
    return g_strdup ("-");
  g_autofree char *v
      = fmt_fixed (speedup, speedup >= 100 ? 0 : speedup >= 10 ? 1 : 2);
  return g_strconcat (v, "x", NULL);
}

static char *
cell_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup ("-");
  g_autofree char *v = fmt_fixed (fraction * 100, 0);
  return g_strconcat (v, "%", NULL);
}

static char *
cell_fixed2 (double v)
{
  return isfinite (v) ? fmt_fixed (v, 2) : g_strdup ("-");
}

static void
row_fill_figures (Row *row, const CbResult *r, TimeUnit mean_unit,
                  TimeUnit sd_unit, MemoryUnit mem_unit)
{
  if (!result_measured (r))
    {
      for (guint c = COL_MEAN; c < N_COLS; c++)
        row->cells[c] = g_strdup ("-");
      return;
    }
  row->cells[COL_MEAN] = cell_time (r->wall.mean, mean_unit);
  /* One run has no spread to show, which is not the same as none. */
  row->cells[COL_STDDEV] = r->wall.n >= 2 ? cell_time (r->wall.stddev, sd_unit)
                                          : g_strdup ("-");
  row->cells[COL_MEMORY] = cell_memory (r->pss.mean, mem_unit);
  row->cells[COL_SPEEDUP] = cell_speedup (r->speedup);
  row->cells[COL_EFFICIENCY] = cell_percent (r->efficiency);
  row->cells[COL_CPU] = cell_fixed2 (r->cpu_util);
}

static Row *
row_new (const CbResult *r, TimeUnit mean_unit, TimeUnit sd_unit,
         MemoryUnit mem_unit)
{
  Row *row = g_new0 (Row, 1);
  row->cells[COL_NAME] = display_text (r->bench->name);
  row->span = failure_text (r);
  if (row->span != NULL)
    row->failed = r->status != CB_RESULT_PENDING;
  else
    row_fill_figures (row, r, mean_unit, sd_unit, mem_unit);
  return row;
}

static Table *
table_build (const CbReport *report)
{
  Table *table = g_new0 (Table, 1);
  TimeUnit mean_unit = pick_time_unit (report->results, wall_mean);
  TimeUnit sd_unit = pick_time_unit (report->results, wall_stddev);
  MemoryUnit mem_unit = pick_memory_unit (report->results);

  table->headers[COL_NAME] = g_strdup ("Benchmark");
  table->headers[COL_MEAN] = g_strdup_printf ("Mean (%s)", mean_unit.name);
  table->headers[COL_STDDEV]
      = g_strdup_printf ("± Std dev (%s)", sd_unit.name);
  table->headers[COL_MEMORY]
      = g_strdup_printf (report->memory_sampled ? "Memory (%s)"
                                                : "Memory (maxrss, %s)",
                         mem_unit.name);
  table->headers[COL_SPEEDUP] = g_strdup ("Speedup");
  table->headers[COL_EFFICIENCY] = g_strdup ("Efficiency");
  table->headers[COL_CPU] = g_strdup ("CPU");
  table->rows = g_ptr_array_new_with_free_func (row_free);
  for (guint i = 0; i < report->results->len; i++)
    g_ptr_array_add (table->rows,
                     row_new (report->results->pdata[i], mean_unit, sd_unit,
                              mem_unit));
  return table;
}

/* ------------------------------------------------------------------------ */
/* Format: table                                                             */

/* A failure message spans the figure columns, so it does not widen them. */
static void
table_widths (const Table *table, glong *widths)
{
  for (guint c = 0; c < N_COLS; c++)
    widths[c] = text_width (table->headers[c]);
  for (guint i = 0; i < table->rows->len; i++)
    {
      const Row *row = table->rows->pdata[i];
      for (guint c = 0; c < (row->span ? 1 : N_COLS); c++)
        widths[c] = MAX (widths[c], text_width (row->cells[c]));
    }
}

static void
table_append_rule (GString *out, const glong *widths)
{
  for (guint c = 0; c < N_COLS; c++)
    {
      if (c > 0)
        g_string_append (out, "  ");
      for (glong i = 0; i < widths[c]; i++)
        g_string_append_c (out, '-');
    }
  g_string_append_c (out, '\n');
}

static void
table_append_row (GString *out, const Row *row, const glong *widths,
                  gboolean use_color)
{
  g_autoptr (GString) line = g_string_new (NULL);
  if (row->span == NULL)
    {
      append_aligned (line, "", row->cells, widths, col_right, N_COLS);
      g_string_truncate (line, line->len - 1); /* colour must not span '\n' */
    }
  else
    {
      append_padded (line, row->cells[COL_NAME], widths[COL_NAME], FALSE);
      g_string_append_printf (line, "  %s", row->span);
    }
  append_colored (out, line->str, ANSI_RED, use_color && row->failed);
  g_string_append_c (out, '\n');
}

static void
table_append_grid (GString *out, const Table *table, gboolean use_color)
{
  glong widths[N_COLS];
  g_autoptr (GString) header = g_string_new (NULL);

  table_widths (table, widths);
  append_aligned (header, "", table->headers, widths, col_right, N_COLS);
  g_string_truncate (header, header->len - 1);
  append_colored (out, header->str, ANSI_BOLD, use_color);
  g_string_append_c (out, '\n');
  table_append_rule (out, widths);
  for (guint i = 0; i < table->rows->len; i++)
    table_append_row (out, table->rows->pdata[i], widths, use_color);
}

static void
table_append_summary (GString *out, const CbReport *report)
{
  g_autoptr (GArray) summaries = summarise_workloads (report->results);
  if (summaries->len == 0)
    return;
  g_string_append (out, "\nSummary:\n");
  for (guint i = 0; i < summaries->len; i++)
    {
      const WorkloadSummary *s = &g_array_index (summaries, WorkloadSummary, i);
      g_autofree char *key = display_text (s->workload_key);
      g_autofree char *sentence = summary_sentence (s, display_text);
      g_string_append_printf (out, "  %s\n    %s\n", key, sentence);
    }
}

static void
table_append_warnings (GString *out, const CbReport *report)
{
  gboolean any = FALSE;
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      for (guint w = 0; r->warnings != NULL && r->warnings[w] != NULL; w++)
        {
          g_autofree char *name = display_text (r->bench->name);
          g_autofree char *text = display_text (r->warnings[w]);
          g_autofree char *line = g_strdup_printf ("  [%s] %s", name, text);
          if (!any)
            g_string_append (out, "\nWarnings:\n");
          any = TRUE;
          append_colored (out, line, ANSI_YELLOW, report->color);
          g_string_append_c (out, '\n');
        }
    }
}

static void
table_append_footer (GString *out, const CbReport *report)
{
  g_autofree char *settings = settings_sentence (report);
  g_autofree char *memory = memory_sentence (report);

  g_string_append_printf (out, "\n%s\n%s\n", settings, memory);
  if (report->platform != NULL)
    {
      g_autofree char *platform = cb_platform_summary (report->platform);
      g_string_append_printf (out, "%s\n", platform);
    }
  if (!report->complete)
    {
      g_autofree char *incomplete = incomplete_sentence (report);
      g_string_append_c (out, '\n');
      append_colored (out, incomplete, ANSI_BOLD ANSI_RED, report->color);
      g_string_append_c (out, '\n');
    }
}

static char *
render_table (const CbReport *report)
{
  GString *out = g_string_new (NULL);
  g_autoptr (Table) table = table_build (report);
  g_autofree char *title = title_text (report);

  append_colored (out, title, ANSI_BOLD, report->color);
  g_string_append (out, "\n\n");
  table_append_grid (out, table, report->color);
  table_append_summary (out, report);
  table_append_warnings (out, report);
  table_append_footer (out, report);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Format: Markdown                                                          */

/* Display text with the characters that would end a table cell or start
 * markup or HTML escaped. */
static char *
md_text (const char *s)
{
  g_autofree char *text = display_text (s);
  GString *out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("|\\<>`", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
md_append_cells (GString *out, char *const *cells)
{
  g_string_append (out, "|");
  for (guint c = 0; c < N_COLS; c++)
    {
      g_autofree char *text = md_text (cells[c] ? cells[c] : "");
      g_string_append_printf (out, " %s |", text);
    }
  g_string_append_c (out, '\n');
}

static void
md_append_grid (GString *out, const Table *table)
{
  md_append_cells (out, table->headers);
  g_string_append (out, "|");
  for (guint c = 0; c < N_COLS; c++)
    g_string_append (out, col_right[c] ? " ---: |" : " :--- |");
  g_string_append_c (out, '\n');
  for (guint i = 0; i < table->rows->len; i++)
    {
      const Row *row = table->rows->pdata[i];
      char *cells[N_COLS] = { NULL };
      memcpy (cells, row->cells, sizeof cells);
      /* Markdown cannot span columns: the message takes the first one. */
      if (row->span != NULL)
        cells[COL_MEAN] = row->span;
      md_append_cells (out, cells);
    }
}

static char *
md_bold (const char *s)
{
  g_autofree char *text = md_text (s);
  return g_strdup_printf ("**%s**", text);
}

static void
md_append_summary (GString *out, const CbReport *report)
{
  g_autoptr (GArray) summaries = summarise_workloads (report->results);
  if (summaries->len == 0)
    return;
  g_string_append (out, "\n**Summary**\n\n");
  for (guint i = 0; i < summaries->len; i++)
    {
      const WorkloadSummary *s = &g_array_index (summaries, WorkloadSummary, i);
      g_autofree char *key = md_text (s->workload_key);
      g_autofree char *sentence = summary_sentence (s, md_bold);
      g_string_append_printf (out, "- %s: %s\n", key, sentence);
    }
}

static void
md_append_warnings (GString *out, const CbReport *report)
{
  gboolean any = FALSE;
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      for (guint w = 0; r->warnings != NULL && r->warnings[w] != NULL; w++)
        {
          g_autofree char *name = md_text (r->bench->name);
          g_autofree char *text = md_text (r->warnings[w]);
          if (!any)
            g_string_append (out, "\n**Warnings**\n\n");
          any = TRUE;
          g_string_append_printf (out, "- [%s] %s\n", name, text);
        }
    }
}

static char *
md_platform (const CbPlatform *p)
{
  g_autofree char *text = g_strdup_printf (
      "Platform: %s, %s; %u × %s; concbench %s (plugin ABI %u.%u), GLib %s, "
      "%s.",
      p->os, p->kernel, p->cpu_count, p->cpu_model, p->concbench_version,
      p->plugin_abi_major, p->plugin_abi_minor, p->glib_version, p->compiler);
  return md_text (text);
}

static void
md_append_footer (GString *out, const CbReport *report)
{
  g_autofree char *settings = settings_sentence (report);
  g_autofree char *memory = memory_sentence (report);
  g_autofree char *settings_md = md_text (settings);
  g_autofree char *memory_md = md_text (memory);

  g_string_append_printf (out, "\n%s. %s.", settings_md, memory_md);
  if (report->platform != NULL)
    {
      g_autofree char *platform = md_platform (report->platform);
      g_string_append_printf (out, " %s", platform);
    }
  g_string_append_c (out, '\n');
  if (!report->complete)
    {
      g_autofree char *incomplete = incomplete_sentence (report);
      g_autofree char *text = md_text (incomplete);
      g_string_append_printf (out, "\n**%s**\n", text);
    }
}

static char *
render_markdown (const CbReport *report)
{
  GString *out = g_string_new (NULL);
  g_autoptr (Table) table = table_build (report);
  g_autofree char *title = title_text (report);
  g_autofree char *title_md = md_text (title);

  g_string_append_printf (out, "## %s\n\n", title_md);
  md_append_grid (out, table);
  md_append_summary (out, report);
  md_append_warnings (out, report);
  md_append_footer (out, report);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Format: JSON                                                              */

static void
json_add_double_if (JsonBuilder *b, const char *name, double v,
                    gboolean known)
{
  cb_json_add_double (b, name, known ? v : NAN);
}

static void
json_add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
json_add_uint64_value (JsonBuilder *b, guint64 v)
{
  /* json-glib integers are signed 64-bit. */
  if (v <= G_MAXINT64)
    json_builder_add_int_value (b, (gint64) v);
  else
    {
      char buf[32];
      g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
      json_builder_add_string_value (b, buf);
    }
}

static void
json_add_uint64 (JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name (b, name);
  json_add_uint64_value (b, v);
}

static void
json_add_bool (JsonBuilder *b, const char *name, gboolean v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

static void
json_add_null (JsonBuilder *b, const char *name)
{
  json_builder_set_member_name (b, name);
  json_builder_add_null_value (b);
}

static void
json_add_stats (JsonBuilder *b, const char *name, const CbStats *st,
                gboolean known)
{
  if (!known || st->n == 0)
    {
      json_add_null (b, name);
      return;
    }
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_add_int (b, "n", st->n);
  cb_json_add_double (b, "mean", st->mean);
  cb_json_add_double (b, "stddev", st->stddev);
  cb_json_add_double (b, "median", st->median);
  cb_json_add_double (b, "mad", st->mad);
  cb_json_add_double (b, "min", st->min);
  cb_json_add_double (b, "max", st->max);
  cb_json_add_double (b, "ci95_low", st->ci95_low);
  cb_json_add_double (b, "ci95_high", st->ci95_high);
  cb_json_add_double (b, "cv", st->cv);
  json_builder_end_object (b);
}

static void
json_add_percentiles (JsonBuilder *b, const char *name,
                      const CbPercentiles *p, gboolean known)
{
  if (!known)
    {
      json_add_null (b, name);
      return;
    }
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_double (b, "p50", p->p50);
  cb_json_add_double (b, "p90", p->p90);
  cb_json_add_double (b, "p99", p->p99);
  cb_json_add_double (b, "max", p->max);
  json_builder_end_object (b);
}

static void
json_add_param_value (JsonBuilder *b, const CbParamSet *set, guint i)
{
  switch (set->specs[i].type)
    {
    case CB_PARAM_UINT: json_add_uint64_value (b, set->values[i].u); return;
    case CB_PARAM_DOUBLE:
      if (isfinite (set->values[i].d))
        json_builder_add_double_value (b, set->values[i].d);
      else
        json_builder_add_null_value (b);
      return;
    case CB_PARAM_ENUM:
    case CB_PARAM_STRING:
    default: cb_json_add_string_value (b, set->texts[i]); return;
    }
}

static void
json_add_params (JsonBuilder *b, const CbParamSet *set)
{
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (guint i = 0; set != NULL && i < set->n; i++)
    {
      json_builder_set_member_name (b, set->specs[i].name);
      json_add_param_value (b, set, i);
    }
  json_builder_end_object (b);
}

static void
json_add_role (JsonBuilder *b, const char *role, const CbPlugin *plugin,
               const char *class_name, const CbParamSet *set)
{
  json_builder_set_member_name (b, role);
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", class_name);
  cb_json_add_string (b, "plugin", plugin->desc->name);
  cb_json_add_string (b, "plugin_version", plugin->desc->version);
  cb_json_add_string (b, "file", plugin->path);
  json_add_params (b, set);
  json_builder_end_object (b);
}

static void
json_add_run (JsonBuilder *b, const CbRunSample *s)
{
  json_builder_begin_object (b);
  cb_json_add_double (b, "wall", s->wall);
  cb_json_add_double (b, "cpu_user", s->cpu_user);
  cb_json_add_double (b, "cpu_sys", s->cpu_sys);
  cb_json_add_double (b, "worker_cpu_user", s->worker_cpu_user);
  cb_json_add_double (b, "worker_cpu_sys", s->worker_cpu_sys);
  json_add_uint64 (b, "ctx_voluntary", s->ctx_voluntary);
  json_add_uint64 (b, "ctx_involuntary", s->ctx_involuntary);
  json_add_uint64 (b, "tree_peak_pss", s->tree_peak_pss);
  json_add_uint64 (b, "tree_peak_rss", s->tree_peak_rss);
  json_add_uint64 (b, "worker_hwm", s->worker_hwm);
  json_add_uint64 (b, "worker_maxrss", s->worker_maxrss);
  json_add_int (b, "memory_samples", s->n_samples);
  json_builder_end_object (b);
}

static void
json_add_runs (JsonBuilder *b, const CbResult *r)
{
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; r->samples != NULL && i < r->samples->len; i++)
    json_add_run (b, &g_array_index (r->samples, CbRunSample, i));
  json_builder_end_array (b);
}

static void
json_add_info (JsonBuilder *b, const CbResult *r)
{
  if (!info_known (r))
    {
      json_add_null (b, "n_items");
      json_add_null (b, "slots");
      json_add_null (b, "chunk");
      json_add_null (b, "latency_bound");
      return;
    }
  json_add_int (b, "n_items", r->info.n_items);
  json_add_int (b, "slots", r->info.slots);
  json_add_int (b, "chunk", r->info.chunk);
  json_add_bool (b, "latency_bound", r->info.latency_bound);
}

static void
json_add_overshoot (JsonBuilder *b, const CbResult *r)
{
  if (!result_measured (r) || !r->has_overshoot)
    {
      json_add_null (b, "timer_overshoot");
      return;
    }
  json_builder_set_member_name (b, "timer_overshoot");
  json_builder_begin_object (b);
  cb_json_add_double (b, "mean", r->overshoot_mean);
  cb_json_add_double (b, "max", r->overshoot_max);
  json_builder_end_object (b);
}

static void
json_add_warnings (JsonBuilder *b, const CbResult *r)
{
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; r->warnings != NULL && r->warnings[i] != NULL; i++)
    cb_json_add_string_value (b, r->warnings[i]);
  json_builder_end_array (b);
}

static void
json_add_derived (JsonBuilder *b, const CbResult *r)
{
  gboolean known = result_measured (r);
  json_builder_set_member_name (b, "stats");
  json_builder_begin_object (b);
  json_add_stats (b, "wall", &r->wall, known);
  json_add_stats (b, "cpu", &r->cpu, known);
  json_add_stats (b, "memory_pss", &r->pss, known);
  json_add_stats (b, "memory_rss", &r->rss, known);
  json_builder_end_object (b);
  json_add_double_if (b, "cpu_utilisation", r->cpu_util, known);
  json_add_double_if (b, "ideal", r->ideal, known);
  cb_json_add_string (b, "ideal_basis", known ? r->ideal_basis : NULL);
  json_add_double_if (b, "efficiency", r->efficiency, known);
  json_add_double_if (b, "speedup", r->speedup, known);
  json_add_double_if (b, "speedup_ci95_low", r->speedup_low, known);
  json_add_double_if (b, "speedup_ci95_high", r->speedup_high, known);
  json_add_double_if (b, "karp_flatt", r->karp_flatt, known);
  json_add_percentiles (b, "completion_time", &r->completion, known);
  json_add_percentiles (b, "service_time", &r->service, known);
  json_add_overshoot (b, r);
  if (known)
    json_add_int (b, "outliers", r->outliers);
  else
    json_add_null (b, "outliers");
}

static void
json_add_benchmark (JsonBuilder *b, const CbResult *r)
{
  const CbBenchmark *bench = r->bench;
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", bench->name);
  json_add_int (b, "index", r->index);
  cb_json_add_string (b, "status", status_name (r->status));
  cb_json_add_string (b, "error", r->error);
  json_add_bool (b, "interrupted", r->interrupted);
  json_add_role (b, "workload", bench->workload, workload_name (bench),
                 bench->workload_params);
  json_add_role (b, "strategy", bench->strategy, strategy_name (bench),
                 bench->strategy_params);
  cb_json_add_string (b, "workload_key", bench->workload_key);
  json_add_info (b, r);
  json_add_int (b, "warmups", r->warmups_done);
  json_add_runs (b, r);
  json_add_derived (b, r);
  json_add_warnings (b, r);
  json_builder_end_object (b);
}

static void
json_add_tool (JsonBuilder *b, const CbReport *report)
{
  const char *version = report->platform && report->platform->concbench_version
                            ? report->platform->concbench_version
                            : PACKAGE_VERSION;
  g_autofree char *abi = g_strdup_printf ("%d.%d", CB_PLUGIN_ABI_MAJOR,
                                          CB_PLUGIN_ABI_MINOR);
  json_builder_set_member_name (b, "tool");
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", "concbench");
  cb_json_add_string (b, "version", version);
  cb_json_add_string (b, "plugin_abi", abi);
  json_builder_end_object (b);
}

static void
json_add_platform (JsonBuilder *b, const CbPlatform *p)
{
  if (p == NULL)
    {
      json_add_null (b, "platform");
      return;
    }
  json_builder_set_member_name (b, "platform");
  json_builder_begin_object (b);
  cb_json_add_string (b, "os", p->os);
  cb_json_add_string (b, "kernel", p->kernel);
  cb_json_add_string (b, "cpu_model", p->cpu_model);
  json_add_int (b, "cpu_count", p->cpu_count);
  cb_json_add_string (b, "glib_version", p->glib_version);
  cb_json_add_string (b, "compiler", p->compiler);
  cb_json_add_string (b, "hostname", p->hostname);
  cb_json_add_string (b, "date", p->date);
  json_builder_end_object (b);
}

/* "3" is a number of runs; anything else ("auto") stays a string. */
static void
json_add_runs_setting (JsonBuilder *b, const char *runs)
{
  guint64 n;
  json_builder_set_member_name (b, "runs");
  if (runs == NULL)
    json_builder_add_null_value (b);
  else if (g_ascii_string_to_unsigned (runs, 10, 0, G_MAXINT64, &n, NULL))
    json_builder_add_int_value (b, (gint64) n);
  else
    cb_json_add_string_value (b, runs);
}

static void
json_add_settings (JsonBuilder *b, const CbReport *report)
{
  const CbSuite *suite = report->suite;
  const CbRunOptions *options = report->options;

  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  cb_json_add_string (b, "suite", suite ? suite->name : NULL);
  cb_json_add_string (b, "suite_source", suite ? suite->source : NULL);
  cb_json_add_string (b, "suite_description", suite ? suite->description : NULL);
  if (options != NULL)
    json_add_uint64 (b, "seed", options->seed);
  else
    json_add_null (b, "seed");
  cb_json_add_double (b, "timeout",
                   options && options->timeout > 0 ? options->timeout : NAN);
  json_add_int (b, "warmups", report->warmups);
  json_add_runs_setting (b, report->runs);
  cb_json_add_string (b, "memory_method",
                   report->memory_sampled ? "tree-pss" : "ru_maxrss");
  cb_json_add_double (b, "memory_interval",
                   report->memory_sampled && options
                           && options->memory_interval > 0
                       ? options->memory_interval
                       : NAN);
  json_builder_end_object (b);
}

static char *
json_to_text (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  g_autofree char *text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

static char *
render_json (const CbReport *report)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_add_int (b, "schema_version", CB_JSON_SCHEMA_VERSION);
  json_add_tool (b, report);
  json_add_bool (b, "complete", report->complete);
  if (report->interrupted_by != 0)
    json_add_int (b, "interrupted_by", report->interrupted_by);
  else
    json_add_null (b, "interrupted_by");
  json_add_platform (b, report->platform);
  json_add_settings (b, report);
  json_builder_set_member_name (b, "benchmarks");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->results->len; i++)
    json_add_benchmark (b, report->results->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_to_text (b);
}

/* ------------------------------------------------------------------------ */
/* Format: CSV (RFC 4180)                                                    */

typedef enum {
  CSV_SECONDS, /* and other real numbers */
  CSV_BYTES,
  CSV_OVERSHOOT, /* seconds, only when the row has an overshoot */
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
  double v = G_STRUCT_MEMBER (double, r, f->offset);
  if (!result_measured (r) || !isfinite (v)
      || (f->kind == CSV_OVERSHOOT && !r->has_overshoot))
    {
      cb_csv_append_field (line, NULL);
      return;
    }
  g_autofree char *text
      = f->kind == CSV_BYTES ? fmt_fixed (v, 0) : fmt_general (v, 9);
  cb_csv_append_field (line, text);
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
csv_append_header (GString *out, GPtrArray *param_columns)
{
  g_autoptr (GString) line = g_string_new (NULL);
  static const char *const leading[] = { "name", "status", "error",
                                         "workload", "strategy" };
  for (guint i = 0; i < G_N_ELEMENTS (leading); i++)
    cb_csv_append_field (line, leading[i]);
  for (guint i = 0; i < param_columns->len; i++)
    cb_csv_append_field (line, param_columns->pdata[i]);
  cb_csv_append_field (line, "n");
  for (guint i = 0; i < G_N_ELEMENTS (csv_figures); i++)
    cb_csv_append_field (line, csv_figures[i].name);
  cb_csv_append_field (line, "outliers");
  cb_csv_append_field (line, "warnings");
  csv_append_line (out, line);
}

static void
csv_append_result (GString *out, const CbResult *r, GPtrArray *param_columns)
{
  g_autoptr (GString) line = g_string_new (NULL);
  g_autofree char *n = g_strdup_printf ("%u", r->samples ? r->samples->len : 0);
  g_autofree char *outliers = g_strdup_printf ("%u", r->outliers);
  g_autofree char *warnings = r->warnings ? g_strjoinv ("; ", r->warnings)
                                          : NULL;

  cb_csv_append_field (line, r->bench->name);
  cb_csv_append_field (line, status_name (r->status));
  cb_csv_append_field (line, r->error);
  cb_csv_append_field (line, workload_name (r->bench));
  cb_csv_append_field (line, strategy_name (r->bench));
  for (guint i = 0; i < param_columns->len; i++)
    cb_csv_append_field (line,
                      csv_param_value (r->bench, param_columns->pdata[i]));
  cb_csv_append_field (line, n);
  for (guint i = 0; i < G_N_ELEMENTS (csv_figures); i++)
    csv_append_figure (line, r, &csv_figures[i]);
  cb_csv_append_field (line, result_measured (r) ? outliers : NULL);
  cb_csv_append_field (line, warnings);
  csv_append_line (out, line);
}

static char *
render_csv (const CbReport *report)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) param_columns = csv_param_columns (report->results);

  csv_append_header (out, param_columns);
  for (guint i = 0; i < report->results->len; i++)
    csv_append_result (out, report->results->pdata[i], param_columns);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */

char *
cb_report_render (const CbReport *report, CbFormat format)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (report->results != NULL, NULL);

  switch (format)
    {
    case CB_FORMAT_JSON: return render_json (report);
    case CB_FORMAT_CSV: return render_csv (report);
    case CB_FORMAT_MARKDOWN: return render_markdown (report);
    case CB_FORMAT_TABLE:
    default: return render_table (report);
    }
}

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

/* ------------------------------------------------------------------------ */
/* Plugin listings                                                           */

static const char *
plugin_kind (const CbPluginDesc *desc)
{
  if (desc->workload != NULL && desc->strategy != NULL)
    return "workload+strategy";
  return desc->workload != NULL ? "workload" : "strategy";
}

static char *
number_text (double v)
{
  return fmt_general (v, 15);
}

/* A broken plugin may declare any number of choices: the joined text is
 * bounded like any other descriptor string. */
static char *
choices_text (const char *const *choices)
{
  if (choices == NULL || choices[0] == NULL)
    return g_strdup ("-");
  GString *s = g_string_new (NULL);
  for (guint i = 0; choices[i] != NULL && s->len <= CELL_TEXT_MAX; i++)
    {
      g_autofree char *choice = display_text (choices[i]);
      g_string_append_printf (s, "%s%s", i ? "|" : "", choice);
    }
  g_autofree char *joined = g_string_free (s, FALSE);
  return display_text (joined);
}

static char *
param_range_text (const CbParamSpec *spec)
{
  switch (spec->type)
    {
    case CB_PARAM_UINT:
    case CB_PARAM_DOUBLE:
      {
        g_autofree char *min = number_text (spec->min);
        g_autofree char *max = number_text (spec->max);
        return g_strdup_printf ("[%s, %s]", min, max);
      }
    case CB_PARAM_ENUM: return choices_text (spec->choices);
    case CB_PARAM_STRING:
    default: return g_strdup ("-");
    }
}

enum { PCOL_NAME, PCOL_TYPE, PCOL_DEFAULT, PCOL_RANGE, PCOL_HELP, N_PCOLS };

static void
param_cells (const CbParamSpec *spec, char **cells)
{
  g_autofree char *def = spec->default_value && spec->default_value[0] == '\0'
                              ? g_strdup ("\"\"")
                              : display_text (spec->default_value);
  cells[PCOL_NAME] = display_text (spec->name);
  cells[PCOL_TYPE] = g_strdup (cb_param_type_name (spec->type));
  cells[PCOL_DEFAULT] = g_strdup_printf ("default %s", def);
  cells[PCOL_RANGE] = param_range_text (spec);
  cells[PCOL_HELP] = display_text (spec->help);
}

static void
list_append_params (GString *out, const CbParamSpec *specs)
{
  static const gboolean right[N_PCOLS] = { FALSE };
  guint n = cb_param_specs_count (specs);
  g_autofree char **cells = g_new0 (char *, (gsize) n * N_PCOLS + 1);
  glong widths[N_PCOLS] = { 0 };

  if (n == 0)
    {
      g_string_append (out, "      (no parameters)\n");
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      param_cells (&specs[i], cells + i * N_PCOLS);
      for (guint c = 0; c < N_PCOLS; c++)
        widths[c] = MAX (widths[c], text_width (cells[i * N_PCOLS + c]));
    }
  for (guint i = 0; i < n; i++)
    append_aligned (out, "      ", cells + i * N_PCOLS, widths, right,
                    N_PCOLS);
  for (guint i = 0; i < n * N_PCOLS; i++)
    g_free (cells[i]);
}

static void
list_append_class (GString *out, const char *kind, const char *name,
                   const char *summary, const CbParamSpec *specs)
{
  g_autofree char *name_text = display_text (name);
  g_autofree char *summary_text = display_text (summary);
  g_string_append_printf (out, "    %s %s: %s\n", kind, name_text,
                          summary_text);
  list_append_params (out, specs);
}

static void
list_append_plugin (GString *out, const CbPlugin *plugin)
{
  const CbPluginDesc *desc = plugin->desc;
  g_autofree char *name = display_text (desc->name);
  g_autofree char *version = display_text (desc->version);
  g_autofree char *license = display_text (desc->license);
  g_autofree char *description = display_text (desc->description);
  g_autofree char *path = display_text (plugin->path);

  g_string_append_printf (out, "  %s (%s), version %s, license %s\n", name,
                          plugin_kind (desc), version, license);
  g_string_append_printf (out, "    %s\n    file: %s\n", description, path);
  if (desc->workload != NULL)
    list_append_class (out, "workload", desc->workload->name,
                       desc->workload->summary, desc->workload->params);
  if (desc->strategy != NULL)
    list_append_class (out, "strategy", desc->strategy->name,
                       desc->strategy->summary, desc->strategy->params);
}

static void
list_append_search_path (GString *out, const char *const *search_path)
{
  if (search_path == NULL || search_path[0] == NULL)
    {
      g_string_append (out, "Search path: (empty)\n");
      return;
    }
  g_string_append (out, "Search path:\n");
  for (guint i = 0; search_path[i] != NULL; i++)
    {
      g_autofree char *dir = display_text (search_path[i]);
      g_string_append_printf (out, "  %s\n", dir);
    }
}

static void
list_append_problems (GString *out, GPtrArray *problems)
{
  if (problems == NULL || problems->len == 0)
    {
      g_string_append (out, "Problems: none\n");
      return;
    }
  g_string_append (out, "Problems:\n");
  for (guint i = 0; i < problems->len; i++)
    {
      const CbProblem *problem = problems->pdata[i];
      g_autofree char *path = display_text (problem->path);
      g_autofree char *reason = display_text (problem->reason);
      g_string_append_printf (out, "  %s: %s\n", path, reason);
    }
}

char *
cb_report_list_plugins (const CbRegistry *registry,
                        const char *const *search_path)
{
  g_return_val_if_fail (registry != NULL, NULL);
  GString *out = g_string_new (NULL);

  if (registry->plugins == NULL || registry->plugins->len == 0)
    g_string_append (out, "Plugins: none\n");
  else
    {
      g_string_append (out, "Plugins:\n");
      for (guint i = 0; i < registry->plugins->len; i++)
        list_append_plugin (out, registry->plugins->pdata[i]);
    }
  g_string_append_c (out, '\n');
  list_append_search_path (out, search_path);
  g_string_append_c (out, '\n');
  list_append_problems (out, registry->problems);
  return g_string_free (out, FALSE);
}

static void
names_append_class (GString *out, const char *kind, const char *name,
                    const CbParamSpec *specs)
{
  g_autofree char *owner = word_text (name);
  g_string_append_printf (out, "%s %s\n", kind, owner);
  for (guint i = 0; specs != NULL && specs[i].name != NULL; i++)
    {
      g_autofree char *param = word_text (specs[i].name);
      g_string_append_printf (out, "param %s %s %s", owner, param,
                              cb_param_type_name (specs[i].type));
      for (guint c = 0; specs[i].type == CB_PARAM_ENUM && specs[i].choices
                        && specs[i].choices[c] != NULL;
           c++)
        {
          g_autofree char *choice = word_text (specs[i].choices[c]);
          g_string_append_printf (out, "%c%s", c ? '|' : ' ', choice);
        }
      g_string_append_c (out, '\n');
    }
}

char *
cb_report_list_plugin_names (const CbRegistry *registry)
{
  g_return_val_if_fail (registry != NULL, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; registry->plugins != NULL && i < registry->plugins->len;
       i++)
    {
      const CbPluginDesc *desc
          = ((const CbPlugin *) registry->plugins->pdata[i])->desc;
      if (desc->workload != NULL)
        names_append_class (out, "workload", desc->workload->name,
                            desc->workload->params);
      if (desc->strategy != NULL)
        names_append_class (out, "strategy", desc->strategy->name,
                            desc->strategy->params);
    }
  return g_string_free (out, FALSE);
}
