/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The thread and process models of issue 13 (pthread, openmp, forkeach,
 * spawnpool) through the real runner: api (timer and tcp) and sieve with
 * digests equal to sequential's, each item completed exactly once, nothing
 * left behind; a crashing or hanging worker costs one row; bad parameters
 * are one-line usage errors. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "params.h"
#include "runner.h"
#include "testutil.h"

static CbRegistry *registry;

/* Strategy, then up to two swept parameters. */
typedef struct {
  const char *strategy;
  const char *params[3];
} Model;

static const Model models[] = {
  { "pthread", { "threads=1,3,64", "distribution=static,dynamic,queue" } },
  { "pthread", { "threads=2,5", "distribution=per-item" } },
#ifdef HAVE_OPENMP
  { "openmp", { "threads=1,3", "schedule=static,dynamic,guided" } },
  { "openmp", { "threads=2", "chunk=4" } },
#endif
  { "forkeach", { "processes=1,3,64" } },
};

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
      g_assert_cmpuint (info.slots, >=, 1);
      g_assert_cmpuint (test_count_fds (), ==, fds);
      g_assert_true (test_no_children ());
      cb_run_sample_clear (&sample);
      cb_bench_info_clear (&info);
    }
}

static void
run_model (CbRunner *runner, const char *workload,
           const char *const *wparams, const Model *model)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new ();

  for (guint i = 0; wparams[i] != NULL; i++)
    g_ptr_array_add (params, (gpointer) wparams[i]);
  for (guint i = 0; i < G_N_ELEMENTS (model->params) && model->params[i]; i++)
    g_ptr_array_add (params, (gpointer) model->params[i]);
  g_ptr_array_add (params, NULL);
  g_autoptr (CbSuite) suite = test_make_suite (
      registry, workload, model->strategy, (const char *const *) params->pdata);
  run_all_ok (runner, suite);
}

/* Sequential first: the runner then fails any later run whose digests
 * differ from that first run of the same workload. */
static void
test_matrix (gconstpointer data)
{
  const char *workload = data;
  const char *api[] = { "items=12", "max-latency=0.01",
                        "transport=timer,tcp", NULL };
  const char *sieve[] = { "items=6", "complexity=3000", NULL };
  const char *const *wparams = strcmp (workload, "api") == 0 ? api : sieve;
  const Model sequential = { "sequential", { NULL } };
  CbRunOptions options = { .seed = 7, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  run_model (runner, workload, wparams, &sequential);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    run_model (runner, workload, wparams, &models[m]);
}

static void
assert_run_fails (const char *workload, const char *strategy,
                  const char *const *params, double timeout, const char *needle)
{
  CbRunOptions options = { .seed = 1, .timeout = timeout };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, workload, strategy, params);
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

/* A worker (thread, child or helper) that crashes, fails or hangs fails its
 * row, with the reason, and leaves nothing behind. */
static void
test_failures_are_contained (void)
{
  if (test_skip_if_static ())
    return;
  const char *segv[] = { "how=segv", "processes=2", NULL };
  const char *abrt[] = { "how=abort", "threads=2", NULL };
  const char *err[] = { "how=error", "processes=3", NULL };
  const char *hang[] = { "how=hang", "processes=2", NULL };
  assert_run_fails ("crashy", "pthread", abrt, 30, "killed by signal 6");
  assert_run_fails ("crashy", "forkeach", segv, 30,
                    "the process for item 1 was killed by signal 11");
  assert_run_fails ("crashy", "forkeach", err, 30, "crashy refuses item 1");
  assert_run_fails ("crashy", "forkeach", hang, 1, "timed out after 1 s");
}

/* One usage error line each, naming what is wrong, before anything runs. */
static void
test_bad_parameters (void)
{
  static const struct {
    const char *strategy, *param, *needle;
  } cases[] = {
    { "pthread", "threads=0", "threads" },
    { "pthread", "distribution=fifo", "fifo" },
    { "forkeach", "processes=-1", "processes" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec
          = test_exec ("-w", "sieve", "-s", cases[i].strategy, "-p",
                       cases[i].param, "--runs", "1", NULL);
      test_assert_usage_error (exec, cases[i].needle);
    }
}

/* --list-plugins shows each model with its parameters. */
static void
test_listed (void)
{
  g_autoptr (TestExec) exec = test_exec ("--list-plugins", NULL);
  static const char *const expected[] = {
    "strategy pthread:", "distribution  enum", "strategy forkeach:",
#ifdef HAVE_OPENMP
    "strategy openmp:", "schedule  enum",
#endif
  };
  g_assert_cmpint (exec->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (exec->out, expected[i]) == NULL)
      g_error ("'%s' not in:\n%s", expected[i], exec->out);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_data_func ("/models/api", "api", test_matrix);
  g_test_add_data_func ("/models/sieve", "sieve", test_matrix);
  g_test_add_func ("/models/failures-are-contained",
                   test_failures_are_contained);
  g_test_add_func ("/models/bad-parameters", test_bad_parameters);
  g_test_add_func ("/models/listed", test_listed);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
