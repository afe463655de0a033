/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The concbench executable as a user runs it: bad input is refused with one
 * line and exit 2 before anything runs; plugins list; suites run end to end. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

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

static void
test_version (void)
{
  g_autoptr (TestExec) exec = test_exec ("--version", NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_assert_true (g_str_has_prefix (exec->out, "concbench " PACKAGE_VERSION));
  g_assert_nonnull (strstr (exec->out, "plugin ABI 1.0"));
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
  g_assert_cmpint (json_object_get_int_member (obj, "schema_version"), ==, 1);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/bad-input", test_bad_input);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/list-plugins", test_list_plugins);
  g_test_add_func ("/cli/list-plugins-problems", test_list_plugins_problems);
  g_test_add_func ("/cli/list-benchmarks", test_list_benchmarks);
  g_test_add_func ("/cli/default-suite-smoke", test_default_suite_smoke);
  g_test_add_func ("/cli/failed-row-keeps-others",
                   test_failed_row_keeps_others);
  return g_test_run ();
}
