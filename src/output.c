/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "output.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "params.h"

gboolean
cb_output_check_writable (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *probe = g_build_filename (dir, ".concbench-XXXXXX", NULL);
  int fd;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "%s is a directory", path);
      return FALSE;
    }
  fd = g_mkstemp (probe);
  if (fd < 0)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "cannot write %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  close (fd);
  unlink (probe);
  return TRUE;
}

static gboolean
unknown_format (const char *name, GError **error)
{
  g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
               "unknown format '%s' (table, json, csv, markdown)", name);
  return FALSE;
}

static void
output_free (CbOutput *out)
{
  g_free (out->path);
  g_free (out);
}

static gboolean
add_output (GPtrArray *outputs, const char *path, const char *format_name,
            GError **error)
{
  CbFormat format;
  if (format_name != NULL)
    {
      if (!cb_format_parse (format_name, &format))
        return unknown_format (format_name, error);
    }
  else if (!cb_format_from_filename (path, &format))
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "cannot tell the format of '%s' from its extension; use "
                   "--format or .json, .csv, .md, .txt",
                   path);
      return FALSE;
    }
  if (!cb_output_check_writable (path, error))
    return FALSE;
  CbOutput *out = g_new0 (CbOutput, 1);
  out->path = g_strdup (path);
  out->format = format;
  g_ptr_array_add (outputs, out);
  return TRUE;
}

GPtrArray *
cb_outputs_collect (const char *output, const char *format,
                    const char *const *exports, CbFormat *stdout_format,
                    GError **error)
{
  g_autoptr (GPtrArray) outputs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  *stdout_format = CB_FORMAT_TABLE;
  if (output != NULL)
    {
      if (!add_output (outputs, output, format, error))
        return NULL;
    }
  else if (format != NULL && !cb_format_parse (format, stdout_format))
    {
      unknown_format (format, error);
      return NULL;
    }
  for (guint i = 0; exports != NULL && exports[i] != NULL; i++)
    if (!add_output (outputs, exports[i], NULL, error))
      return NULL;
  return g_steal_pointer (&outputs);
}

gboolean
cb_output_write (const char *path, const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "cannot write %s: %s",
                   path, local->message);
      return FALSE;
    }
  return TRUE;
}

void
cb_csv_append_field (GString *line, const char *field)
{
  if (line->len > 0)
    g_string_append_c (line, ',');
  if (field == NULL)
    return;
  g_autofree char *valid = g_utf8_make_valid (field, -1);
  if (strpbrk (valid, ",\"\r\n") == NULL)
    {
      g_string_append (line, valid);
      return;
    }
  g_string_append_c (line, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

void
cb_json_add_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

void
cb_json_add_string_value (JsonBuilder *b, const char *s)
{
  if (s == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  g_autofree char *valid = g_utf8_make_valid (s, -1);
  json_builder_add_string_value (b, valid);
}

void
cb_json_add_string (JsonBuilder *b, const char *name, const char *s)
{
  json_builder_set_member_name (b, name);
  cb_json_add_string_value (b, s);
}
