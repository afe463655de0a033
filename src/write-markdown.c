/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GitHub Markdown writer: a run's report and a comparison as a heading,
 * a table and paragraphs, every piece of text escaped (cb_text_markdown). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "writer.h"

#include "compare-load.h"
#include "compare-text.h"
#include "counters-report.h"
#include "format.h"
#include "report-load.h"

static char *
md_bold (const char *s)
{
  g_autofree char *text = cb_text_markdown (s);
  return g_strdup_printf ("**%s**", text);
}

/* "- item\n", escaped. */
static void
append_item (GString *out, const char *item)
{
  g_autofree char *text = cb_text_markdown (item);
  g_string_append_printf (out, "- %s\n", text);
}

/* ---- a run's report ---- */

static char *
platform_sentence (const CbPlatform *p)
{
  g_autofree char *text = g_strdup_printf (
      "Platform: %s, %s; %u × %s; concbench %s (plugin ABI %u.%u), GLib %s, "
      "%s.",
      p->os, p->kernel, p->cpu_count, p->cpu_model, p->concbench_version,
      p->plugin_abi_major, p->plugin_abi_minor, p->glib_version, p->compiler);
  return cb_text_markdown (text);
}

static void
report_append_footer (GString *out, const CbReport *report)
{
  g_autofree char *settings = cb_report_settings_sentence (report);
  g_autofree char *memory = cb_report_memory_sentence (report);
  g_autofree char *settings_md = cb_text_markdown (settings);
  g_autofree char *memory_md = cb_text_markdown (memory);

  g_autofree char *counters = cb_report_counters_sentence (report);

  g_string_append_printf (out, "\n%s. %s.", settings_md, memory_md);
  if (counters != NULL)
    {
      g_autofree char *counters_md = cb_text_markdown (counters);
      g_string_append_printf (out, " %s.", counters_md);
    }
  if (report->platform != NULL)
    {
      g_autofree char *platform = platform_sentence (report->platform);
      g_string_append_printf (out, " %s", platform);
    }
  if (report->environment != NULL)
    {
      g_autofree char *env = cb_environment_sentence (report->environment);
      g_autofree char *env_md = cb_text_markdown (env);
      g_string_append_printf (out, " %s.", env_md);
    }
  g_string_append_c (out, '\n');
  if (!report->complete)
    {
      g_autofree char *incomplete = cb_report_incomplete_sentence (report);
      g_autofree char *bold = md_bold (incomplete);
      g_string_append_printf (out, "\n%s\n", bold);
    }
}

static char *
render_report (const CbReport *report)
{
  GString *out = g_string_new (NULL);
  g_autoptr (CbTable) table = cb_report_table (report);
  g_autofree char *title = cb_report_title (report);
  g_autofree char *title_md = cb_text_markdown (title);
  g_autoptr (CbList) summary
      = cb_report_summary (report, cb_text_markdown, md_bold);
  g_autoptr (CbList) warnings = cb_report_warnings (report, cb_text_markdown);

  g_string_append_printf (out, "## %s\n\n", title_md);
  cb_table_append_markdown (out, table);
  g_autoptr (CbTable) load = cb_report_load_table (report);
  if (load != NULL)
    {
      g_string_append_c (out, '\n');
      cb_table_append_markdown (out, load);
    }
  cb_list_append_markdown (out, summary, "Summary");
  cb_list_append_markdown (out, warnings, "Warnings");
  report_append_footer (out, report);
  return g_string_free (out, FALSE);
}

/* ---- a comparison ---- */

static void
comparison_append_header (GString *out, const CbComparison *c)
{
  g_autofree char *old = cb_comparison_file_sentence (c->old);
  g_autofree char *new_ = cb_comparison_file_sentence (c->new_);
  g_autofree char *old_md = cb_text_markdown (old);
  g_autofree char *new_md = cb_text_markdown (new_);
  g_autofree char *note = cb_comparison_seed_note (c);

  g_string_append_printf (out, "## concbench compare\n\n- OLD: %s\n- NEW: %s\n",
                          old_md, new_md);
  if (note != NULL)
    append_item (out, note);
  g_string_append_c (out, '\n');
}

static char *
render_pair (const CbComparison *c)
{
  GString *out = g_string_new (NULL);
  g_autoptr (CbTable) table = cb_comparison_table (c);
  g_autofree char *geo = cb_comparison_geomean_sentence (c);
  g_autofree char *method = cb_comparison_method_sentence (c);
  g_autofree char *geo_bold = md_bold (geo);
  g_autofree char *method_md = cb_text_markdown (method);

  comparison_append_header (out, c);
  cb_table_append_markdown (out, table);
  cb_comparison_append_unmatched (out, c, cb_text_markdown,
                                  cb_list_append_markdown);
  g_autoptr (CbList) load = cb_comparison_load_list (c, cb_text_markdown);
  cb_list_append_markdown (out, load, "Open loop");
  g_string_append_printf (out, "\n%s\n\n%s\n", geo_bold, method_md);
  return g_string_free (out, FALSE);
}

/* One section per file after the first, each against the first. */
static char *
render_comparison (const GPtrArray *comparisons, gboolean color G_GNUC_UNUSED)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < comparisons->len; i++)
    {
      g_autofree char *section = render_pair (comparisons->pdata[i]);
      g_string_append_printf (out, "%s%s", i ? "\n" : "", section);
    }
  return g_string_free (out, FALSE);
}

const CbWriter cb_writer_markdown = {
  .name = "markdown",
  .report = render_report,
  .comparison = render_comparison,
};
