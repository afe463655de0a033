/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a results file: the other half of write-json.c's run report. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "read-json.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format.h"
#include "load-json.h"
#include "params.h"


static void
bench_free (CbResultsBench *b)
{
  g_free (b->name);
  g_free (b->workload);
  g_free (b->workload_key);
  g_free (b->strategy);
  g_free (b->key);
  g_free (b->status);
  g_free (b->error);
  if (b->walls != NULL)
    g_array_unref (b->walls);
  g_free (b);
}

void
cb_results_file_free (CbResultsFile *f)
{
  if (f == NULL)
    return;
  g_free (f->path);
  g_free (f->suite);
  g_free (f->date);
  g_free (f->seed);
  if (f->benches != NULL)
    g_ptr_array_unref (f->benches);
  g_free (f);
}

gboolean
cb_results_file_error (GError **error, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* File names and parser messages go into a one-line error. */
  g_autofree char *p = cb_text_display (path);
  g_autofree char *w = cb_text_display (what);
  g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "%s: %s", p, w);
  return FALSE;
}

typedef struct {
  const char *path;
  GError **error;
} Reader;

static JsonNode *
member (Reader *rd, JsonObject *obj, const char *where, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node == NULL)
    cb_results_file_error (rd->error, rd->path, "%s%s%s is missing", where,
                           *where ? "." : "", name);
  return node;
}

static const char *
value_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return "a string";
    case G_TYPE_BOOLEAN: return "a boolean";
    default: return "a number";
    }
}

static gboolean
wrong_type (Reader *rd, JsonNode *node, const char *where, const char *name,
            const char *expected)
{
  return cb_results_file_error (rd->error, rd->path, "%s%s%s is %s, not %s",
                                where, *where ? "." : "", name,
                                value_type_name (node), expected);
}

static gboolean
is_number (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static double
number_of (JsonNode *node)
{
  return json_node_get_value_type (node) == G_TYPE_INT64
             ? (double) json_node_get_int (node)
             : json_node_get_double (node);
}

static gboolean
read_string (Reader *rd, JsonObject *obj, const char *where, const char *name,
             gboolean nullable, char **out)
{
  JsonNode *node = member (rd, obj, where, name);
  if (node == NULL)
    return FALSE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (rd, node, where, name, "a string");
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static JsonObject *
read_object (Reader *rd, JsonObject *obj, const char *where, const char *name)
{
  JsonNode *node = member (rd, obj, where, name);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      wrong_type (rd, node, where, name, "an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
read_array (Reader *rd, JsonObject *obj, const char *where, const char *name)
{
  JsonNode *node = member (rd, obj, where, name);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      wrong_type (rd, node, where, name, "an array");
      return NULL;
    }
  return json_node_get_array (node);
}

/* Optional metadata: any scalar as text, else NULL. */
static char *
optional_text (JsonObject *obj, const char *name)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buf, sizeof buf,
                                         json_node_get_double (node)));
      }
    default: return NULL;
    }
}

static JsonObject *
optional_object (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
             ? json_node_get_object (node)
             : NULL;
}

/* "NAME=VALUE NAME=VALUE", in the file's order. */
static gboolean
params_text (Reader *rd, JsonObject *params, const char *where, GString *out)
{
  g_autoptr (GList) names = json_object_get_members (params);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (params, name);
      g_autofree char *value = NULL;
      if (JSON_NODE_HOLDS_VALUE (node))
        value = optional_text (params, name);
      if (value == NULL)
        return wrong_type (rd, node, where, name, "a string or a number");
      g_string_append_printf (out, " %s=%s", name, value);
    }
  return TRUE;
}

/* A time a run can have taken: finite, not negative, at most
 * CB_RESULTS_MAX_WALL (1e308 s would pass as a number and make every
 * statistic of it meaningless). */
static gboolean
check_wall (Reader *rd, const char *where, const char *name, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isfinite (v) && v >= 0 && v <= CB_RESULTS_MAX_WALL)
    return TRUE;
  g_ascii_formatd (buf, sizeof buf, "%g", v);
  return cb_results_file_error (rd->error, rd->path,
                                "%s.wall is not a time in seconds (%s; "
                                "benchmark '%s')",
                                where, buf, name);
}

static CbResultsBench *
read_bench (Reader *rd, JsonArray *benchmarks, guint i)
{
  g_autofree char *where = g_strdup_printf ("benchmarks[%u]", i);
  JsonNode *node = json_array_get_element (benchmarks, i);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      cb_results_file_error (rd->error, rd->path, "%s is %s, not an object",
                             where, value_type_name (node));
      return NULL;
    }
  JsonObject *obj = json_node_get_object (node);
  g_autoptr (GString) strategy = g_string_new (NULL);
  CbResultsBench *b = g_new0 (CbResultsBench, 1);
  g_autofree char *w_where = g_strconcat (where, ".workload", NULL);
  g_autofree char *s_where = g_strconcat (where, ".strategy", NULL);
  g_autofree char *p_where = g_strconcat (where, ".strategy.params", NULL);
  JsonObject *workload, *strat, *params;
  JsonArray *runs;

  if (!read_string (rd, obj, where, "name", FALSE, &b->name)
      || !read_string (rd, obj, where, "status", FALSE, &b->status)
      || (json_object_has_member (obj, "error")
          && !read_string (rd, obj, where, "error", TRUE, &b->error))
      || !read_string (rd, obj, where, "workload_key", FALSE, &b->workload_key)
      || (workload = read_object (rd, obj, where, "workload")) == NULL
      || !read_string (rd, workload, w_where, "name", FALSE, &b->workload)
      || (strat = read_object (rd, obj, where, "strategy")) == NULL)
    goto fail;
  char *sname = NULL;
  if (!read_string (rd, strat, s_where, "name", FALSE, &sname))
    goto fail;
  g_string_append (strategy, sname);
  g_free (sname);
  if ((params = read_object (rd, strat, s_where, "params")) == NULL
      || !params_text (rd, params, p_where, strategy)
      || (runs = read_array (rd, obj, where, "runs")) == NULL)
    goto fail;

  b->strategy = g_strdup (strategy->str);
  b->key = g_strdup_printf ("%s\n%s\n%s", b->name, b->workload_key,
                            b->strategy);
  b->walls = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint r = 0; r < json_array_get_length (runs); r++)
    {
      g_autofree char *r_where = g_strdup_printf ("%s.runs[%u]", where, r);
      JsonNode *run = json_array_get_element (runs, r);
      if (!JSON_NODE_HOLDS_OBJECT (run))
        {
          cb_results_file_error (rd->error, rd->path,
                                 "%s is %s, not an object", r_where,
                                 value_type_name (run));
          goto fail;
        }
      JsonNode *wall = member (rd, json_node_get_object (run), r_where, "wall");
      if (wall == NULL)
        goto fail;
      if (!is_number (wall))
        {
          wrong_type (rd, wall, r_where, "wall", "a number");
          goto fail;
        }
      double v = number_of (wall);
      if (!check_wall (rd, r_where, b->name, v))
        goto fail;
      g_array_append_val (b->walls, v);
    }
  if (!cb_load_json_read (obj, rd->path, where, &b->load, rd->error))
    goto fail;
  return b;

fail:
  bench_free (b);
  return NULL;
}

/* The document's shape, checked before json-glib sees it: one object at the
 * top, nested at most CB_RESULTS_FILE_MAX_DEPTH deep, nothing but white space
 * after it.  json-glib 1.6 returns the first value of "{...}[...]" (leaking
 * the second), recurses once per level of nesting, and accepts comments and
 * single-quoted strings, in which brackets would hide from this count: so
 * outside double-quoted strings only what JSON allows there is accepted.
 * Other malformed text is left to the parser. */
/* Outside strings, what JSON does not have there. */
static gboolean
refuse_character (char c, guint line, const char *source, GError **error)
{
  if (c == '/')
    return cb_results_file_error (
        error, source, "line %u: a comment, which JSON does not have", line);
  if (c == '\'')
    return cb_results_file_error (error, source,
                                  "line %u: a single-quoted string, which "
                                  "JSON does not have",
                                  line);
  if (g_ascii_isprint (c))
    return cb_results_file_error (
        error, source, "line %u: unexpected character '%c' (not JSON)", line,
        c);
  return cb_results_file_error (error, source,
                                "line %u: unexpected byte 0x%02x (not JSON)",
                                line, (guchar) c);
}

/* After the top-level object, only white space. */
static gboolean
check_trailing (const char *rest, gsize length, guint line,
                const char *source, GError **error)
{
  for (gsize i = 0; i < length; i++)
    {
      if (strchr (" \t\r\n", rest[i]) == NULL)
        return cb_results_file_error (error, source,
                                      "line %u: unexpected data after the "
                                      "top-level JSON object",
                                      line);
      line += rest[i] == '\n';
    }
  return TRUE;
}

gboolean
cb_results_check_shape (const char *data, gsize length, const char *source,
                        GError **error)
{
  guint depth = 0, line = 1;
  gboolean in_string = FALSE;
  gsize i = 0;

  if (memchr (data, '\0', length) != NULL)
    return cb_results_file_error (
        error, source, "not a concbench results file (it holds a NUL byte)");
  /* A UTF-8 byte order mark, as some editors write, is allowed. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  for (; i < length && strchr (" \t\r\n", data[i]) != NULL; i++)
    line += data[i] == '\n';
  if (i < length && data[i] != '{')
    return cb_results_file_error (
        error, source,
        "not a concbench results file (the top level is not "
        "a JSON object)");
  for (; i < length; i++)
    {
      char c = data[i];
      if (c == '\n')
        line++;
      if (in_string)
        {
          if (c == '\\' && i + 1 < length)
            line += data[++i] == '\n';
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > CB_RESULTS_FILE_MAX_DEPTH)
            return cb_results_file_error (
                error, source,
                "line %u: nested more than %d deep (not a "
                "concbench results file)",
                line, CB_RESULTS_FILE_MAX_DEPTH);
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0 && --depth == 0)
            return check_trailing (data + i + 1, length - i - 1, line,
                                   source, error);
        }
      else if (!g_ascii_isalnum (c) && strchr (" \t\r\n,:.+-", c) == NULL)
        return refuse_character (c, line, source, error);
    }
  return TRUE;
}

static gboolean
check_size (gsize length, const char *source, GError **error)
{
  if (length > CB_RESULTS_FILE_MAX_SIZE)
    return cb_results_file_error (
        error, source, "larger than %u MiB, too large for a results file",
        (guint)(CB_RESULTS_FILE_MAX_SIZE >> 20));
  if (length == 0)
    return cb_results_file_error (
        error, source, "is empty, not a concbench JSON results file");
  return TRUE;
}

static JsonObject *
parse_top (JsonParser *parser, const char *data, gsize length, Reader *rd)
{
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      cb_results_file_error (
          rd->error, rd->path,
          "not valid JSON (truncated or not a results file): %s",
          local->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      cb_results_file_error (
          rd->error, rd->path,
          "not a concbench results file (the top level is not a JSON "
          "object)");
      return NULL;
    }
  return json_node_get_object (root);
}

static gboolean
check_version (Reader *rd, JsonObject *obj)
{
  JsonNode *version = json_object_get_member (obj, "schema_version");
  if (version == NULL)
    return cb_results_file_error (
        rd->error, rd->path,
        "not a concbench results file (no schema_version; "
        "write one with --format json or -o FILE.json)");
  if (!JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64)
    return wrong_type (rd, version, "", "schema_version", "a whole number");
  if (json_node_get_int (version) < CB_JSON_SCHEMA_VERSION_MIN
      || json_node_get_int (version) > CB_JSON_SCHEMA_VERSION)
    return cb_results_file_error (rd->error, rd->path,
                                  "unknown schema_version %" G_GINT64_FORMAT
                                  " (this concbench reads versions %d to %d)",
                                  json_node_get_int (version),
                                  CB_JSON_SCHEMA_VERSION_MIN,
                                  CB_JSON_SCHEMA_VERSION);
  return TRUE;
}

static void
read_metadata (CbResultsFile *f, JsonObject *obj)
{
  JsonObject *settings = optional_object (obj, "settings");
  JsonObject *platform = optional_object (obj, "platform");
  JsonNode *complete = json_object_get_member (obj, "complete");
  f->suite = optional_text (settings, "suite");
  f->seed = optional_text (settings, "seed");
  f->date = optional_text (platform, "date");
  f->complete = complete == NULL || !JSON_NODE_HOLDS_VALUE (complete)
                || json_node_get_value_type (complete) != G_TYPE_BOOLEAN
                || json_node_get_boolean (complete);
}

static gboolean
read_benches (CbResultsFile *f, Reader *rd, JsonArray *benchmarks)
{
  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (benchmarks); i++)
    {
      CbResultsBench *b = read_bench (rd, benchmarks, i);
      if (b == NULL)
        return FALSE;
      g_ptr_array_add (f->benches, b);
      if (!g_hash_table_add (keys, b->key))
        return cb_results_file_error (
            rd->error, rd->path,
            "benchmarks[%u]: '%s' appears twice with the same "
            "parameters",
            i, b->name);
    }
  return TRUE;
}

CbResultsFile *
cb_results_file_load (const char *data, gsize length, const char *source,
                      GError **error)
{
  Reader rd = { source, error };

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  if (!check_size (length, source, error)
      || !cb_results_check_shape (data, length, source, error))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *obj = parse_top (parser, data, length, &rd);
  if (obj == NULL || !check_version (&rd, obj))
    return NULL;
  JsonArray *benchmarks = read_array (&rd, obj, "", "benchmarks");
  if (benchmarks == NULL)
    return NULL;

  g_autoptr (CbResultsFile) f = g_new0 (CbResultsFile, 1);
  f->path = g_strdup (source);
  f->benches = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_free);
  read_metadata (f, obj);
  if (!read_benches (f, &rd, benchmarks))
    return NULL;
  return g_steal_pointer (&f);
}

static const char *
file_kind (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

/* Opens path without blocking (a FIFO would wait for a writer) and refuses
 * anything but a regular file of at most CB_RESULTS_FILE_MAX_SIZE bytes:
 * /dev/zero or a pipe would be read without end.  Returns the descriptor,
 * or -1 with the error set. */
static int
open_regular (const char *path, gsize *size, GError **error)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      cb_results_file_error (error, path, "cannot read: %s", g_strerror (e));
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    cb_results_file_error (error, path,
                           "is %s, not a results file (results files are "
                           "regular files)",
                           file_kind (st.st_mode));
  else if ((guint64) st.st_size > CB_RESULTS_FILE_MAX_SIZE)
    cb_results_file_error (
        error, path, "larger than %u MiB, too large for a results file",
        (guint) (CB_RESULTS_FILE_MAX_SIZE >> 20));
  else
    {
      *size = (gsize) st.st_size;
      return fd;
    }
  close (fd);
  return -1;
}

/* Reads fd to its end, at most max + 1 bytes: one byte more than the cap
 * tells a file that grew apart. */
static GByteArray *
read_all (int fd, gsize expected, gsize max, const char *path, GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  gsize want = expected + 1;
  while (buf->len <= max)
    {
      gsize room = MIN (want, max + 1 - buf->len);
      guint old = buf->len;
      g_byte_array_set_size (buf, old + room);
      gssize n = read (fd, buf->data + old, room);
      g_byte_array_set_size (buf, old + (n > 0 ? (guint) n : 0));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          cb_results_file_error (error, path, "cannot read: %s",
                                 g_strerror (errno));
          return NULL;
        }
      if (n == 0)
        return g_steal_pointer (&buf);
      want = 65536;
    }
  cb_results_file_error (error, path,
                         "larger than %u MiB, too large for a results file",
                         (guint) (max >> 20));
  return NULL;
}

CbResultsFile *
cb_results_file_read (const char *path, GError **error)
{
  gsize size = 0;
  int fd = open_regular (path, &size, error);
  if (fd < 0)
    return NULL;
  g_autoptr (GByteArray) buf
      = read_all (fd, size, CB_RESULTS_FILE_MAX_SIZE, path, error);
  close (fd);
  if (buf == NULL)
    return NULL;
  return cb_results_file_load ((const char *) buf->data, buf->len, path,
                               error);
}
