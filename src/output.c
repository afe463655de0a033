/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "output.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "params.h"

typedef struct {
  const char *name;
  CbFormat format;
} FormatName;

static gboolean
lookup_format (const FormatName *names, gsize n, const char *name,
               CbFormat *out)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        if (out != NULL)
          *out = names[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
cb_format_parse (const char *name, CbFormat *out)
{
  static const FormatName names[] = {
    { "table", CB_FORMAT_TABLE },       { "json", CB_FORMAT_JSON },
    { "csv", CB_FORMAT_CSV },           { "markdown", CB_FORMAT_MARKDOWN },
    { "md", CB_FORMAT_MARKDOWN },
  };
  if (name == NULL)
    return FALSE;
  return lookup_format (names, G_N_ELEMENTS (names), name, out);
}

gboolean
cb_format_from_filename (const char *path, CbFormat *out)
{
  static const FormatName extensions[] = {
    { "json", CB_FORMAT_JSON },         { "csv", CB_FORMAT_CSV },
    { "md", CB_FORMAT_MARKDOWN },       { "markdown", CB_FORMAT_MARKDOWN },
    { "txt", CB_FORMAT_TABLE },
  };
  if (path == NULL)
    return FALSE;
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  /* ".json" alone is a hidden file with no extension. */
  if (dot == NULL || dot == base)
    return FALSE;
  return lookup_format (extensions, G_N_ELEMENTS (extensions), dot + 1, out);
}

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
