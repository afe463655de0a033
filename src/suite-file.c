/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading suite files: GKeyFile loading, checks on what it would let
 * through (escapes, control characters, repeated keys), and errors that say
 * file:line. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "suite.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load-plan.h"
#include "suite-private.h"

#define SUITE_GROUP "suite"

/* Line number of key in group (or of the group header when key is NULL), so
 * that errors can say file:line as compilers do; 0 when not found. */
static guint
find_line (const char *data, const char *group, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  gboolean in_group = FALSE;
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      if (line[0] == '[')
        {
          in_group = strcmp (line, header) == 0;
          if (in_group && key == NULL)
            return i + 1;
          continue;
        }
      if (!in_group || key == NULL)
        continue;
      const char *eq = strchr (line, '=');
      if (eq == NULL)
        continue;
      g_autofree char *k = g_strstrip (g_strndup (line, eq - line));
      if (strcmp (k, key) == 0)
        return i + 1;
    }
  return 0;
}

typedef struct {
  const char *source;
  const char *data;
} SuiteText;

static gboolean
file_error (const SuiteText *text, const char *group, const char *key,
            GError **error, const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static gboolean
file_error (const SuiteText *text, const char *group, const char *key,
            GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  guint line = find_line (text->data, group, key);
  g_autofree char *where
      = line ? g_strdup_printf ("%s:%u", text->source, line)
             : g_strdup (text->source);
  cb_set_usage_error (error, "%s: [%s]%s%s: %s", where, group,
                      key ? " " : "", key ? key : "", what);
  return FALSE;
}

/* Names and descriptions end up in table rows, CSV cells and headings. */
static gboolean
has_control_char (const char *s)
{
  for (; s != NULL && *s != '\0'; s++)
    if ((guchar) *s < 0x20 || *s == 0x7f)
      return TRUE;
  return FALSE;
}

static guint
syntax_error_line (const char *data, const char *message)
{
  /* GKeyFile quotes the offending line but does not number it. */
  const char *open = strstr (message, "\xe2\x80\x9c");
  const char *close = open ? strstr (open + 3, "\xe2\x80\x9d") : NULL;
  if (open == NULL || close == NULL)
    return 0;
  g_autofree char *bad = g_strndup (open + 3, close - open - 3);
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strcmp (lines[i], bad) == 0)
      return i + 1;
  return 0;
}

/* A whole number from min to max, as the command line's options take. */
static gboolean
read_uint_key (GKeyFile *kf, const SuiteText *text, const char *group,
               const char *key, guint min, guint max, guint *out,
               gboolean *present, GError **error)
{
  const CbParamSpec spec = { key, NULL, NULL, CB_PARAM_UINT, min, max, NULL };
  g_autofree char *value = g_key_file_get_value (kf, group, key, NULL);
  g_autoptr (GError) local = NULL;
  CbValue v;
  if (value == NULL)
    return TRUE;
  if (!cb_param_parse (&spec, value, &v, &local))
    return file_error (text, group, key, error, "'%s' is not a whole number "
                       "from %u to %u", value, min, max);
  *out = (guint) v.u;
  if (present)
    *present = TRUE;
  return TRUE;
}

/* Reads a string key; printable: refuse control characters.  GKeyFile's
 * own unescaping (GLib 2.74) sets an error over another on a value with two
 * bad escapes (a backslash before '[', then one at the end of the line) and
 * warns on stderr, so bad escape sequences are refused here first, naming
 * the file, line and key. */
static gboolean
read_string (GKeyFile *kf, const SuiteText *text, const char *group,
             const char *key, gboolean printable, char **out, GError **error)
{
  g_autofree char *raw = g_key_file_get_value (kf, group, key, NULL);
  g_autoptr (GError) local = NULL;

  *out = NULL;
  if (raw == NULL)
    return TRUE;
  for (const char *p = raw; *p != '\0'; p++)
    if (*p == '\\')
      {
        if (p[1] == '\0' || strchr ("sntr\\", p[1]) == NULL)
          return file_error (text, group, key, error,
                             "invalid escape sequence (GKeyFile knows \\s "
                             "\\n \\t \\r and \\\\)");
        p++;
      }
  *out = g_key_file_get_string (kf, group, key, &local);
  if (*out == NULL)
    return file_error (text, group, key, error, "%s",
                       local ? local->message : "unreadable value");
  if (printable && has_control_char (*out))
    {
      g_clear_pointer (out, g_free);
      return file_error (text, group, key, error,
                         "contains a control character");
    }
  return TRUE;
}

/* rate= and arrivals=, checked as --rate and --arrivals are. */
static gboolean
read_load_key (CbSuite *suite, GKeyFile *kf, const SuiteText *text,
               const char *key, GError **error)
{
  g_autofree char *value = NULL;
  g_autoptr (GError) local = NULL;
  gboolean is_rate = strcmp (key, "rate") == 0;
  if (!read_string (kf, text, SUITE_GROUP, key, TRUE, &value, error))
    return FALSE;
  if (is_rate ? !cb_load_check_rate (key, value, &local)
              : !cb_load_check_arrivals (key, value, &local))
    return file_error (text, SUITE_GROUP, key, error, "%s", local->message);
  g_free (is_rate ? suite->rate : suite->arrivals);
  *(is_rate ? &suite->rate : &suite->arrivals) = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
load_suite_group (CbSuite *suite, GKeyFile *kf, const SuiteText *text,
                  GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, SUITE_GROUP, NULL, NULL);
  g_autoptr (GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *k = keys[i];
      /* As in a benchmark group: GKeyFile would keep the last value. */
      if (!g_hash_table_add (given, (gpointer) k))
        return file_error (text, SUITE_GROUP, k, error,
                           "key given more than once");
      if (strcmp (k, "name") == 0 || strcmp (k, "warmups") == 0
          || strcmp (k, "runs") == 0)
        continue;
      if (strcmp (k, "description") == 0)
        {
          g_clear_pointer (&suite->description, g_free);
          if (!read_string (kf, text, SUITE_GROUP, k, TRUE, &suite->description,
                            error))
            return FALSE;
          continue;
        }
      if (strcmp (k, "rate") == 0 || strcmp (k, "arrivals") == 0)
        {
          if (!read_load_key (suite, kf, text, k, error))
            return FALSE;
          continue;
        }
      if (strchr (k, '.') == NULL)
        return file_error (text, SUITE_GROUP, k, error,
                           "unknown key (expected name, description, "
                           "warmups, runs, rate, arrivals or "
                           "WORKLOAD.PARAM)");
      g_hash_table_insert (suite->workload_defaults, g_strdup (k),
                           g_key_file_get_value (kf, SUITE_GROUP, k, NULL));
    }
  g_autofree char *name = NULL;
  if (!read_string (kf, text, SUITE_GROUP, "name", TRUE, &name, error))
    return FALSE;
  if (name != NULL)
    {
      g_free (suite->name);
      suite->name = g_steal_pointer (&name);
    }
  /* runs=0 is refused, not taken for "not said". */
  return read_uint_key (kf, text, SUITE_GROUP, "warmups", 0, CB_WARMUPS_MAX,
                        &suite->warmups, &suite->has_warmups, error)
         && read_uint_key (kf, text, SUITE_GROUP, "runs", 1, CB_RUNS_MAX,
                           &suite->runs, NULL, error);
}

/* optional=true: a group whose plugin is not loaded is left out with a
 * note rather than refused, as a preset's rows on a library this build or
 * install does not have.  *note is NULL unless the group is left out. */
static gboolean
skip_if_optional (GKeyFile *kf, const SuiteText *text, const char *group,
                  const char *kind, const char *name, char **note,
                  GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean optional = g_key_file_has_key (kf, group, "optional", NULL)
                      && g_key_file_get_boolean (kf, group, "optional", &local);

  if (local != NULL)
    return file_error (text, group, "optional", error,
                       "'true' or 'false' expected");
  if (!optional)
    return file_error (text, group, kind, error, "unknown %s '%s'", kind,
                       name);
  guint line = find_line (text->data, group, NULL);
  *note = g_strdup_printf ("%s:%u: [%s] left out: %s '%s' is not loaded "
                           "(not built, or its package not installed; see "
                           "--list-plugins)",
                           text->source, line, group, kind, name);
  return TRUE;
}

/* The workload and strategy a benchmark group names (looked up exactly, so
 * their class names are the names given), and its name template. */
static gboolean
read_group_head (GKeyFile *kf, const SuiteText *text, const char *group,
                 const CbRegistry *registry, const CbPlugin **wp,
                 const CbPlugin **sp, char **name_template, char **note,
                 GError **error)
{
  g_autofree char *wname = NULL;
  g_autofree char *sname = NULL;

  /* Plugin names are only looked up: an odd one is reported, escaped, as
   * unknown.  Names are displayed: they must be printable. */
  if (!read_string (kf, text, group, "workload", FALSE, &wname, error)
      || !read_string (kf, text, group, "strategy", FALSE, &sname, error)
      || !read_string (kf, text, group, "name", TRUE, name_template, error))
    return FALSE;
  if (wname == NULL)
    return file_error (text, group, NULL, error, "no workload key");
  if (sname == NULL)
    return file_error (text, group, NULL, error, "no strategy key");
  *wp = cb_registry_find_workload (registry, wname);
  if (*wp == NULL)
    return skip_if_optional (kf, text, group, "workload", wname, note, error);
  *sp = cb_registry_find_strategy (registry, sname);
  if (*sp == NULL)
    return skip_if_optional (kf, text, group, "strategy", sname, note, error);
  return TRUE;
}

/* The assignment a "workload.PARAM" or "strategy.PARAM" key makes, its
 * values checked here, where the key is known, so that an error names the
 * line of the bad value rather than the group's.  *out stays NULL for the
 * head keys (name, workload, strategy). */
static gboolean
read_param_key (GKeyFile *kf, const SuiteText *text, const char *group,
                const char *k, const CbPlugin *wp, const CbPlugin *sp,
                CbAssignment **out, GError **error)
{
  const char *role = g_str_has_prefix (k, "workload.")  ? "workload"
                     : g_str_has_prefix (k, "strategy.") ? "strategy"
                                                          : NULL;
  g_autoptr (GError) local = NULL;

  *out = NULL;
  if (role == NULL)
    {
      if (strcmp (k, "name") == 0 || strcmp (k, "workload") == 0
          || strcmp (k, "strategy") == 0 || strcmp (k, "optional") == 0)
        return TRUE;
      return file_error (text, group, k, error,
                         "unknown key (expected name, workload, "
                         "strategy, optional, workload.PARAM or "
                         "strategy.PARAM)");
    }
  gboolean is_workload = strcmp (role, "workload") == 0;
  const char *pname = k + strlen (role) + 1;
  const CbParamSpec *specs = is_workload ? wp->desc->workload->params
                                         : sp->desc->strategy->params;
  const CbParamSpec *spec = cb_param_specs_find (specs, pname);
  if (spec == NULL)
    return file_error (text, group, k, error, "%s '%s' has no parameter '%s'",
                       role,
                       is_workload ? wp->desc->workload->name
                                   : sp->desc->strategy->name,
                       pname);
  g_autofree char *value = g_key_file_get_value (kf, group, k, NULL);
  g_autofree char *assign = g_strdup_printf ("%s=%s", k, value);
  g_autoptr (CbAssignment) a = cb_assignment_parse (assign, &local);
  if (a == NULL || !cb_param_check_range_use (spec, value, &local))
    return file_error (text, group, k, error, "%s", local->message);
  for (guint v = 0; a->values[v] != NULL; v++)
    {
      CbValue parsed;
      if (!cb_param_parse (spec, a->values[v], &parsed, &local))
        return file_error (text, group, k, error, "%s", local->message);
    }
  *out = g_steal_pointer (&a);
  return TRUE;
}

/* The preset scale of the [suite] group first, then the group's own keys,
 * in file order. */
static GPtrArray *
read_group_assignments (CbSuite *suite, GKeyFile *kf, const SuiteText *text,
                        const char *group, const CbPlugin *wp,
                        const CbPlugin *sp, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  g_autoptr (GPtrArray) assignments = cb_suite_scale_assignments (
      suite, wp->desc->workload->name);
  g_autoptr (GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *k = keys[i];
      CbAssignment *a;
      /* GKeyFile lists a repeated key each time, with the last value: a
       * sweep given twice would multiply the rows for nothing. */
      if (!g_hash_table_add (given, (gpointer) k))
        return file_error (text, group, k, error, "key given more than once"),
               NULL;
      if (!read_param_key (kf, text, group, k, wp, sp, &a, error))
        return NULL;
      if (a != NULL)
        g_ptr_array_add (assignments, a);
    }
  return g_steal_pointer (&assignments);
}

static gboolean
load_benchmark_group (CbSuite *suite, const CbRegistry *registry, GKeyFile *kf,
                      const SuiteText *text, const char *group, GError **error)
{
  g_autofree char *name_template = NULL;
  const CbPlugin *wp = NULL, *sp = NULL;
  g_autoptr (GPtrArray) rows
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_benchmark_free);
  g_autoptr (GError) local = NULL;
  char *note = NULL;

  if (!read_group_head (kf, text, group, registry, &wp, &sp, &name_template,
                        &note, error))
    return FALSE;
  if (note != NULL)
    {
      g_ptr_array_add (suite->left_out, note);
      return TRUE;
    }
  CbBenchmark *bench = cb_benchmark_new (wp, sp, error);
  if (bench == NULL)
    return FALSE;
  bench->name_template = g_steal_pointer (&name_template);
  g_ptr_array_add (rows, bench);

  g_autoptr (GPtrArray) assignments
      = read_group_assignments (suite, kf, text, group, wp, sp, error);
  if (assignments == NULL)
    return FALSE;
  if (!cb_assignments_apply (rows, assignments, FALSE, &local))
    return file_error (text, group, NULL, error, "%s", local->message);
  if (suite->benchmarks->len + rows->len > CB_SUITE_MAX_BENCHMARKS)
    return file_error (text, group, NULL, error,
                       "the suite would have more than %d benchmarks",
                       CB_SUITE_MAX_BENCHMARKS);
  while (rows->len > 0)
    g_ptr_array_add (suite->benchmarks, g_ptr_array_steal_index (rows, 0));
  return TRUE;
}

CbSuite *
cb_suite_load_data (const CbRegistry *registry, const char *data, gsize length,
                    const char *source, gboolean scale_only, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (length > CB_SUITE_FILE_MAX)
    {
      cb_set_usage_error (error, "%s: suite file is larger than %d bytes",
                          source, CB_SUITE_FILE_MAX);
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      cb_set_usage_error (error, "%s: suite file contains a NUL byte",
                          source);
      return NULL;
    }

  g_autofree char *text_copy = g_strndup (data, length);
  SuiteText text = { source, text_copy };
  g_autofree char *base = g_path_get_basename (source);
  g_autoptr (CbSuite) suite = cb_suite_new_empty (base, source);

  if (!g_key_file_load_from_data (kf, text_copy, length, G_KEY_FILE_NONE,
                                  &local))
    {
      guint line = syntax_error_line (text_copy, local->message);
      if (line)
        cb_set_usage_error (error, "%s:%u: %s", source, line, local->message);
      else
        cb_set_usage_error (error, "%s: %s", source, local->message);
      return NULL;
    }
  if (g_key_file_has_group (kf, SUITE_GROUP)
      && !load_suite_group (suite, kf, &text, error))
    return NULL;

  if (scale_only)
    return g_steal_pointer (&suite);

  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (strcmp (groups[i], SUITE_GROUP) != 0
        && !load_benchmark_group (suite, registry, kf, &text, groups[i], error))
      return NULL;
  if (suite->benchmarks->len == 0)
    {
      cb_set_usage_error (error, "%s: the suite defines no benchmark",
                          source);
      return NULL;
    }
  return g_steal_pointer (&suite);
}

/* Worded as g_file_get_contents, which read suites before, words it. */
static gboolean
file_io_error (GError **error, const char *doing, const char *path,
               int saved_errno)
{
  g_autofree char *shown = g_filename_display_name (path);
  cb_set_usage_error (error,
                      "cannot read suite: Failed to %s file \u201c%s\u201d: %s",
                      doing, shown, g_strerror (saved_errno));
  return FALSE;
}

/* Reads at most CB_SUITE_FILE_MAX + 1 bytes, so an oversized file is
 * refused without being read whole even when it grows meanwhile. */
static gboolean
read_capped (int fd, const char *path, GByteArray *out, GError **error)
{
  guint8 chunk[64 * 1024];
  while (out->len <= CB_SUITE_FILE_MAX)
    {
      gsize want = MIN (sizeof chunk, CB_SUITE_FILE_MAX + 1 - out->len);
      gssize got = read (fd, chunk, want);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return file_io_error (error, "read from", path, errno);
      if (got == 0)
        break;
      g_byte_array_append (out, chunk, got);
    }
  return TRUE;
}

/* A suite is a regular file: a FIFO or a device would block or never end,
 * so the file is opened without blocking and looked at before it is read. */
static GByteArray *
read_suite_file (const char *path, GError **error)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  g_autoptr (GByteArray) data = g_byte_array_new ();

  if (fd < 0)
    return file_io_error (error, "open", path, errno), NULL;
  if (fstat (fd, &st) != 0)
    {
      file_io_error (error, "get attributes of", path, errno);
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    cb_set_usage_error (error, "%s: suite file is not a regular file", path);
  else if (st.st_size > CB_SUITE_FILE_MAX)
    cb_set_usage_error (error, "%s: suite file is larger than %d bytes", path,
                        CB_SUITE_FILE_MAX);
  else if (read_capped (fd, path, data, error))
    {
      close (fd);
      return g_steal_pointer (&data);
    }
  close (fd);
  return NULL;
}

CbSuite *
cb_suite_load_file (const CbRegistry *registry, const char *path,
                    gboolean scale_only, GError **error)
{
  g_autoptr (GByteArray) data = read_suite_file (path, error);
  if (data == NULL)
    return NULL;
  /* Over the cap (a file that grew after fstat): refused by load_data. */
  return cb_suite_load_data (registry, (const char *) data->data, data->len,
                             path, scale_only, error);
}

