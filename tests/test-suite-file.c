/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Suite files that the fuzzer (tests/fuzz/fuzz-suite) found mishandled:
 * each is refused with one printable line that says file:line. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "suite.h"
#include "testutil.h"

static CbRegistry *registry;

static void
assert_refused (const char *text, gsize length, gboolean scale_only,
                const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite = cb_suite_load_data (
      registry, text, length, "t.suite", scale_only, &error);
  g_assert_null (suite);
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  for (const char *p = error->message; *p; p++)
    g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);
  g_assert_cmpstr (error->message, ==, expected);
}

#define REFUSED(text, scale_only, expected)                                  \
  assert_refused (text, sizeof text - 1, scale_only, expected)

static void
test_control_characters (void)
{
  /* GKeyFile unescapes \t and \n in values read as strings. */
  REFUSED ("[a]\nname=x\\ty\nworkload=api\nstrategy=sequential\n", FALSE,
           "t.suite:2: [a] name: contains a control character");
  REFUSED ("[a]\nworkload=a\\nb\nstrategy=sequential\n", FALSE,
           "t.suite:2: [a] workload: unknown workload 'a\\nb'");
  REFUSED ("[suite]\ndescription=one\\ntwo\n", TRUE,
           "t.suite:2: [suite] description: contains a control character");
  REFUSED ("[suite]\nname=\\r\n", TRUE,
           "t.suite:2: [suite] name: contains a control character");
  /* Raw control bytes in a key-file line. */
  REFUSED ("[a]\nworkload=api\x1b[2J\nstrategy=sequential\n", FALSE,
           "t.suite:2: [a] workload: unknown workload 'api\\x1b[2J'");
  REFUSED ("[a]\nworkload=api\nstrategy=sequential\nbad\x01line\n", FALSE,
           "t.suite:4: Key file contains line \xe2\x80\x9c" "bad\\x01line"
           "\xe2\x80\x9d which is not a key-value pair, group, or comment");
}

static void
test_nul_and_size (void)
{
  REFUSED ("[a]\nworkload=api\0\nstrategy=sequential\n", FALSE,
           "t.suite: suite file contains a NUL byte");
  gsize big = CB_SUITE_FILE_MAX + 1;
  g_autofree char *huge = g_malloc (big);
  memset (huge, '#', big);
  assert_refused (huge, big, FALSE,
                  "t.suite: suite file is larger than 1048576 bytes");
}

/* Found by fuzz-suite (a 10 s timeout): GKeyFile lists a repeated key once
 * per occurrence, so "strategy.processes=2,4,8,16,32,128" given six times
 * made 6^6 rows, then deduplicated pairwise. */
static void
test_sweep_blowup (void)
{
  REFUSED ("[a]\nworkload=api\nstrategy=procpool\n"
           "strategy.processes=1,2\nstrategy.chunk=1\nstrategy.processes=4\n",
           FALSE, "t.suite:4: [a] strategy.processes: key given more than once");

  g_autoptr (GString) big = g_string_new (
      "[a]\nworkload=api\nstrategy=procpool\nworkload.items=1");
  for (guint i = 2; i <= 200; i++)
    g_string_append_printf (big, ",%u", i);
  g_string_append (big, "\nstrategy.processes=1");
  for (guint i = 2; i <= 200; i++)
    g_string_append_printf (big, ",%u", i);
  g_string_append_c (big, '\n');
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite = cb_suite_load_data (
      registry, big->str, big->len, "t.suite", FALSE, &error);
  g_assert_null (suite);
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "more than 10000 benchmarks"));
}

/* Ranges work in suite files as on the command line, and only on
 * numbers; the cap names the count. */
static void
test_ranges (void)
{
  static const char text[] = "[a]\nworkload=api\nstrategy=gthreadpool\n"
                             "strategy.threads=1..8*2\n"
                             "workload.max-latency=0.01..0.03+0.01\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite = cb_suite_load_data (
      registry, text, sizeof text - 1, "t.suite", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (suite->benchmarks->len, ==, 12);
  const CbBenchmark *last = suite->benchmarks->pdata[11];
  g_assert_cmpstr (last->strategy_params->texts[0], ==, "8");
  g_autofree char *wdesc = cb_param_set_describe (last->workload_params);
  g_assert_nonnull (strstr (wdesc, "max-latency=0.03"));

  REFUSED ("[a]\nworkload=api\nstrategy=gthreadpool\n"
           "workload.transport=1..2\n",
           FALSE,
           "t.suite:4: [a] workload.transport: parameter 'transport': a "
           "range ('1..2') needs a numeric parameter, and this one is an "
           "enum");
  REFUSED ("[a]\nworkload=api\nstrategy=gthreadpool\n"
           "strategy.threads=8..1\n",
           FALSE,
           "t.suite:4: [a] strategy.threads: parameter 'strategy.threads': "
           "range '8..1' ends below its start");
  REFUSED ("[a]\nworkload=api\nstrategy=gthreadpool\n"
           "strategy.threads=1..20000\n",
           FALSE,
           "t.suite:4: [a] strategy.threads: parameter 'strategy.threads': "
           "range '1..20000' makes 20000 values, more than the 10000 a sweep "
           "may have");
}

/* Identical rows are still kept once, in order. */
static void
test_duplicate_rows (void)
{
  static const char text[] = "[a]\nworkload=api\nstrategy=gthreadpool\n"
                             "strategy.threads=8,2,8,2,4\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite = cb_suite_load_data (
      registry, text, sizeof text - 1, "t.suite", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (suite->benchmarks->len, ==, 3);
  const char *expect[] = { "8", "2", "4" };
  for (guint i = 0; i < 3; i++)
    {
      const CbBenchmark *b = suite->benchmarks->pdata[i];
      g_assert_cmpstr (b->strategy_params->texts[0], ==, expect[i]);
    }
}

/* Found by fuzz-suite: "{}" in a name template crashed (NULL field). */
static void
test_empty_template_field (void)
{
  REFUSED ("[a]\nname=x{}y\nworkload=api\nstrategy=sequential\n", FALSE,
           "t.suite:1: [a]: name template has an empty field '{}'");
}

/* The [suite] group is held to the command line's rules: no key twice
 * (benchmark groups refuse it too), --runs' 1 to 100000 and --warmups' 0 to
 * 1000.  runs=0 used to mean "not said", that is 3. */
static void
test_suite_group_rules (void)
{
  REFUSED ("[suite]\nruns=5\nwarmups=1\nruns=7\n", TRUE,
           "t.suite:2: [suite] runs: key given more than once");
  REFUSED ("[suite]\nname=a\nname=b\n", TRUE,
           "t.suite:2: [suite] name: key given more than once");
  REFUSED ("[suite]\napi.items=5\napi.items=7\n", FALSE,
           "t.suite:2: [suite] api.items: key given more than once");
  REFUSED ("[suite]\nruns=0\n", TRUE,
           "t.suite:2: [suite] runs: '0' is not a whole number from 1 to "
           "100000");
  REFUSED ("[suite]\nruns=1000000\n", TRUE,
           "t.suite:2: [suite] runs: '1000000' is not a whole number from 1 "
           "to 100000");
  REFUSED ("[suite]\nwarmups=1001\n", TRUE,
           "t.suite:2: [suite] warmups: '1001' is not a whole number from 0 "
           "to 1000");

  static const char edges[] = "[suite]\nruns=100000\nwarmups=1000\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite = cb_suite_load_data (
      registry, edges, sizeof edges - 1, "t.suite", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (suite->runs, ==, 100000);
  g_assert_cmpuint (suite->warmups, ==, 1000);
  g_assert_true (suite->has_warmups);
}

static void
assert_file_refused (const char *path, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite
      = cb_suite_load_file (registry, path, FALSE, &error);
  g_assert_null (suite);
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_autofree char *message = g_strdup_printf ("%s: %s", path, expected);
  g_assert_cmpstr (error->message, ==, message);
}

/* Suites are regular files: /dev/zero as a suite grew to gigabytes, and a
 * FIFO without a writer blocked for ever.  Both are refused at once, with
 * one line, and so is a directory; a file over the size cap is refused
 * before it is read. */
static void
test_special_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("concbench-suite-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.suite", NULL);
  g_autofree char *big = g_build_filename (dir, "big.suite", NULL);
  g_assert_nonnull (dir);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  FILE *fp = g_fopen (big, "w");
  g_assert_nonnull (fp);
  for (guint i = 0; i <= CB_SUITE_FILE_MAX / 8; i++)
    fputs ("#######\n", fp);
  g_assert_cmpint (fclose (fp), ==, 0);

  assert_file_refused ("/dev/zero", "suite file is not a regular file");
  assert_file_refused (fifo, "suite file is not a regular file");
  assert_file_refused (dir, "suite file is not a regular file");
  assert_file_refused (big, "suite file is larger than 1048576 bytes");

  const char *args[] = { "--suite", fifo, NULL };
  g_autoptr (TestExec) exec = test_execv (args);
  test_assert_usage_error (exec, "fifo.suite: suite file is not a regular file");
  g_clear_pointer (&exec, test_exec_free);
  exec = test_exec ("--suite", "/nonexistent/x.suite", NULL);
  test_assert_usage_error (exec, "cannot read suite: Failed to open file");

  g_assert_cmpint (g_unlink (fifo), ==, 0);
  g_assert_cmpint (g_unlink (big), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (NULL);
  g_test_add_func ("/suite-file/control-characters", test_control_characters);
  g_test_add_func ("/suite-file/nul-and-size", test_nul_and_size);
  g_test_add_func ("/suite-file/sweep-blowup", test_sweep_blowup);
  g_test_add_func ("/suite-file/duplicate-rows", test_duplicate_rows);
  g_test_add_func ("/suite-file/ranges", test_ranges);
  g_test_add_func ("/suite-file/empty-template-field",
                   test_empty_template_field);
  g_test_add_func ("/suite-file/suite-group-rules", test_suite_group_rules);
  g_test_add_func ("/suite-file/special-files", test_special_files);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
