/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The supervisor's wait for one worker: its exit, its timeout and an
 * interrupt each acted on when they happen, memory sampled meanwhile, and
 * nothing of its tree left alive afterwards. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "supervise.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "childwait.h"
#include "runner.h"
#include "shared-area.h"

#define GRACE_SECONDS 2.0
/* Leftovers just sent SIGKILL normally die at once; one in an
 * uninterruptible sleep is given up on after this. */
#define REAP_SECONDS 2.0
/* The longest the supervisor sleeps without looking at the clock: a
 * wake-up is due on every event, this only bounds a missed one. */
#define MAX_SLEEP_MS 1000

void
cb_supervise_kill_tree (CbCgroup *cgroup, pid_t pgid)
{
  kill (-pgid, SIGKILL);
  if (cgroup != NULL)
    {
      g_autoptr (GHashTable) killed = g_hash_table_new (NULL, NULL);
      cb_cgroup_kill_all (cgroup, killed);
    }
}

/* Reaps every child that has exited; FALSE once no child is left. */
static gboolean
reap_exited (void)
{
  for (;;)
    {
      pid_t r = waitpid (-1, NULL, WNOHANG);
      if (r == 0)
        return TRUE;
      if (r < 0 && errno != EINTR)
        return FALSE;
    }
}

/* As the subreaper we are the parent of every orphan of the worker's, in
 * whatever session or group: any live child of ours once the worker has
 * gone is one it left. */
static void
kill_children (GHashTable *killed)
{
  g_autoptr (GArray) children = cb_proc_children ();
  for (guint i = 0; i < children->len; i++)
    {
      pid_t pid = g_array_index (children, pid_t, i);
      g_hash_table_add (killed, GINT_TO_POINTER (pid));
      kill (pid, SIGKILL);
    }
}

/* Nothing of the benchmark may outlive it: kills what the worker left
 * behind (in its cgroup, its group, or re-parented to us) and reaps it.
 * Returns how many processes were still alive. */
static guint
reap_leftovers (CbCgroup *cgroup, pid_t pgid)
{
  g_autoptr (GHashTable) killed = g_hash_table_new (NULL, NULL);
  gint64 give_up = shared_now_ns () + (gint64) (REAP_SECONDS * 1e9);

  while (reap_exited () && shared_now_ns () < give_up)
    {
      if (cgroup != NULL)
        cb_cgroup_kill_all (cgroup, killed);
      kill_children (killed);
      /* Members not re-parented yet: their parent is a leftover too. */
      kill (-pgid, SIGKILL);
      g_usleep (1000);
    }
  return g_hash_table_size (killed);
}

/* SIGTERM to what the worker left in its group and to what was re-parented
 * to us: the processes it started itself, which stop their own children
 * (a launcher its ranks). */
static void
term_leftovers (pid_t pgid)
{
  g_autoptr (GArray) children = cb_proc_children ();

  for (guint i = 0; i < children->len; i++)
    kill (g_array_index (children, pid_t, i), SIGTERM);
  kill (-pgid, SIGTERM);
}

typedef struct {
  const CbWatchSettings *settings;
  pid_t pid;
  CbWaitResult *res;
  CbProcTree *tree; /* NULL: no sampling */
  gint64 interval, deadline, next_sample, term_sent; /* ns; 0: none */
} Watch;

static double
thread_cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
take_sample (Watch *w, gint64 now)
{
  CbWaitResult *res = w->res;
  CbTreeMemory mem;
  double cpu0 = thread_cpu_seconds ();
  if (cb_proc_tree_sample (w->tree, &mem))
    {
      res->peak.pss = MAX (res->peak.pss, mem.pss);
      res->peak.rss = MAX (res->peak.rss, mem.rss);
      res->peak.n_processes = MAX (res->peak.n_processes, mem.n_processes);
      res->n_samples++;
    }
  res->sampler_cpu += thread_cpu_seconds () - cpu0;
  /* On schedule, not drifting by the sample's own time; a late wake-up
   * does not make up the samples it missed. */
  w->next_sample += w->interval;
  if (w->next_sample <= now)
    w->next_sample = now + w->interval;
}

/* Interrupt, timeout (SIGTERM), then the grace before SIGKILL. */
static void
enforce (Watch *w, gint64 now)
{
  CbWaitResult *res = w->res;
  int interrupted_by = cb_runner_interrupted ();
  if (interrupted_by && !res->interrupted)
    {
      res->interrupted = interrupted_by;
      cb_supervise_kill_tree (w->settings->cgroup, w->pid);
    }
  if (w->deadline && now >= w->deadline && !res->timed_out)
    {
      res->timed_out = TRUE;
      kill (-w->pid, SIGTERM);
      w->term_sent = now;
    }
  if (w->term_sent && now >= w->term_sent + (gint64) (GRACE_SECONDS * 1e9))
    {
      cb_supervise_kill_tree (w->settings->cgroup, w->pid);
      w->term_sent = 0;
    }
}

/* Milliseconds to the next thing due: a sample, the timeout, the end of
 * the grace; the worker's exit and interrupts end the sleep themselves. */
static int
sleep_ms (const Watch *w, gint64 now)
{
  gint64 wake = now + (gint64) MAX_SLEEP_MS * 1000000;
  if (w->tree != NULL)
    wake = MIN (wake, w->next_sample);
  if (w->deadline && !w->res->timed_out)
    wake = MIN (wake, w->deadline);
  if (w->term_sent)
    wake = MIN (wake, w->term_sent + (gint64) (GRACE_SECONDS * 1e9));
  /* Rounded up: waking a little early would only spin. */
  return wake <= now ? 0 : (int) ((wake - now + 999999) / 1000000);
}

/* A worker that ended at the timeout's SIGTERM may leave what it started
 * in groups of their own, a launcher such as mpiexec above all: they get
 * SIGTERM too, and what is left of the grace to end by themselves (the
 * launcher's own kill path, which stops its ranks on every host), before
 * reap_leftovers kills what remains. */
static void
grace_for_leftovers (const Watch *w)
{
  if (!w->res->timed_out || w->term_sent == 0)
    return;
  gint64 until = w->term_sent + (gint64) (GRACE_SECONDS * 1e9);
  term_leftovers (w->pid);
  while (reap_exited () && shared_now_ns () < until)
    g_usleep (10000);
}

void
cb_supervise (const CbWatchSettings *settings, pid_t pid, CbWaitResult *res)
{
  gint64 start = shared_now_ns ();
  g_autoptr (CbChildWait) wait = cb_child_wait_new (pid);
  g_autoptr (CbProcTree) tree = NULL;
  if (settings->memory_interval > 0)
    tree = cb_proc_tree_new (pid, settings->cgroup
                                      ? cb_cgroup_procs_file (settings->cgroup)
                                      : NULL);
  Watch w = { settings, pid, res, tree,
              (gint64) (settings->memory_interval * 1e9),
              settings->timeout > 0
                  ? start + (gint64) (settings->timeout * 1e9) : 0,
              start, 0 };

  for (;;)
    {
      pid_t r = wait4 (pid, &res->status, WNOHANG, &res->usage);
      if (r == pid || (r < 0 && errno != EINTR))
        break;
      gint64 now = shared_now_ns ();
      if (tree != NULL && now >= w.next_sample)
        take_sample (&w, now);
      enforce (&w, now);
      cb_child_wait_sleep (wait, sleep_ms (&w, shared_now_ns ()));
    }
  grace_for_leftovers (&w);
  res->n_leftovers = reap_leftovers (settings->cgroup, pid);
}
