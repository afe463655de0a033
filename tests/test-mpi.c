/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mpi strategy (issue 14) through the real runner, with Open MPI's
 * mpiexec --oversubscribe on this machine: api (timer and tcp) and sieve at
 * 1, 2 and 4 ranks with digests equal to sequential's, each item completed
 * exactly once; a rank that crashes, a rank that hangs until the timeout
 * and a launcher that cannot start cost one row each, with the launcher's
 * reason, and leave no rank running; the JSON of an mpi row has its
 * start-up apart from the items' time, and each rank's usage per host. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

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

/* A rank whose item never ends: the row's timeout stops the run, whose
 * worker ends at SIGTERM while mpiexec, in a group of its own, gets SIGTERM
 * from the supervisor and its grace to stop its ranks.  One timed-out row,
 * and no launcher, rank or item server of this build left in /proc. */
static void
test_hang_times_out (gconstpointer data)
{
  if (test_skip_if_static ())
    return;
  const char *distribution = data;
  CbRunOptions options = { .seed = 1, .timeout = 3 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  const char *params[] = { "how=hang", "fail-at=3", "ranks=2", distribution,
                           MPI_ARGS, NULL };
  g_autoptr (CbSuite) suite = test_make_suite (registry, "crashy", "mpi",
                                               params);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  guint fds = test_count_fds ();
  gint64 t0 = g_get_monotonic_time ();

  g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                                 &sample, &error));
  g_assert_error (error, CB_RUN_ERROR, CB_RUN_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "timed out after 3 s"));
  /* The timeout and at most its grace, with a loaded machine's slack. */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_true (test_no_children ());
  g_assert_cmpuint (count_rank_processes (), ==, 0);
  cb_bench_info_clear (&info);
}

static JsonObject *
benchmark_named (JsonArray *benchmarks, const char *strategy)
{
  for (guint i = 0; i < json_array_get_length (benchmarks); i++)
    {
      JsonObject *b = json_array_get_object_element (benchmarks, i);
      JsonObject *st = json_object_get_object_member (b, "strategy");
      if (g_strcmp0 (json_object_get_string_member (st, "name"), strategy)
          == 0)
        return b;
    }
  g_error ("no %s row", strategy);
  return NULL;
}

/* Each run's start-up (launching the ranks, MPI_Init, building the
 * workload on every rank) and the items' time add up to its wall time. */
static void
assert_startup (JsonObject *row)
{
  JsonArray *runs = json_object_get_array_member (row, "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      double wall = json_object_get_double_member (run, "wall");
      double startup = json_object_get_double_member (run, "startup");
      double items = json_object_get_double_member (run, "items_time");
      g_assert_cmpfloat (startup, >, 0);
      g_assert_cmpfloat (items, >, 0);
      g_assert_cmpfloat (startup, <, wall);
      g_assert_cmpfloat_with_epsilon (startup + items, wall, 1e-6);
    }
  JsonObject *stats = json_object_get_object_member (row, "stats");
  JsonObject *startup = json_object_get_object_member (stats, "startup");
  g_assert_cmpint (json_object_get_int_member (startup, "n"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (startup, "mean"), >, 0);
  g_assert_true (json_object_has_member (stats, "items_time"));
}

/* Two ranks on this host: two records, each with its own peak RSS and CPU,
 * and one host summing them. */
static void
assert_workers (JsonObject *row)
{
  g_autofree char *host = g_strdup (g_get_host_name ());
  JsonArray *workers = json_object_get_array_member (row, "workers");

  g_assert_cmpstr (json_object_get_string_member (row, "memory_scope"), ==,
                   "local");
  g_assert_cmpuint (json_array_get_length (workers), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *w = json_array_get_object_element (workers, i);
      g_assert_cmpint (json_object_get_int_member (w, "rank"), ==, i);
      g_assert_cmpint (json_object_get_int_member (w, "peak_rss"), >, 0);
      g_assert_cmpfloat (json_object_get_double_member (w, "cpu_user"), >=, 0);
      g_assert_cmpfloat (json_object_get_double_member (w, "cpu_sys"), >=, 0);
      g_assert_cmpstr (json_object_get_string_member (w, "host"), !=, "");
    }
  JsonArray *hosts = json_object_get_array_member (row, "worker_hosts");
  g_assert_cmpuint (json_array_get_length (hosts), ==, 1);
  JsonObject *h = json_array_get_object_element (hosts, 0);
  g_assert_cmpint (json_object_get_int_member (h, "workers"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (h, "peak_rss"), >, 0);
}

/* A strategy that never calls started() nor worker_usage() (sequential)
 * has none of those members: its wall time is all there is. */
static void
assert_nothing_reported (JsonObject *row)
{
  JsonArray *runs = json_object_get_array_member (row, "runs");
  JsonObject *run = json_array_get_object_element (runs, 0);
  JsonObject *stats = json_object_get_object_member (row, "stats");

  g_assert_false (json_object_has_member (run, "startup"));
  g_assert_false (json_object_has_member (run, "items_time"));
  g_assert_false (json_object_has_member (stats, "startup"));
  g_assert_false (json_object_has_member (row, "workers"));
  g_assert_false (json_object_has_member (row, "memory_scope"));
}

static void
test_json_startup_and_workers (void)
{
  g_autoptr (TestExec) exec = test_exec (
      "-w", "sieve", "-s", "sequential", "-s", "mpi", "-p", "items=4",
      "-p", "complexity=3000", "-p", "ranks=2", "-p", MPI_ARGS,
      "--warmups", "0", "--runs", "2", "--timeout", "60", "--format", "json",
      NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
  if (!json_parser_load_from_data (parser, exec->out, -1, &error))
    g_error ("not JSON (%s):\n%.400s", error->message, exec->out);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *benchmarks = json_object_get_array_member (root, "benchmarks");
  JsonObject *mpi = benchmark_named (benchmarks, "mpi");
  assert_startup (mpi);
  assert_workers (mpi);
  assert_nothing_reported (benchmark_named (benchmarks, "sequential"));
  g_assert_cmpuint (count_rank_processes (), ==, 0);
}

/* The table's memory note says what the PSS column covers for the row. */
static void
test_table_says_memory_is_local (void)
{
  g_autoptr (TestExec) exec = test_exec (
      "-w", "sieve", "-s", "mpi", "-p", "items=2", "-p", "complexity=3000",
      "-p", "ranks=2", "-p", MPI_ARGS, "--warmups", "0", "--runs", "1",
      "--timeout", "60", NULL);

  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
  if (strstr (exec->out, "show only the local process tree") == NULL)
    g_error ("no note on the memory column in:\n%s", exec->out);
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
  /* Before the tests that run concbench: a GSubprocess's descriptors close
   * in GLib's worker thread after it returns, which the descriptor count
   * around a run would see. */
  g_test_add_data_func ("/mpi/hang-times-out-static", "distribution=static",
                        test_hang_times_out);
  g_test_add_data_func ("/mpi/hang-times-out-dynamic",
                        "distribution=dynamic", test_hang_times_out);
  g_test_add_func ("/mpi/json-startup-and-workers",
                   test_json_startup_and_workers);
  g_test_add_func ("/mpi/table-says-memory-is-local",
                   test_table_says_memory_is_local);
  g_test_add_func ("/mpi/listed", test_listed);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
