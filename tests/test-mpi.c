/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mpi strategy (issue 14) through the real runner, with Open MPI's
 * mpiexec --oversubscribe on this machine: api (timer and tcp) and sieve at
 * 1, 2 and 4 ranks with digests equal to sequential's, each item completed
 * exactly once; a rank that crashes and a launcher that cannot start cost
 * one row each, with the launcher's reason, and leave no rank running. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <gio/gio.h>

#include "params.h"
#include "runner.h"
#include "testutil.h"

static CbRegistry *registry;

#define MPI_ARGS "mpiexec-args=--oversubscribe"

/* Any process whose command line names this build's rank program (the one
 * beside the worker program): a rank, or the launcher that started it, left
 * behind.  Another build's ranks on the same machine are not counted. */
static guint
count_rank_processes (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autofree char *worker_dir = g_path_get_dirname (test_env ("CONCBENCH_WORKER"));
  g_autofree char *program
      = g_build_filename (worker_dir, "concbench-mpi-rank", NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize len;

      if (!g_ascii_isdigit (name[0])
          || !g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      n += strstr (cmdline, program) != NULL;
    }
  return n;
}

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
      g_assert_cmpuint (test_count_fds (), ==, fds);
      g_assert_true (test_no_children ());
      g_assert_cmpuint (count_rank_processes (), ==, 0);
      cb_run_sample_clear (&sample);
      cb_bench_info_clear (&info);
    }
}

static void
run_suite (CbRunner *runner, const char *workload, const char *strategy,
           const char *const *params)
{
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, workload, strategy, params);
  run_all_ok (runner, suite);
}

/* Sequential first: the runner then fails any later run whose digests
 * differ from that first run of the same workload, which is the check the
 * relayed digests get. */
static void
test_matrix (gconstpointer data)
{
  const char *workload = data;
  gboolean api = strcmp (workload, "api") == 0;
  const char *wparams_api[] = { "items=8", "max-latency=0.01", NULL };
  const char *wparams_sieve[] = { "items=6", "complexity=3000", NULL };
  const char *const *wparams = api ? wparams_api : wparams_sieve;
  const char *ranks[] = { wparams[0], wparams[1], "ranks=1,2,4",
                          "distribution=static,dynamic", MPI_ARGS, NULL };
  CbRunOptions options = { .seed = 7, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  run_suite (runner, workload, "sequential", wparams);
  run_suite (runner, workload, "mpi", ranks);
}

/* The tcp transport: every rank's item server runs its own latency
 * server, whose digests still equal sequential's. */
static void
test_api_tcp (void)
{
  const char *wparams[] = { "items=8", "max-latency=0.01", "transport=tcp",
                            NULL };
  const char *ranks[] = { "items=8", "max-latency=0.01", "transport=tcp",
                          "ranks=2", MPI_ARGS, NULL };
  CbRunOptions options = { .seed = 7, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  run_suite (runner, "api", "sequential", wparams);
  run_suite (runner, "api", "mpi", ranks);
}

static void
assert_run_fails (const char *workload, const char *const *params,
                  const char *needle)
{
  CbRunOptions options = { .seed = 1, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = test_make_suite (registry, workload, "mpi",
                                               params);
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
  g_assert_cmpuint (count_rank_processes (), ==, 0);
  cb_bench_info_clear (&info);
}

/* A rank whose item crashes ends the job through MPI_Abort; a host that
 * does not exist and a launcher outside Slurm never start one. */
static void
test_failures_are_contained (void)
{
  if (test_skip_if_static ())
    return;
  const char *segv[] = { "how=segv", "fail-at=3", "ranks=2", MPI_ARGS,
                         NULL };
  const char *no_host[] = { "items=4", "ranks=2",
                            "hosts=no-such-host.invalid", MPI_ARGS, NULL };
  const char *srun[] = { "items=4", "ranks=2", "launcher=srun", NULL };

  assert_run_fails ("crashy", segv, "killed by signal 11");
  assert_run_fails ("sieve", no_host, "no-such-host");
  if (g_getenv ("SLURM_JOB_ID") == NULL)
    assert_run_fails ("sieve", srun, "needs a Slurm allocation");
}

/* --list-plugins shows mpi with its parameters. */
static void
test_listed (void)
{
  g_autoptr (TestExec) exec = test_exec ("--list-plugins", NULL);
  static const char *const expected[] = {
    "strategy mpi:", "ranks         uint", "hosts         string",
    "distribution  enum    default static   static|dynamic",
    "launcher      enum    default mpiexec  mpiexec|srun", "mpiexec-args",
    "worker count: ranks",
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
  /* The tests may run as root (CI does); Open MPI refuses that unless told.
   * Only here: the strategy itself never sets these. */
  g_setenv ("OMPI_ALLOW_RUN_AS_ROOT", "1", TRUE);
  g_setenv ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", TRUE);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_data_func ("/mpi/api", "api", test_matrix);
  g_test_add_data_func ("/mpi/sieve", "sieve", test_matrix);
  g_test_add_func ("/mpi/api-tcp", test_api_tcp);
  g_test_add_func ("/mpi/failures-are-contained",
                   test_failures_are_contained);
  g_test_add_func ("/mpi/listed", test_listed);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
