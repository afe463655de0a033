/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run whose memory nothing measured (issue 10, defect 2): it is written
 * as null, never 0, and the statistics are over the runs that were
 * measured; a row none of whose runs was measured has no memory figure in
 * any format. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "report.h"

static gboolean
fake_execute (const CbJob *job G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
  return TRUE;
}

static guint
fake_slots (const CbParams *params G_GNUC_UNUSED, guint n_items G_GNUC_UNUSED,
            gboolean can_async G_GNUC_UNUSED)
{
  return 1;
}

static const CbParamSpec no_params[] = { { .name = NULL } };
static const CbWorkloadClass work_class = {
  .name = "work", .summary = "test workload", .params = no_params,
};
static const CbStrategyClass seq_class = {
  .name = "sequential", .params = no_params, .execute = fake_execute,
  .slots = fake_slots, .flags = CB_STRATEGY_BASELINE,
};
static const CbPluginDesc work_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "work", .version = "1", .workload = &work_class,
};
static const CbPluginDesc seq_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "sequential", .version = "1",
  .strategy = &seq_class,
};
static const CbPlugin work_plugin = { &work_desc, (char *) "/x/work.so", NULL };
static const CbPlugin seq_plugin = { &seq_desc, (char *) "/x/seq.so", NULL };

#define MIB (1024.0 * 1024.0)

/* One row of runs with the given PSS in MiB; a negative one is unknown. */
static CbResult *
result_with_pss (CbBenchmark *bench, const double *pss, guint n)
{
  CbResult *result = cb_result_new (bench, 0);
  result->info.n_items = 1;
  result->info.slots = 1;
  result->info.chunk = 1;
  for (guint i = 0; i < n; i++)
    {
      CbRunSample s = { 0 };
      s.wall = 1.0 + i * 0.01;
      s.memory_unknown = pss[i] < 0;
      s.tree_peak_pss = s.tree_peak_rss = pss[i] < 0 ? 0 : pss[i] * MIB;
      s.n_items = 1;
      s.completion = g_new0 (double, 1);
      s.service = g_new0 (double, 1);
      g_array_append_val (result->samples, s);
    }
  result->status = CB_RESULT_OK;
  return result;
}

static char *
render (GPtrArray *results, CbFormat format)
{
  CbSuite suite = { .name = (char *) "t", .source = (char *) "built-in" };
  CbRunOptions options = { .seed = 1, .memory_interval = 0.01 };
  CbReport report = { .suite = &suite, .results = results,
                      .options = &options, .runs = "3",
                      .memory_sampled = TRUE, .complete = TRUE };
  return cb_report_render (&report, format);
}

static void
with_row (const double *pss, guint n, GPtrArray **results_out,
          CbBenchmark *bench)
{
  bench->name = (char *) "row";
  bench->workload = &work_plugin;
  bench->strategy = &seq_plugin;
  bench->workload_params = cb_param_set_new (no_params, NULL);
  bench->strategy_params = cb_param_set_new (no_params, NULL);
  bench->workload_key = (char *) "work";
  *results_out = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);
  g_ptr_array_add (*results_out, result_with_pss (bench, pss, n));
  cb_results_analyse (*results_out, 1, TRUE);
}

static void
test_unknown_not_averaged (void)
{
  static const double pss[] = { 10, -1, 12 };
  CbBenchmark bench = { 0 };
  g_autoptr (GPtrArray) results = NULL;
  with_row (pss, 3, &results, &bench);
  const CbResult *r = results->pdata[0];

  g_assert_cmpuint (r->pss.n, ==, 2);
  g_assert_cmpfloat_with_epsilon (r->pss.mean, 11 * MIB, 1);

  g_autofree char *json = render (results, CB_FORMAT_JSON);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  JsonObject *row = json_array_get_object_element (
      json_object_get_array_member (
          json_node_get_object (json_parser_get_root (parser)), "benchmarks"),
      0);
  JsonArray *runs = json_object_get_array_member (row, "runs");
  JsonObject *unknown = json_array_get_object_element (runs, 1);
  g_assert_true (json_object_get_null_member (unknown, "tree_peak_pss"));
  g_assert_true (json_object_get_null_member (unknown, "tree_peak_rss"));
  g_assert_cmpint (json_object_get_int_member (
                       json_array_get_object_element (runs, 0),
                       "tree_peak_pss"),
                   ==, 10 * 1024 * 1024);
  JsonObject *stats = json_object_get_object_member (
      json_object_get_object_member (row, "stats"), "memory_pss");
  g_assert_cmpint (json_object_get_int_member (stats, "n"), ==, 2);
  cb_param_set_free (bench.workload_params);
  cb_param_set_free (bench.strategy_params);
}

static void
test_all_unknown_shown_unknown (void)
{
  static const double pss[] = { -1, -1, -1 };
  CbBenchmark bench = { 0 };
  g_autoptr (GPtrArray) results = NULL;
  with_row (pss, 3, &results, &bench);
  const CbResult *r = results->pdata[0];

  g_assert_cmpuint (r->pss.n, ==, 0);
  g_assert_true (isnan (r->pss.mean));
  g_autofree char *json = render (results, CB_FORMAT_JSON);
  g_assert_nonnull (strstr (json, "\"memory_pss\" : null"));
  g_autofree char *csv = render (results, CB_FORMAT_CSV);
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_auto (GStrv) header = g_strsplit (lines[0], ",", -1);
  g_auto (GStrv) fields = g_strsplit (lines[1], ",", -1);
  gboolean found = FALSE;
  for (guint i = 0; header[i] != NULL && fields[i] != NULL; i++)
    if (strcmp (header[i], "memory_pss_mean_bytes") == 0)
      {
        g_assert_cmpstr (fields[i], ==, "");
        found = TRUE;
      }
  g_assert_true (found);
  cb_param_set_free (bench.workload_params);
  cb_param_set_free (bench.strategy_params);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/memory-unknown/not-averaged", test_unknown_not_averaged);
  g_test_add_func ("/memory-unknown/all-unknown", test_all_unknown_shown_unknown);
  return g_test_run ();
}
