/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The concbench executable as a user runs it: bad input is refused with one
 * line and exit 2 before anything runs; plugins list; suites run end to end. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <string.h>

#include <concbench/plugin.h>
#include "testutil.h"

static void
test_bad_input (void)
{
  static const struct {
    const char *args[8];
    const char *needle;
  } cases[] = {
    { { "-s", "bogus" }, "unknown strategy 'bogus'" },
    { { "-w", "bogus" }, "unknown workload 'bogus'" },
    { { "-w", "sieve", "-s", "gthreadpool", "-p", "threads=0" },
      "parameter 'threads': 0 is below the minimum 1" },
    { { "-w", "sieve", "-s", "gthreadpool", "-p", "threads=abc" },
      "parameter 'threads': 'abc' is not a whole number" },
    { { "-w", "sieve", "-s", "gthreadpool", "-p", "threads=-4" },
      "negative" },
    { { "-w", "sieve", "-s", "gthreadpool", "-p",
        "threads=99999999999999999999999" },
      "overflows 64 bits" },
    { { "-w", "sieve", "-s", "gthreadpool", "-p", "threads=" },
      "empty list" },
    { { "-w", "sieve", "-s", "gthreadpool", "-p", "bogus=1" },
      "unknown parameter 'bogus'" },
    { { "-w", "sieve", "-p", "threads=1", "-p", "threads=2" },
      "given twice" },
    { { "-w", "mixed", "-p", "cpu-fraction=0.99" },
      "parameter 'cpu-fraction': 0.99 is above the maximum 0.95" },
    { { "-w", "memory", "-p", "size=512" },
      "parameter 'size': 512 is below the minimum 1024" },
    { { "--runs", "0" }, "--runs" },
    { { "--runs", "3", "--runs", "4" }, "--runs is given more than once" },
    { { "--warmups", "x" }, "--warmups" },
    { { "--frobnicate" }, "frobnicate" },
    { { "--format", "yaml" }, "unknown format 'yaml'" },
    { { "-o", "/nonexistent/dir/r.json" }, "/nonexistent/dir/r.json" },
    { { "--filter", "(" }, "--filter" },
    { { "--filter", "no such benchmark" }, "no benchmark matches" },
    { { "--preset", "nope" }, "unknown preset 'nope'" },
    { { "extra-argument" }, "unexpected argument" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec = test_execv (cases[i].args);
      test_assert_usage_error (exec, cases[i].needle);
      g_assert_cmpstr (exec->out, ==, "");
    }
}

/* A value quoted back in an error is escaped: a newline or a terminal
 * escape in it must not break the one-line rule. */
static void
test_values_escaped (void)
{
  static const struct {
    const char *args[4];
    const char *needle;
  } cases[] = {
    { { "-s", "bo\ngus" }, "unknown strategy 'bo\\ngus'" },
    { { "-w", "bo\ngus" }, "unknown workload 'bo\\ngus'" },
    { { "-s", "\033[2J" }, "unknown strategy '\\x1b[2J'" },
    { { "--runs", "1\n2" }, "--runs: '1\\n2' must be" },
    { { "--warmups", "x\ty" }, "--warmups: 'x\\ty' must be" },
    { { "--seed", "x\ny" }, "--seed: 'x\\ny' must be" },
    { { "--max-time", "x\ny" }, "--max-time: 'x\\ny' must be" },
    { { "--list-plugins=x\ny" }, "--list-plugins: 'x\\ny' is not" },
    { { "--format", "ya\nml" }, "unknown format 'ya\\nml'" },
    { { "-o", "/nonexistent/a\nb.json" }, "/nonexistent/a\\nb.json" },
    { { "--export", "x\ny" }, "'x\\ny'" },
    { { "--filter", "no\nsuch" }, "no benchmark matches --filter 'no\\nsuch'" },
    { { "--filter", "(\n" }, "--filter '(\\n'" },
    { { "--preset", "no\npe" }, "unknown preset 'no\\npe'" },
    { { "extra\narg" }, "unexpected argument 'extra\\narg'" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec = test_execv (cases[i].args);
      test_assert_usage_error (exec, cases[i].needle);
      g_assert_cmpstr (exec->out, ==, "");
      g_assert_null (strchr (exec->err, '\033'));
    }
}

static void
test_version (void)
{
  g_autoptr (TestExec) exec = test_exec ("--version", NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_assert_true (g_str_has_prefix (exec->out, "concbench " PACKAGE_VERSION));
  g_autofree char *abi = g_strdup_printf ("plugin ABI %d.%d", CB_PLUGIN_ABI_MAJOR,
                                          CB_PLUGIN_ABI_MINOR);
  g_assert_nonnull (strstr (exec->out, abi));
  g_assert_cmpint (CB_PLUGIN_ABI_MINOR, ==, 4);
}

static void
test_list_plugins (void)
{
  g_autoptr (TestExec) exec = test_exec ("--list-plugins", NULL);
  const char *expect[] = { "api", "sieve", "sequential", "gmainloop",
                           "gthreadpool", "procpool", "max-latency",
                           "complexity", "threads", "processes", "chunk",
                           "mode" };
  g_assert_cmpint (exec->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    if (strstr (exec->out, expect[i]) == NULL)
      g_error ("--list-plugins lacks '%s':\n%s", expect[i], exec->out);
}

static void
test_list_plugins_problems (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_autofree char *junk = g_build_filename (dir, "junk.so", NULL);
  g_assert_true (g_file_set_contents (junk, "junk", -1, NULL));

  g_autoptr (TestExec) exec
      = test_exec ("--list-plugins", "--plugin-dir", dir, "--plugin-dir",
                   test_env ("CONCBENCH_BAD_PLUGINS"), NULL);
  g_assert_cmpint (exec->status, ==, 0);
  const char *expect[] = { "junk.so", "badmagic", "abimajor", "abiminor",
                           "noentry", "duplicates a name" };
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    if (strstr (exec->out, expect[i]) == NULL)
      g_error ("--list-plugins lacks '%s':\n%s", expect[i], exec->out);
  g_unlink (junk);
  g_rmdir (dir);
}

/* NULL and 100 KiB strings with escapes: listed, truncated, harmless. */
static void
test_list_plugins_weird (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TestExec) exec = test_exec (
      "--list-plugins", "--plugin-dir", test_env ("CONCBENCH_TEST_PLUGINS"),
      NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_assert_nonnull (strstr (exec->out, "weird"));
  g_assert_nonnull (strstr (exec->out, "knob"));
  g_assert_null (strchr (exec->out, '\033'));
  g_auto (GStrv) lines = g_strsplit (exec->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <, 4 * CB_PLUGIN_TEXT_MAX);
  /* And the strategy still runs. */
  g_autoptr (TestExec) run = test_exec (
      "--plugin-dir", test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "api", "-s",
      "weird", "-p", "max-latency=0", "-p", "items=3", "--warmups", "0",
      "--runs", "1", NULL);
  g_assert_cmpint (run->status, ==, 0);
}

static void
test_list_benchmarks (void)
{
  g_autoptr (TestExec) exec = test_exec ("--list-benchmarks", NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_assert_nonnull (strstr (exec->out, "28  Multiprocessed CPU heavy processing"));
  g_assert_nonnull (strstr (exec->out, "Truly-asynchronous IO heavy processing"));
  g_assert_nonnull (strstr (
      exec->out,
      "Multiprocessed IO heavy processing (1 process, 1 item per task)"));
  g_assert_nonnull (strstr (
      exec->out,
      "Multiprocessed IO heavy processing (32 processes, 5 items per task)"));
  g_assert_null (strstr (exec->out, "29  "));
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not JSON (%s):\n%.400s", error->message, text);
  return json_node_copy (json_parser_get_root (parser));
}

/* The default suite at a tiny scale, end to end: 28 rows, all successful. */
static void
test_default_suite_smoke (void)
{
  g_autoptr (TestExec) exec = test_exec (
      "-p", "max-latency=0.002", "-p", "complexity=2000", "-p", "items=6",
      "--warmups", "0", "--runs", "1", "--format", "json", NULL);
  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
  g_autoptr (JsonNode) root = parse_json (exec->out);
  JsonObject *obj = json_node_get_object (root);
  /* 2 since issue 16 added each benchmark's "load". */
  g_assert_cmpint (json_object_get_int_member (obj, "schema_version"), ==, 2);
  JsonArray *benchmarks = json_object_get_array_member (obj, "benchmarks");
  g_assert_cmpuint (json_array_get_length (benchmarks), ==, 28);
  for (guint i = 0; i < 28; i++)
    {
      JsonObject *b = json_array_get_object_element (benchmarks, i);
      g_assert_cmpstr (json_object_get_string_member (b, "status"), ==, "ok");
      g_assert_cmpuint (
          json_array_get_length (json_object_get_array_member (b, "runs")), ==,
          1);
    }
}

/* --runs auto stops at a tight CI or at --max-time, never before 3 runs. */
static void
test_runs_auto (void)
{
  g_autoptr (TestExec) exec = test_exec (
      "-w", "api", "-s", "sequential", "-p", "max-latency=0.004", "-p",
      "items=3", "--warmups", "0", "--runs", "auto", "--max-time", "1",
      "--format", "json", NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_autoptr (JsonNode) root = parse_json (exec->out);
  JsonObject *obj = json_node_get_object (root);
  JsonObject *settings = json_object_get_object_member (obj, "settings");
  g_assert_cmpstr (json_object_get_string_member (settings, "runs"), ==,
                   "auto");
  JsonObject *b = json_array_get_object_element (
      json_object_get_array_member (obj, "benchmarks"), 0);
  JsonObject *wall = json_object_get_object_member (
      json_object_get_object_member (b, "stats"), "wall");
  gint64 n = json_object_get_int_member (wall, "n");
  double mean = json_object_get_double_member (wall, "mean");
  double high = json_object_get_double_member (wall, "ci95_high");
  g_assert_cmpint (n, >=, 3);
  /* Either the CI reached 2 % of the mean, or the second of run time was
   * spent (each run is at most ~25 ms, so that takes dozens of runs). */
  g_assert_true (high - mean <= 0.02 * mean || n * mean >= 1.0 - 0.05);
}

/* A failing row costs that row only; the others are reported; exit 1. */
static void
test_failed_row_keeps_others (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TestExec) exec = test_exec (
      "--plugin-dir", test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "crashy",
      "-s", "sequential", "-p", "how=none,segv,error", "--warmups", "0",
      "--runs", "1", NULL);
  g_assert_cmpint (exec->status, ==, 1);
  g_assert_nonnull (strstr (exec->out, "how=none"));
  g_assert_nonnull (strstr (exec->out, "signal 11"));
  g_assert_nonnull (strstr (exec->out, "crashy refuses item 1"));
}

/* A workload that refuses its parameters when it is built (bounds that
 * depend on the machine) is a usage error, exit 2 with one line, and the
 * other rows are still measured and reported. */
static void
test_refused_params_are_usage_errors (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TestExec) exec = test_exec (
      "--plugin-dir", test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "crashy",
      "-s", "sequential", "-p", "how=none,refuse", "--warmups", "0",
      "--runs", "1", NULL);
  test_assert_usage_error (exec, "how=refuse refuses every parameter set");
  g_assert_nonnull (strstr (exec->err, "how=refuse / sequential"));
  /* Only the refused row failed. */
  g_auto (GStrv) around_failed = g_strsplit (exec->out, "failed:", -1);
  g_assert_cmpuint (g_strv_length (around_failed), ==, 2);
  g_assert_nonnull (strstr (around_failed[1], "how=refuse"));
  g_assert_nonnull (strstr (exec->out, "how=none / sequential"));
}

/* The operating system refuses a thread (a stack larger than memory can
 * commit): the row fails with the system's reason, nothing crashes. */
static void
test_thread_limit (void)
{
  g_autoptr (TestExec) exec = test_exec_shell (
      "ulimit -s 100000000 && exec \"$CONCBENCH\" -w api -s gthreadpool "
      "-p items=20 -p threads=20 -p max-latency=0.01 --warmups 0 --runs 1");
  if (exec->status != 1 || strstr (exec->out, "cannot create thread") == NULL)
    g_error ("expected a failed row 'cannot create thread'; exit %d\n%s\n%s",
             exec->status, exec->out, exec->err);
  g_assert_nonnull (strstr (exec->out, "Resource temporarily unavailable"));
}

/* A limit the core can know in advance fails the row before it starts, and
 * names the limit. */
static void
test_fd_limit (void)
{
  g_autoptr (TestExec) exec = test_exec_shell (
      "ulimit -n 30 && exec \"$CONCBENCH\" -w api -s procpool "
      "-p items=50 -p processes=40 -p max-latency=0.001 --warmups 0 "
      "--runs 1");
  if (exec->status != 1 || strstr (exec->out, "RLIMIT_NOFILE") == NULL)
    g_error ("expected a failed row naming RLIMIT_NOFILE; exit %d\n%s\n%s",
             exec->status, exec->out, exec->err);
}

/* Processes started for this test: their environment carries the marker. */
static guint
count_marked_processes (const char *marker)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "environ", NULL);
      g_autofree char *env = NULL;
      gsize len = 0;
      if (!g_ascii_isdigit (name[0])
          || !g_file_get_contents (path, &env, &len, NULL))
        continue;
      for (gsize off = 0; off < len; off += strlen (env + off) + 1)
        if (strcmp (env + off, marker) == 0)
          n++;
    }
  return n;
}

static GSubprocess *
spawn_marked (const char *marker, const char *output, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  const char *eq = strchr (marker, '=');
  g_autofree char *key = g_strndup (marker, eq - marker);
  g_subprocess_launcher_setenv (launcher, key, eq + 1, TRUE);
  /* Row 1 finishes at once; row 2 hangs until interrupted. */
  return g_subprocess_launcher_spawn (
      launcher, error, test_env ("CONCBENCH"), "--plugin-dir",
      test_env ("CONCBENCH_TEST_PLUGINS"), "-w", "crashy", "-s", "procpool",
      "-p", "how=none,hang", "-p", "processes=2", "--warmups", "0", "--runs",
      "1", "--timeout", "600", "-o", output, NULL);
}

/* SIGINT stops the running worker tree, writes what finished, exits 130. */
static void
test_interrupt (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_autofree char *output = g_build_filename (dir, "r.json", NULL);
  g_autofree char *marker = g_strdup_printf ("CONCBENCH_TEST_MARKER=%d-int",
                                             (int) getpid ());
  g_autoptr (GSubprocess) proc = spawn_marked (marker, output, &error);
  g_assert_no_error (error);

  /* Wait until the hanging row's tree exists — concbench, its worker and
   * the pool process stuck in the item — and stays: row 1 is over by then. */
  for (guint i = 0, stable = 0; i < 1200 && stable < 10; i++)
    {
      stable = count_marked_processes (marker) >= 3 ? stable + 1 : 0;
      g_usleep (50000);
    }
  g_assert_cmpuint (count_marked_processes (marker), >=, 3);
  g_subprocess_send_signal (proc, SIGINT);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 130);
  g_assert_cmpuint (count_marked_processes (marker), ==, 0);

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (output, &text, NULL, NULL));
  g_autoptr (JsonNode) root = parse_json (text);
  JsonObject *obj = json_node_get_object (root);
  g_assert_false (json_object_get_boolean_member (obj, "complete"));
  g_assert_cmpint (json_object_get_int_member (obj, "interrupted_by"), ==, 2);
  JsonArray *rows = json_object_get_array_member (obj, "benchmarks");
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  JsonObject *done = json_array_get_object_element (rows, 0);
  JsonObject *hung = json_array_get_object_element (rows, 1);
  g_assert_cmpstr (json_object_get_string_member (done, "status"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (hung, "status"), ==,
                   "not-run");
  g_unlink (output);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/bad-input", test_bad_input);
  g_test_add_func ("/cli/values-escaped", test_values_escaped);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/list-plugins", test_list_plugins);
  g_test_add_func ("/cli/list-plugins-problems", test_list_plugins_problems);
  g_test_add_func ("/cli/list-plugins-weird", test_list_plugins_weird);
  g_test_add_func ("/cli/list-benchmarks", test_list_benchmarks);
  g_test_add_func ("/cli/default-suite-smoke", test_default_suite_smoke);
  g_test_add_func ("/cli/runs-auto", test_runs_auto);
  g_test_add_func ("/cli/interrupt", test_interrupt);
  g_test_add_func ("/cli/thread-limit", test_thread_limit);
  g_test_add_func ("/cli/fd-limit", test_fd_limit);
  g_test_add_func ("/cli/failed-row-keeps-others",
                   test_failed_row_keeps_others);
  g_test_add_func ("/cli/refused-params-are-usage-errors",
                   test_refused_params_are_usage_errors);
  return g_test_run ();
}
