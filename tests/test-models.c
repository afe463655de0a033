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

#include <gio/gio.h>

#include "item-wire.h"
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
  { "spawnpool", { "processes=1,3,8", "chunk=1,5" } },
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

/* A large parent: the helpers rebuild the items without its ballast, and
 * the digests are the same under every process model. */
static void
test_ballast (void)
{
  if (test_skip_if_static ())
    return;
  const char *wparams[] = { "items=20", "mib=16", NULL };
  const Model process_models[] = {
    { "sequential", { NULL } },
    { "procpool", { "processes=2" } },
    { "spawnpool", { "processes=2", "chunk=1,7" } },
    { "forkeach", { "processes=2" } },
  };
  CbRunOptions options = { .seed = 3, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  for (guint m = 0; m < G_N_ELEMENTS (process_models); m++)
    run_model (runner, "ballast", wparams, &process_models[m]);
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
  /* The helpers are spawned programs, not forks: the same, from outside. */
  assert_run_fails ("crashy", "spawnpool", segv, 30,
                    "killed by signal 11 (Segmentation fault) while running "
                    "item 1");
  assert_run_fails ("crashy", "spawnpool", err, 30, "crashy refuses item 1");
  assert_run_fails ("crashy", "spawnpool", hang, 1, "timed out after 1 s");
}

/* Feeds input to concbench-worker --serve; returns its exit status and
 * what it answered. */
static int
serve (const guint8 *input, gsize len, GBytes **answer)
{
  const char *argv[] = { test_env ("CONCBENCH_WORKER"), "--serve", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
      &error);
  g_autoptr (GBytes) in = g_bytes_new (input, len);

  g_assert_no_error (error);
  g_subprocess_communicate (proc, in, NULL, answer, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

/* The one answer of a server that refused its input: an ERROR message
 * whose text contains needle. */
static void
assert_refused (GBytes *answer, const char *needle)
{
  gsize len, used;
  const guint8 *data = g_bytes_get_data (answer, &len);
  CbWireMsg msg;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (cb_wire_decode (data, len, &msg, &used, &error), ==,
                   CB_WIRE_GOT);
  g_assert_cmpint (msg.kind, ==, CB_WIRE_ERROR);
  g_assert_cmpuint (used, ==, len);
  g_autofree char *text = g_strndup ((const char *) msg.data, msg.len);
  if (strstr (text, needle) == NULL)
    g_error ("expected '%s' in '%s'", needle, text);
}

/* A malformed message is an error answer and exit status 2, never a crash;
 * a recipe that names no plugin is status 1 with the reason. */
static void
test_item_server_refuses (void)
{
  static const guint8 garbage[] = "GET / HTTP/1.0\r\n\r\n";
  static const guint8 too_long[] = { 1, 0, 1, 0, 0xff, 0xff, 0xff, 0x7f };
  g_autoptr (GByteArray) task_first = g_byte_array_new ();
  g_autoptr (GByteArray) recipe = g_byte_array_new ();
  const char *strings[] = { "/nonexistent/plugin.so", "api", NULL };
  GBytes *answer = NULL;

  g_assert_cmpint (serve (garbage, sizeof garbage - 1, &answer), ==, 2);
  assert_refused (answer, "unknown protocol version");
  g_clear_pointer (&answer, g_bytes_unref);
  g_assert_cmpint (serve (too_long, sizeof too_long, &answer), ==, 2);
  assert_refused (answer, "payload too long");
  g_clear_pointer (&answer, g_bytes_unref);
  cb_wire_put_task (task_first, 0, 1);
  g_assert_cmpint (serve (task_first->data, task_first->len, &answer), ==, 2);
  assert_refused (answer, "the first message must be a recipe");
  g_clear_pointer (&answer, g_bytes_unref);
  g_assert_true (cb_wire_put_recipe (recipe, 1, strings));
  g_assert_cmpint (serve (recipe->data, recipe->len, &answer), ==, 1);
  assert_refused (answer, "/nonexistent/plugin.so");
  g_clear_pointer (&answer, g_bytes_unref);
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
    { "spawnpool", "processes=0", "processes" },
    { "spawnpool", "chunk=x", "chunk" },
#ifdef HAVE_OPENMP
    { "openmp", "schedule=auto", "auto" },
    { "openmp", "threads=5000", "threads" },
#endif
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
    "strategy spawnpool:", "processes  uint",
#ifdef HAVE_OPENMP
    "strategy openmp:", "schedule  enum",
#endif
  };
  g_assert_cmpint (exec->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (exec->out, expected[i]) == NULL)
      g_error ("'%s' not in:\n%s", expected[i], exec->out);
}

/* --preset models: each workload under sequential, gthreadpool and pthread
 * (static, dynamic, queue) at 2 and 8 threads, openmp (each schedule) at 2,
 * procpool, spawnpool and forkeach at 2 and 8 processes. */
static void
test_preset (void)
{
  g_autoptr (TestExec) exec
      = test_exec ("--list-benchmarks", "--preset", "models", NULL);
  static const char *const expected[] = {
    "36  CPU fork() per item, 8 at once",
    "strategy: pthread threads=8 distribution=queue",
    "strategy: openmp threads=2 schedule=guided chunk=1",
    "strategy: spawnpool processes=8 chunk=1",
    "workload: sieve items=50 complexity=200000",
  };
  if (exec->status != 0)
    g_error ("exit %d: %s", exec->status, exec->err);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (exec->out, expected[i]) == NULL)
      g_error ("'%s' not in:\n%s", expected[i], exec->out);
  g_assert_null (strstr (exec->out, "37  "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_data_func ("/models/api", "api", test_matrix);
  g_test_add_data_func ("/models/sieve", "sieve", test_matrix);
  g_test_add_func ("/models/ballast", test_ballast);
  g_test_add_func ("/models/failures-are-contained",
                   test_failures_are_contained);
  g_test_add_func ("/models/item-server-refuses", test_item_server_refuses);
  g_test_add_func ("/models/bad-parameters", test_bad_parameters);
  g_test_add_func ("/models/listed", test_listed);
#ifdef HAVE_OPENMP
  g_test_add_func ("/models/preset", test_preset);
#endif
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
