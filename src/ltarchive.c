/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "ltarchive.h"

#include <string.h>

#include "params.h"

/* libtool writes a few hundred bytes; more is not an archive. */
#define MAX_ARCHIVE_SIZE (1024 * 1024)
/* Where an uninstalled module sits beside its .la; config.h has libtool's
 * value, the one libltdl was built with on this system. */
#ifndef LT_OBJDIR
#define LT_OBJDIR ".libs/"
#endif

typedef struct {
  char *dlname;
  char *libdir;
  gboolean installed;
} Archive;

/* libltdl's trim(): the text between a leading quote and the last quote;
 * "''" means none.  len counts the line's newline, as libltdl's does. */
static void
unquote (const char *value, gboolean has_newline, char **out)
{
  const char *end = strrchr (value, '\'');
  gsize len = strlen (value) + (has_newline ? 1 : 0);
  g_clear_pointer (out, g_free);
  if (end != NULL && end != value && len > 3 && value[0] == '\'')
    *out = g_strndup (value + 1, end - value - 1);
}

static void
parse_library_names (Archive *a, const char *value, gboolean has_newline)
{
  unquote (value, has_newline, &a->dlname);
  const char *last = a->dlname ? strrchr (a->dlname, ' ') : NULL;
  if (last != NULL)
    {
      char *name = g_strdup (last + 1);
      g_free (a->dlname);
      a->dlname = name;
    }
}

/* The tests and their order are libltdl's parse_dotla_file(). */
static void
parse_line (Archive *a, const char *line, gboolean has_newline)
{
  if (line[0] == '#')
    return;
  if (g_str_has_prefix (line, "dlname="))
    unquote (line + strlen ("dlname="), has_newline, &a->dlname);
  else if (g_str_has_prefix (line, "old_library="))
    return; /* only ever opened as a preloaded module, never a file */
  else if (g_str_has_prefix (line, "libdir="))
    unquote (line + strlen ("libdir="), has_newline, &a->libdir);
  else if (g_str_has_prefix (line, "dependency_libs="))
    return; /* libltdl as built does not open them (LTDL_DLOPEN_DEPLIBS) */
  else if (has_newline && strcmp (line, "installed=yes") == 0)
    a->installed = TRUE;
  else if (has_newline && strcmp (line, "installed=no") == 0)
    a->installed = FALSE;
  else if (a->dlname == NULL && g_str_has_prefix (line, "library_names="))
    parse_library_names (a, line + strlen ("library_names="), has_newline);
}

static gboolean
read_archive (const char *la_path, Archive *a, GError **error)
{
  g_autofree char *data = NULL;
  gsize size;
  if (!g_file_get_contents (la_path, &data, &size, error))
    return FALSE;
  if (size > MAX_ARCHIVE_SIZE || memchr (data, '\0', size) != NULL)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
                   "%s is not a libtool archive (%s)", la_path,
                   size > MAX_ARCHIVE_SIZE ? "larger than 1 MiB"
                                           : "it holds a NUL byte");
      return FALSE;
    }
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    parse_line (a, lines[i], lines[i + 1] != NULL);
  return TRUE;
}

/* As libltdl joins them: one trailing slash of dir dropped. */
static char *
join (const char *dir, const char *name)
{
  gsize len = strlen (dir);
  if (len > 0 && dir[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s/%s", (int) len, dir, name);
}

GStrv
cb_ltarchive_modules (const char *la_path, GError **error)
{
  Archive a = { NULL, NULL, TRUE };
  GPtrArray *files = g_ptr_array_new ();
  g_autofree char *dir = g_path_get_dirname (la_path);

  if (!read_archive (la_path, &a, error))
    {
      g_ptr_array_free (files, TRUE);
      return NULL;
    }
  if (a.dlname != NULL)
    {
      if (a.installed && a.libdir != NULL)
        g_ptr_array_add (files, join (a.libdir, a.dlname));
      if (!a.installed)
        {
          g_autofree char *objdir = g_build_filename (dir, LT_OBJDIR, NULL);
          g_ptr_array_add (files, join (objdir, a.dlname));
        }
      g_ptr_array_add (files, join (dir, a.dlname));
    }
  g_free (a.dlname);
  g_free (a.libdir);
  g_ptr_array_add (files, NULL);
  return (GStrv) g_ptr_array_free (files, FALSE);
}
