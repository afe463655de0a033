/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The supervising side of a run: a worker's exit and its timeout noticed at
 * once whatever the sampling interval, every process a worker leaves
 * behind found and killed, the memory limit, and signals that keep the
 * results. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "testutil.h"

static CbRegistry *registry;

/* Where the memory limit may be RLIMIT_AS, a worker that is valgrind or
 * carries AddressSanitizer's shadow reservations passes any sane limit on
 * its address space before it runs anything: those tests are for plain
 * builds. */
static gboolean
skip_unless_plain_build (void)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer reserves more address space than the limit");
  return TRUE;
#else
  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("valgrind's address space passes the limit");
      return TRUE;
    }
  return FALSE;
#endif
}

typedef struct {
  gboolean ok;
  double seconds;
  char *message;
  CbRunSample sample;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  if (o->ok)
    cb_run_sample_clear (&o->sample);
  g_free (o->message);
}

/* One run of workload x strategy with params, through the real runner. */
static void
run_one (const CbRunOptions *options, const char *workload,
         const char *strategy, const char *const *params, Outcome *out)
{
  g_autoptr (CbRunner) runner = cb_runner_new (options);
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, workload, strategy, params);
  CbBenchInfo info = { 0 };
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  memset (out, 0, sizeof *out);
  out->ok = cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                           &out->sample, &error);
  out->seconds = (g_get_monotonic_time () - start) / 1e6;
  out->message = error ? g_strdup (error->message) : NULL;
  cb_bench_info_clear (&info);
  g_assert_true (test_no_children ());
}

/* A 2 ms benchmark ends when it ends, not at the next of 1 s samples. */
static void
test_exit_noticed_at_once (void)
{
  const char *params[] = { "items=4", "complexity=2000", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 60, .memory_interval = 1.0 };
  for (guint i = 0; i < 3; i++)
    {
      Outcome o;
      run_one (&options, "sieve", "sequential", params, &o);
      g_assert_true (o.ok);
      g_test_message ("run %u took %.3f s", i, o.seconds);
      /* Under valgrind starting the worker alone takes about a second. */
      if (g_getenv ("CONCBENCH_UNDER_VALGRIND") == NULL)
        g_assert_cmpfloat (o.seconds, <, 0.9);
      g_assert_cmpuint (o.sample.n_leftovers, ==, 0);
      outcome_clear (&o);
    }
}

/* A timeout of 1.5 s is enforced at 1.5 s, not at the first sample after
 * it (2 s), with the exit seen at the next one (3 s). */
static void
test_timeout_noticed_at_once (void)
{
  if (test_skip_if_static ())
    return;
  const char *params[] = { "how=hang", "fail-at=0", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 1.5,
                           .memory_interval = 1.0 };
  Outcome o;
  run_one (&options, "crashy", "sequential", params, &o);
  g_assert_false (o.ok);
  g_assert_nonnull (strstr (o.message, "timed out after 1.5 s"));
  g_test_message ("the timed-out run took %.3f s", o.seconds);
  g_assert_cmpfloat (o.seconds, <, 2.5);
  outcome_clear (&o);
}

/* The cheap reads between full ones still find the peak, and the
 * sampler's own CPU time is counted. */
static void
test_sampler (void)
{
  if (test_skip_if_static ())
    return;
  const char *params[] = { "items=1", "mib=32", "hold=0.3", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 60,
                           .memory_interval = 0.01 };
  Outcome o;
  run_one (&options, "memhog", "sequential", params, &o);
  g_assert_true (o.ok);
  g_test_message ("%u samples, %.6f s of CPU, peak PSS %" G_GUINT64_FORMAT,
                  o.sample.n_samples, o.sample.sampler_cpu,
                  o.sample.tree_peak_pss);
  g_assert_cmpuint (o.sample.n_samples, >=, 10);
  g_assert_cmpfloat (o.sample.sampler_cpu, >, 0);
  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") == NULL)
    g_assert_cmpfloat (o.sample.sampler_cpu, <, 0.1 * o.seconds);
  g_assert_cmpuint (o.sample.tree_peak_pss, >=, 32 * 1024 * 1024);
  outcome_clear (&o);
}

static void
test_no_sampling_no_sampler_time (void)
{
  const char *params[] = { "items=4", "complexity=2000", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 60 };
  Outcome o;
  run_one (&options, "sieve", "sequential", params, &o);
  g_assert_true (o.ok);
  g_assert_cmpuint (o.sample.n_samples, ==, 0);
  g_assert_cmpfloat (o.sample.sampler_cpu, ==, 0);
  outcome_clear (&o);
}

/* The pids the misbehave strategy wrote to the file; removes it. */
static GArray *
take_orphan_pids (const char *file)
{
  g_autofree char *text = NULL;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  if (g_file_get_contents (file, &text, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (lines[i][0] != '\0')
          {
            pid_t pid = (pid_t) g_ascii_strtoll (lines[i], NULL, 10);
            g_array_append_val (pids, pid);
          }
    }
  g_unlink (file);
  return pids;
}

static void
assert_all_gone (const GArray *pids)
{
  for (guint i = 0; i < pids->len; i++)
    {
      pid_t pid = g_array_index (pids, pid_t, i);
      g_assert_cmpint (pid, >, 1);
      if (kill (pid, 0) == 0 || errno != ESRCH)
        g_error ("orphan %d still exists", (int) pid);
    }
}

static char *
orphan_pid_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  char *file = g_build_filename (dir, "orphans", NULL);
  g_setenv ("CONCBENCH_TEST_ORPHAN_PIDS", file, TRUE);
  return file;
}

static void
remove_orphan_pid_file (const char *file)
{
  g_autofree char *dir = g_path_get_dirname (file);
  g_unsetenv ("CONCBENCH_TEST_ORPHAN_PIDS");
  g_rmdir (dir);
}

/* A child that setsid()s out of the worker's group and session is found
 * (in the cgroup, or re-parented to the subreaper), killed and counted. */
static void
test_setsid_orphan (gconstpointer data)
{
  if (test_skip_if_static ())
    return;
  const char *params[] = { "items=3", "complexity=1000",
                           "mode=setsid-orphan", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 60, .memory_interval = 0.01,
                           .no_cgroup = GPOINTER_TO_INT (data) };
  g_autofree char *file = orphan_pid_file ();
  Outcome o;

  run_one (&options, "sieve", "misbehave", params, &o);
  g_autoptr (GArray) pids = take_orphan_pids (file);
  remove_orphan_pid_file (file);
  if (!o.ok)
    g_error ("the run failed: %s", o.message);
  g_assert_cmpuint (pids->len, ==, 1);
  g_assert_cmpuint (o.sample.n_leftovers, ==, 1);
  g_assert_cmpfloat (o.seconds, <, 10);
  assert_all_gone (pids);
  outcome_clear (&o);
}

/* The orphans held concbench's stdout: "concbench | cat" ended only when
 * they did. */
static void
test_pipe_ends_promptly (void)
{
  if (test_skip_if_static ())
    return;
  g_autofree char *file = orphan_pid_file ();
  gint64 start = g_get_monotonic_time ();
  g_autoptr (TestExec) exec = test_exec_shell (
      "\"$CONCBENCH\" --plugin-dir \"$CONCBENCH_TEST_PLUGINS\" -w sieve "
      "-s misbehave -p mode=setsid-orphan -p items=2 -p complexity=1000 "
      "--warmups 0 --runs 2 --format json | cat");
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_autoptr (GArray) pids = take_orphan_pids (file);
  remove_orphan_pid_file (file);
  if (exec->status != 0)
    g_error ("exit %d, stderr:\n%s", exec->status, exec->err);
  g_test_message ("concbench | cat took %.2f s", seconds);
  g_assert_cmpfloat (seconds, <, 20);
  g_assert_cmpuint (pids->len, ==, 2);
  assert_all_gone (pids);

  /* The row says so, and each run counts its own. */
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, exec->out, -1, NULL));
  JsonObject *row = json_array_get_object_element (
      json_object_get_array_member (
          json_node_get_object (json_parser_get_root (parser)), "benchmarks"),
      0);
  JsonArray *warnings = json_object_get_array_member (row, "warnings");
  gboolean warned = FALSE;
  for (guint i = 0; i < json_array_get_length (warnings); i++)
    warned |= strcmp (json_array_get_string_element (warnings, i),
                      "2 processes outlived their run (2 of 2 runs) and "
                      "were killed") == 0;
  g_assert_true (warned);
  JsonArray *runs = json_object_get_array_member (row, "runs");
  for (guint i = 0; i < json_array_get_length (runs); i++)
    g_assert_cmpint (json_object_get_int_member (
                         json_array_get_object_element (runs, i),
                         "leftover_processes"),
                     ==, 1);
}

/* --memory-interval is bounded, so a run is sampled at least once a
 * second; --memory-limit takes a size. */
static void
test_memory_options (void)
{
  static const char *const bad[][2] = {
    { "--memory-interval", "1e9" }, { "--memory-interval", "1001" },
    { "--memory-interval", "0.5" }, { "--memory-limit", "12X" },
    { "--memory-limit", "0" },      { "--memory-limit", "512K" },
    { "--memory-limit", "2T" },     { "--memory-limit", "1.5G" },
    { "--memory-limit", "G" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (TestExec) exec = test_exec (bad[i][0], bad[i][1], NULL);
      g_autofree char *needle = g_strdup_printf ("%s: '%s' must be",
                                                 bad[i][0], bad[i][1]);
      test_assert_usage_error (exec, needle);
    }
  static const char *const good[][2] = {
    { "--memory-interval", "1000" }, { "--memory-interval", "0" },
    { "--memory-limit", "1M" },      { "--memory-limit", "1T" },
    { "--memory-limit", "2048k" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (TestExec) exec = test_exec (good[i][0], good[i][1],
                                             "--list-benchmarks", NULL);
      if (exec->status != 0)
        g_error ("%s %s: exit %d: %s", good[i][0], good[i][1], exec->status,
                 exec->err);
    }
}

/* From the command line: the row over the limit fails with its message,
 * the next one, under it, succeeds; the limit is in the settings. */
static void
test_memory_limit_rows (void)
{
  if (test_skip_if_static () || skip_unless_plain_build ())
    return;
  g_autoptr (TestExec) exec = test_exec (
      "--plugin-dir", test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "memhog",
      "-s", "sequential", "-p", "items=1", "-p", "hold=0", "-p",
      "mib=512,16", "--memory-limit", "256M", "--warmups", "0", "--runs",
      "1", "--format", "json", NULL);
  g_assert_cmpint (exec->status, ==, 1);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, exec->out, -1, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (root, "settings"),
                       "memory_limit"),
                   ==, 256 * 1024 * 1024);
  JsonArray *rows = json_object_get_array_member (root, "benchmarks");
  JsonObject *over = json_array_get_object_element (rows, 0);
  JsonObject *under = json_array_get_object_element (rows, 1);
  g_assert_cmpstr (json_object_get_string_member (over, "status"), ==,
                   "failed");
  g_assert_true (g_str_has_prefix (
      json_object_get_string_member (over, "error"),
      "exceeded the memory limit of 256M"));
  g_assert_cmpstr (json_object_get_string_member (under, "status"), ==, "ok");
}

/* One row over the limit fails with the limit named; the next, under it,
 * runs: with the cgroup's memory controller, or with RLIMIT_AS. */
static void
test_memory_limit (gconstpointer data)
{
  if (test_skip_if_static ())
    return;
  const char *over[] = { "items=1", "mib=512", "hold=0", NULL };
  const char *under[] = { "items=1", "mib=16", "hold=0", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 60,
                           .memory_limit = 256 * 1024 * 1024,
                           .no_cgroup = GPOINTER_TO_INT (data) };
  Outcome o;

  if (skip_unless_plain_build ())
    return;

  run_one (&options, "memhog", "sequential", over, &o);
  g_assert_false (o.ok);
  g_test_message ("over the limit: %s", o.message);
  g_assert_nonnull (strstr (o.message, "exceeded the memory limit of 256M"));
  outcome_clear (&o);
  run_one (&options, "memhog", "sequential", under, &o);
  if (!o.ok)
    g_error ("under the limit: %s", o.message);
  outcome_clear (&o);
}

/* concbench running a row that hangs until it is killed, under strategy
 * (with its parameter), writing JSON to output; returns once its worker
 * exists. */
static GSubprocess *
spawn_hanging (const char *strategy, const char *param, const char *output)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *proc = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
      &error, test_env ("CONCBENCH"), "--plugin-dir",
      test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "crashy", "-s", strategy,
      "-p", param, "-p", "how=hang", "-p", "fail-at=0", "--warmups", "0",
      "--runs", "1", "--timeout", "600", "--format", "json", "-o", output,
      NULL);
  g_assert_no_error (error);
  g_autofree char *children = g_strdup_printf (
      "/proc/%s/task/%s/children", g_subprocess_get_identifier (proc),
      g_subprocess_get_identifier (proc));
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *text = NULL;
      if (g_file_get_contents (children, &text, NULL, NULL) && *text != '\0')
        break;
      g_usleep (25000);
    }
  g_usleep (300000); /* the worker and its pool are in the item */
  return proc;
}

static void
assert_incomplete_json (const char *output, int signum)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!g_file_get_contents (output, &text, NULL, &error))
    g_error ("no results written: %s", error->message);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  JsonObject *obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (obj, "complete"));
  g_assert_cmpint (json_object_get_int_member (obj, "interrupted_by"), ==,
                   signum);
  g_unlink (output);
}

/* signals: what is sent, 0.2 s apart, to concbench running a hanging row
 * under strategy; status: the exit wanted. */
static void
assert_signals_keep_results (const char *strategy, const char *param,
                             const int *signals, guint n, int status)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_autofree char *output = g_build_filename (dir, "r.json", NULL);
  g_autofree char *orphans = orphan_pid_file ();
  g_autoptr (GSubprocess) proc = spawn_hanging (strategy, param, output);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_usleep (200000);
      g_subprocess_send_signal (proc, signals[i]);
    }
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_autoptr (GArray) pids = take_orphan_pids (orphans);
  remove_orphan_pid_file (orphans);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, status);
  assert_incomplete_json (output, signals[0]);
  assert_all_gone (pids);
  g_rmdir (dir);
}

/* A second ^C while concbench shuts down hurries it; it does not lose the
 * results.  The escaped orphan made the shutdown last (2 s of reaping
 * before the subreaper found it), which is when a second ^C comes. */
static void
test_second_sigint (void)
{
  const int signals[] = { SIGINT, SIGINT };
  assert_signals_keep_results ("misbehave", "mode=setsid-orphan", signals, 2,
                               130);
}

/* A closed terminal is an interrupt like SIGTERM, with the results kept. */
static void
test_sighup (void)
{
  const int signals[] = { SIGHUP };
  assert_signals_keep_results ("procpool", "processes=2", signals, 1, 129);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_func ("/supervise/exit-noticed-at-once",
                   test_exit_noticed_at_once);
  g_test_add_func ("/supervise/timeout-noticed-at-once",
                   test_timeout_noticed_at_once);
  g_test_add_func ("/supervise/sampler", test_sampler);
  g_test_add_func ("/supervise/no-sampling-no-sampler-time",
                   test_no_sampling_no_sampler_time);
  g_test_add_data_func ("/supervise/setsid-orphan/cgroup",
                        GINT_TO_POINTER (FALSE), test_setsid_orphan);
  g_test_add_data_func ("/supervise/setsid-orphan/subreaper",
                        GINT_TO_POINTER (TRUE), test_setsid_orphan);
  g_test_add_func ("/supervise/pipe-ends-promptly", test_pipe_ends_promptly);
  g_test_add_func ("/supervise/memory-options", test_memory_options);
  g_test_add_func ("/supervise/memory-limit-rows", test_memory_limit_rows);
  g_test_add_data_func ("/supervise/memory-limit/cgroup",
                        GINT_TO_POINTER (FALSE), test_memory_limit);
  g_test_add_data_func ("/supervise/memory-limit/rlimit",
                        GINT_TO_POINTER (TRUE), test_memory_limit);
  g_test_add_func ("/supervise/second-sigint", test_second_sigint);
  g_test_add_func ("/supervise/sighup", test_sighup);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
