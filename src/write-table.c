/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The terminal table writer: a run's report and a comparison as aligned
 * text, with ANSI colour when allowed. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "writer.h"

#include "compare-load.h"
#include "compare-text.h"
#include "counters-report.h"
#include "format.h"
#include "report-load.h"

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_RESET "\033[0m"

/* A line in color, which must not span its '\n'. */
static void
append_line (GString *out, const char *text, const char *color,
             gboolean use_color)
{
  if (use_color)
    g_string_append_printf (out, "%s%s%s\n", color, text, ANSI_RESET);
  else
    g_string_append_printf (out, "%s\n", text);
}

/* ---- a run's report ---- */

static void
report_append_footer (GString *out, const CbReport *report)
{
  g_autofree char *settings = cb_report_settings_sentence (report);
  g_autofree char *memory = cb_report_memory_sentence (report);

  g_autofree char *counters = cb_report_counters_sentence (report);

  g_string_append_printf (out, "\n%s\n%s\n", settings, memory);
  if (counters != NULL)
    g_string_append_printf (out, "%s\n", counters);
  if (report->platform != NULL)
    {
      g_autofree char *platform = cb_platform_summary (report->platform);
      g_string_append_printf (out, "%s\n", platform);
    }
  if (report->environment != NULL)
    {
      g_autofree char *env = cb_environment_sentence (report->environment);
      g_string_append_printf (out, "%s\n", env);
    }
  if (!report->complete)
    {
      g_autofree char *incomplete = cb_report_incomplete_sentence (report);
      g_string_append_c (out, '\n');
      append_line (out, incomplete, ANSI_BOLD ANSI_RED, report->color);
    }
}

static char *
render_report (const CbReport *report)
{
  GString *out = g_string_new (NULL);
  g_autoptr (CbTable) table = cb_report_table (report);
  g_autofree char *title = cb_report_title (report);
  append_line (out, title, ANSI_BOLD, report->color);
  g_string_append_c (out, '\n');
  g_autoptr (CbList) summary
      = cb_report_summary (report, cb_text_display, cb_text_display);
  g_autoptr (CbList) warnings = cb_report_warnings (report, cb_text_display);

  cb_table_append_text (out, table, "", report->color);
  g_autoptr (CbTable) load = cb_report_load_table (report);
  if (load != NULL)
    {
      g_string_append_c (out, '\n');
      cb_table_append_text (out, load, "", report->color);
    }
  cb_list_append_text (out, summary, "Summary:", NULL);
  cb_list_append_text (out, warnings, "Warnings:",
                       report->color ? ANSI_YELLOW : NULL);
  report_append_footer (out, report);
  return g_string_free (out, FALSE);
}

/* ---- a comparison ---- */

static void
comparison_append_header (GString *out, const CbComparison *c,
                          gboolean color)
{
  g_autofree char *old = cb_comparison_file_sentence (c->old);
  g_autofree char *new_ = cb_comparison_file_sentence (c->new_);
  g_autofree char *note = cb_comparison_seed_note (c);

  append_line (out, "concbench compare", ANSI_BOLD, color);
  g_string_append_printf (out, "  OLD: %s\n  NEW: %s\n", old, new_);
  if (note != NULL)
    g_string_append_printf (out, "  %s\n", note);
  g_string_append_c (out, '\n');
}

static void
append_plain_list (GString *out, const CbList *list, const char *heading)
{
  cb_list_append_text (out, list, heading, NULL);
}

static char *
render_pair (const CbComparison *c, gboolean color)
{
  GString *out = g_string_new (NULL);
  g_autoptr (CbTable) table = cb_comparison_table (c);
  g_autofree char *geo = cb_comparison_geomean_sentence (c);
  g_autofree char *method = cb_comparison_method_sentence (c);

  comparison_append_header (out, c, color);
  cb_table_append_text (out, table, "", color);
  cb_comparison_append_unmatched (out, c, cb_text_display, append_plain_list);
  g_autoptr (CbList) load = cb_comparison_load_list (c, cb_text_display);
  cb_list_append_text (out, load, "Open loop:", NULL);
  g_string_append_printf (out, "\n%s\n%s\n", geo, method);
  return g_string_free (out, FALSE);
}

/* One section per file after the first, each against the first. */
static char *
render_comparison (const GPtrArray *comparisons, gboolean color)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < comparisons->len; i++)
    {
      g_autofree char *section = render_pair (comparisons->pdata[i], color);
      g_string_append_printf (out, "%s%s", i ? "\n" : "", section);
    }
  return g_string_free (out, FALSE);
}

const CbWriter cb_writer_table = {
  .name = "table",
  .report = render_report,
  .comparison = render_comparison,
};
