/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every strategy on every workload, at tiny sizes, through the real runner:
 * each item completed exactly once, digests equal across strategies, no fd
 * or child left behind; and contract violations are caught and named. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "runner.h"
#include "testutil.h"

static CbRegistry *registry;

static CbSuite *
make_suite (const char *workload, const char *strategy,
            const char *const *params)
{
  const char *ws[] = { workload, NULL };
  const char *ss[] = { strategy, NULL };
  g_autoptr (GError) error = NULL;
  CbSuite *suite = cb_suite_new_adhoc (registry, ws, ss, params, NULL, &error);
  g_assert_no_error (error);
  return suite;
}

/* Runs every benchmark of the suite once on runner; asserts success. */
static void
run_all_ok (CbRunner *runner, const CbSuite *suite)
{
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      const CbBenchmark *bench = suite->benchmarks->pdata[i];
      CbBenchInfo info = { 0 };
      CbRunSample sample;
      g_autoptr (GError) error = NULL;
      guint fds = test_count_fds ();

      if (!cb_runner_run (runner, bench, &info, &sample, &error))
        g_error ("%s failed: %s", bench->name, error->message);
      g_assert_cmpuint (sample.n_items, ==, info.n_items);
      g_assert_cmpuint (info.n_items, >, 0);
      g_assert_cmpfloat (sample.wall, >, 0);
      for (guint k = 0; k < sample.n_items; k++)
        {
          g_assert_cmpfloat (sample.completion[k], >=, 0);
          g_assert_cmpfloat (sample.completion[k], <=, sample.wall + 1e-3);
        }
      g_assert_cmpuint (test_count_fds (), ==, fds);
      g_assert_true (test_no_children ());
      cb_run_sample_clear (&sample);
      cb_bench_info_clear (&info);
    }
}

static void
test_matrix (gconstpointer data)
{
  const char *workload = data;
  const char *api[] = { "items=12", "max-latency=0.01", NULL };
  const char *sieve[] = { "items=6", "complexity=3000", NULL };
  const char *const *wparams = strcmp (workload, "api") == 0 ? api : sieve;
  static const char *strategies[][3] = {
    { "sequential", NULL },
    { "gmainloop", "mode=async,blocking" },
    { "gthreadpool", "threads=1,3,64" },
    { "procpool", "processes=1,3,8", "chunk=1,5" },
  };
  CbRunOptions options = { .seed = 7, .timeout = 120, .memory_interval = 0.01 };
  /* One runner for the whole matrix: it fails any run whose digests differ
   * from the first run of the same workload. */
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  for (guint s = 0; s < G_N_ELEMENTS (strategies); s++)
    {
      g_autoptr (GPtrArray) params = g_ptr_array_new ();
      for (guint i = 0; wparams[i] != NULL; i++)
        g_ptr_array_add (params, (gpointer) wparams[i]);
      for (guint i = 1; i < 3 && strategies[s][i] != NULL; i++)
        g_ptr_array_add (params, (gpointer) strategies[s][i]);
      g_ptr_array_add (params, NULL);
      g_autoptr (CbSuite) suite = make_suite (
          workload, strategies[s][0], (const char *const *) params->pdata);
      run_all_ok (runner, suite);
    }
}

static void
test_sieve_methods_agree (void)
{
  const char *params[] = { "items=3", "complexity=20000",
                           "method=trial,eratosthenes", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = make_suite ("sieve", "sequential", params);
  /* Different methods are different workload keys, so compare by hand. */
  g_assert_cmpuint (suite->benchmarks->len, ==, 2);
  run_all_ok (runner, suite);
}

static void
assert_run_fails (const char *workload, const char *strategy,
                  const char *const *params, const char *needle)
{
  CbRunOptions options = { .seed = 1, .timeout = 30 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = make_suite (workload, strategy, params);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  guint fds = test_count_fds ();

  g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                                 &sample, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("expected '%s' in '%s'", needle, error->message);
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_true (test_no_children ());
  cb_bench_info_clear (&info);
}

static void
test_contract_violations (void)
{
  if (test_skip_if_static ())
    return;
  const char *skip[] = { "items=5", "max-latency=0", "mode=skip", NULL };
  const char *twice[] = { "items=5", "max-latency=0", "mode=twice", NULL };
  const char *wrong[] = { "items=5", "max-latency=0", "mode=wrong-digest",
                          NULL };
  assert_run_fails ("api", "misbehave", skip, "never completed: items 4");
  assert_run_fails ("api", "misbehave", twice,
                    "completed more than once: items 0");
  assert_run_fails ("api", "misbehave", wrong,
                    "digest the workload did not return: items 0");
}

static void
test_crashes_are_contained (void)
{
  if (test_skip_if_static ())
    return;
  const char *segv[] = { "how=segv", NULL };
  const char *abrt[] = { "how=abort", NULL };
  const char *ex[] = { "how=exit", NULL };
  const char *err[] = { "how=error", NULL };
  const char *pool_segv[] = { "how=segv", "processes=2", NULL };
  const char *pool_err[] = { "how=error", "processes=2", NULL };
  assert_run_fails ("crashy", "sequential", segv,
                    "worker killed by signal 11");
  assert_run_fails ("crashy", "gthreadpool", abrt,
                    "worker killed by signal 6");
  assert_run_fails ("crashy", "sequential", ex, "worker exited with status 3");
  assert_run_fails ("crashy", "gmainloop", err, "crashy refuses item 1");
  assert_run_fails ("crashy", "procpool", pool_segv, "signal 11");
  assert_run_fails ("crashy", "procpool", pool_err, "crashy refuses item 1");
}

static void
test_timeout_kills_tree (void)
{
  if (test_skip_if_static ())
    return;
  const char *hang[] = { "how=hang", "processes=3", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 1 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = make_suite ("crashy", "procpool", hang);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                                 &sample, &error));
  g_assert_error (error, CB_RUN_ERROR, CB_RUN_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "timed out after 1 s"));
  /* Generous: 1 s timeout plus the SIGTERM grace, on a loaded machine. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_assert_true (test_no_children ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_data_func ("/strategies/api", "api", test_matrix);
  g_test_add_data_func ("/strategies/sieve", "sieve", test_matrix);
  g_test_add_func ("/strategies/sieve-methods-agree",
                   test_sieve_methods_agree);
  g_test_add_func ("/strategies/contract-violations",
                   test_contract_violations);
  g_test_add_func ("/strategies/crashes-are-contained",
                   test_crashes_are_contained);
  g_test_add_func ("/strategies/timeout-kills-tree", test_timeout_kills_tree);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
