/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for reading results JSON (what `concbench compare`
 * reads; format: doc/results-json.md, schema_version 1).
 *
 * RETARGET: the core's reader does not exist yet.  Until it does, this
 * harness fuzzes what a reader is built from: json-glib's parser
 * (json_parser_load_from_data) and a walk of the document with defensive,
 * type-checked accessors, results_read() below, which reads what compare
 * needs (schema_version, suite, and per benchmark: name, status, error,
 * workload_key, workload/strategy names and params, stats.wall).  When the
 * reader lands (e.g. cb_results_file_load() in src/report.c), replace the
 * body of fuzz_read() with a call to it, add its source file to
 * tests_fuzz_libcbfuzz_la_SOURCES in tests/fuzz/fuzz.am, and keep
 * check_refusal() and check_rows() on what it returns.
 *
 * Invariants: a refused document gets one printable line starting with the
 * file's name; an accepted one has every row named, a known status and
 * finite, non-negative figures; nothing reads past the data, leaks, warns
 * (GLib criticals are fatal here) or takes more than a few seconds. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <json-glib/json-glib.h>
#include <math.h>

#include "fuzz.h"
#include "params.h"

#define SOURCE "fuzz.json"
/* Deeper nesting than any results file has is refused before json-glib,
 * whose recursive parser and tree would otherwise take the stack. */
#define MAX_DEPTH 32
#define MAX_SIZE (256 * 1024 * 1024)

typedef struct {
  char *name;
  char *status;
  char *error;
  char *workload_key;
  char *workload, *strategy;
  char *params; /* "name=value ..." of both roles, for matching rows */
  gboolean has_wall;
  gint64 wall_n;
  double wall_mean; /* NAN: null */
} FuzzRow;

typedef struct {
  char *suite;
  GPtrArray *rows; /* FuzzRow* */
} FuzzResults;

static void
row_free (gpointer data)
{
  FuzzRow *row = data;
  g_free (row->name);
  g_free (row->status);
  g_free (row->error);
  g_free (row->workload_key);
  g_free (row->workload);
  g_free (row->strategy);
  g_free (row->params);
  g_free (row);
}

static void
results_free (FuzzResults *results)
{
  if (results == NULL)
    return;
  g_free (results->suite);
  if (results->rows)
    g_ptr_array_unref (results->rows);
  g_free (results);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FuzzResults, results_free)

/* ---- defensive accessors: every error names the JSON path ---- */

static gboolean
bad (GError **error, const char *path, const char *what)
{
  /* The path holds member names from the file: keep the message on one
   * printable line. */
  g_autofree char *safe = g_strescape (path, NULL);
  g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "%s: %s: %s", SOURCE, safe,
               what);
  return FALSE;
}

static JsonNode *
member (JsonObject *o, const char *path, const char *name, gboolean required,
        GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  if (node == NULL && required)
    {
      g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
      bad (error, p, "missing");
    }
  return node;
}

static gboolean
get_object (JsonObject *o, const char *path, const char *name,
            gboolean nullable, JsonObject **out, GError **error)
{
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
  JsonNode *node = member (o, path, name, TRUE, error);
  *out = NULL;
  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, p, nullable ? "expected an object or null"
                                   : "expected an object");
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_string (JsonObject *o, const char *path, const char *name,
            gboolean nullable, char **out, GError **error)
{
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
  JsonNode *node = member (o, path, name, TRUE, error);
  *out = NULL;
  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (error, p, nullable ? "expected a string or null"
                                   : "expected a string");
  const char *s = json_node_get_string (node);
  if (!g_utf8_validate (s, -1, NULL))
    return bad (error, p, "not valid UTF-8");
  *out = g_strdup (s);
  return TRUE;
}

static gboolean
get_int (JsonObject *o, const char *path, const char *name, gint64 min,
         gint64 max, gint64 *out, GError **error)
{
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
  JsonNode *node = member (o, path, name, TRUE, error);
  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad (error, p, "expected an integer");
  gint64 v = json_node_get_int (node);
  if (v < min || v > max)
    return bad (error, p, "out of range");
  *out = v;
  return TRUE;
}

/* A finite number (integers accepted) or, when nullable, null as NAN. */
static gboolean
get_number (JsonObject *o, const char *path, const char *name,
            gboolean nullable, double *out, GError **error)
{
  g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
  JsonNode *node = member (o, path, name, TRUE, error);
  *out = NAN;
  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node)
                                         : G_TYPE_INVALID;
  if (t == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (t == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return bad (error, p, nullable ? "expected a number or null"
                                   : "expected a number");
  /* json-glib reads 1e999 as infinity. */
  if (!isfinite (*out))
    return bad (error, p, "number out of range");
  return TRUE;
}

/* Parameter values in a params object: strings or numbers. */
static gboolean
describe_params (JsonObject *params, const char *path, GString *out,
                 GError **error)
{
  g_autoptr (GList) names = json_object_get_members (params);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (params, name);
      g_autofree char *p = g_strdup_printf ("%s.%s", path, name);
      if (!JSON_NODE_HOLDS_VALUE (node))
        return bad (error, p, "expected a string or a number");
      GType t = json_node_get_value_type (node);
      g_string_append_printf (out, "%s%s=", out->len ? " " : "", name);
      if (t == G_TYPE_STRING)
        g_string_append (out, json_node_get_string (node));
      else if (t == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT,
                                json_node_get_int (node));
      else if (t == G_TYPE_DOUBLE && isfinite (json_node_get_double (node)))
        g_string_append_printf (out, "%.17g", json_node_get_double (node));
      else
        return bad (error, p, "expected a string or a finite number");
    }
  return TRUE;
}

static gboolean
read_role (JsonObject *bench, const char *path, const char *role,
           char **name, GString *params, GError **error)
{
  g_autofree char *p = g_strdup_printf ("%s.%s", path, role);
  JsonObject *o, *po;
  return get_object (bench, path, role, FALSE, &o, error)
         && get_string (o, p, "name", FALSE, name, error)
         && get_object (o, p, "params", FALSE, &po, error)
         && describe_params (po, p, params, error);
}

static gboolean
read_row (JsonNode *node, guint index, FuzzRow *row, GError **error)
{
  g_autofree char *path = g_strdup_printf ("benchmarks[%u]", index);
  static const char *const statuses[]
      = { "ok", "failed", "timed-out", "not-run", NULL };
  JsonObject *o, *stats, *wall;
  g_autoptr (GString) params = g_string_new (NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad (error, path, "expected an object");
  o = json_node_get_object (node);
  if (!get_string (o, path, "name", FALSE, &row->name, error)
      || !get_string (o, path, "status", FALSE, &row->status, error))
    return FALSE;
  if (!g_strv_contains (statuses, row->status))
    {
      g_autofree char *p = g_strdup_printf ("%s.status", path);
      return bad (error, p, "expected ok, failed, timed-out or not-run");
    }
  if (!get_string (o, path, "error", TRUE, &row->error, error)
      || !get_string (o, path, "workload_key", FALSE, &row->workload_key,
                      error)
      || !read_role (o, path, "workload", &row->workload, params, error)
      || !read_role (o, path, "strategy", &row->strategy, params, error)
      || !get_object (o, path, "stats", FALSE, &stats, error))
    return FALSE;
  row->params = g_strdup (params->str);
  g_autofree char *sp = g_strdup_printf ("%s.stats", path);
  if (!get_object (stats, sp, "wall", TRUE, &wall, error))
    return FALSE;
  row->wall_mean = NAN;
  if (wall == NULL)
    return TRUE;
  g_autofree char *wp = g_strdup_printf ("%s.wall", sp);
  row->has_wall = TRUE;
  return get_int (wall, wp, "n", 0, G_MAXINT32, &row->wall_n, error)
         && get_number (wall, wp, "mean", TRUE, &row->wall_mean, error);
}

/* Checks the document's shape before json-glib sees it: an object at the
 * top, nested at most MAX_DEPTH deep, and nothing but white space after it.
 * json-glib 1.6 (Debian 12) accepts "{...}[...]", returning the first value
 * and leaking the second; its recursive parser would take the stack on deep
 * nesting.  Strings are skipped; other malformed text is left to the parser. */
static gboolean
check_shape (const char *data, gsize size, GError **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gsize i = 0;

  while (i < size && g_ascii_isspace (data[i]))
    i++;
  if (i < size && data[i] != '{')
    return bad (error, "(document)", "expected an object");
  for (; i < size; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            return bad (error, "(document)", "nested too deeply");
        }
      else if ((c == ']' || c == '}') && depth > 0 && --depth == 0)
        {
          for (i++; i < size; i++)
            if (!g_ascii_isspace (data[i]))
              return bad (error, "(document)",
                          "unexpected data after the top-level object");
          break;
        }
    }
  return TRUE;
}

static FuzzResults *
results_read (const char *data, gsize size, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  g_autoptr (FuzzResults) results = g_new0 (FuzzResults, 1);
  JsonObject *root, *settings;
  gint64 version;

  if (size > MAX_SIZE)
    return bad (error, "(document)", "larger than 256 MiB"), NULL;
  if (!check_shape (data, size, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local))
    {
      g_autofree char *safe = g_strescape (local->message, NULL);
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "%s: not a results file: %s", SOURCE, safe);
      return NULL;
    }
  JsonNode *top = json_parser_get_root (parser);
  if (top == NULL || !JSON_NODE_HOLDS_OBJECT (top))
    return bad (error, "(document)", "expected an object"), NULL;
  root = json_node_get_object (top);
  if (!get_int (root, "", "schema_version", G_MININT64, G_MAXINT64, &version,
                error))
    return NULL;
  if (version != 1)
    return bad (error, ".schema_version",
                "this concbench reads schema_version 1"),
           NULL;
  if (!get_object (root, "", "settings", FALSE, &settings, error)
      || !get_string (settings, ".settings", "suite", FALSE, &results->suite,
                      error))
    return NULL;
  JsonNode *benchmarks = member (root, "", "benchmarks", TRUE, error);
  if (benchmarks == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (benchmarks))
    return bad (error, ".benchmarks", "expected an array"), NULL;
  JsonArray *array = json_node_get_array (benchmarks);
  results->rows = g_ptr_array_new_with_free_func (row_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FuzzRow *row = g_new0 (FuzzRow, 1);
      g_ptr_array_add (results->rows, row);
      if (!read_row (json_array_get_element (array, i), i, row, error))
        return NULL;
    }
  return g_steal_pointer (&results);
}

/* ---- the harness ---- */

static FuzzResults *
fuzz_read (const char *data, gsize size, GError **error)
{
  /* RETARGET: return cb_results_file_load (data, size, SOURCE, error); */
  return results_read (data, size, error);
}

static void
check_one_line (const char *what, const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    FUZZ_CHECK ((guchar) *p >= 0x20 && *p != 0x7f,
                "%s is not one printable line: byte 0x%02x in '%s'", what,
                (guchar) *p, s);
}

static void
check_refusal (const GError *error)
{
  FUZZ_CHECK (error != NULL, "refused without an error");
  FUZZ_CHECK (error->domain == CB_ERROR && error->code == CB_ERROR_USAGE,
              "not a usage error: %s", error->message);
  FUZZ_CHECK (g_str_has_prefix (error->message, SOURCE ": "),
              "message does not start with the file name: %s",
              error->message);
  check_one_line ("error message", error->message);
}

static void
check_rows (const FuzzResults *results)
{
  FUZZ_CHECK (results->suite != NULL && results->rows != NULL, "incomplete");
  for (guint i = 0; i < results->rows->len; i++)
    {
      const FuzzRow *row = results->rows->pdata[i];
      FUZZ_CHECK (row->name && row->status && row->workload_key
                      && row->workload && row->strategy && row->params,
                  "row %u incomplete", i);
      FUZZ_CHECK (g_utf8_validate (row->name, -1, NULL), "row %u name", i);
      FUZZ_CHECK (!row->has_wall || row->wall_n >= 0, "row %u n", i);
      FUZZ_CHECK (isnan (row->wall_mean) || isfinite (row->wall_mean),
                  "row %u mean", i);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  /* Exact size, no terminating NUL: the reader is given a length. */
  g_autofree char *copy = g_malloc (size > 0 ? size : 1);
  if (size > 0)
    memcpy (copy, data, size);
  g_autoptr (FuzzResults) results = fuzz_read (copy, size, &error);
  if (g_getenv ("FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "%s\n", results ? "accepted" : error->message);
  if (results == NULL)
    check_refusal (error);
  else
    {
      FUZZ_CHECK (error == NULL, "accepted with an error set");
      check_rows (results);
    }
  return 0;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* Misuse of a json-glib accessor is a g_return_if_fail critical. */
  fuzz_abort_on_glib_warnings ();
  return 0;
}
