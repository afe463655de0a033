/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "trust.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "params.h"

/* The kernel's own limit (MAXSYMLINKS): a loop of links must end. */
#define MAX_SYMLINKS 40

/* The path is resolved here rather than with realpath(): every directory an
 * entry is looked up in decides what the path names, including those a
 * symbolic link passes through on its way, and realpath() shows only
 * where the links end. */
typedef struct {
  GString *here; /* the directory reached so far: physical, no links */
  GQueue todo;   /* components still to look up, in order */
  guint links;
  CbTrustWant want;
  gboolean absent;
} Walk;

static gboolean
refuse (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, CB_ERROR, CB_ERROR_FAILED, message);
  return FALSE;
}

static gboolean
cannot_check (const char *path, int errsv, GError **error)
{
  return refuse (error, "cannot check %s: %s", path, g_strerror (errsv));
}

/* Root can change anything anyway; the user running concbench can only
 * hand themselves their own rights. */
static gboolean
is_trusted_owner (uid_t uid)
{
  return uid == 0 || uid == geteuid ();
}

static char *
describe_user (uid_t uid)
{
  struct passwd *pw = getpwuid (uid);
  if (pw == NULL)
    return g_strdup_printf ("uid %u", (unsigned) uid);
  return g_strdup_printf ("%s (uid %u)", pw->pw_name, (unsigned) uid);
}

/* "root" or "root or alice (uid 1000)", with who runs concbench. */
static char *
describe_trusted_owners (void)
{
  if (geteuid () == 0)
    return g_strdup ("root, who runs concbench");
  g_autofree char *me = describe_user (geteuid ());
  return g_strdup_printf ("root or %s, who runs concbench", me);
}

static gboolean
is_owners_own_group (const struct stat *st)
{
  struct passwd *pw = getpwuid (st->st_uid);
  struct group *gr = getgrgid (st->st_gid);
  if (pw == NULL || gr == NULL || pw->pw_gid != st->st_gid)
    return FALSE;
  /* A user-private group has no members besides its user. */
  for (char **m = gr->gr_mem; m != NULL && *m != NULL; m++)
    if (strcmp (*m, pw->pw_name) != 0)
      return FALSE;
  return TRUE;
}

static gboolean
is_writable_by_others (const struct stat *st)
{
  return (st->st_mode & S_IWOTH)
         || ((st->st_mode & S_IWGRP) && !is_owners_own_group (st));
}

static gboolean
check_owner (const char *path, const struct stat *st, GError **error)
{
  if (is_trusted_owner (st->st_uid))
    return TRUE;
  g_autofree char *owner = describe_user (st->st_uid);
  g_autofree char *trusted = describe_trusted_owners ();
  return refuse (error,
                 "%s is owned by %s, not by %s; refusing to load from it",
                 path, owner, trusted);
}

/* A group-writable file is fine when the group is its owner's own (a
 * user-private group, as umask 002 gives), and refused otherwise: nobody
 * knows who else is in it. */
static gboolean
check_mode (const char *path, const struct stat *st, GError **error)
{
  if (st->st_mode & S_IWOTH)
    return refuse (error,
                   "%s is writable by all users; refusing to load from it",
                   path);
  if ((st->st_mode & S_IWGRP) && !is_owners_own_group (st))
    return refuse (error,
                   "%s is writable by group %u, not only its owner; "
                   "refusing to load from it",
                   path, (unsigned) st->st_gid);
  return TRUE;
}

static gboolean
check_lookup_dir (const char *dir, struct stat *st, GError **error)
{
  if (lstat (dir, st) != 0)
    return cannot_check (dir, errno, error);
  if (!check_owner (dir, st, error))
    return FALSE;
  /* Sticky: whether the entry's owner is trusted is checked with it. */
  return (st->st_mode & S_ISVTX) || check_mode (dir, st, error);
}

/* Others may add entries to a sticky directory they can write to, but only
 * an entry's owner (or root) may rename or remove it. */
static gboolean
check_sticky_entry (const char *dir, const struct stat *dir_st,
                    const char *entry, const struct stat *st, GError **error)
{
  if (!is_writable_by_others (dir_st) || is_trusted_owner (st->st_uid))
    return TRUE;
  g_autofree char *owner = describe_user (st->st_uid);
  g_autofree char *trusted = describe_trusted_owners ();
  return refuse (error,
                 "%s, in %s which others can write to, is owned by %s, not "
                 "by %s; refusing to load from it",
                 entry, dir, owner, trusted);
}

static void
push_components (Walk *w, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  for (gint i = (gint) g_strv_length (parts) - 1; i >= 0; i--)
    if (parts[i][0] != '\0' && strcmp (parts[i], ".") != 0)
      g_queue_push_head (&w->todo, g_strdup (parts[i]));
}

static void
clear_todo (Walk *w)
{
  while (!g_queue_is_empty (&w->todo))
    g_free (g_queue_pop_head (&w->todo));
}

static void
go_up (GString *here)
{
  const char *slash = strrchr (here->str, '/');
  g_string_truncate (here, slash == here->str ? 1 : (gsize) (slash - here->str));
}

static gboolean
follow_link (Walk *w, const char *link, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (++w->links > MAX_SYMLINKS)
    return cannot_check (link, ELOOP, error);
  g_autofree char *target = g_file_read_link (link, &local);
  if (target == NULL)
    return refuse (error, "cannot check %s: %s", link, local->message);
  /* A relative target goes on from the directory holding the link. */
  if (g_path_is_absolute (target))
    g_string_assign (w->here, "/");
  push_components (w, target);
  return TRUE;
}

/* Nothing is there: fine for an optional file if nobody else can create it
 * where it was looked up, sticky directory or not. */
static gboolean
accept_absent (Walk *w, const struct stat *dir_st, const char *entry,
               GError **error)
{
  if (w->want != CB_TRUST_FILE_OR_ABSENT)
    return cannot_check (entry, ENOENT, error);
  if (!check_mode (w->here->str, dir_st, error))
    return FALSE;
  w->absent = TRUE;
  clear_todo (w);
  return TRUE;
}

static gboolean
walk_step (Walk *w, const char *name, GError **error)
{
  struct stat dir_st, st;
  if (strcmp (name, "..") == 0)
    {
      /* here has no links: its parent is what ".." finds. */
      go_up (w->here);
      return TRUE;
    }
  if (!check_lookup_dir (w->here->str, &dir_st, error))
    return FALSE;
  g_autofree char *entry = g_build_filename (w->here->str, name, NULL);
  if (lstat (entry, &st) != 0)
    return errno == ENOENT ? accept_absent (w, &dir_st, entry, error)
                           : cannot_check (entry, errno, error);
  if (!check_sticky_entry (w->here->str, &dir_st, entry, &st, error))
    return FALSE;
  if (S_ISLNK (st.st_mode))
    return follow_link (w, entry, error);
  if (!S_ISDIR (st.st_mode) && !g_queue_is_empty (&w->todo))
    return cannot_check (entry, ENOTDIR, error);
  g_string_assign (w->here, entry);
  return TRUE;
}

static gboolean
check_reached (const Walk *w, GError **error)
{
  const char *path = w->here->str;
  struct stat st;
  if (w->absent)
    return TRUE;
  if (lstat (path, &st) != 0)
    return cannot_check (path, errno, error);
  if (!check_owner (path, &st, error) || !check_mode (path, &st, error))
    return FALSE;
  if (w->want == CB_TRUST_DIR ? S_ISDIR (st.st_mode) : S_ISREG (st.st_mode))
    return TRUE;
  return refuse (error, "%s is not a %s; refusing to load from it", path,
                 w->want == CB_TRUST_DIR ? "directory" : "regular file");
}

gboolean
cb_trust_check (const char *path, CbTrustWant want, GError **error)
{
  g_autofree char *cwd = g_path_is_absolute (path) ? NULL
                                                   : g_get_current_dir ();
  g_autofree char *absolute = g_build_filename (cwd ? cwd : "/", path, NULL);
  Walk w = { g_string_new ("/"), G_QUEUE_INIT, 0, want, FALSE };
  gboolean ok = TRUE;

  push_components (&w, absolute);
  while (ok && !g_queue_is_empty (&w.todo))
    {
      g_autofree char *name = g_queue_pop_head (&w.todo);
      ok = walk_step (&w, name, error);
    }
  ok = ok && check_reached (&w, error);
  clear_todo (&w);
  g_string_free (w.here, TRUE);
  return ok;
}
