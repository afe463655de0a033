/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CbJobReports (ABI 1.4) through the real runner, with the test strategy
 * "reporter" (tests/plugins/reporter.c) in place of MPI: the first
 * started() is the run's start-up and later calls change nothing;
 * worker_usage() records come back as the strategy made them, up to 1024,
 * the rest counted; and a strategy that reports nothing gets no start-up,
 * no workers and no such JSON members. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <json-glib/json-glib.h>

#include "runner.h"
#include "run-reports.h"
#include "shared-area.h"
#include "testutil.h"

static CbRegistry *registry;

static void
run_once (const char *strategy, const char *const *params,
          CbRunSample *sample)
{
  CbRunOptions options = { .seed = 3, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = test_make_suite (registry, "sieve", strategy,
                                               params);
  CbBenchInfo info = { 0 };
  g_autoptr (GError) error = NULL;

  if (!cb_runner_run (runner, suite->benchmarks->pdata[0], &info, sample,
                      &error))
    g_error ("%s failed: %s", strategy, error->message);
  cb_bench_info_clear (&info);
}

/* The strategy waits 0.2 s before started(): that is the start-up, and the
 * items are the rest of the wall time. */
static void
test_startup (void)
{
  if (test_skip_if_static ())
    return;
  const char *params[] = { "items=3", "complexity=2000", "startup=0.2",
                           "workers=0", NULL };
  CbRunSample sample;

  run_once ("reporter", params, &sample);
  g_assert_true (sample.has_startup);
  g_assert_cmpfloat (sample.startup, >=, 0.2);
  g_assert_cmpfloat (sample.startup, <=, sample.wall);
  g_assert_null (sample.workers);
  g_assert_cmpuint (sample.workers_dropped, ==, 0);
  cb_run_sample_clear (&sample);
}

static void
test_no_reports (void)
{
  const char *params[] = { "items=3", "complexity=2000", NULL };
  CbRunSample sample;

  run_once ("sequential", params, &sample);
  g_assert_false (sample.has_startup);
  g_assert_cmpfloat (sample.startup, ==, 0);
  g_assert_null (sample.workers);
  cb_run_sample_clear (&sample);
}

/* Records are copied as reported, in order; beyond SHARED_WORKERS_MAX they
 * are only counted. */
static void
test_workers_bounded (gconstpointer data)
{
  if (test_skip_if_static ())
    return;
  guint n = GPOINTER_TO_UINT (data);
  g_autofree char *workers = g_strdup_printf ("workers=%u", n);
  const char *params[] = { "items=2", "complexity=2000", "startup=0",
                           workers, NULL };
  CbRunSample sample;

  run_once ("reporter", params, &sample);
  guint kept = MIN (n, SHARED_WORKERS_MAX);
  g_assert_nonnull (sample.workers);
  g_assert_cmpuint (sample.workers->len, ==, kept);
  g_assert_cmpuint (sample.workers_dropped, ==, n - kept);
  for (guint i = 0; i < kept; i++)
    {
      const CbWorkerRecord *w
          = &g_array_index (sample.workers, CbWorkerRecord, i);
      g_autofree char *host = g_strdup_printf ("host-%u", i % 3);
      g_assert_cmpstr (w->host, ==, host);
      g_assert_cmpuint (w->rank, ==, i);
      g_assert_cmpuint (w->peak_rss, ==, (guint64) (i + 1) * 1048576);
      g_assert_cmpfloat (w->user_cpu, ==, 0.25);
      g_assert_cmpfloat (w->system_cpu, ==, 0.125);
    }
  cb_run_sample_clear (&sample);
}

static JsonObject *
row_of (JsonArray *benchmarks, const char *strategy)
{
  for (guint i = 0; i < json_array_get_length (benchmarks); i++)
    {
      JsonObject *b = json_array_get_object_element (benchmarks, i);
      JsonObject *st = json_object_get_object_member (b, "strategy");
      if (strcmp (json_object_get_string_member (st, "name"), strategy) == 0)
        return b;
    }
  g_error ("no %s row", strategy);
  return NULL;
}

/* Five workers on three hosts: host-0 has ranks 0 and 3 (1 + 4 MiB),
 * host-1 ranks 1 and 4, host-2 rank 2. */
static void
assert_hosts (JsonObject *row)
{
  JsonArray *hosts = json_object_get_array_member (row, "worker_hosts");
  const guint64 mib = 1048576;
  const guint64 rss[] = { 5 * mib, 7 * mib, 3 * mib };
  const gint64 count[] = { 2, 2, 1 };

  g_assert_cmpuint (json_array_get_length (hosts), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *h = json_array_get_object_element (hosts, i);
      g_autofree char *name = g_strdup_printf ("host-%u", i);
      g_assert_cmpstr (json_object_get_string_member (h, "host"), ==, name);
      g_assert_cmpint (json_object_get_int_member (h, "workers"), ==,
                       count[i]);
      g_assert_cmpint (json_object_get_int_member (h, "peak_rss"), ==,
                       (gint64) rss[i]);
      g_assert_cmpfloat (json_object_get_double_member (h, "cpu_user"), ==,
                         0.25 * count[i]);
    }
}

static void
test_json (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TestExec) exec = test_exec (
      "--plugin-dir", test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "sieve",
      "-s", "sequential", "-s", "reporter", "-p", "items=2",
      "-p", "complexity=2000", "-p", "workers=5", "--warmups", "0",
      "--runs", "2", "--format", "json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
  if (!json_parser_load_from_data (parser, exec->out, -1, &error))
    g_error ("not JSON (%s):\n%.400s", error->message, exec->out);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *benchmarks = json_object_get_array_member (root, "benchmarks");
  JsonObject *rep = row_of (benchmarks, "reporter");
  JsonObject *seq = row_of (benchmarks, "sequential");
  JsonObject *stats = json_object_get_object_member (rep, "stats");

  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (stats, "startup"), "n"),
                   ==, 2);
  g_assert_cmpstr (json_object_get_string_member (rep, "memory_scope"), ==,
                   "local");
  g_assert_cmpint (json_object_get_int_member (rep, "workers_run"), ==, 1);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (rep, "workers")),
      ==, 5);
  assert_hosts (rep);
  g_assert_false (json_object_has_member (seq, "workers"));
  g_assert_false (json_object_has_member (
      json_object_get_object_member (seq, "stats"), "startup"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_func ("/job-reports/startup", test_startup);
  g_test_add_func ("/job-reports/no-reports", test_no_reports);
  g_test_add_data_func ("/job-reports/workers/5", GUINT_TO_POINTER (5),
                        test_workers_bounded);
  g_test_add_data_func ("/job-reports/workers/beyond-the-bound",
                        GUINT_TO_POINTER (SHARED_WORKERS_MAX + 7),
                        test_workers_bounded);
  g_test_add_func ("/job-reports/json", test_json);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
