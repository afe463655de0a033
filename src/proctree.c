/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "proctree.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct CbProcTree {
  pid_t pgid;
  /* pid -> 1 (member) or 2 (not a member): each process's group is read
   * once, so a sample costs a directory listing plus the members' files. */
  GHashTable *known;
  GHashTable *seen;
};

#define MEMBER GINT_TO_POINTER (1)
#define STRANGER GINT_TO_POINTER (2)

/* A fixed buffer and raw read(): this runs at 100 Hz beside the benchmark,
 * so it must stay cheap and must not allocate per line. */
static gssize
read_small_file (const char *path, char *buf, gsize size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gsize total = 0;
  if (fd < 0)
    return -1;
  while (total + 1 < size)
    {
      gssize n = read (fd, buf + total, size - 1 - total);
      if (n <= 0)
        break;
      total += n;
    }
  close (fd);
  buf[total] = '\0';
  return total;
}

static guint64
field_kib (const char *text, const char *field)
{
  const char *p = strstr (text, field);
  if (p == NULL)
    return 0;
  return g_ascii_strtoull (p + strlen (field), NULL, 10) * 1024;
}

gboolean
cb_proc_tree_available (void)
{
  return access ("/proc/self/smaps_rollup", R_OK) == 0;
}

guint64
cb_proc_self_hwm (void)
{
  char buf[4096];
  if (read_small_file ("/proc/self/status", buf, sizeof buf) <= 0)
    return 0;
  return field_kib (buf, "\nVmHWM:");
}

CbProcTree *
cb_proc_tree_new (pid_t pgid)
{
  CbProcTree *tree = g_new0 (CbProcTree, 1);
  tree->pgid = pgid;
  tree->known = g_hash_table_new (NULL, NULL);
  tree->seen = g_hash_table_new (NULL, NULL);
  return tree;
}

void
cb_proc_tree_free (CbProcTree *tree)
{
  if (tree == NULL)
    return;
  g_hash_table_unref (tree->known);
  g_hash_table_unref (tree->seen);
  g_free (tree);
}

/* Field 5 of /proc/PID/stat; the command name before it may hold spaces and
 * parentheses, so parse from the last ')'. */
static pid_t
read_pgid (pid_t pid)
{
  char path[64], buf[1024];
  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_small_file (path, buf, sizeof buf) <= 0)
    return -1;
  const char *p = strrchr (buf, ')');
  int ppid, pgrp;
  char state;
  if (p == NULL || sscanf (p + 1, " %c %d %d", &state, &ppid, &pgrp) != 3)
    return -1;
  return pgrp;
}

static void
add_process (pid_t pid, CbTreeMemory *out)
{
  char path[64], buf[2048];
  g_snprintf (path, sizeof path, "/proc/%d/smaps_rollup", (int) pid);
  if (read_small_file (path, buf, sizeof buf) <= 0)
    return; /* exited between listing and reading: it holds nothing now */
  out->rss += field_kib (buf, "\nRss:");
  out->pss += field_kib (buf, "\nPss:");
  out->n_processes++;
}

static gboolean
forget_unseen (gpointer key, gpointer value, gpointer seen)
{
  return !g_hash_table_contains (seen, key);
}

gboolean
cb_proc_tree_sample (CbProcTree *tree, CbTreeMemory *out)
{
  DIR *proc = opendir ("/proc");
  struct dirent *entry;

  memset (out, 0, sizeof *out);
  if (proc == NULL)
    return FALSE;
  g_hash_table_remove_all (tree->seen);
  while ((entry = readdir (proc)) != NULL)
    {
      if (!g_ascii_isdigit (entry->d_name[0]))
        continue;
      pid_t pid = (pid_t) atoi (entry->d_name);
      gpointer key = GINT_TO_POINTER (pid);
      gpointer kind = g_hash_table_lookup (tree->known, key);
      g_hash_table_add (tree->seen, key);
      if (kind == NULL)
        {
          pid_t pgid = read_pgid (pid);
          if (pgid < 0)
            continue;
          kind = pgid == tree->pgid ? MEMBER : STRANGER;
          g_hash_table_insert (tree->known, key, kind);
        }
      if (kind == MEMBER)
        add_process (pid, out);
    }
  closedir (proc);
  /* A pid that vanished may come back as someone else's. */
  g_hash_table_foreach_remove (tree->known, forget_unseen, tree->seen);
  return out->n_processes > 0;
}
