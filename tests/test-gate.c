/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench compare as a CI gate: --fail-above PCT on fabricated results
 * files with known slowdowns (exit 0 under the threshold, 1 above it with
 * the row named, 2 for a bad PCT), and compare of more than two files, each
 * against the first, in every output format. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "testutil.h"

static char *tmpdir;

typedef struct {
  const char *name;
  double factor; /* of the baseline times */
  double jitter; /* relative spread of the runs */
} Row;

/* Six runs per row around 1 s * factor, spread deterministically. */
static void
append_bench (GString *s, const Row *row, gboolean first)
{
  static const double spread[] = { 0.0, 0.4, -0.3, 0.2, -0.5, 0.1 };
  g_string_append_printf (
      s,
      "%s{\"name\": \"%s\", \"status\": \"ok\", \"error\": null, "
      "\"workload_key\": \"api items=50\", \"workload\": {\"name\": \"api\", "
      "\"params\": {}}, \"strategy\": {\"name\": \"gthreadpool\", \"params\": "
      "{\"threads\": 8}}, \"runs\": [",
      first ? "" : ", ", row->name);
  for (guint i = 0; i < G_N_ELEMENTS (spread); i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      double wall = row->factor * (1 + row->jitter * spread[i]);
      g_string_append_printf (s, "%s{\"wall\": %s}", i ? ", " : "",
                              g_ascii_dtostr (buf, sizeof buf, wall));
    }
  g_string_append (s, "]}");
}

static char *
write_results (const char *name, const Row *rows, guint n)
{
  g_autoptr (GString) s = g_string_new (
      "{\"schema_version\": 1, \"complete\": true, \"settings\": "
      "{\"suite\": \"hand\", \"seed\": 1}, \"benchmarks\": [");
  for (guint i = 0; i < n; i++)
    append_bench (s, &rows[i], i == 0);
  g_string_append (s, "]}");
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  return path;
}

static const Row base[] = {
  { "steady", 1.0, 0.02 },
  { "a bit slower", 1.0, 0.02 },
  { "much slower", 1.0, 0.02 },
  { "faster", 1.0, 0.02 },
  { "noisy", 1.0, 0.02 },
};
/* 5 % slower: significant, under a 10 % gate. */
static const Row small_change[] = {
  { "steady", 1.0, 0.02 },
  { "a bit slower", 1.05, 0.02 },
  { "much slower", 1.05, 0.02 },
  { "faster", 0.8, 0.02 },
  { "noisy", 1.0, 0.02 },
};
/* 30 % slower in one row; another 30 % slower in mean but too noisy to be
 * significant. */
static const Row big_change[] = {
  { "steady", 1.0, 0.02 },
  { "a bit slower", 1.05, 0.02 },
  { "much slower", 1.30, 0.02 },
  { "faster", 0.8, 0.02 },
  { "noisy", 1.30, 1.9 },
};

static char *base_json, *small_json, *big_json;

static void
setup_files (void)
{
  base_json = write_results ("base.json", base, G_N_ELEMENTS (base));
  small_json = write_results ("small.json", small_change,
                              G_N_ELEMENTS (small_change));
  big_json = write_results ("big.json", big_change, G_N_ELEMENTS (big_change));
}

static guint
count_lines (const char *text)
{
  guint n = 0;
  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static guint
count_occurrences (const char *text, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (text, needle); p != NULL;
       p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_under_threshold (void)
{
  g_autoptr (TestExec) exec = test_exec ("compare", "--fail-above", "10",
                                         base_json, small_json, NULL);
  if (exec->status != 0)
    g_error ("exit %d, stderr:\n%s", exec->status, exec->err);
  g_assert_cmpstr (exec->err, ==, "");
  /* The 5 % rows are judged slower, but are under the gate. */
  g_assert_nonnull (strstr (exec->out, "slower"));
  /* A gate below their slowdown catches both. */
  g_autoptr (TestExec) tight = test_exec ("compare", "--fail-above", "2",
                                          base_json, small_json, NULL);
  g_assert_cmpint (tight->status, ==, 1);
  g_assert_cmpuint (count_lines (tight->err), ==, 2);
  g_assert_nonnull (strstr (tight->err, "'a bit slower' is 5.0% slower"));
  g_assert_nonnull (strstr (tight->err, "'much slower' is 5.0% slower"));
}

static void
test_above_threshold (void)
{
  g_autoptr (TestExec) exec = test_exec ("compare", "--fail-above", "10",
                                         base_json, big_json, NULL);
  g_assert_cmpint (exec->status, ==, 1);
  /* One line, for the one significant slowdown above 10 %: the noisy row
   * is 30 % slower in mean but not significantly. */
  g_assert_cmpuint (count_lines (exec->err), ==, 1);
  g_assert_true (g_str_has_prefix (exec->err, "concbench: compare: "));
  g_assert_nonnull (strstr (exec->err, "'much slower' is 30.0% slower in "));
  g_assert_nonnull (strstr (exec->err, "big.json than in "));
  g_assert_nonnull (strstr (exec->err, "--fail-above 10%"));
  g_assert_null (strstr (exec->err, "noisy"));
  /* The normal comparison is still on stdout. */
  g_assert_nonnull (strstr (exec->out, "concbench compare"));
  g_assert_nonnull (strstr (exec->out, "much slower"));

  /* Without the gate the exit status stays 0, and a gate above every
   * slowdown passes. */
  g_autoptr (TestExec) plain = test_exec ("compare", base_json, big_json, NULL);
  g_assert_cmpint (plain->status, ==, 0);
  g_assert_cmpstr (plain->err, ==, "");
  g_autoptr (TestExec) loose = test_exec ("compare", "--fail-above", "40",
                                          base_json, big_json, NULL);
  g_assert_cmpint (loose->status, ==, 0);
  /* The gate is the same in every output format. */
  g_autoptr (TestExec) json = test_exec ("compare", "--format", "json",
                                         "--fail-above=10", base_json,
                                         big_json, NULL);
  g_assert_cmpint (json->status, ==, 1);
  g_assert_cmpuint (count_lines (json->err), ==, 1);
}

static void
test_bad_pct (void)
{
  const char *bad[] = { "-1", "x", "10%", "nan", "inf", "", " 5", "1e999" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (TestExec) exec = test_exec ("compare", "--fail-above", bad[i],
                                             base_json, big_json, NULL);
      test_assert_usage_error (exec, "--fail-above");
      g_assert_cmpstr (exec->out, ==, "");
    }
  g_autoptr (TestExec) zero = test_exec ("compare", "--fail-above", "0",
                                         base_json, base_json, NULL);
  g_assert_cmpint (zero->status, ==, 0);
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

static void
assert_json_pairs (const char *out)
{
  g_autoptr (JsonNode) root = parse_json (out);
  JsonObject *top = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (top, "kind"), ==,
                   "concbench-compare");
  JsonObject *old = json_object_get_object_member (top, "old");
  g_assert_cmpstr (json_object_get_string_member (old, "file"), ==, base_json);
  JsonArray *pairs = json_object_get_array_member (top, "comparisons");
  g_assert_cmpuint (json_array_get_length (pairs), ==, 2);
  const char *news[] = { small_json, big_json };
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *p = json_array_get_object_element (pairs, i);
      JsonObject *n = json_object_get_object_member (p, "new");
      g_assert_cmpstr (json_object_get_string_member (n, "file"), ==, news[i]);
      JsonArray *rows = json_object_get_array_member (p, "benchmarks");
      g_assert_cmpuint (json_array_get_length (rows), ==, G_N_ELEMENTS (base));
      JsonObject *much = json_array_get_object_element (rows, 2);
      g_assert_cmpstr (json_object_get_string_member (much, "name"), ==,
                       "much slower");
      g_assert_cmpfloat_with_epsilon (
          json_object_get_double_member (much, "ratio"), i ? 1.30 : 1.05,
          1e-9);
      g_assert_true (json_object_has_member (p, "geometric_mean_ratio"));
    }
}

static void
assert_csv_pairs (const char *out)
{
  g_auto (GStrv) lines = g_strsplit (out, "\r\n", -1);
  g_assert_true (g_str_has_suffix (lines[0], ",old_file,new_file"));
  /* A header, then every row of each pair, then the empty rest. */
  g_assert_cmpuint (g_strv_length (lines), ==, 2 + 2 * G_N_ELEMENTS (base));
  g_autofree char *small_end = g_strdup_printf (",%s,%s", base_json, small_json);
  g_autofree char *big_end = g_strdup_printf (",%s,%s", base_json, big_json);
  g_assert_true (g_str_has_suffix (lines[1], small_end));
  g_assert_true (g_str_has_suffix (lines[1 + G_N_ELEMENTS (base)], big_end));
}

static void
test_n_files (void)
{
  g_autoptr (TestExec) table
      = test_exec ("compare", base_json, small_json, big_json, NULL);
  g_assert_cmpint (table->status, ==, 0);
  g_assert_cmpuint (count_occurrences (table->out, "concbench compare\n"), ==,
                    2);
  g_assert_cmpuint (count_occurrences (table->out, "  OLD: "), ==, 2);
  g_assert_nonnull (strstr (table->out, "small.json"));
  g_assert_nonnull (strstr (table->out, "big.json"));
  g_assert_cmpuint (count_occurrences (table->out, "Geometric mean"), ==, 2);

  g_autoptr (TestExec) md = test_exec ("compare", "--format", "markdown",
                                       base_json, small_json, big_json, NULL);
  g_assert_cmpint (md->status, ==, 0);
  g_assert_cmpuint (count_occurrences (md->out, "## concbench compare"), ==,
                    2);

  g_autoptr (TestExec) json = test_exec ("compare", "--format", "json",
                                         base_json, small_json, big_json, NULL);
  g_assert_cmpint (json->status, ==, 0);
  assert_json_pairs (json->out);

  g_autoptr (TestExec) csv = test_exec ("compare", "--format", "csv",
                                        base_json, small_json, big_json, NULL);
  g_assert_cmpint (csv->status, ==, 0);
  assert_csv_pairs (csv->out);

  /* The gate applies to every file against the first: only big.json's
   * row is above 10 %. */
  g_autoptr (TestExec) gated
      = test_exec ("compare", "--fail-above", "10", base_json, small_json,
                   big_json, NULL);
  g_assert_cmpint (gated->status, ==, 1);
  g_assert_cmpuint (count_lines (gated->err), ==, 1);
  g_assert_nonnull (strstr (gated->err, "'much slower' is 30.0% slower in"));
  g_assert_nonnull (strstr (gated->err, "big.json"));
  g_autoptr (TestExec) reversed
      = test_exec ("compare", "--fail-above", "10", base_json, big_json,
                   small_json, NULL);
  g_assert_cmpint (reversed->status, ==, 1);
  g_assert_cmpuint (count_lines (reversed->err), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("concbench-gate-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  setup_files ();
  g_test_add_func ("/gate/under-threshold", test_under_threshold);
  g_test_add_func ("/gate/above-threshold", test_above_threshold);
  g_test_add_func ("/gate/bad-pct", test_bad_pct);
  g_test_add_func ("/gate/n-files", test_n_files);
  int status = g_test_run ();
  const char *files[] = { base_json, small_json, big_json };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_unlink (files[i]);
  g_rmdir (tmpdir);
  return status;
}
