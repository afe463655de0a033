/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench compare: see compare.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "compare.h"

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "params.h"
#include "report.h"
#include "stats.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define DEFAULT_ALPHA 0.05
#define MIN_RUNS_MWU 5
#define NAME_MAX_CHARS 200

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_RESET "\033[0m"

/* ------------------------------------------------------------------------ */
/* A results file, as far as compare needs it                               */

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

/* One line, valid UTF-8, no control characters, bounded: file names and
 * parser messages go into a one-line error. */
static char *
one_line (const char *s)
{
  if (s == NULL)
    return g_strdup ("-");
  g_autofree char *valid = g_utf8_make_valid (s, -1);
  GString *out = g_string_new (NULL);
  glong n = 0;
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (n >= NAME_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == '\t' || c == '\n' || c == '\r')
        g_string_append_c (out, ' ');
      else if (g_unichar_iscntrl (c))
        g_string_append_unichar (out, 0xFFFD);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
file_error (GError **error, const char *path, const char *fmt, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
file_error (GError **error, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autofree char *p = one_line (path);
  g_autofree char *w = one_line (what);
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
    file_error (rd->error, rd->path, "%s%s%s is missing", where,
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
  return file_error (rd->error, rd->path, "%s%s%s is %s, not %s", where,
                     *where ? "." : "", name, value_type_name (node),
                     expected);
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

static CbResultsBench *
read_bench (Reader *rd, JsonArray *benchmarks, guint i)
{
  g_autofree char *where = g_strdup_printf ("benchmarks[%u]", i);
  JsonNode *node = json_array_get_element (benchmarks, i);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      file_error (rd->error, rd->path, "%s is %s, not an object", where,
                  value_type_name (node));
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
          file_error (rd->error, rd->path, "%s is %s, not an object", r_where,
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
      if (!isfinite (v) || v < 0)
        {
          file_error (rd->error, rd->path, "%s.wall is not a time in seconds",
                      r_where);
          goto fail;
        }
      g_array_append_val (b->walls, v);
    }
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
static gboolean
check_shape (const char *data, gsize length, const char *source,
             GError **error)
{
  guint depth = 0, line = 1;
  gboolean in_string = FALSE;
  gsize i = 0;

  if (memchr (data, '\0', length) != NULL)
    return file_error (error, source,
                       "not a concbench results file (it holds a NUL byte)");
  /* A UTF-8 byte order mark, as some editors write, is allowed. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  for (; i < length && strchr (" \t\r\n", data[i]) != NULL; i++)
    line += data[i] == '\n';
  if (i < length && data[i] != '{')
    return file_error (error, source,
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
            return file_error (error, source,
                               "line %u: nested more than %d deep (not a "
                               "concbench results file)",
                               line, CB_RESULTS_FILE_MAX_DEPTH);
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0 && --depth == 0)
            {
              for (i++; i < length; i++)
                {
                  if (strchr (" \t\r\n", data[i]) == NULL)
                    return file_error (error, source,
                                       "line %u: unexpected data after the "
                                       "top-level JSON object",
                                       line);
                  line += data[i] == '\n';
                }
              break;
            }
        }
      else if (!g_ascii_isalnum (c) && strchr (" \t\r\n,:.+-", c) == NULL)
        {
          if (c == '/')
            return file_error (error, source,
                               "line %u: a comment, which JSON does not have",
                               line);
          if (c == '\'')
            return file_error (error, source,
                               "line %u: a single-quoted string, which JSON "
                               "does not have",
                               line);
          if (g_ascii_isprint (c))
            return file_error (error, source,
                               "line %u: unexpected character '%c' (not JSON)",
                               line, c);
          return file_error (error, source,
                             "line %u: unexpected byte 0x%02x (not JSON)",
                             line, (guchar) c);
        }
    }
  return TRUE;
}

CbResultsFile *
cb_results_file_load (const char *data, gsize length, const char *source,
                      GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (CbResultsFile) f = g_new0 (CbResultsFile, 1);
  Reader rd = { source, error };

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  f->path = g_strdup (source);
  f->benches = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_free);

  if (length > CB_RESULTS_FILE_MAX_SIZE)
    {
      file_error (error, source,
                  "larger than %u MiB, too large for a results file",
                  (guint) (CB_RESULTS_FILE_MAX_SIZE >> 20));
      return NULL;
    }
  if (length == 0)
    {
      file_error (error, source,
                  "is empty, not a concbench JSON results file");
      return NULL;
    }
  if (!check_shape (data, length, source, error))
    return NULL;

  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      file_error (error, source,
                  "not valid JSON (truncated or not a results file): %s",
                  local->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      file_error (error, source,
                  "not a concbench results file (the top level is not a JSON "
                  "object)");
      return NULL;
    }
  JsonObject *obj = json_node_get_object (root);
  JsonNode *version = json_object_get_member (obj, "schema_version");
  if (version == NULL)
    {
      file_error (error, source,
                  "not a concbench results file (no schema_version; write "
                  "one with --format json or -o FILE.json)");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      wrong_type (&rd, version, "", "schema_version", "a whole number");
      return NULL;
    }
  if (json_node_get_int (version) != CB_JSON_SCHEMA_VERSION)
    {
      file_error (error, source,
                  "unknown schema_version %" G_GINT64_FORMAT
                  " (this concbench reads version %d)",
                  json_node_get_int (version), CB_JSON_SCHEMA_VERSION);
      return NULL;
    }
  JsonArray *benchmarks = read_array (&rd, obj, "", "benchmarks");
  if (benchmarks == NULL)
    return NULL;

  JsonObject *settings = optional_object (obj, "settings");
  JsonObject *platform = optional_object (obj, "platform");
  JsonNode *complete = json_object_get_member (obj, "complete");
  f->suite = optional_text (settings, "suite");
  f->seed = optional_text (settings, "seed");
  f->date = optional_text (platform, "date");
  f->complete = complete == NULL || !JSON_NODE_HOLDS_VALUE (complete)
                || json_node_get_value_type (complete) != G_TYPE_BOOLEAN
                || json_node_get_boolean (complete);

  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < json_array_get_length (benchmarks); i++)
    {
      CbResultsBench *b = read_bench (&rd, benchmarks, i);
      if (b == NULL)
        return NULL;
      g_ptr_array_add (f->benches, b);
      if (!g_hash_table_add (keys, b->key))
        {
          file_error (error, source,
                      "benchmarks[%u]: '%s' appears twice with the same "
                      "parameters",
                      i, b->name);
          return NULL;
        }
    }
  return g_steal_pointer (&f);
}

/* Reads path (a regular file, or a pipe such as bash's <(...)) and parses it
 * with cb_results_file_load(); at most CB_RESULTS_FILE_MAX_SIZE bytes are
 * read. */
static CbResultsFile *
results_file_read (const char *path, GError **error)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      file_error (error, path, "cannot read: %s", g_strerror (errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int e = errno;
      close (fd);
      file_error (error, path, "cannot read: %s", g_strerror (e));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      close (fd);
      file_error (error, path, "is a directory, not a results file");
      return NULL;
    }
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > CB_RESULTS_FILE_MAX_SIZE)
    {
      close (fd);
      file_error (error, path,
                  "larger than %u MiB, too large for a results file",
                  (guint) (CB_RESULTS_FILE_MAX_SIZE >> 20));
      return NULL;
    }

  /* One byte more than the cap tells a file that grew, or a pipe, apart. */
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  gsize want = S_ISREG (st.st_mode) ? (gsize) st.st_size + 1 : 65536;
  for (;;)
    {
      if (buf->len > CB_RESULTS_FILE_MAX_SIZE)
        {
          close (fd);
          file_error (error, path,
                      "larger than %u MiB, too large for a results file",
                      (guint) (CB_RESULTS_FILE_MAX_SIZE >> 20));
          return NULL;
        }
      gsize room = MIN (want, CB_RESULTS_FILE_MAX_SIZE + 1 - buf->len);
      guint old = buf->len;
      g_byte_array_set_size (buf, old + room);
      gssize n = read (fd, buf->data + old, room);
      if (n < 0 && errno == EINTR)
        {
          g_byte_array_set_size (buf, old);
          continue;
        }
      if (n < 0)
        {
          int e = errno;
          close (fd);
          file_error (error, path, "cannot read: %s", g_strerror (e));
          return NULL;
        }
      g_byte_array_set_size (buf, old + (guint) n);
      if (n == 0)
        break;
      want = 65536;
    }
  close (fd);
  return cb_results_file_load ((const char *) buf->data, buf->len, path,
                               error);
}

/* ------------------------------------------------------------------------ */
/* Scale: both files must have measured the same work                       */

static GPtrArray *
workload_keys_of (const CbResultsFile *f, const char *workload)
{
  GPtrArray *keys = g_ptr_array_new ();
  for (guint i = 0; i < f->benches->len; i++)
    {
      const CbResultsBench *b = f->benches->pdata[i];
      gboolean seen = FALSE;
      if (strcmp (b->workload, workload) != 0)
        continue;
      for (guint k = 0; k < keys->len && !seen; k++)
        seen = strcmp (keys->pdata[k], b->workload_key) == 0;
      if (!seen)
        g_ptr_array_add (keys, b->workload_key);
    }
  return keys;
}

static gboolean
keys_intersect (GPtrArray *a, GPtrArray *b)
{
  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < b->len; j++)
      if (strcmp (a->pdata[i], b->pdata[j]) == 0)
        return TRUE;
  return FALSE;
}

static gboolean
check_scales (const CbResultsFile *old, const CbResultsFile *new_, GError **error)
{
  /* A workload both files ran, never with the same parameters. */
  for (guint i = 0; i < old->benches->len; i++)
    {
      const CbResultsBench *b = old->benches->pdata[i];
      g_autoptr (GPtrArray) ko = workload_keys_of (old, b->workload);
      g_autoptr (GPtrArray) kn = workload_keys_of (new_, b->workload);
      if (kn->len > 0 && !keys_intersect (ko, kn))
        return file_error (error, new_->path,
                           "different workload scale from %s: it ran %s, "
                           "%s ran %s",
                           old->path, (char *) kn->pdata[0], old->path,
                           (char *) ko->pdata[0]);
    }
  /* A benchmark name both files have, never with the same workload. */
  for (guint i = 0; i < old->benches->len; i++)
    {
      const CbResultsBench *b = old->benches->pdata[i];
      const CbResultsBench *other = NULL;
      gboolean same = FALSE;
      for (guint j = 0; j < new_->benches->len && !same; j++)
        {
          const CbResultsBench *c = new_->benches->pdata[j];
          if (strcmp (c->name, b->name) != 0)
            continue;
          other = c;
          same = strcmp (c->workload_key, b->workload_key) == 0;
        }
      if (other != NULL && !same)
        return file_error (error, new_->path,
                           "different workload scale from %s: '%s' ran %s "
                           "here and %s there",
                           old->path, b->name, other->workload_key,
                           b->workload_key);
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The comparison                                                            */

typedef enum {
  ROW_COMPARED,
  ROW_FAILED,
  ROW_ONLY_OLD,
  ROW_ONLY_NEW,
} RowKind;

typedef enum {
  VERDICT_NONE,
  VERDICT_FASTER,
  VERDICT_SLOWER,
  VERDICT_NOT_SIGNIFICANT,
  VERDICT_TOO_FEW_RUNS,
} Verdict;

typedef struct {
  RowKind kind;
  const CbResultsBench *old, *new_;
  CbStats so, sn;
  double ratio, ratio_low, ratio_high;
  double p_welch, p_mw;
  Verdict verdict;
} Row;

typedef struct {
  CbResultsFile *old, *new_;
  double alpha;
  GArray *rows; /* Row */
  double geomean;
  guint n_ratios;
} Comparison;

static const char *
verdict_text (Verdict v)
{
  switch (v)
    {
    case VERDICT_FASTER: return "faster";
    case VERDICT_SLOWER: return "slower";
    case VERDICT_NOT_SIGNIFICANT: return "not significant";
    case VERDICT_TOO_FEW_RUNS: return "not significant (too few runs)";
    case VERDICT_NONE:
    default: return NULL;
    }
}

static const char *
row_kind_name (RowKind k)
{
  switch (k)
    {
    case ROW_COMPARED: return "compared";
    case ROW_FAILED: return "failed";
    case ROW_ONLY_OLD: return "only-in-old";
    case ROW_ONLY_NEW: return "only-in-new";
    }
  return "unknown";
}

static gboolean
bench_usable (const CbResultsBench *b)
{
  return strcmp (b->status, "ok") == 0 && b->walls->len > 0;
}

static const double *
walls_of (const CbResultsBench *b)
{
  return (const double *) (gpointer) b->walls->data;
}

static void
row_compute (Row *row, double alpha)
{
  const double *a = walls_of (row->old), *b = walls_of (row->new_);
  guint na = row->old->walls->len, nb = row->new_->walls->len;

  cb_stats_compute (a, na, &row->so);
  cb_stats_compute (b, nb, &row->sn);
  cb_ratio_ci95 (a, na, b, nb, &row->ratio, &row->ratio_low,
                 &row->ratio_high);
  row->p_welch = cb_welch_t_test (a, na, b, nb, NULL);
  row->p_mw = na >= MIN_RUNS_MWU && nb >= MIN_RUNS_MWU
                  ? cb_mann_whitney_u (a, na, b, nb, NULL)
                  : NAN;
  if (isnan (row->p_welch))
    row->verdict = VERDICT_TOO_FEW_RUNS;
  else if (row->p_welch < alpha && isfinite (row->ratio) && row->ratio < 1)
    row->verdict = VERDICT_FASTER;
  else if (row->p_welch < alpha && isfinite (row->ratio) && row->ratio > 1)
    row->verdict = VERDICT_SLOWER;
  else
    row->verdict = VERDICT_NOT_SIGNIFICANT;
}

static void
comparison_free (Comparison *c)
{
  cb_results_file_free (c->old);
  cb_results_file_free (c->new_);
  if (c->rows != NULL)
    g_array_unref (c->rows);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Comparison, comparison_free)

static Comparison *
comparison_new (CbResultsFile *old, CbResultsFile *new_, double alpha)
{
  Comparison *c = g_new0 (Comparison, 1);
  g_autoptr (GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) matched = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));

  c->old = old;
  c->new_ = new_;
  c->alpha = alpha;
  c->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  for (guint i = 0; i < new_->benches->len; i++)
    {
      CbResultsBench *b = new_->benches->pdata[i];
      g_hash_table_insert (by_key, b->key, b);
    }
  for (guint i = 0; i < old->benches->len; i++)
    {
      Row row = { 0 };
      row.old = old->benches->pdata[i];
      row.new_ = g_hash_table_lookup (by_key, row.old->key);
      row.ratio = row.ratio_low = row.ratio_high = NAN;
      row.p_welch = row.p_mw = NAN;
      if (row.new_ == NULL)
        row.kind = ROW_ONLY_OLD;
      else
        {
          g_hash_table_add (matched, (gpointer) row.new_);
          if (bench_usable (row.old) && bench_usable (row.new_))
            {
              row.kind = ROW_COMPARED;
              row_compute (&row, alpha);
              if (isfinite (row.ratio) && row.ratio > 0)
                g_array_append_val (ratios, row.ratio);
            }
          else
            row.kind = ROW_FAILED;
        }
      g_array_append_val (c->rows, row);
    }
  for (guint i = 0; i < new_->benches->len; i++)
    {
      Row row = { 0 };
      row.new_ = new_->benches->pdata[i];
      if (g_hash_table_contains (matched, row.new_))
        continue;
      row.kind = ROW_ONLY_NEW;
      row.ratio = row.ratio_low = row.ratio_high = NAN;
      row.p_welch = row.p_mw = NAN;
      g_array_append_val (c->rows, row);
    }
  c->n_ratios = ratios->len;
  c->geomean = ratios->len
                   ? cb_geometric_mean ((const double *) (gpointer) ratios->data,
                                        ratios->len)
                   : NAN;
  return c;
}

/* ------------------------------------------------------------------------ */
/* Text helpers                                                              */

static char *
fmt (const char *format, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

typedef struct {
  const char *name;
  double scale;
} TimeUnit;

static TimeUnit
pick_unit (const Comparison *c)
{
  static const TimeUnit s = { "s", 1 }, ms = { "ms", 1e-3 },
                        us = { "µs", 1e-6 };
  double largest = 0;
  for (guint i = 0; i < c->rows->len; i++)
    {
      const Row *r = &g_array_index (c->rows, Row, i);
      if (r->kind == ROW_COMPARED)
        largest = MAX (largest, MAX (r->so.mean, r->sn.mean));
    }
  if (largest >= 1 || largest == 0)
    return s;
  return largest >= 1e-3 ? ms : us;
}

static char *
time_cell (double seconds, TimeUnit unit)
{
  if (!isfinite (seconds))
    return g_strdup ("-");
  double v = seconds / unit.scale;
  if (v > 0 && v < 0.0005)
    return g_strdup ("<0.001");
  return fmt ("%.3f", v);
}

static char *
ratio_cell (double v)
{
  return isfinite (v) ? fmt ("%.3f", v) : g_strdup ("-");
}

static char *
ci_cell (const Row *r)
{
  if (!isfinite (r->ratio_low) || !isfinite (r->ratio_high))
    return g_strdup ("-");
  g_autofree char *lo = fmt ("%.3f", r->ratio_low);
  g_autofree char *hi = fmt ("%.3f", r->ratio_high);
  return g_strdup_printf ("[%s, %s]", lo, hi);
}

static char *
p_cell (double p)
{
  if (!isfinite (p))
    return g_strdup ("-");
  if (p < 0.001)
    return g_strdup ("<0.001");
  return fmt ("%.3f", p);
}

/* "failed in NEW: message", "not run in OLD", … */
static char *
failure_text (const Row *r)
{
  GString *s = g_string_new (NULL);
  const CbResultsBench *sides[2] = { r->old, r->new_ };
  const char *names[2] = { "OLD", "NEW" };
  for (guint i = 0; i < 2; i++)
    {
      const CbResultsBench *b = sides[i];
      if (bench_usable (b))
        continue;
      if (s->len > 0)
        g_string_append (s, "; ");
      if (strcmp (b->status, "ok") == 0)
        g_string_append_printf (s, "no measured run in %s", names[i]);
      else
        {
          g_autofree char *status = one_line (b->status);
          g_string_append_printf (s, "%s in %s", status, names[i]);
          if (b->error != NULL && b->error[0] != '\0')
            {
              g_autofree char *msg = one_line (b->error);
              g_string_append_printf (s, ": %s", msg);
            }
        }
    }
  return g_string_free (s, FALSE);
}

static char *
geomean_sentence (const Comparison *c)
{
  if (c->n_ratios == 0 || !isfinite (c->geomean))
    return g_strdup ("Geometric mean of new/old: - (no benchmark compared)");
  g_autofree char *g = fmt ("%.3f", c->geomean);
  double change = (c->geomean - 1) * 100;
  g_autofree char *pct = fmt ("%.1f", fabs (change));
  g_autofree char *what
      = fabs (change) < 0.05 ? g_strdup ("no change")
        : change < 0         ? g_strdup_printf ("NEW takes %s%% less time", pct)
                             : g_strdup_printf ("NEW takes %s%% more time", pct);
  return g_strdup_printf (
      "Geometric mean of new/old over %u benchmark%s: %s (%s)", c->n_ratios,
      c->n_ratios == 1 ? "" : "s", g, what);
}

static char *
method_sentence (const Comparison *c)
{
  g_autofree char *alpha = fmt ("%g", c->alpha);
  return g_strdup_printf (
      "Verdicts per row from Welch's t-test at alpha = %s (the geometric "
      "mean is not a test); the Mann-Whitney U p-value is shown where both "
      "sides have at least %d runs. New/old below 1 means NEW is faster; the "
      "CI is its 95%% confidence interval.",
      alpha, MIN_RUNS_MWU);
}

static char *
file_sentence (const CbResultsFile *f)
{
  GString *s = g_string_new (NULL);
  g_autofree char *path = one_line (f->path);
  g_string_append (s, path);
  if (f->suite != NULL)
    {
      g_autofree char *suite = one_line (f->suite);
      g_string_append_printf (s, " (%s suite", suite);
      if (f->date != NULL)
        {
          g_autofree char *date = one_line (f->date);
          g_string_append_printf (s, ", %s", date);
        }
      g_string_append_c (s, ')');
    }
  if (!f->complete)
    g_string_append (s, " [INCOMPLETE: the run was interrupted]");
  return g_string_free (s, FALSE);
}

static char *
seed_note (const Comparison *c)
{
  if (c->old->seed == NULL || c->new_->seed == NULL
      || strcmp (c->old->seed, c->new_->seed) == 0)
    return NULL;
  g_autofree char *a = one_line (c->old->seed);
  g_autofree char *b = one_line (c->new_->seed);
  return g_strdup_printf ("Note: the seeds differ (OLD %s, NEW %s): the "
                          "workloads' random data differ too",
                          a, b);
}

/* ------------------------------------------------------------------------ */
/* Table and Markdown                                                        */

enum {
  C_NAME,
  C_OLD,
  C_NEW,
  C_RATIO,
  C_CI,
  C_PW,
  C_PMW,
  C_VERDICT,
  N_C
};

static const gboolean c_right[N_C] = { FALSE, TRUE, TRUE, TRUE,
                                       TRUE,  TRUE, TRUE, FALSE };

typedef struct {
  char *cells[N_C];
  char *span; /* failure text instead of figures */
  Verdict verdict;
} Line;

static void
line_clear (gpointer data)
{
  Line *l = data;
  for (guint i = 0; i < N_C; i++)
    g_free (l->cells[i]);
  g_free (l->span);
}

static GArray *
build_lines (const Comparison *c, char **headers)
{
  TimeUnit unit = pick_unit (c);
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));
  g_array_set_clear_func (lines, line_clear);

  headers[C_NAME] = g_strdup ("Benchmark");
  headers[C_OLD] = g_strdup_printf ("Old (%s)", unit.name);
  headers[C_NEW] = g_strdup_printf ("New (%s)", unit.name);
  headers[C_RATIO] = g_strdup ("New/Old");
  headers[C_CI] = g_strdup ("95% CI");
  headers[C_PW] = g_strdup ("p (Welch)");
  headers[C_PMW] = g_strdup ("p (MWU)");
  headers[C_VERDICT] = g_strdup ("Verdict");
  for (guint i = 0; i < c->rows->len; i++)
    {
      const Row *r = &g_array_index (c->rows, Row, i);
      Line l = { { NULL }, NULL, r->verdict };
      if (r->kind != ROW_COMPARED && r->kind != ROW_FAILED)
        continue;
      l.cells[C_NAME] = one_line (r->old->name);
      if (r->kind == ROW_FAILED)
        l.span = failure_text (r);
      else
        {
          l.cells[C_OLD] = time_cell (r->so.mean, unit);
          l.cells[C_NEW] = time_cell (r->sn.mean, unit);
          l.cells[C_RATIO] = ratio_cell (r->ratio);
          l.cells[C_CI] = ci_cell (r);
          l.cells[C_PW] = p_cell (r->p_welch);
          l.cells[C_PMW] = p_cell (r->p_mw);
          l.cells[C_VERDICT] = g_strdup (verdict_text (r->verdict));
        }
      g_array_append_val (lines, l);
    }
  return lines;
}

static void
pad (GString *out, const char *text, glong width, gboolean right)
{
  glong n = width - g_utf8_strlen (text, -1);
  if (right)
    for (glong i = 0; i < n; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (glong i = 0; i < n; i++)
      g_string_append_c (out, ' ');
}

static const char *
verdict_color (Verdict v)
{
  return v == VERDICT_FASTER ? ANSI_GREEN
         : v == VERDICT_SLOWER ? ANSI_RED
                               : NULL;
}

static void
append_unmatched (GString *out, const Comparison *c, RowKind kind,
                  const char *title, const char *item_prefix)
{
  guint n = 0;
  for (guint i = 0; i < c->rows->len; i++)
    n += g_array_index (c->rows, Row, i).kind == kind;
  if (n == 0)
    return;
  g_string_append_printf (out, "\n%s (%u):\n", title, n);
  for (guint i = 0; i < c->rows->len; i++)
    {
      const Row *r = &g_array_index (c->rows, Row, i);
      const CbResultsBench *b = kind == ROW_ONLY_OLD ? r->old : r->new_;
      if (r->kind != kind)
        continue;
      g_autofree char *name = one_line (b->name);
      g_autofree char *wk = one_line (b->workload_key);
      g_autofree char *st = one_line (b->strategy);
      /* Command-line suites name rows by their parameters already. */
      if (strstr (b->name, b->workload_key) != NULL)
        g_string_append_printf (out, "%s%s\n", item_prefix, name);
      else
        g_string_append_printf (out, "%s%s (%s / %s)\n", item_prefix, name,
                                wk, st);
    }
}

static char *
render_table (const Comparison *c, gboolean color)
{
  GString *out = g_string_new (NULL);
  char *headers[N_C] = { NULL };
  g_autoptr (GArray) lines = build_lines (c, headers);
  glong widths[N_C];
  g_autofree char *old = file_sentence (c->old);
  g_autofree char *new_ = file_sentence (c->new_);
  g_autofree char *note = seed_note (c);

  g_string_append_printf (out, "%sconcbench compare%s\n  OLD: %s\n  NEW: %s\n",
                          color ? ANSI_BOLD : "", color ? ANSI_RESET : "",
                          old, new_);
  if (note != NULL)
    g_string_append_printf (out, "  %s\n", note);
  g_string_append_c (out, '\n');

  for (guint k = 0; k < N_C; k++)
    widths[k] = g_utf8_strlen (headers[k], -1);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *l = &g_array_index (lines, Line, i);
      for (guint k = 0; k < (l->span ? 1 : N_C); k++)
        widths[k] = MAX (widths[k], g_utf8_strlen (l->cells[k], -1));
    }
  if (lines->len == 0)
    g_string_append (out, "No benchmark is in both files.\n");
  else
    {
      g_autoptr (GString) line = g_string_new (NULL);
      for (guint k = 0; k < N_C; k++)
        {
          if (k > 0)
            g_string_append (line, "  ");
          pad (line, headers[k], k + 1 == N_C ? 0 : widths[k], c_right[k]);
        }
      g_string_append_printf (out, "%s%s%s\n", color ? ANSI_BOLD : "",
                              line->str, color ? ANSI_RESET : "");
      for (guint k = 0; k < N_C; k++)
        {
          if (k > 0)
            g_string_append (out, "  ");
          for (glong i = 0; i < widths[k]; i++)
            g_string_append_c (out, '-');
        }
      g_string_append_c (out, '\n');
      for (guint i = 0; i < lines->len; i++)
        {
          const Line *l = &g_array_index (lines, Line, i);
          g_string_truncate (line, 0);
          if (l->span != NULL)
            {
              pad (line, l->cells[C_NAME], widths[C_NAME], FALSE);
              g_string_append_printf (line, "  %s", l->span);
              g_string_append_printf (out, "%s%s%s\n", color ? ANSI_RED : "",
                                      line->str, color ? ANSI_RESET : "");
              continue;
            }
          for (guint k = 0; k < N_C; k++)
            {
              if (k > 0)
                g_string_append (line, "  ");
              if (k == C_VERDICT && color && verdict_color (l->verdict))
                g_string_append_printf (line, "%s%s%s",
                                        verdict_color (l->verdict),
                                        l->cells[k], ANSI_RESET);
              else
                pad (line, l->cells[k], k + 1 == N_C ? 0 : widths[k],
                     c_right[k]);
            }
          g_string_append_printf (out, "%s\n", line->str);
        }
    }
  append_unmatched (out, c, ROW_ONLY_OLD, "Only in OLD", "  ");
  append_unmatched (out, c, ROW_ONLY_NEW, "Only in NEW", "  ");

  g_autofree char *geo = geomean_sentence (c);
  g_autofree char *method = method_sentence (c);
  g_string_append_printf (out, "\n%s\n%s\n", geo, method);
  for (guint k = 0; k < N_C; k++)
    g_free (headers[k]);
  return g_string_free (out, FALSE);
}

static char *
md_escape (const char *s)
{
  g_autofree char *text = one_line (s);
  GString *out = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("|\\<>`*_[]", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static char *
render_markdown (const Comparison *c)
{
  GString *out = g_string_new (NULL);
  char *headers[N_C] = { NULL };
  g_autoptr (GArray) lines = build_lines (c, headers);
  g_autofree char *old = file_sentence (c->old);
  g_autofree char *new_ = file_sentence (c->new_);
  g_autofree char *old_md = md_escape (old);
  g_autofree char *new_md = md_escape (new_);
  g_autofree char *note = seed_note (c);

  g_string_append_printf (out, "## concbench compare\n\n- OLD: %s\n- NEW: %s\n",
                          old_md, new_md);
  if (note != NULL)
    {
      g_autofree char *n = md_escape (note);
      g_string_append_printf (out, "- %s\n", n);
    }
  g_string_append_c (out, '\n');
  if (lines->len == 0)
    g_string_append (out, "No benchmark is in both files.\n");
  else
    {
      g_string_append (out, "|");
      for (guint k = 0; k < N_C; k++)
        g_string_append_printf (out, " %s |", headers[k]);
      g_string_append (out, "\n|");
      for (guint k = 0; k < N_C; k++)
        g_string_append (out, c_right[k] ? " ---: |" : " :--- |");
      g_string_append_c (out, '\n');
      for (guint i = 0; i < lines->len; i++)
        {
          const Line *l = &g_array_index (lines, Line, i);
          g_string_append (out, "|");
          for (guint k = 0; k < N_C; k++)
            {
              const char *cell = l->cells[k];
              if (l->span != NULL && k == C_OLD)
                cell = l->span;
              g_autofree char *text = md_escape (cell ? cell : "");
              gboolean bold = k == C_VERDICT
                              && (l->verdict == VERDICT_FASTER
                                  || l->verdict == VERDICT_SLOWER);
              g_string_append_printf (out, bold ? " **%s** |" : " %s |",
                                      text);
            }
          g_string_append_c (out, '\n');
        }
    }
  for (guint side = 0; side < 2; side++)
    {
      RowKind kind = side == 0 ? ROW_ONLY_OLD : ROW_ONLY_NEW;
      g_autoptr (GString) list = g_string_new (NULL);
      append_unmatched (list, c, kind, side == 0 ? "Only in OLD" : "Only in NEW",
                        "- ");
      if (list->len == 0)
        continue;
      /* "\nTitle (n):\n- a\n": the title in bold, items escaped. */
      g_auto (GStrv) parts = g_strsplit (list->str + 1, "\n", -1);
      g_autofree char *title = md_escape (parts[0]);
      g_string_append_printf (out, "\n**%s**\n\n", title);
      for (guint i = 1; parts[i] != NULL && parts[i][0] != '\0'; i++)
        {
          g_autofree char *item = md_escape (parts[i] + 2);
          g_string_append_printf (out, "- %s\n", item);
        }
    }
  g_autofree char *geo = geomean_sentence (c);
  g_autofree char *method = method_sentence (c);
  g_autofree char *geo_md = md_escape (geo);
  g_autofree char *method_md = md_escape (method);
  g_string_append_printf (out, "\n**%s**\n\n%s\n", geo_md, method_md);
  for (guint k = 0; k < N_C; k++)
    g_free (headers[k]);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */

static void
j_file (JsonBuilder *b, const char *name, const CbResultsFile *f)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_string (b, "file", f->path);
  cb_json_add_string (b, "suite", f->suite);
  cb_json_add_string (b, "date", f->date);
  cb_json_add_string (b, "seed", f->seed);
  json_builder_set_member_name (b, "complete");
  json_builder_add_boolean_value (b, f->complete);
  json_builder_end_object (b);
}

static void
j_side (JsonBuilder *b, const char *name, const CbResultsBench *bench,
        const CbStats *st, gboolean computed)
{
  json_builder_set_member_name (b, name);
  if (bench == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  CbStats local;
  if (!computed)
    {
      cb_stats_compute (walls_of (bench), bench->walls->len, &local);
      st = &local;
    }
  json_builder_begin_object (b);
  cb_json_add_string (b, "status", bench->status);
  cb_json_add_string (b, "error", bench->error);
  json_builder_set_member_name (b, "n");
  json_builder_add_int_value (b, bench->walls->len);
  cb_json_add_double (b, "mean", bench->walls->len ? st->mean : NAN);
  cb_json_add_double (b, "stddev", bench->walls->len ? st->stddev : NAN);
  json_builder_end_object (b);
}

static char *
render_json (const Comparison *c)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schema_version");
  json_builder_add_int_value (b, CB_COMPARE_SCHEMA_VERSION);
  cb_json_add_string (b, "kind", "concbench-compare");
  json_builder_set_member_name (b, "tool");
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", "concbench");
  cb_json_add_string (b, "version", PACKAGE_VERSION);
  json_builder_end_object (b);
  cb_json_add_double (b, "alpha", c->alpha);
  j_file (b, "old", c->old);
  j_file (b, "new", c->new_);
  json_builder_set_member_name (b, "benchmarks");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->rows->len; i++)
    {
      const Row *r = &g_array_index (c->rows, Row, i);
      const CbResultsBench *any = r->old ? r->old : r->new_;
      gboolean computed = r->kind == ROW_COMPARED;
      json_builder_begin_object (b);
      cb_json_add_string (b, "name", any->name);
      cb_json_add_string (b, "workload_key", any->workload_key);
      cb_json_add_string (b, "strategy", any->strategy);
      cb_json_add_string (b, "status", row_kind_name (r->kind));
      j_side (b, "old", r->old, &r->so, computed);
      j_side (b, "new", r->new_, &r->sn, computed);
      cb_json_add_double (b, "ratio", r->ratio);
      cb_json_add_double (b, "ratio_ci95_low", r->ratio_low);
      cb_json_add_double (b, "ratio_ci95_high", r->ratio_high);
      cb_json_add_double (b, "p_welch", r->p_welch);
      cb_json_add_double (b, "p_mann_whitney", r->p_mw);
      cb_json_add_string (b, "verdict", verdict_text (r->verdict));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  cb_json_add_double (b, "geometric_mean_ratio", c->geomean);
  json_builder_set_member_name (b, "n_ratios");
  json_builder_add_int_value (b, c->n_ratios);
  json_builder_end_object (b);

  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                       */

static void
csv_number (GString *line, double v)
{
  if (!isfinite (v))
    {
      cb_csv_append_field (line, NULL);
      return;
    }
  g_autofree char *text = fmt ("%.9g", v);
  cb_csv_append_field (line, text);
}

static void
csv_side (GString *line, const CbResultsBench *bench)
{
  if (bench == NULL)
    {
      for (guint i = 0; i < 5; i++)
        cb_csv_append_field (line, NULL);
      return;
    }
  CbStats st;
  cb_stats_compute (walls_of (bench), bench->walls->len, &st);
  g_autofree char *n = g_strdup_printf ("%u", bench->walls->len);
  cb_csv_append_field (line, bench->status);
  cb_csv_append_field (line, bench->error);
  cb_csv_append_field (line, n);
  csv_number (line, bench->walls->len ? st.mean : NAN);
  csv_number (line, bench->walls->len ? st.stddev : NAN);
}

static char *
render_csv (const Comparison *c)
{
  static const char *const header[] = {
    "name", "workload_key", "strategy", "status", "old_status", "old_error",
    "old_n", "old_mean", "old_stddev", "new_status", "new_error", "new_n",
    "new_mean", "new_stddev", "ratio", "ratio_ci95_low", "ratio_ci95_high",
    "p_welch", "p_mann_whitney", "verdict",
  };
  GString *out = g_string_new (NULL);
  g_autoptr (GString) line = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    cb_csv_append_field (line, header[i]);
  g_string_append_printf (out, "%s\r\n", line->str);
  for (guint i = 0; i < c->rows->len; i++)
    {
      const Row *r = &g_array_index (c->rows, Row, i);
      const CbResultsBench *any = r->old ? r->old : r->new_;
      g_string_truncate (line, 0);
      cb_csv_append_field (line, any->name);
      cb_csv_append_field (line, any->workload_key);
      cb_csv_append_field (line, any->strategy);
      cb_csv_append_field (line, row_kind_name (r->kind));
      csv_side (line, r->old);
      csv_side (line, r->new_);
      csv_number (line, r->ratio);
      csv_number (line, r->ratio_low);
      csv_number (line, r->ratio_high);
      csv_number (line, r->p_welch);
      csv_number (line, r->p_mw);
      cb_csv_append_field (line, verdict_text (r->verdict));
      g_string_append_printf (out, "%s\r\n", line->str);
    }
  return g_string_free (out, FALSE);
}

static char *
render (const Comparison *c, CbFormat format, gboolean color)
{
  switch (format)
    {
    case CB_FORMAT_JSON: return render_json (c);
    case CB_FORMAT_CSV: return render_csv (c);
    case CB_FORMAT_MARKDOWN: return render_markdown (c);
    case CB_FORMAT_TABLE:
    default: return render_table (c, color);
    }
}

/* ------------------------------------------------------------------------ */
/* Command line                                                              */

typedef struct {
  char *alpha;
  char *format;
  char *output;
  GStrv exports;
  GStrv files;
} CompareOptions;

static GOptionContext *
compare_context (CompareOptions *o, GOptionEntry **entries_out)
{
  GOptionEntry entries[] = {
    { "alpha", 0, 0, G_OPTION_ARG_STRING, &o->alpha,
      "Significance level of the verdicts, 0 < A < 1 [default: 0.05]", "A" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o->format,
      "Output format: table, json, csv or markdown [default: table, or from "
      "the -o file name]",
      "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
      "Write the comparison to FILE", "FILE" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->exports,
      "Also write the comparison to FILE, in the format its extension names "
      "(repeatable)",
      "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, NULL,
      NULL },
    { NULL }
  };
  GOptionContext *ctx
      = g_option_context_new ("OLD.json NEW.json - compare two result files");
  *entries_out = g_memdup (entries, sizeof entries);
  g_option_context_set_summary (
      ctx, "Compares two results files written by concbench --format json "
           "(or -o FILE.json):\nper benchmark matched by name and "
           "parameters, the old and new mean time, their ratio\nwith its 95% "
           "confidence interval, Welch's t-test and Mann-Whitney U "
           "p-values, and a verdict:\nfaster, slower or not significant.");
  g_option_context_set_description (
      ctx, "Exit status: 0 compared, 2 a file is missing, not a concbench "
           "JSON results file, of an\nunknown schema version or of a "
           "different workload scale, or a usage error.\n"
           "Environment: NO_COLOR.\n");
  g_option_context_add_main_entries (ctx, *entries_out, NULL);
  return ctx;
}

static void
compare_options_clear (CompareOptions *o)
{
  g_free (o->alpha);
  g_free (o->format);
  g_free (o->output);
  g_strfreev (o->exports);
  g_strfreev (o->files);
}

char *
cb_compare_help (void)
{
  CompareOptions o = { 0 };
  g_autofree GOptionEntry *entries = NULL;
  g_autoptr (GOptionContext) ctx = compare_context (&o, &entries);
  g_set_prgname ("concbench compare");
  return g_option_context_get_help (ctx, TRUE, NULL);
}

static int
usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autofree char *line = one_line (msg);
  fprintf (stderr, "concbench: %s\n", line);
  return 2;
}

static gboolean
parse_alpha (const char *text, double *out)
{
  char *end = NULL;
  if (text == NULL)
    {
      *out = DEFAULT_ALPHA;
      return TRUE;
    }
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(v > 0 && v < 1))
    return FALSE;
  *out = v;
  return TRUE;
}

int
cb_compare_main (int argc, char **argv)
{
  CompareOptions o = { 0 };
  g_autofree GOptionEntry *entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outputs = NULL;
  CbFormat stdout_format = CB_FORMAT_TABLE;
  double alpha;
  int status = 0;

  /* GOption sees "compare" as argv[0]; --help says "concbench compare". */
  g_set_prgname ("concbench compare");
  argc--;
  argv++;
  g_autoptr (GOptionContext) ctx = compare_context (&o, &entries);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      status = usage_error ("compare: %s", error->message);
      goto out;
    }
  guint n_files = o.files ? g_strv_length (o.files) : 0;
  if (n_files != 2)
    {
      status = usage_error ("compare: expected two files, OLD.json and "
                            "NEW.json (got %u; see compare --help)",
                            n_files);
      goto out;
    }
  if (!parse_alpha (o.alpha, &alpha))
    {
      status = usage_error ("compare: --alpha: '%s' must be a number between "
                            "0 and 1 (exclusive)",
                            o.alpha);
      goto out;
    }
  outputs = cb_outputs_collect (o.output, o.format,
                                (const char *const *) o.exports,
                                &stdout_format, &error);
  if (outputs == NULL)
    goto fail;

  {
    g_autoptr (CbResultsFile) old = results_file_read (o.files[0], &error);
    if (old == NULL)
      goto fail;
    g_autoptr (CbResultsFile) new_ = results_file_read (o.files[1], &error);
    if (new_ == NULL)
      goto fail;
    if (!check_scales (old, new_, &error))
      goto fail;
    g_autoptr (Comparison) c
        = comparison_new (g_steal_pointer (&old), g_steal_pointer (&new_),
                          alpha);
    for (guint i = 0; i < outputs->len; i++)
      {
        const CbOutput *out = outputs->pdata[i];
        g_autofree char *text = render (c, out->format, FALSE);
        g_autoptr (GError) werror = NULL;
        if (!cb_output_write (out->path, text, &werror))
          {
            fprintf (stderr, "concbench: %s\n", werror->message);
            status = 1;
          }
      }
    {
        gboolean color = stdout_format == CB_FORMAT_TABLE
                         && cb_report_color_wanted (STDOUT_FILENO);
        g_autofree char *text = render (c, stdout_format, color);
        fputs (text, stdout);
        fflush (stdout);
      }
  }
  goto out;

fail:
  status = usage_error ("%s", error->message);
out:
  compare_options_clear (&o);
  return status;
}
