/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* Whether path names something that is there and is neither a regular
 * file nor a directory (following links): a terminal, a pipe, /dev/null. */
static gboolean
is_special (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && !S_ISREG (st.st_mode)
         && !S_ISDIR (st.st_mode);
}

char *
cb_output_target (const char *path)
{
  g_autofree char *current = g_strdup (path);
  /* As deep as the kernel follows (MAXSYMLINKS); deeper, open() fails. */
  for (guint depth = 0; depth < 40; depth++)
    {
      struct stat st;
      if (lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        break;
      g_autofree char *target = g_file_read_link (current, NULL);
      if (target == NULL)
        break;
      g_autofree char *dir = g_path_get_dirname (current);
      char *next = g_path_is_absolute (target)
                       ? g_strdup (target)
                       : g_build_filename (dir, target, NULL);
      g_free (current);
      current = next;
    }
  return g_steal_pointer (&current);
}

gboolean
cb_output_check_writable (const char *path, GError **error)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "%s is a directory", path);
      return FALSE;
    }
  /* Opening a FIFO to probe it would wait for its reader. */
  if (is_special (path))
    {
      if (access (path, W_OK) == 0)
        return TRUE;
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "cannot write %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  g_autofree char *target = cb_output_target (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *probe = g_build_filename (dir, ".concbench-XXXXXX", NULL);
  int fd = g_mkstemp (probe);
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

static gboolean
write_error (const char *path, const char *why, GError **error)
{
  g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "cannot write %s: %s", path,
               why);
  return FALSE;
}

/* Writes all of text to fd, which stays open. */
static gboolean
write_fd (int fd, const char *path, const char *text, gsize len,
          GError **error)
{
  for (gsize done = 0; done < len;)
    {
      gssize n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return write_error (path, g_strerror (errno), error);
      done += (gsize) n;
    }
  return TRUE;
}

/* STDOUT_FILENO or STDERR_FILENO when path is the very file one of them
 * writes to (-o /dev/stdout with stdout redirected to a file): that file is
 * written through the descriptor, at its position, and never replaced, or
 * the rest of concbench's output would go to an unlinked file.  -1 else. */
static int
standard_stream_of (const char *path)
{
  struct stat st, std;
  if (stat (path, &st) != 0)
    return -1;
  for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
    if (fstat (fd, &std) == 0 && std.st_dev == st.st_dev
        && std.st_ino == st.st_ino)
      {
        fflush (fd == STDOUT_FILENO ? stdout : stderr);
        return fd;
      }
  return -1;
}

/* Into what is there (a terminal, a pipe, a device), which a rename would
 * replace with a regular file. */
static gboolean
write_in_place (const char *path, const char *text, gsize len,
                GError **error)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return write_error (path, g_strerror (errno), error);
  gboolean ok = write_fd (fd, path, text, len, error);
  if (close (fd) != 0 && errno != EINTR && ok)
    return write_error (path, g_strerror (errno), error);
  return ok;
}

gboolean
cb_output_write_bytes (const char *path, const void *data, gsize len,
                       GError **error)
{
  int fd = standard_stream_of (path);
  if (fd >= 0)
    return write_fd (fd, path, data, len, error);
  if (is_special (path))
    return write_in_place (path, data, len, error);
  g_autofree char *target = cb_output_target (path);
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (target, data, (gssize) len, &local))
    return write_error (path, local->message, error);
  return TRUE;
}

gboolean
cb_output_write (const char *path, const char *text, GError **error)
{
  return cb_output_write_bytes (path, text, strlen (text), error);
}
