/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proctree.h"
#include "runner.h"

struct CbCgroup {
  char *v2;      /* our cgroup v2 directory, or NULL */
  char *freezer; /* v1 freezer directory, when v2 cannot kill */
  char *memory;  /* v1 memory directory, for a limit v2 cannot set */
  gboolean limits_memory;
  gboolean can_kill; /* v2 with cgroup.kill (Linux 5.14) */
  char *procs;  /* the cgroup.procs that lists the whole tree */
};

static guint cgroup_serial;

static gboolean
cgroup_fail (GError **error, const char *what, const char *path, int err)
{
  g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED, "cannot %s %s: %s",
               what, path, g_strerror (err));
  return FALSE;
}

static gboolean
write_file (const char *dir, const char *name, const char *text,
            GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return cgroup_fail (error, "open", path, errno);
  gssize n = write (fd, text, strlen (text));
  int err = errno;
  close (fd);
  if (n != (gssize) strlen (text))
    return cgroup_fail (error, "write to", path, n < 0 ? err : EIO);
  return TRUE;
}

static gboolean
has_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return access (path, F_OK) == 0;
}

/* Our path in a hierarchy, from /proc/self/cgroup: "0::PATH" for v2,
 * "N:CONTROLLERS:PATH" for v1. */
static char *
own_cgroup_path (const char *controller)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/cgroup", &text, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ":", 3);
      if (g_strv_length (f) != 3)
        continue;
      g_auto (GStrv) names = g_strsplit (f[1], ",", -1);
      if (controller == NULL ? strcmp (f[0], "0") == 0 && f[1][0] == '\0'
                             : g_strv_contains ((const char *const *) names,
                                                controller))
        return g_strdup (f[2]);
    }
  return NULL;
}

/* The directory of our own cgroup in a mounted hierarchy, from
 * /proc/self/mountinfo: "ID PARENT DEV ROOT MOUNTPOINT ... - TYPE SRC OPTS". */
static char *
own_cgroup_dir (const char *controller, const char *path)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/mountinfo", &text, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *dash = strstr (lines[i], " - ");
      if (dash == NULL)
        continue;
      g_auto (GStrv) head = g_strsplit (lines[i], " ", 6);
      g_auto (GStrv) tail = g_strsplit (dash + 3, " ", 3);
      if (g_strv_length (head) < 6 || g_strv_length (tail) < 3)
        continue;
      g_auto (GStrv) opts = g_strsplit (tail[2], ",", -1);
      gboolean match = controller == NULL
                           ? strcmp (tail[0], "cgroup2") == 0
                           : strcmp (tail[0], "cgroup") == 0
                                 && g_strv_contains ((const char *const *) opts,
                                                     controller);
      /* A container may mount only its own part of the hierarchy. */
      gsize root_len = strcmp (head[3], "/") == 0 ? 0 : strlen (head[3]);
      if (match && strncmp (path, head[3], root_len) == 0)
        return g_strconcat (head[4], path + root_len, NULL);
    }
  return NULL;
}

/* A concbench killed by SIGKILL could not remove its cgroups: remove those
 * of a concbench that no longer runs (rmdir fails on one still in use). */
static void
remove_stale (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      int pid, serial;
      if (sscanf (name, "concbench-%d-%d", &pid, &serial) != 2 || pid <= 0
          || pid == getpid () || kill (pid, 0) == 0 || errno != ESRCH)
        continue;
      g_autofree char *stale = g_build_filename (dir, name, NULL);
      rmdir (stale);
    }
}

/* Makes a fresh cgroup below ours in one hierarchy (NULL: v2). */
static char *
make_child (const char *controller, GError **error)
{
  g_autofree char *path = own_cgroup_path (controller);
  g_autofree char *dir = path ? own_cgroup_dir (controller, path) : NULL;
  if (dir == NULL)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "no %s%s cgroup hierarchy is mounted",
                   controller ? "v1 " : "v2", controller ? controller : "");
      return NULL;
    }
  if (cgroup_serial == 0)
    remove_stale (dir);
  g_autofree char *name = g_strdup_printf ("concbench-%d-%u", (int) getpid (),
                                           ++cgroup_serial);
  char *child = g_build_filename (dir, name, NULL);
  if (mkdir (child, 0755) != 0)
    {
      cgroup_fail (error, "create", child, errno);
      g_free (child);
      return NULL;
    }
  return child;
}

static gboolean
set_memory_limit (CbCgroup *cg, guint64 limit, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, limit);
  if (cg->v2 != NULL && has_file (cg->v2, "memory.max"))
    {
      if (!write_file (cg->v2, "memory.max", text, error))
        return FALSE;
      /* Swap would let the tree pass the limit unseen, only slower. */
      if (has_file (cg->v2, "memory.swap.max"))
        write_file (cg->v2, "memory.swap.max", "0", NULL);
      cg->limits_memory = TRUE;
      return TRUE;
    }
  cg->memory = make_child ("memory", error);
  if (cg->memory == NULL)
    return FALSE;
  if (!write_file (cg->memory, "memory.limit_in_bytes", text, error))
    return FALSE;
  if (has_file (cg->memory, "memory.memsw.limit_in_bytes"))
    write_file (cg->memory, "memory.memsw.limit_in_bytes", text, NULL);
  cg->limits_memory = TRUE;
  return TRUE;
}

CbCgroup *
cb_cgroup_new (guint64 memory_limit, GError **error)
{
  g_autoptr (CbCgroup) cg = g_new0 (CbCgroup, 1);
  g_autoptr (GError) v2_error = NULL;

  cg->v2 = make_child (NULL, &v2_error);
  cg->can_kill = cg->v2 != NULL && has_file (cg->v2, "cgroup.kill");
  if (!cg->can_kill)
    {
      cg->freezer = make_child ("freezer", error);
      if (cg->freezer == NULL)
        return NULL;
    }
  cg->procs = g_build_filename (cg->can_kill ? cg->v2 : cg->freezer,
                                "cgroup.procs", NULL);
  /* No memory controller only costs the limit its enforcer: the caller
   * falls back to RLIMIT_AS. */
  if (memory_limit > 0)
    set_memory_limit (cg, memory_limit, NULL);
  return g_steal_pointer (&cg);
}

static void
remove_dir (char **dir)
{
  if (*dir == NULL)
    return;
  /* The last process may still be on its way out of the cgroup. */
  for (guint i = 0; i < 100 && rmdir (*dir) != 0 && errno == EBUSY; i++)
    g_usleep (1000);
  g_clear_pointer (dir, g_free);
}

void
cb_cgroup_free (CbCgroup *cg)
{
  if (cg == NULL)
    return;
  remove_dir (&cg->v2);
  remove_dir (&cg->freezer);
  remove_dir (&cg->memory);
  g_free (cg->procs);
  g_free (cg);
}

gboolean
cb_cgroup_add (CbCgroup *cg, pid_t pid, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%d", (int) pid);
  const char *dirs[] = { cg->v2, cg->freezer, cg->memory };
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (dirs[i] != NULL && !write_file (dirs[i], "cgroup.procs", text, error))
      return FALSE;
  return TRUE;
}

gboolean
cb_cgroup_limits_memory (const CbCgroup *cg)
{
  return cg->limits_memory;
}

static guint64
read_counter (const char *dir, const char *name, const char *key)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gsize len = strlen (key);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], key, len) == 0 && lines[i][len] == ' ')
      return g_ascii_strtoull (lines[i] + len + 1, NULL, 10);
  return 0;
}

guint64
cb_cgroup_oom_kills (const CbCgroup *cg)
{
  if (!cg->limits_memory)
    return 0;
  if (cg->memory != NULL)
    return read_counter (cg->memory, "memory.oom_control", "oom_kill");
  return read_counter (cg->v2, "memory.events", "oom_kill");
}

const char *
cb_cgroup_procs_file (const CbCgroup *cg)
{
  return cg->procs;
}

int
cb_cgroup_open_kill (const CbCgroup *cg)
{
  if (!cg->can_kill)
    return -1;
  g_autofree char *path = g_build_filename (cg->v2, "cgroup.kill", NULL);
  return open (path, O_WRONLY | O_CLOEXEC);
}

GArray *
cb_cgroup_read_pids (const char *procs_file)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (procs_file, &text, NULL, NULL))
    return NULL;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  for (char *p = text; *p != '\0';)
    {
      char *end;
      guint64 v = g_ascii_strtoull (p, &end, 10);
      if (end == p)
        break;
      pid_t pid = (pid_t) v;
      g_array_append_val (pids, pid);
      p = end + (*end == '\n');
    }
  return pids;
}

/* Notes the live ones among pids in killed; TRUE when there was one. */
static gboolean
note_alive (const GArray *pids, GHashTable *killed)
{
  gboolean any = FALSE;
  for (guint i = 0; i < pids->len; i++)
    {
      pid_t pid = g_array_index (pids, pid_t, i);
      if (cb_proc_is_alive (pid))
        {
          g_hash_table_add (killed, GINT_TO_POINTER (pid));
          any = TRUE;
        }
    }
  return any;
}

/* v1 has no cgroup.kill: freeze the cgroup, so that nothing in it can fork
 * while we kill it, kill each process, then thaw it so the kills land. */
static void
kill_frozen (CbCgroup *cg, GHashTable *killed)
{
  gboolean frozen = write_file (cg->freezer, "freezer.state", "FROZEN", NULL);
  g_autofree char *state_path
      = g_build_filename (cg->freezer, "freezer.state", NULL);
  for (guint i = 0; frozen && i < 1000; i++)
    {
      g_autofree char *state = NULL;
      if (!g_file_get_contents (state_path, &state, NULL, NULL)
          || g_str_has_prefix (state, "FROZEN"))
        break;
      g_usleep (1000);
    }
  g_autoptr (GArray) pids = cb_cgroup_read_pids (cg->procs);
  for (guint i = 0; pids != NULL && i < pids->len; i++)
    kill (g_array_index (pids, pid_t, i), SIGKILL);
  if (pids != NULL)
    note_alive (pids, killed);
  write_file (cg->freezer, "freezer.state", "THAWED", NULL);
}

void
cb_cgroup_kill_all (CbCgroup *cg, GHashTable *killed)
{
  g_autoptr (GArray) pids = cb_cgroup_read_pids (cg->procs);
  if (pids == NULL || pids->len == 0)
    return;
  if (!cg->can_kill)
    {
      kill_frozen (cg, killed);
      return;
    }
  note_alive (pids, killed);
  write_file (cg->v2, "cgroup.kill", "1", NULL);
}
