/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reports rendered from hand-built results: every format must be parseable,
 * unknown figures must not leak as "nan", and hostile plugin strings must not
 * reach the terminal unbounded. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "listing.h"
#include "read-json.h"
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
  return 4;
}

static const CbParamSpec work_params[] = {
  { .name = "items", .help = "items", .default_value = "4",
    .type = CB_PARAM_UINT, .min = 1, .max = 100 },
  { .name = "scale", .help = "scale", .default_value = "0.5",
    .type = CB_PARAM_DOUBLE, .min = 0, .max = 10 },
  { .name = NULL },
};

static const char *const mode_choices[] = { "fast", "slow", NULL };
static const CbParamSpec strat_params[] = {
  { .name = "mode", .help = NULL, .default_value = "fast",
    .type = CB_PARAM_ENUM, .choices = mode_choices },
  { .name = "label", .help = NULL, .default_value = "a,\"b\"",
    .type = CB_PARAM_STRING },
  { .name = NULL },
};

static const CbWorkloadClass work_class = {
  .name = "work", .summary = "test workload", .params = work_params,
};
static const CbStrategyClass seq_class = {
  .name = "sequential", .summary = NULL, .params = NULL,
  .execute = fake_execute, .slots = fake_slots, .flags = CB_STRATEGY_BASELINE,
};
static const CbStrategyClass pool_class = {
  .name = "pool", .summary = "test pool", .params = strat_params,
  .execute = fake_execute, .slots = fake_slots,
};
static const CbPluginDesc work_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "work", .version = "1.0",
  .license = "GPL-3.0-or-later", .description = "w", .workload = &work_class,
};
static const CbPluginDesc seq_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "sequential", .strategy = &seq_class,
};
static const CbPluginDesc pool_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "pool", .version = "1.0",
  .strategy = &pool_class,
};
static const CbPlugin work_plugin = { &work_desc, (char *) "/x/work.so", NULL };
static const CbPlugin seq_plugin = { &seq_desc, (char *) "/x/seq.so", NULL };
static const CbPlugin pool_plugin = { &pool_desc, (char *) "/x/pool.so", NULL };

typedef struct {
  CbSuite suite;
  GPtrArray *benchmarks; /* CbBenchmark*, owned here */
  GPtrArray *results;
  CbRunOptions options;
  CbReport report;
} Fixture;

static void
bench_free (gpointer data)
{
  CbBenchmark *bench = data;
  g_free (bench->name);
  g_free (bench->workload_key);
  cb_param_set_free (bench->workload_params);
  cb_param_set_free (bench->strategy_params);
  g_free (bench);
}

static CbBenchmark *
bench_new (const char *name, const CbPlugin *strategy)
{
  CbBenchmark *bench = g_new0 (CbBenchmark, 1);
  bench->name = g_strdup (name);
  bench->workload = &work_plugin;
  bench->strategy = strategy;
  bench->workload_params = cb_param_set_new (work_params, NULL);
  bench->strategy_params
      = cb_param_set_new (strategy->desc->strategy->params, NULL);
  bench->workload_key = g_strdup ("work items=4 scale=0.5");
  return bench;
}

static void
add_runs (CbResult *result, const double *walls, guint n)
{
  result->info.n_items = 4;
  result->info.slots = 4;
  result->info.chunk = 1;
  for (guint i = 0; i < n; i++)
    {
      CbRunSample s = { 0 };
      s.wall = walls[i];
      s.cpu_user = walls[i] * 1.5;
      s.tree_peak_pss = s.worker_maxrss = 3 * 1024 * 1024 + i;
      s.n_items = 4;
      s.completion = g_new0 (double, 4);
      s.service = g_new0 (double, 4);
      for (guint k = 0; k < 4; k++)
        s.completion[k] = s.service[k] = walls[i] * (k + 1) / 4;
      g_array_append_val (result->samples, s);
    }
}

static CbResult *
result_new (Fixture *f, const char *name, const CbPlugin *strategy,
            CbResultStatus status, const double *walls, guint n)
{
  CbBenchmark *bench = bench_new (name, strategy);
  CbResult *result = cb_result_new (bench, f->results->len);
  g_ptr_array_add (f->benchmarks, bench);
  g_ptr_array_add (f->results, result);
  add_runs (result, walls, n);
  result->status = status;
  return result;
}

static void
fixture_setup (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const double seq[] = { 2.0, 2.1, 1.9 };
  static const double pool[] = { 0.5, 0.52, 0.49 };
  static const double failed[] = { 0.7 };

  f->benchmarks = g_ptr_array_new_with_free_func (bench_free);
  f->results = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);
  result_new (f, "Sequential", &seq_plugin, CB_RESULT_OK, seq, 3);
  result_new (f, "Pööl | µ, \"quoted\"", &pool_plugin, CB_RESULT_OK, pool, 3);
  cb_result_fail (result_new (f, "Crashing", &pool_plugin, CB_RESULT_OK,
                              failed, 1),
                  CB_RESULT_FAILED, "boom,\n\"bang\"\033[2J");
  result_new (f, "Pending", &pool_plugin, CB_RESULT_PENDING, NULL, 0);
  cb_results_analyse (f->results, 2, TRUE);

  f->suite.name = (char *) "test";
  f->suite.source = (char *) "built-in";
  f->options.seed = 7;
  f->options.timeout = 10;
  f->options.memory_interval = 0.01;
  f->report.suite = &f->suite;
  f->report.results = f->results;
  f->report.options = &f->options;
  f->report.warmups = 1;
  f->report.runs = "3";
  f->report.memory_sampled = TRUE;
  f->report.complete = FALSE;
  f->report.interrupted_by = 2;
}

static void
fixture_teardown (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_ptr_array_unref (f->results);
  g_ptr_array_unref (f->benchmarks);
}

static void
test_format_names (void)
{
  CbFormat format;
  g_assert_true (cb_format_parse ("table", &format));
  g_assert_cmpint (format, ==, CB_FORMAT_TABLE);
  g_assert_true (cb_format_parse ("MD", &format));
  g_assert_cmpint (format, ==, CB_FORMAT_MARKDOWN);
  g_assert_false (cb_format_parse ("xml", &format));
  g_assert_false (cb_format_parse (NULL, &format));
  g_assert_true (cb_format_from_filename ("a.d/out.Json", &format));
  g_assert_cmpint (format, ==, CB_FORMAT_JSON);
  g_assert_true (cb_format_from_filename ("out.markdown", &format));
  g_assert_cmpint (format, ==, CB_FORMAT_MARKDOWN);
  g_assert_true (cb_format_from_filename ("out.txt", &format));
  g_assert_cmpint (format, ==, CB_FORMAT_TABLE);
  g_assert_false (cb_format_from_filename ("a.d/out", &format));
  g_assert_false (cb_format_from_filename (".csv", &format));
}

static JsonObject *
benchmark_at (JsonObject *root, guint i)
{
  return json_array_get_object_element (
      json_object_get_array_member (root, "benchmarks"), i);
}

static void
test_json (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_JSON);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (text, "nan"));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "schema_version"), ==,
                   CB_JSON_SCHEMA_VERSION);
  g_assert_false (json_object_get_boolean_member (root, "complete"));
  g_assert_cmpint (json_object_get_int_member (root, "interrupted_by"), ==, 2);
  g_assert_true (json_object_get_null_member (root, "platform"));

  JsonObject *pool = benchmark_at (root, 1);
  g_assert_cmpstr (json_object_get_string_member (pool, "status"), ==, "ok");
  g_assert_cmpuint (json_array_get_length (
                        json_object_get_array_member (pool, "runs")), ==, 3);
  JsonObject *params = json_object_get_object_member (
      json_object_get_object_member (pool, "workload"), "params");
  g_assert_cmpint (json_object_get_int_member (params, "items"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (params, "scale"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (pool, "speedup"), >, 3.9);

  JsonObject *crashed = benchmark_at (root, 2);
  g_assert_cmpstr (json_object_get_string_member (crashed, "status"), ==,
                   "failed");
  g_assert_cmpstr (json_object_get_string_member (crashed, "error"), ==,
                   "boom,\n\"bang\"\033[2J");

  JsonObject *pending = benchmark_at (root, 3);
  g_assert_cmpstr (json_object_get_string_member (pending, "status"), ==,
                   "not-run");
  g_assert_true (json_object_get_null_member (pending, "speedup"));
  g_assert_true (json_object_get_null_member (
      json_object_get_object_member (pending, "stats"), "wall"));
}

static void
test_json_nan_is_null (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  CbResult *pool = f->results->pdata[1];
  pool->karp_flatt = NAN;
  pool->efficiency = INFINITY;
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_JSON);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_null_member (benchmark_at (root, 1),
                                              "karp_flatt"));
  g_assert_true (json_object_get_null_member (benchmark_at (root, 1),
                                              "efficiency"));
}

static void
test_csv (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_CSV);
  g_auto (GStrv) records = g_strsplit (text, "\r\n", -1);

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  g_assert_true (g_str_has_prefix (records[0],
                                   "name,status,error,workload,strategy,"
                                   "workload.items,workload.scale,"
                                   "strategy.mode,strategy.label,n,mean,"));
  /* Header, 4 rows and "": the newline inside the quoted error is a bare LF,
   * which does not end a record. */
  g_assert_cmpuint (g_strv_length (records), ==, 6);
  g_assert_nonnull (strstr (records[3], "\"boom,\n\"\"bang\"\"\033[2J\""));
  g_assert_nonnull (strstr (records[2], "\"Pööl | µ, \"\"quoted\"\"\""));
  g_assert_nonnull (strstr (records[2], ",\"a,\"\"b\"\"\","));
  g_assert_true (g_str_has_prefix (records[3], "Crashing,failed,\"boom,"));
  /* Not run: no figures at all, not zeros. */
  g_assert_true (g_str_has_prefix (records[4], "Pending,not-run,,work,pool,4,"
                                               "0.5,fast,\"a,\"\"b\"\"\",0,,"));
}

static gsize
count_lines_with (char **lines, const char *needle)
{
  gsize n = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], needle) != NULL;
  return n;
}

static void
test_table (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_TABLE);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_null (strchr (text, '\033'));
  g_assert_cmpstr (lines[0], ==, "concbench — test suite");
  g_assert_true (g_str_has_prefix (lines[2], "Benchmark"));
  /* Header, rule and the two rows with figures line up in characters. */
  glong width = g_utf8_strlen (lines[2], -1);
  g_assert_cmpint (g_utf8_strlen (lines[3], -1), ==, width);
  g_assert_cmpint (g_utf8_strlen (lines[4], -1), ==, width);
  g_assert_cmpint (g_utf8_strlen (lines[5], -1), ==, width);
  g_assert_cmpuint (strlen (lines[5]), >, (gsize) width);
  g_assert_nonnull (strstr (lines[6], "failed: boom, \"bang\"\xef\xbf\xbd[2J"));
  g_assert_nonnull (strstr (lines[7], "not run"));
  g_assert_cmpuint (count_lines_with (lines, "times faster than Sequential"),
                    ==, 1);
  g_assert_cmpuint (count_lines_with (lines, "INCOMPLETE: interrupted by "
                                             "signal 2"),
                    ==, 1);
  g_assert_cmpuint (count_lines_with (lines, "sampled every 10 ms"), ==, 1);
}

static void
test_table_color (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->report.color = TRUE;
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_TABLE);
  g_assert_nonnull (strstr (text, "\033[31mCrashing"));
}

static void
test_markdown (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_MARKDOWN);
  g_assert_nonnull (strstr (text, "| Pööl \\| µ, \"quoted\" |"));
  g_assert_nonnull (strstr (text, "| Crashing | failed: boom"));
  g_assert_null (strchr (text, '\033'));
}

static void
test_list_plugins (void)
{
  static const CbParamSpec odd_params[] = {
    { .name = "x", .type = CB_PARAM_ENUM },
    { .name = NULL },
  };
  static CbWorkloadClass odd_class = { .name = "odd", .params = odd_params };
  g_autoptr (GString) huge = g_string_new ("x");
  for (guint i = 0; i < 2 * CB_PLUGIN_TEXT_MAX; i++)
    g_string_append (huge, "€");
  CbPluginDesc odd_desc = { CB_PLUGIN_DESC_HEADER, .name = "odd",
                            .description = huge->str,
                            .workload = &odd_class };
  CbPlugin odd = { &odd_desc, (char *) "/x/odd.so", NULL };
  CbProblem problem = { (char *) "/x/bad.so", (char *) "bad magic" };
  CbRegistry registry = { g_ptr_array_new (), g_ptr_array_new () };
  const char *const path[] = { "/x", NULL };

  g_ptr_array_add (registry.plugins, (gpointer) &pool_plugin);
  g_ptr_array_add (registry.plugins, &odd);
  g_ptr_array_add (registry.problems, &problem);
  g_autofree char *text = cb_listing_plugins (&registry, path);
  g_autofree char *names = cb_listing_plugin_names (&registry);
  g_ptr_array_unref (registry.plugins);
  g_ptr_array_unref (registry.problems);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "odd (workload), version -, license -"));
  g_assert_nonnull (strstr (text, "  /x/bad.so: bad magic\n"));
  const char *desc = strstr (text, "x€€");
  const char *end = strstr (desc, "…\n");
  g_assert_nonnull (end);
  g_assert_cmpuint (end + strlen ("…") - desc, <=, CB_PLUGIN_TEXT_MAX);
  g_assert_cmpstr (names, ==,
                   "strategy pool\n"
                   "param pool mode enum fast|slow\n"
                   "param pool label string\n"
                   "workload odd\n"
                   "param odd x enum\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/format-names", test_format_names);
#define ADD(path, fn)                                                        \
  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/report/json/valid", test_json);
  ADD ("/report/json/nan-is-null", test_json_nan_is_null);
  ADD ("/report/csv", test_csv);
  ADD ("/report/table/plain", test_table);
  ADD ("/report/table/color", test_table_color);
  ADD ("/report/markdown", test_markdown);
#undef ADD
  g_test_add_func ("/report/list-plugins", test_list_plugins);

  return g_test_run ();
}
