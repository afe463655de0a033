/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Results people use: exports written together agree, unwritable outputs
 * are refused before anything runs, concbench compare matches, tests and
 * judges, refuses bad files with one line, suite files name the line of an
 * error, colour follows the terminal and NO_COLOR.  No timing is asserted
 * beyond "it did not run a benchmark that would take minutes". */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "testutil.h"

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static JsonNode *
load_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("not JSON (%s):\n%.400s", error->message, text);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
load_json_file (const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return load_json (text);
}

static void
assert_ok (const TestExec *exec)
{
  if (exec->status != 0)
    g_error ("exit %d:\nstdout:\n%s\nstderr:\n%s", exec->status, exec->out,
             exec->err);
}

/* A tiny real run: 6 items of at most 2 ms latency on a thread pool. */
static void
run_tiny (const char *json_path, const char *threads, const char *runs)
{
  g_autofree char *p = g_strdup_printf ("threads=%s", threads);
  g_autoptr (TestExec) exec = test_exec (
      "-w", "api", "-s", "gthreadpool", "-p", "max-latency=0.002", "-p",
      "items=6", "-p", p, "--runs", runs, "--warmups", "0", "-o", json_path,
      NULL);
  assert_ok (exec);
}

/* ---- CSV ---------------------------------------------------------------- */

/* RFC 4180 records: fields with quotes, commas and CRLF line ends. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GPtrArray *fields = g_ptr_array_new ();
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            g_string_append_c (field, *p++);
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE)),
            field = g_string_new (NULL);
      else if (*p == '\r' && p[1] == '\n')
        {
          p++;
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          field = g_string_new (NULL);
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
          fields = g_ptr_array_new ();
        }
      else
        g_string_append_c (field, *p);
    }
  g_assert_cmpuint (field->len, ==, 0); /* every record ends in CRLF */
  g_string_free (field, TRUE);
  g_ptr_array_free (fields, TRUE);
  return records;
}

static int
csv_column (GStrv header, const char *name)
{
  for (guint i = 0; header[i] != NULL; i++)
    if (strcmp (header[i], name) == 0)
      return (int) i;
  g_error ("CSV has no column '%s'", name);
  return -1;
}

/* ---- Exports ------------------------------------------------------------ */

static void
test_exports_consistent (void)
{
  g_autofree char *json = tmp_path ("r.json");
  g_autofree char *csv = tmp_path ("r.csv");
  g_autofree char *md = tmp_path ("r.md");
  g_autoptr (TestExec) exec = test_exec (
      "-w", "api", "-s", "sequential", "-s", "gthreadpool", "-p",
      "max-latency=0.002", "-p", "items=6", "-p", "threads=2,4", "--runs", "3",
      "--warmups", "0", "--export", json, "--export", csv, "--export", md,
      NULL);
  assert_ok (exec);

  g_autoptr (JsonNode) root = load_json_file (json);
  JsonArray *benchmarks
      = json_object_get_array_member (json_node_get_object (root), "benchmarks");
  guint n = json_array_get_length (benchmarks);
  g_assert_cmpuint (n, ==, 3);

  g_autofree char *csv_text = NULL, *md_text = NULL;
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_assert_true (g_file_get_contents (md, &md_text, NULL, NULL));
  g_autoptr (GPtrArray) records = parse_csv (csv_text);
  g_assert_cmpuint (records->len, ==, n + 1);
  GStrv header = records->pdata[0];
  int c_name = csv_column (header, "name"), c_mean = csv_column (header, "mean");
  int c_pss = csv_column (header, "memory_pss_mean_bytes");
  int c_cpu = csv_column (header, "cpu_utilisation");

  /* The Markdown mean column's unit, from its header. */
  const char *unit_start = strstr (md_text, "| Mean (");
  g_assert_nonnull (unit_start);
  double scale = g_str_has_prefix (unit_start, "| Mean (s)")    ? 1
                 : g_str_has_prefix (unit_start, "| Mean (ms)") ? 1e-3
                                                                : 1e-6;
  g_assert_nonnull (strstr (md_text, "Memory"));
  g_assert_nonnull (strstr (md_text, "CPU"));

  for (guint i = 0; i < n; i++)
    {
      JsonObject *b = json_array_get_object_element (benchmarks, i);
      const char *name = json_object_get_string_member (b, "name");
      double mean = json_object_get_double_member (
          json_object_get_object_member (
              json_object_get_object_member (b, "stats"), "wall"),
          "mean");
      GStrv rec = records->pdata[i + 1];
      g_assert_cmpstr (rec[c_name], ==, name);
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (rec[c_mean], NULL), mean,
                                      mean * 1e-6);
      g_assert_cmpstr (rec[c_pss], !=, "");
      g_assert_cmpstr (rec[c_cpu], !=, "");

      g_autofree char *row_start = g_strdup_printf ("| %s | ", name);
      const char *row = strstr (md_text, row_start);
      if (row == NULL)
        g_error ("Markdown lacks a row for '%s':\n%s", name, md_text);
      double md_mean = g_ascii_strtod (row + strlen (row_start), NULL) * scale;
      g_assert_cmpfloat (fabs (md_mean - mean), <=, 0.0006 * scale + 1e-12);
    }
  g_unlink (json);
  g_unlink (csv);
  g_unlink (md);
}

/* Refused before anything runs: this suite would take minutes. */
static void
test_unwritable_output_refused_first (void)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (TestExec) exec
      = test_exec ("-w", "api", "-s", "sequential", "-p", "max-latency=10",
                   "--runs", "5", "-o", "/nonexistent/dir/r.json", NULL);
  test_assert_usage_error (exec, "/nonexistent/dir/r.json");
  g_assert_cmpstr (exec->out, ==, "");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);

  g_autoptr (TestExec) plot
      = test_exec ("-w", "api", "-s", "sequential", "-p", "max-latency=10",
                   "--plot", "/nonexistent/dir/s.png", NULL);
  test_assert_usage_error (plot, "/nonexistent/dir/s.png");
  g_autoptr (TestExec) ext = test_exec ("--plot", "chart.pdf", NULL);
  test_assert_usage_error (ext, ".svg or .png");
}

/* ---- compare ------------------------------------------------------------ */

static char *old_json, *new_json, *one_run_json;

static void
ensure_runs (void)
{
  if (old_json != NULL)
    return;
  old_json = tmp_path ("old.json");
  new_json = tmp_path ("new.json");
  one_run_json = tmp_path ("one.json");
  run_tiny (old_json, "1,4", "5");
  run_tiny (new_json, "1,4,8", "5"); /* a -p change: one more row */
  run_tiny (one_run_json, "1,4", "1");
}

static JsonObject *
find_row (JsonArray *rows, const char *status, const char *name_part)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *r = json_array_get_object_element (rows, i);
      if (strcmp (json_object_get_string_member (r, "status"), status) == 0
          && strstr (json_object_get_string_member (r, "name"), name_part))
        return r;
    }
  return NULL;
}

static void
test_compare_two_runs (void)
{
  ensure_runs ();
  g_autoptr (TestExec) table = test_exec ("compare", old_json, new_json, NULL);
  assert_ok (table);
  g_assert_cmpstr (table->err, ==, "");
  g_assert_nonnull (strstr (table->out, "gthreadpool threads=1"));
  g_assert_nonnull (strstr (table->out, "p (Welch)"));
  g_assert_nonnull (strstr (table->out, "p (MWU)"));
  g_assert_nonnull (strstr (table->out, "Only in NEW (1)"));
  g_assert_nonnull (strstr (table->out, "Geometric mean of new/old over 2"));

  g_autoptr (TestExec) exec
      = test_exec ("compare", "--format", "json", old_json, new_json, NULL);
  assert_ok (exec);
  g_autoptr (JsonNode) root = load_json (exec->out);
  JsonObject *obj = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (obj, "schema_version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (obj, "kind"), ==,
                   "concbench-compare");
  JsonArray *rows = json_object_get_array_member (obj, "benchmarks");
  g_assert_cmpuint (json_array_get_length (rows), ==, 3);
  const char *names[] = { "threads=1", "threads=4" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *r = find_row (rows, "compared", names[i]);
      g_assert_nonnull (r);
      double p = json_object_get_double_member (r, "p_welch");
      double pm = json_object_get_double_member (r, "p_mann_whitney");
      double ratio = json_object_get_double_member (r, "ratio");
      g_assert_cmpfloat (p, >=, 0);
      g_assert_cmpfloat (p, <=, 1);
      g_assert_cmpfloat (pm, >=, 0);
      g_assert_cmpfloat (pm, <=, 1);
      g_assert_cmpfloat (ratio, >, 0);
      g_assert_cmpfloat (json_object_get_double_member (r, "ratio_ci95_low"),
                         <=, ratio);
      g_assert_cmpfloat (json_object_get_double_member (r, "ratio_ci95_high"),
                         >=, ratio);
      const char *verdict = json_object_get_string_member (r, "verdict");
      g_assert_true (strcmp (verdict, "faster") == 0
                     || strcmp (verdict, "slower") == 0
                     || strcmp (verdict, "not significant") == 0);
      g_assert_true ((p < 0.05) == (strcmp (verdict, "not significant") != 0));
    }
  g_assert_nonnull (find_row (rows, "only-in-new", "threads=8"));
  g_assert_cmpfloat (json_object_get_double_member (obj, "geometric_mean_ratio"),
                     >, 0);
  g_assert_cmpint (json_object_get_int_member (obj, "n_ratios"), ==, 2);
}

static void
test_compare_self (void)
{
  ensure_runs ();
  const char *files[] = { old_json, one_run_json };
  const char *expect[] = { "not significant",
                           "not significant (too few runs)" };
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr (TestExec) exec = test_exec ("compare", "--format", "json",
                                             files[f], files[f], NULL);
      assert_ok (exec);
      g_autoptr (JsonNode) root = load_json (exec->out);
      JsonArray *rows = json_object_get_array_member (
          json_node_get_object (root), "benchmarks");
      g_assert_cmpuint (json_array_get_length (rows), ==, 2);
      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *r = json_array_get_object_element (rows, i);
          g_assert_cmpstr (json_object_get_string_member (r, "verdict"), ==,
                           expect[f]);
          g_assert_cmpfloat (json_object_get_double_member (r, "ratio"), ==,
                             1.0);
          if (f == 0)
            g_assert_cmpfloat (json_object_get_double_member (r, "p_welch"),
                               ==, 1.0);
          else
            g_assert_true (json_object_get_null_member (r, "p_welch"));
        }
      g_autoptr (TestExec) table
          = test_exec ("compare", files[f], files[f], NULL);
      assert_ok (table);
      g_assert_null (strstr (table->out, "  faster\n"));
      g_assert_null (strstr (table->out, "  slower\n"));
    }
}

/* A results file written by hand: one benchmark with the given wall times. */
static char *
synthetic (const char *name, const char *walls_csv, const char *workload_key)
{
  GString *runs = g_string_new (NULL);
  g_auto (GStrv) walls = g_strsplit (walls_csv, ",", -1);
  for (guint i = 0; walls[i] != NULL; i++)
    g_string_append_printf (runs, "%s{\"wall\": %s}", i ? ", " : "", walls[i]);
  g_autofree char *path = tmp_path (name);
  g_autofree char *text = g_strdup_printf (
      "{\"schema_version\": 1, \"complete\": true, \"settings\": {\"suite\": "
      "\"hand\", \"seed\": 1}, \"benchmarks\": [{\"name\": \"Hand row\", "
      "\"status\": \"ok\", \"error\": null, \"workload_key\": \"%s\", "
      "\"workload\": {\"name\": \"api\", \"params\": {}}, \"strategy\": "
      "{\"name\": \"gthreadpool\", \"params\": {\"threads\": 8}}, \"runs\": "
      "[%s]}]}",
      workload_key, runs->str);
  g_string_free (runs, TRUE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

static void
test_compare_verdicts (void)
{
  g_autofree char *slow
      = synthetic ("slow.json", "1.00,1.02,0.99,1.01,1.00,1.03", "api items=50");
  g_autofree char *fast
      = synthetic ("fast.json", "0.50,0.52,0.49,0.51,0.50,0.51", "api items=50");
  g_autofree char *other
      = synthetic ("other.json", "0.50,0.52,0.49", "api items=20");
  struct {
    const char *a, *b, *verdict;
  } cases[] = { { slow, fast, "faster" }, { fast, slow, "slower" } };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec = test_exec ("compare", "--format", "csv",
                                             cases[i].a, cases[i].b, NULL);
      assert_ok (exec);
      g_autoptr (GPtrArray) records = parse_csv (exec->out);
      g_assert_cmpuint (records->len, ==, 2);
      GStrv h = records->pdata[0], r = records->pdata[1];
      g_assert_cmpstr (r[csv_column (h, "verdict")], ==, cases[i].verdict);
      g_assert_cmpstr (r[csv_column (h, "status")], ==, "compared");
      g_assert_cmpfloat (g_ascii_strtod (r[csv_column (h, "p_welch")], NULL),
                         <, 0.001);
      g_assert_cmpfloat (
          g_ascii_strtod (r[csv_column (h, "p_mann_whitney")], NULL), <, 0.05);
    }
  /* --alpha must be strictly between 0 and 1. */
  const char *alphas[] = { "0", "1", "-0.1", "x", "0.05x", "nan" };
  for (guint i = 0; i < G_N_ELEMENTS (alphas); i++)
    {
      g_autoptr (TestExec) exec
          = test_exec ("compare", "--alpha", alphas[i], slow, fast, NULL);
      test_assert_usage_error (exec, "--alpha");
    }
  /* A different workload scale is an error, not a comparison. */
  g_autoptr (TestExec) scale = test_exec ("compare", slow, other, NULL);
  test_assert_usage_error (scale, "different workload scale");
  g_unlink (slow);
  g_unlink (fast);
  g_unlink (other);
}

static void
test_compare_bad_files (void)
{
  ensure_runs ();
  g_autofree char *text = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (old_json, &text, &length, NULL));

  g_autofree char *truncated = tmp_path ("truncated.json");
  g_assert_true (g_file_set_contents (truncated, text, length / 2, NULL));
  g_autofree char *v2 = tmp_path ("v2.json");
  g_autofree char *v2_text = g_strdup (text);
  char *sv = strstr (v2_text, "\"schema_version\" : 2");
  g_assert_nonnull (sv);
  /* A version after this concbench's (2, which reads 1 too). */
  sv[strlen ("\"schema_version\" : ")] = '3';
  g_assert_true (g_file_set_contents (v2, v2_text, -1, NULL));
  g_autofree char *notjson = tmp_path ("notjson.json");
  g_assert_true (g_file_set_contents (notjson, "name,mean\r\nx,1\r\n", -1, NULL));
  g_autofree char *array = tmp_path ("array.json");
  g_assert_true (g_file_set_contents (array, "[1, 2]", -1, NULL));
  g_autofree char *wrongtype = tmp_path ("wrongtype.json");
  g_assert_true (g_file_set_contents (
      wrongtype, "{\"schema_version\": 1, \"benchmarks\": {}}", -1, NULL));
  g_autofree char *badrun = tmp_path ("badrun.json");
  g_assert_true (g_file_set_contents (
      badrun,
      "{\"schema_version\": 1, \"benchmarks\": [{\"name\": \"x\", \"status\": "
      "\"ok\", \"workload_key\": \"api\", \"workload\": {\"name\": \"api\"}, "
      "\"strategy\": {\"name\": \"s\", \"params\": {}}, \"runs\": [{\"wall\": "
      "\"fast\"}]}]}",
      -1, NULL));
  /* Refused before the JSON parser sees them: json-glib 1.6 reads the first
   * value of two, accepts comments (in which brackets would hide), and
   * recurses once per level of nesting. */
  g_autofree char *trailing = tmp_path ("trailing.json");
  g_autofree char *trailing_text = g_strconcat (text, "\n[1, 2]\n", NULL);
  g_assert_true (g_file_set_contents (trailing, trailing_text, -1, NULL));
  g_autofree char *scalar = tmp_path ("scalar.json");
  g_assert_true (g_file_set_contents (scalar, "3[]", -1, NULL));
  g_autofree char *deep = tmp_path ("deep.json");
  g_autoptr (GString) deep_text = g_string_new ("{\"schema_version\": 1, \"x\": ");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep_text, '[');
  g_assert_true (g_file_set_contents (deep, deep_text->str, -1, NULL));
  g_autofree char *comment = tmp_path ("comment.json");
  g_assert_true (g_file_set_contents (
      comment, "{\"schema_version\": 1 /* { */ }[1]", -1, NULL));
  g_autofree char *nul = tmp_path ("nul.json");
  g_assert_true (g_file_set_contents (nul, "{}\0[]", 5, NULL));
  g_autofree char *missing = tmp_path ("missing.json");
  /* Sparse: 300 MiB that take no disk space, refused before reading. */
  g_autofree char *huge = tmp_path ("huge.json");
  int fd = g_open (huge, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 300 << 20), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);

  struct {
    const char *file, *needle;
  } cases[] = {
    { truncated, "not valid JSON" },
    { v2, "unknown schema_version 3" },
    { notjson, "the top level is not a JSON object" },
    { array, "not a concbench results file" },
    { wrongtype, "benchmarks is an object, not an array" },
    { badrun, "benchmarks[0].runs[0].wall is a string, not a number" },
    { missing, "No such file" },
    { huge, "larger than 256 MiB" },
    { trailing, "unexpected data after the top-level JSON object" },
    { scalar, "the top level is not a JSON object" },
    { deep, "line 1: nested more than 32 deep" },
    { comment, "line 1: a comment, which JSON does not have" },
    { nul, "NUL byte" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec
          = test_exec ("compare", old_json, cases[i].file, NULL);
      test_assert_usage_error (exec, cases[i].needle);
      g_assert_nonnull (strstr (exec->err, cases[i].file));
      g_assert_cmpstr (exec->out, ==, "");
    }
  g_autoptr (TestExec) one = test_exec ("compare", old_json, NULL);
  test_assert_usage_error (one, "expected two files");
  g_autoptr (TestExec) help = test_exec ("compare", "--help", NULL);
  g_assert_cmpint (help->status, ==, 0);
  g_assert_nonnull (strstr (help->out, "concbench compare"));
  g_assert_nonnull (strstr (help->out, "--alpha"));
  g_unlink (truncated);
  g_unlink (v2);
  g_unlink (notjson);
  g_unlink (array);
  g_unlink (wrongtype);
  g_unlink (badrun);
  g_unlink (huge);
  g_unlink (trailing);
  g_unlink (scalar);
  g_unlink (deep);
  g_unlink (comment);
  g_unlink (nul);
}

/* Issue 11: 1e308 s passed as a run's time, and the comparison was made of
 * infinities.  Absurd, negative and non-finite times are refused, naming
 * the benchmark. */
static void
test_compare_absurd_samples (void)
{
  g_autofree char *fine
      = synthetic ("fine.json", "1.00,1.02,0.99", "api items=50");
  const char *walls[] = { "1e308,1.0,1.0", "1.0,2e9", "1e999", "-0.5" };
  for (guint i = 0; i < G_N_ELEMENTS (walls); i++)
    {
      g_autofree char *bad = synthetic ("absurd.json", walls[i], "api items=50");
      g_autoptr (TestExec) exec = test_exec ("compare", fine, bad, NULL);
      test_assert_usage_error (exec, "is not a time in seconds");
      g_assert_nonnull (strstr (exec->err, "benchmark 'Hand row'"));
      g_assert_nonnull (strstr (exec->err, "absurd.json"));
      g_assert_cmpstr (exec->out, ==, "");
      g_unlink (bad);
    }
  g_unlink (fine);
}

/* Issue 11: a FIFO hung compare and /dev/zero ate 256 MiB.  Results files
 * must be regular files; anything else is refused before it is read.  The
 * timeout turns the old hang into a failure. */
static void
test_compare_special_files (void)
{
  g_autofree char *fine
      = synthetic ("fine.json", "1.00,1.02,0.99", "api items=50");
  g_autofree char *fifo = tmp_path ("results.fifo");
  g_unlink (fifo);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  const char *files[] = { fifo, "/dev/zero", tmpdir };
  const char *kinds[] = { "is a FIFO", "is a character device",
                          "is a directory" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *script = g_strdup_printf (
          "exec timeout 20 \"$CONCBENCH\" compare '%s' '%s'", fine, files[i]);
      g_autoptr (TestExec) exec = test_exec_shell (script);
      test_assert_usage_error (exec, kinds[i]);
      g_assert_nonnull (strstr (exec->err, files[i]));
      g_assert_nonnull (strstr (exec->err, "regular file"));
    }
  g_unlink (fifo);
  g_unlink (fine);
}

static void
test_compare_exports (void)
{
  ensure_runs ();
  g_autofree char *json = tmp_path ("c.json");
  g_autofree char *csv = tmp_path ("c.csv");
  g_autofree char *md = tmp_path ("c.md");
  g_autoptr (TestExec) exec = test_exec ("compare", "-o", json, "--export", csv,
                                         "--export", md, old_json, new_json,
                                         NULL);
  assert_ok (exec);
  g_autoptr (JsonNode) root = load_json_file (json);
  g_autofree char *csv_text = NULL, *md_text = NULL;
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_assert_true (g_file_get_contents (md, &md_text, NULL, NULL));
  g_autoptr (GPtrArray) records = parse_csv (csv_text);
  JsonArray *rows = json_object_get_array_member (json_node_get_object (root),
                                                  "benchmarks");
  g_assert_cmpuint (records->len, ==, json_array_get_length (rows) + 1);
  g_assert_nonnull (strstr (md_text, "| Benchmark |"));
  g_assert_nonnull (strstr (md_text, "**Only in NEW (1):**"));

  g_autoptr (TestExec) bad
      = test_exec ("compare", "-o", "/nonexistent/dir/c.json", old_json,
                   new_json, NULL);
  test_assert_usage_error (bad, "/nonexistent/dir/c.json");
  g_unlink (json);
  g_unlink (csv);
  g_unlink (md);
}

/* Issue 11: -o onto a symbolic link or a special file replaced it with a
 * regular file.  A link to /proc/self/fd/1 in a private directory stands
 * for /dev/stdout (never the system's own in a test: as root a broken build
 * would replace it); a link to a regular file keeps the atomic write beside
 * its target. */
static void
test_exports_special_files (void)
{
  g_autofree char *fine
      = synthetic ("fine.json", "1.00,1.02,0.99", "api items=50");
  g_autofree char *to_stdout = tmp_path ("stdout-link.json");
  g_autofree char *to_file = tmp_path ("file-link.json");
  g_autofree char *target = tmp_path ("target.json");
  g_unlink (to_stdout);
  g_unlink (to_file);
  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (symlink ("/proc/self/fd/1", to_stdout), ==, 0);
  g_assert_cmpint (symlink ("target.json", to_file), ==, 0);

  g_autoptr (TestExec) exec = test_exec ("compare", "--format", "json", "-o",
                                         to_stdout, fine, fine, NULL);
  assert_ok (exec);
  g_assert_true (g_str_has_prefix (exec->out, "{"));
  g_assert_nonnull (strstr (exec->out, "\"kind\" : \"concbench-compare\""));
  g_assert_nonnull (strstr (exec->out, "concbench compare\n"));
  g_assert_true (g_file_test (to_stdout, G_FILE_TEST_IS_SYMLINK));

  g_autoptr (TestExec) linked = test_exec ("compare", "-o", to_file, fine,
                                           fine, NULL);
  assert_ok (linked);
  g_assert_true (g_file_test (to_file, G_FILE_TEST_IS_SYMLINK));
  g_autoptr (JsonNode) root = load_json_file (target);
  g_assert_nonnull (root);
  g_unlink (to_stdout);
  g_unlink (to_file);
  g_unlink (target);
  g_unlink (fine);
}

/* ---- Suite files -------------------------------------------------------- */

static void
test_suite_file_errors (void)
{
  g_autofree char *path = tmp_path ("bad.suite");
  static const struct {
    const char *text, *needle;
  } cases[] = {
    { "[suite]\nname=x\n\n[a]\nworkload=api\nstrategy=gthreadpool\n"
      "strategy.threads=4,0\n",
      ":7: [a] strategy.threads: parameter 'threads': 0 is below" },
    { "[suite]\nname=x\n\n[a]\nworkload=api\nstrategy=nope\n",
      ":6: [a] strategy: unknown strategy 'nope'" },
    { "[suite]\nname=x\n\n[a]\nworkload=api\nstrategy=sequential\nbogus=1\n",
      ":7: [a] bogus: unknown key" },
    { "[suite]\nname=x\nruns=many\n", ":3: [suite] runs:" },
    { "[suite\nname=x\n", ":1:" },
    /* Found by fuzz-suite: two bad escapes made GLib set an error twice. */
    { "[a]\nworkload=api\nstrategy=sequential\nname=x \\[\\\n",
      ":4: [a] name: invalid escape sequence" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      g_autoptr (TestExec) exec = test_exec ("--suite", path, NULL);
      g_autofree char *needle = g_strconcat (path, cases[i].needle, NULL);
      test_assert_usage_error (exec, needle);
    }

  /* Oversized: refused by size, without being parsed. */
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, '#');
  g_assert_true (g_file_set_contents (path, big, -1, NULL));
  g_autoptr (TestExec) oversized = test_exec ("--suite", path, NULL);
  test_assert_usage_error (oversized, "suite file is larger than");
  g_unlink (path);

  /* Unreadable: missing. */
  g_autoptr (TestExec) missing = test_exec ("--suite", path, NULL);
  test_assert_usage_error (missing, "cannot read suite");
}

static void
test_suite_seed_file_is_preset (void)
{
  g_autofree char *file = g_build_filename (test_env ("CONCBENCH_SRCDIR"),
                                            "suites", "seed.suite", NULL);
  g_autoptr (TestExec) a = test_exec ("--suite", file, "--list-benchmarks", NULL);
  g_autoptr (TestExec) b = test_exec ("--preset", "seed", "--list-benchmarks",
                                      NULL);
  assert_ok (a);
  assert_ok (b);
  g_assert_cmpstr (a->out, ==, b->out);
  g_assert_nonnull (strstr (a->out, "\n28  "));
  g_assert_null (strstr (a->out, "\n29  "));
  g_assert_nonnull (strstr (a->out, "items=50 max-latency=0.66"));
}

/* ---- Colour ------------------------------------------------------------- */

static void
test_color_decision (void)
{
  g_assert_true (cb_report_color_decide (TRUE, NULL, "xterm"));
  g_assert_false (cb_report_color_decide (FALSE, NULL, "xterm"));
  g_assert_false (cb_report_color_decide (TRUE, "1", "xterm"));
  g_assert_false (cb_report_color_decide (TRUE, "", "xterm"));
  g_assert_false (cb_report_color_decide (TRUE, NULL, "dumb"));
  g_assert_false (cb_report_color_decide (TRUE, NULL, NULL));
}

/* Through a pseudo-terminal made by script(1), when it is installed. */
static void
test_color_on_pty (void)
{
  g_autofree char *script = g_find_program_in_path ("script");
  if (script == NULL)
    {
      g_test_skip ("script(1) is not installed");
      return;
    }
  ensure_runs ();
  g_autofree char *command = g_strdup_printf (
      "'%s' compare '%s' '%s'", test_env ("CONCBENCH"), old_json,
      new_json);
  for (guint no_color = 0; no_color < 2; no_color++)
    {
      g_auto (GStrv) env = g_get_environ ();
      env = g_environ_setenv (env, "TERM", "xterm", TRUE);
      env = no_color ? g_environ_setenv (env, "NO_COLOR", "1", TRUE)
                     : g_environ_unsetenv (env, "NO_COLOR");
      const char *argv[] = { script, "-qec", command, "/dev/null", NULL };
      g_autofree char *out = NULL;
      int status = 0;
      g_autoptr (GError) error = NULL;
      if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, &out, NULL, &status, &error))
        g_error ("script: %s", error->message);
      if (!g_spawn_check_exit_status (status, NULL))
        {
          g_test_skip ("script(1) cannot make a pseudo-terminal here");
          return;
        }
      g_assert_nonnull (strstr (out, "concbench compare"));
      if (no_color)
        g_assert_null (strstr (out, "\033["));
      else
        g_assert_nonnull (strstr (out, "\033[1m"));
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("concbench-compare-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/exports/consistent", test_exports_consistent);
  g_test_add_func ("/exports/unwritable-refused-first",
                   test_unwritable_output_refused_first);
  g_test_add_func ("/exports/special-files", test_exports_special_files);
  g_test_add_func ("/compare/two-runs", test_compare_two_runs);
  g_test_add_func ("/compare/self", test_compare_self);
  g_test_add_func ("/compare/verdicts", test_compare_verdicts);
  g_test_add_func ("/compare/bad-files", test_compare_bad_files);
  g_test_add_func ("/compare/exports", test_compare_exports);
  g_test_add_func ("/compare/absurd-samples", test_compare_absurd_samples);
  g_test_add_func ("/compare/special-files", test_compare_special_files);
  g_test_add_func ("/suite/file-errors", test_suite_file_errors);
  g_test_add_func ("/suite/seed-file-is-preset", test_suite_seed_file_is_preset);
  g_test_add_func ("/color/decision", test_color_decision);
  g_test_add_func ("/color/pty", test_color_on_pty);
  int status = g_test_run ();

  const char *names[] = { "old.json", "new.json", "one.json" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = tmp_path (names[i]);
      g_unlink (p);
    }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
