/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Golden outputs: a fixed run report and a fixed comparison, in every
 * format, compared byte for byte with the files under tests/golden/.  They
 * pin down what the renderers write, so that moving code between them shows
 * up as a diff.  Everything volatile (date, host, tool version) is fixed in
 * the fixture.
 *
 * To regenerate after an intended change, run the test with
 * CB_GOLDEN_UPDATE=1: it writes the files into the source tree instead of
 * comparing, and the diff is then reviewed like any other. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "report.h"
#include "testutil.h"

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
  { .name = NULL },
};

static const CbParamSpec pool_params[] = {
  { .name = "threads", .help = "threads", .default_value = "4",
    .type = CB_PARAM_UINT, .min = 1, .max = 64 },
  { .name = NULL },
};

static const CbWorkloadClass work_class = {
  .name = "work", .summary = "test workload", .params = work_params,
};
static const CbStrategyClass seq_class = {
  .name = "sequential", .execute = fake_execute, .slots = fake_slots,
  .flags = CB_STRATEGY_BASELINE,
};
static const CbStrategyClass pool_class = {
  .name = "pool", .summary = "test pool", .params = pool_params,
  .execute = fake_execute, .slots = fake_slots,
};
static const CbPluginDesc work_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "work", .version = "1.0",
  .workload = &work_class,
};
static const CbPluginDesc seq_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "sequential", .version = "1.0",
  .strategy = &seq_class,
};
static const CbPluginDesc pool_desc = {
  CB_PLUGIN_DESC_HEADER, .name = "pool", .version = "2.0",
  .strategy = &pool_class,
};
static const CbPlugin work_plugin = { &work_desc, (char *) "/x/work.so", NULL };
static const CbPlugin seq_plugin = { &seq_desc, (char *) "/x/seq.so", NULL };
static const CbPlugin pool_plugin = { &pool_desc, (char *) "/x/pool.so", NULL };

static const CbPlatform platform = {
  .os = (char *) "Golden OS 1",
  .kernel = (char *) "Linux 6.0.0 x86_64",
  .cpu_model = (char *) "Golden CPU @ 1 GHz",
  .cpu_count = 4,
  .concbench_version = (char *) "0.0-golden",
  .plugin_abi_major = 1,
  .plugin_abi_minor = 1,
  .glib_version = (char *) "2.0.0",
  .compiler = (char *) "cc 1.0",
  .hostname = (char *) "golden-host",
  .date = (char *) "2026-01-01T00:00:00Z",
};

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
bench_new (const char *name, const CbPlugin *strategy, const char *threads)
{
  CbBenchmark *bench = g_new0 (CbBenchmark, 1);
  bench->name = g_strdup (name);
  bench->workload = &work_plugin;
  bench->strategy = strategy;
  bench->workload_params = cb_param_set_new (work_params, NULL);
  bench->strategy_params
      = cb_param_set_new (strategy->desc->strategy->params, NULL);
  if (threads != NULL)
    g_assert_true (cb_param_set_assign (bench->strategy_params, "threads",
                                        threads, NULL));
  bench->workload_key = g_strdup ("work items=4");
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
      s.cpu_user = walls[i] * 0.5;
      s.cpu_sys = walls[i] * 0.25;
      s.tree_peak_pss = s.tree_peak_rss = s.worker_maxrss
          = 12 * 1024 * 1024 + 4096 * i;
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
            const char *threads, const double *walls, guint n)
{
  CbBenchmark *bench = bench_new (name, strategy, threads);
  CbResult *result = cb_result_new (bench, f->results->len);
  g_ptr_array_add (f->benchmarks, bench);
  g_ptr_array_add (f->results, result);
  add_runs (result, walls, n);
  result->status = CB_RESULT_OK;
  return result;
}

static void
fixture_setup (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  static const double seq[] = { 2.0, 2.1, 1.9, 2.05, 1.95 };
  static const double pool4[] = { 0.55, 0.52, 0.5, 0.51, 0.53 };
  static const double pool2[] = { 1.1, 1.05, 1.02, 1.07, 1.0 };
  static const double failed[] = { 0.7 };

  f->benchmarks = g_ptr_array_new_with_free_func (bench_free);
  f->results = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);
  result_new (f, "Sequential", &seq_plugin, NULL, seq, 5);
  result_new (f, "Pool_4 *fast* | [x]", &pool_plugin, "4", pool4, 5);
  result_new (f, "Pool 2", &pool_plugin, "2", pool2, 5);
  cb_result_fail (result_new (f, "Crashing", &pool_plugin, "8", failed, 1),
                  CB_RESULT_FAILED, "boom,\n\"bang\" <b>_x_</b>");
  cb_results_analyse (f->results, platform.cpu_count, TRUE);
  CbResult *pool = f->results->pdata[1];
  g_strfreev (pool->warnings);
  pool->warnings = g_strsplit ("a *golden* warning|second `warning`", "|", -1);

  f->suite.name = (char *) "golden";
  f->suite.source = (char *) "built-in";
  f->suite.description = (char *) "fixed results";
  f->options.seed = 7;
  f->options.timeout = 10;
  f->options.memory_interval = 0.01;
  f->report.suite = &f->suite;
  f->report.results = f->results;
  f->report.platform = &platform;
  f->report.options = &f->options;
  f->report.warmups = 1;
  f->report.runs = "5";
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

static char *
golden_path (const char *name)
{
  return g_build_filename (test_env ("CONCBENCH_SRCDIR"), "tests", "golden",
                           name, NULL);
}

static void
assert_golden (const char *name, const char *actual)
{
  g_autofree char *path = golden_path (name);
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;

  if (g_getenv ("CB_GOLDEN_UPDATE") != NULL)
    {
      g_assert_true (g_file_set_contents (path, actual, -1, &error));
      g_assert_no_error (error);
      g_test_message ("wrote %s", path);
      return;
    }
  g_assert_true (g_file_get_contents (path, &expected, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (actual, ==, expected);
}

static void
test_run (Fixture *f, gconstpointer data)
{
  const char *name = data;
  CbFormat format;
  g_assert_true (cb_format_from_filename (name, &format));
  g_autofree char *text = cb_report_render (&f->report, format);
  assert_golden (name, text);
}

static void
test_run_color (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->report.color = TRUE;
  g_autofree char *text = cb_report_render (&f->report, CB_FORMAT_TABLE);
  assert_golden ("run-color.txt", text);
}

static char *
without_cr (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, "\r", -1);
  return g_strjoinv ("", parts);
}

/* The coloured compare table, through a pseudo-terminal made by script(1)
 * (colour is only ever used on a terminal), which adds '\r's. */
static void
test_compare_color (void)
{
  g_autofree char *script = g_find_program_in_path ("script");
  if (script == NULL)
    {
      g_test_skip ("script(1) is not installed");
      return;
    }
  g_autoptr (TestExec) exec = test_exec_shell (
      "cd \"$CONCBENCH_SRCDIR/tests/golden\" && env -u NO_COLOR TERM=xterm "
      "script -qec '\"$CONCBENCH\" compare compare-old.json "
      "compare-new.json' /dev/null");
  if (exec->status != 0)
    {
      g_test_skip ("script(1) cannot make a pseudo-terminal here");
      return;
    }
  g_autofree char *text = without_cr (exec->out);
  assert_golden ("compare-color.txt", text);
}

/* The compare subcommand on the two checked-in results files, run where
 * they are so the output names them without a build-specific path.  The
 * compare JSON names the tool's version: that one string is fixed here. */
static void
test_compare (gconstpointer data)
{
  const char *name = data;
  const char *format = strrchr (name, '.') + 1;
  g_autofree char *script = g_strdup_printf (
      "cd \"$CONCBENCH_SRCDIR/tests/golden\" && \"$CONCBENCH\" compare "
      "--format %s compare-old.json compare-new.json",
      strcmp (format, "txt") == 0 ? "table" : format);
  g_autoptr (TestExec) exec = test_exec_shell (script);
  g_assert_cmpstr (exec->err, ==, "");
  g_assert_cmpint (exec->status, ==, 0);
  g_autofree char *version
      = g_strdup_printf ("\"version\" : \"%s\"", PACKAGE_VERSION);
  g_auto (GStrv) parts = g_strsplit (exec->out, version, -1);
  g_autofree char *text = g_strjoinv ("\"version\" : \"VERSION\"", parts);
  assert_golden (name, text);
}

int
main (int argc, char **argv)
{
  static const char *const run_files[] = { "run.txt", "run.md", "run.csv",
                                           "run.json" };
  static const char *const compare_files[] = { "compare.txt", "compare.md",
                                               "compare.csv", "compare.json" };
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (run_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/golden/%s", run_files[i]);
      g_test_add (path, Fixture, run_files[i], fixture_setup, test_run,
                  fixture_teardown);
    }
  g_test_add ("/golden/run-color.txt", Fixture, NULL, fixture_setup,
              test_run_color, fixture_teardown);
  g_test_add_func ("/golden/compare-color.txt", test_compare_color);
  for (guint i = 0; i < G_N_ELEMENTS (compare_files); i++)
    {
      g_autofree char *path = g_strdup_printf ("/golden/%s", compare_files[i]);
      g_test_add_data_func (path, compare_files[i], test_compare);
    }
  return g_test_run ();
}
