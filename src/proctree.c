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

#include "cgroup.h"

/* The PSS is read in full at least every this many samples, so a peak the
 * cheap counters cannot see (pages becoming private) is still found. */
#define FULL_READ_EVERY 25
/* A peak the cheap counters say may be this much higher (0.4 %, and at
 * least 64 KiB) is read in full; smaller growth waits for the periodic
 * read, so a tree growing a page at a time is not read in full each time. */
#define PEAK_SLACK_DIVISOR 256
#define PEAK_SLACK_MIN (64 * 1024)

typedef struct {
  pid_t pid;
  int stat_fd;   /* kept open: pread() at 0 reads the file anew */
  int rollup_fd; /* smaps_rollup, opened at the first full read */
} Member;

struct CbProcTree {
  pid_t pgid;
  char *procs_file; /* NULL: the tree is the process group */
  int procs_fd;     /* procs_file, kept open: pread() at 0 lists anew */
  /* pid -> 1 (member) or 2 (not a member): each process's group is read
   * once, so a scan of /proc costs a listing plus the new pids' stat. */
  GHashTable *known;
  GArray *members; /* Member */
  GArray *listing; /* pid_t: the last listing, reused */
  int loadavg_fd;
  guint64 last_pid; /* the newest pid when the tree was last listed */
  gboolean changed; /* members came or went since the last full read */
  guint since_full;
  guint n_full;
  guint64 pss_at_full, rss_at_full, faults_at_full, peak_pss;
  long page_size;
};

#define MEMBER GINT_TO_POINTER (1)
#define STRANGER GINT_TO_POINTER (2)

/* A fixed buffer and raw read(): this runs at 100 Hz beside the benchmark,
 * so it must stay cheap and must not allocate per line. */
static gssize
read_small_fd (int fd, char *buf, gsize size)
{
  gsize total = 0;
  while (total + 1 < size)
    {
      gssize n = pread (fd, buf + total, size - 1 - total, total);
      if (n <= 0)
        break;
      total += n;
    }
  buf[total] = '\0';
  return total;
}

static gssize
read_small_file (const char *path, char *buf, gsize size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  gssize n = read_small_fd (fd, buf, size);
  close (fd);
  return n;
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

/* State and group from /proc/PID/stat; the command name before them may
 * hold spaces and parentheses, so parse from the last ')'. */
static gboolean
read_stat (pid_t pid, char *state, pid_t *ppid, pid_t *pgid)
{
  char path[64], buf[1024];
  int p_ppid, p_pgrp;
  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (read_small_file (path, buf, sizeof buf) <= 0)
    return FALSE;
  const char *p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 1, " %c %d %d", state, &p_ppid, &p_pgrp) != 3)
    return FALSE;
  *ppid = p_ppid;
  *pgid = p_pgrp;
  return TRUE;
}

gboolean
cb_proc_is_alive (pid_t pid)
{
  char state;
  pid_t ppid, pgid;
  return read_stat (pid, &state, &ppid, &pgid) && state != 'Z'
         && state != 'X';
}

static void
add_pid_unique (GArray *pids, pid_t pid)
{
  for (guint i = 0; i < pids->len; i++)
    if (g_array_index (pids, pid_t, i) == pid)
      return;
  g_array_append_val (pids, pid);
}

/* Children of every thread of ours (CONFIG_PROC_CHILDREN), else from a
 * scan of /proc for our pid as the parent. */
static gboolean
children_from_tasks (GArray *pids)
{
  g_autoptr (GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  if (tasks == NULL)
    return FALSE;
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path
          = g_strdup_printf ("/proc/self/task/%s/children", tid);
      g_autoptr (GArray) some = cb_cgroup_read_pids (path);
      if (some == NULL)
        return FALSE;
      for (guint i = 0; i < some->len; i++)
        add_pid_unique (pids, g_array_index (some, pid_t, i));
    }
  return TRUE;
}

static void
children_from_scan (GArray *pids)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  pid_t self = getpid ();
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      char state;
      pid_t pid = (pid_t) atoi (name), ppid, pgid;
      if (pid > 0 && read_stat (pid, &state, &ppid, &pgid) && ppid == self)
        g_array_append_val (pids, pid);
    }
}

GArray *
cb_proc_children (void)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  if (!children_from_tasks (pids))
    {
      g_array_set_size (pids, 0);
      children_from_scan (pids);
    }
  for (guint i = pids->len; i-- > 0;)
    if (!cb_proc_is_alive (g_array_index (pids, pid_t, i)))
      g_array_remove_index_fast (pids, i);
  return pids;
}

CbProcTree *
cb_proc_tree_new (pid_t pgid, const char *procs_file)
{
  CbProcTree *tree = g_new0 (CbProcTree, 1);
  tree->pgid = pgid;
  tree->procs_file = g_strdup (procs_file);
  tree->procs_fd = procs_file ? open (procs_file, O_RDONLY | O_CLOEXEC) : -1;
  tree->known = g_hash_table_new (NULL, NULL);
  tree->members = g_array_new (FALSE, FALSE, sizeof (Member));
  tree->listing = g_array_new (FALSE, FALSE, sizeof (pid_t));
  tree->loadavg_fd = open ("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  tree->page_size = sysconf (_SC_PAGESIZE);
  return tree;
}

static void
member_close (Member *m)
{
  if (m->stat_fd >= 0)
    close (m->stat_fd);
  if (m->rollup_fd >= 0)
    close (m->rollup_fd);
}

static void
drop_member (CbProcTree *tree, guint i)
{
  member_close (&g_array_index (tree->members, Member, i));
  g_array_remove_index_fast (tree->members, i);
  tree->changed = TRUE;
}

void
cb_proc_tree_free (CbProcTree *tree)
{
  if (tree == NULL)
    return;
  while (tree->members->len > 0)
    drop_member (tree, 0);
  g_array_unref (tree->members);
  g_array_unref (tree->listing);
  g_hash_table_unref (tree->known);
  if (tree->loadavg_fd >= 0)
    close (tree->loadavg_fd);
  if (tree->procs_fd >= 0)
    close (tree->procs_fd);
  g_free (tree->procs_file);
  g_free (tree);
}

guint
cb_proc_tree_full_reads (const CbProcTree *tree)
{
  return tree->n_full;
}

/* The last field of /proc/loadavg is the newest pid of our namespace: while
 * it stands still, no process was made anywhere, and the tree can only
 * have lost members, which their failing reads show. */
static guint64
newest_pid (CbProcTree *tree)
{
  char buf[128];
  if (tree->loadavg_fd < 0 || read_small_fd (tree->loadavg_fd, buf, sizeof buf) <= 0)
    return 0;
  const char *p = strrchr (buf, ' ');
  return p ? g_ascii_strtoull (p + 1, NULL, 10) : 0;
}

static gboolean
has_member (const CbProcTree *tree, pid_t pid)
{
  for (guint i = 0; i < tree->members->len; i++)
    if (g_array_index (tree->members, Member, i).pid == pid)
      return TRUE;
  return FALSE;
}

static void
add_member (CbProcTree *tree, pid_t pid)
{
  char path[64];
  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  Member m = { pid, open (path, O_RDONLY | O_CLOEXEC), -1 };
  if (m.stat_fd < 0)
    return; /* gone already */
  g_array_append_val (tree->members, m);
  tree->changed = TRUE;
}

static gboolean
forget_unseen (gpointer key, gpointer value, gpointer seen)
{
  return !g_hash_table_contains (seen, key);
}

/* The process group's members, from a scan of /proc. */
static void
list_group (CbProcTree *tree, GArray *pids)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  DIR *proc = opendir ("/proc");
  struct dirent *entry;
  if (proc == NULL)
    return;
  while ((entry = readdir (proc)) != NULL)
    {
      if (!g_ascii_isdigit (entry->d_name[0]))
        continue;
      pid_t pid = (pid_t) atoi (entry->d_name), ppid, pgid;
      gpointer key = GINT_TO_POINTER (pid);
      gpointer kind = g_hash_table_lookup (tree->known, key);
      char state;
      g_hash_table_add (seen, key);
      if (kind == NULL)
        {
          if (!read_stat (pid, &state, &ppid, &pgid))
            continue;
          kind = pgid == tree->pgid ? MEMBER : STRANGER;
          g_hash_table_insert (tree->known, key, kind);
        }
      if (kind == MEMBER)
        g_array_append_val (pids, pid);
    }
  closedir (proc);
  /* A pid that vanished may come back as someone else's. */
  g_hash_table_foreach_remove (tree->known, forget_unseen, seen);
}

/* The cgroup's pids without allocating, the usual case of a tree that fits
 * the buffer; NULL otherwise. */
static GArray *
list_cgroup (CbProcTree *tree, GArray *small)
{
  char buf[4096];
  gssize n = tree->procs_fd >= 0
                 ? read_small_fd (tree->procs_fd, buf, sizeof buf) : -1;
  if (n < 0 || (gsize) n + 1 >= sizeof buf)
    return tree->procs_file ? cb_cgroup_read_pids (tree->procs_file) : NULL;
  for (char *p = buf; *p != '\0';)
    {
      char *end;
      pid_t pid = (pid_t) strtol (p, &end, 10);
      if (end == p)
        break;
      g_array_append_val (small, pid);
      p = end + (*end == '\n');
    }
  return g_array_ref (small);
}

static void
relist (CbProcTree *tree)
{
  g_autoptr (GArray) pids = NULL;
  if (tree->procs_file != NULL)
    {
      g_array_set_size (tree->listing, 0);
      pids = list_cgroup (tree, tree->listing);
    }
  if (pids == NULL)
    {
      pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
      list_group (tree, pids);
    }
  for (guint i = 0; i < pids->len; i++)
    if (!has_member (tree, g_array_index (pids, pid_t, i)))
      add_member (tree, g_array_index (pids, pid_t, i));
}

/* Page faults (minor and major) and resident pages of one process, from
 * /proc/PID/stat after the command name. */
static gboolean
read_counters (int fd, guint64 *faults, guint64 *pages)
{
  char buf[1024];
  unsigned long minflt, majflt;
  long rss;
  if (read_small_fd (fd, buf, sizeof buf) <= 0)
    return FALSE;
  const char *p = strrchr (buf, ')');
  if (p == NULL
      || sscanf (p + 1, " %*c %*d %*d %*d %*d %*d %*u %lu %*u %lu %*u %*u %*u "
                 "%*d %*d %*d %*d %*d %*d %*u %*u %ld", &minflt, &majflt,
                 &rss) != 3)
    return FALSE;
  *faults += minflt + majflt;
  *pages += rss > 0 ? (guint64) rss : 0;
  return TRUE;
}

/* Summed RSS and page faults, dropping members that have exited. */
static void
cheap_counters (CbProcTree *tree, guint64 *rss, guint64 *faults)
{
  guint64 pages = 0;
  *faults = 0;
  for (guint i = tree->members->len; i-- > 0;)
    if (!read_counters (g_array_index (tree->members, Member, i).stat_fd,
                        faults, &pages))
      drop_member (tree, i);
  *rss = pages * tree->page_size;
}

static void
full_read (CbProcTree *tree, CbTreeMemory *out)
{
  for (guint i = 0; i < tree->members->len; i++)
    {
      Member *m = &g_array_index (tree->members, Member, i);
      char path[64], buf[2048];
      if (m->rollup_fd < 0)
        {
          g_snprintf (path, sizeof path, "/proc/%d/smaps_rollup", (int) m->pid);
          m->rollup_fd = open (path, O_RDONLY | O_CLOEXEC);
        }
      /* Exited between listing and reading: it holds nothing now. */
      if (m->rollup_fd < 0 || read_small_fd (m->rollup_fd, buf, sizeof buf) <= 0)
        continue;
      out->rss += field_kib (buf, "\nRss:");
      out->pss += field_kib (buf, "\nPss:");
    }
  tree->pss_at_full = out->pss;
  tree->rss_at_full = out->rss;
  tree->peak_pss = MAX (tree->peak_pss, out->pss);
  tree->since_full = 0;
  tree->changed = FALSE;
  tree->n_full++;
}

gboolean
cb_proc_tree_sample (CbProcTree *tree, CbTreeMemory *out)
{
  guint64 newest = newest_pid (tree);
  memset (out, 0, sizeof *out);
  if (newest == 0 || newest != tree->last_pid)
    {
      relist (tree);
      tree->last_pid = newest;
    }
  guint64 rss, faults;
  cheap_counters (tree, &rss, &faults);
  out->n_processes = tree->members->len;
  if (out->n_processes == 0)
    return FALSE;
  /* The tree's PSS grows by a new page (the RSS grows) or by a page a
   * forked child copies on write (the RSS stays, but a fault was taken):
   * the last full reading plus the more of those bounds it, and a full read
   * is due when that could pass the peak by more than the slack. */
  guint64 grown = MAX (rss > tree->rss_at_full ? rss - tree->rss_at_full : 0,
                       (faults - tree->faults_at_full) * tree->page_size);
  guint64 slack = MAX (PEAK_SLACK_MIN, tree->peak_pss / PEAK_SLACK_DIVISOR);
  if (tree->changed || ++tree->since_full >= FULL_READ_EVERY
      || tree->pss_at_full + grown > tree->peak_pss + slack
      || tree->n_full == 0)
    {
      full_read (tree, out);
      tree->faults_at_full = faults;
      return TRUE;
    }
  out->pss = tree->pss_at_full;
  out->rss = rss;
  return TRUE;
}
