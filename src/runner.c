/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "proctree.h"

/* Results travel from the worker to the runner in a memfd the worker sizes
 * once it knows the item count.  The mapping is shared, so the worker's own
 * forked children (a process pool) write their item records into it too. */
#define SHARED_MAGIC 0x43425231u /* "CBR1" */
#define ERROR_MAX 1024
#define GRACE_SECONDS 2.0

typedef struct {
  gint completions; /* complete() calls */
  gint runs;        /* workload runs */
  guint64 digest;     /* as passed to complete() */
  guint64 run_digest; /* as the workload returned it */
  gint64 t_complete, t_run_start, t_run_end; /* CLOCK_MONOTONIC ns */
  double wait;
} ItemRecord;

typedef struct {
  guint32 magic;
  guint32 n_items;
  guint32 slots, chunk;
  gint32 latency_bound, can_async;
  gint32 finished; /* execute returned */
  gint32 ok;
  gint64 t_start, t_end;
  double cpu_user, cpu_sys; /* over execute, children reaped in it included */
  guint64 worker_hwm;
  char error[ERROR_MAX];
  ItemRecord items[];
} Shared;

struct CbRunner {
  CbRunOptions options;
  /* workload key -> GArray of guint64: the digests the first successful run
   * of that workload produced, which every later run must reproduce. */
  GHashTable *reference;
};

static volatile sig_atomic_t interrupted_by;
static volatile pid_t current_worker;

void
cb_runner_interrupt (int signum)
{
  interrupted_by = signum;
}

int
cb_runner_interrupted (void)
{
  return interrupted_by;
}

void
cb_runner_kill_now (void)
{
  pid_t pid = current_worker;
  if (pid > 0)
    kill (-pid, SIGKILL);
}

gboolean
cb_runner_can_sample_memory (void)
{
  return cb_proc_tree_available ();
}

static gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

CbRunner *
cb_runner_new (const CbRunOptions *options)
{
  CbRunner *runner = g_new0 (CbRunner, 1);
  runner->options = *options;
  runner->reference = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_CHILD_SUBREAPER)
  /* Whatever a plugin forks and abandons is re-parented to us, so we can
   * reap it: no zombie outlives its benchmark. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);
#endif
  return runner;
}

void
cb_runner_free (CbRunner *runner)
{
  if (runner == NULL)
    return;
  g_hash_table_unref (runner->reference);
  g_free (runner);
}

void
cb_runner_set_timeout (CbRunner *runner, double timeout)
{
  runner->options.timeout = timeout;
}

void
cb_run_sample_clear (CbRunSample *sample)
{
  g_clear_pointer (&sample->completion, g_free);
  g_clear_pointer (&sample->service, g_free);
}

void
cb_bench_info_clear (CbBenchInfo *info)
{
  g_clear_pointer (&info->item_waits, g_free);
}

/* ---- the worker side ---- */

typedef struct {
  Shared *shared;
  const CbWorkloadClass *klass;
  gpointer workload;
} WorkerState;

static ItemRecord *
record_of (const CbJob *job, guint item)
{
  WorkerState *state = job->core;
  return &state->shared->items[item];
}

static gboolean
job_run_item (const CbJob *job, guint item, guint64 *digest, GError **error)
{
  WorkerState *state = job->core;
  ItemRecord *rec;
  gboolean ok;

  if (item >= job->n_items)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "strategy asked for item %u of %u", item, job->n_items);
      return FALSE;
    }
  rec = record_of (job, item);
  rec->t_run_start = now_ns ();
  ok = state->klass->run (state->workload, item, digest, error);
  rec->t_run_end = now_ns ();
  g_atomic_int_inc (&rec->runs);
  if (ok)
    rec->run_digest = *digest;
  else
    g_prefix_error (error, "item %u: ", item);
  return ok;
}

typedef struct {
  const CbJob *job;
  guint item;
  CbItemDone done;
  gpointer user_data;
} AsyncCall;

static void
job_async_done (guint item, guint64 digest, const GError *error,
                gpointer user_data)
{
  AsyncCall *call = user_data;
  ItemRecord *rec = record_of (call->job, call->item);
  rec->t_run_end = now_ns ();
  g_atomic_int_inc (&rec->runs);
  if (error == NULL)
    rec->run_digest = digest;
  call->done (call->item, digest, error, call->user_data);
  g_free (call);
}

static void
job_run_item_async (const CbJob *job, guint item, GMainContext *ctx,
                    CbItemDone done, gpointer user_data)
{
  WorkerState *state = job->core;
  AsyncCall *call = g_new0 (AsyncCall, 1);

  if (item >= job->n_items)
    {
      g_autoptr (GError) error = g_error_new (
          CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
          "strategy asked for item %u of %u", item, job->n_items);
      g_free (call);
      done (item, 0, error, user_data);
      return;
    }
  call->job = job;
  call->item = item;
  call->done = done;
  call->user_data = user_data;
  record_of (job, item)->t_run_start = now_ns ();
  state->klass->run_async (state->workload, item, ctx, job_async_done, call);
}

static void
job_complete (const CbJob *job, guint item, guint64 digest)
{
  ItemRecord *rec;
  if (item >= job->n_items)
    return; /* counted as missing items by the check */
  rec = record_of (job, item);
  rec->t_complete = now_ns ();
  rec->digest = digest;
  g_atomic_int_inc (&rec->completions);
}

static void
copy_error (Shared *shared, const GError *error)
{
  g_strlcpy (shared->error, error ? error->message : "unknown error",
             ERROR_MAX);
}

static Shared *
worker_map (int fd, guint n_items, GError **error)
{
  gsize size = sizeof (Shared) + (gsize) n_items * sizeof (ItemRecord);
  if (ftruncate (fd, size) != 0)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot size the result area: %s", g_strerror (errno));
      return NULL;
    }
  Shared *shared = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (shared == MAP_FAILED)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot map the result area: %s", g_strerror (errno));
      return NULL;
    }
  shared->magic = SHARED_MAGIC;
  shared->n_items = n_items;
  return shared;
}

/* Writes a failure that happened before the result area existed. */
static void
worker_fail_early (int fd, const GError *error)
{
  g_autoptr (GError) local = NULL;
  Shared *shared = worker_map (fd, 0, &local);
  if (shared != NULL)
    copy_error (shared, error);
}

static guint
count_open_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;
  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Refuses a run the resource limits cannot allow, with the limit's name,
 * rather than let it die half-way with whatever the first failing call
 * says. */
static gboolean
check_limits (const CbStrategyClass *st, const CbParams *params, guint n,
              GError **error)
{
  CbResources need = { 0 };
  struct rlimit lim;

  if (st->resources == NULL)
    return TRUE;
  st->resources (params, n, &need);
  /* RLIMIT_NPROC does not bind root (CAP_SYS_RESOURCE). */
  if (geteuid () != 0 && getrlimit (RLIMIT_NPROC, &lim) == 0
      && lim.rlim_cur != RLIM_INFINITY
      && need.threads + need.processes > lim.rlim_cur)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "needs %" G_GUINT64_FORMAT " threads and processes but "
                   "RLIMIT_NPROC (ulimit -u) is %llu",
                   need.threads + need.processes,
                   (unsigned long long) lim.rlim_cur);
      return FALSE;
    }
  if (need.fds > 0 && getrlimit (RLIMIT_NOFILE, &lim) == 0
      && lim.rlim_cur != RLIM_INFINITY)
    {
      guint64 open_now = count_open_fds ();
      if (open_now + need.fds > lim.rlim_cur)
        {
          g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                       "needs %" G_GUINT64_FORMAT " more file descriptors "
                       "but RLIMIT_NOFILE (ulimit -n) is %llu with %"
                       G_GUINT64_FORMAT " open",
                       need.fds, (unsigned long long) lim.rlim_cur, open_now);
          return FALSE;
        }
    }
  return TRUE;
}

static double
timeval_seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}

/* CPU seconds of this process's threads plus its reaped children. */
static void
cpu_now (double *user, double *sys)
{
  struct rusage self, children;
  getrusage (RUSAGE_SELF, &self);
  getrusage (RUSAGE_CHILDREN, &children);
  *user = timeval_seconds (self.ru_utime) + timeval_seconds (children.ru_utime);
  *sys = timeval_seconds (self.ru_stime) + timeval_seconds (children.ru_stime);
}

static int
worker_main (const CbBenchmark *bench, guint64 seed, int fd)
{
  const CbWorkloadClass *wk = bench->workload->desc->workload;
  const CbStrategyClass *st = bench->strategy->desc->strategy;
  CbParams wparams = cb_param_set_view (bench->workload_params);
  CbParams sparams = cb_param_set_view (bench->strategy_params);
  g_autoptr (GError) error = NULL;
  WorkerState state = { NULL, wk, NULL };
  CbJob job = { 0 };

  state.workload = wk->create (&wparams, seed, &error);
  if (state.workload == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (CB_PLUGIN_ERROR, 0,
                                     "workload create failed");
      g_prefix_error (&error, "workload %s: ", wk->name);
      worker_fail_early (fd, error);
      return 1;
    }
  guint n = wk->n_items (state.workload);
  state.shared = worker_map (fd, n, &error);
  if (state.shared == NULL)
    return 1;

  job.n_items = n;
  job.params = &sparams;
  job.run_item = job_run_item;
  job.can_run_async = wk->run_async != NULL;
  job.run_item_async = job_run_item_async;
  job.complete = job_complete;
  job.core = &state;

  state.shared->slots = st->slots (&sparams, n, job.can_run_async);
  state.shared->chunk = st->chunk ? st->chunk (&sparams) : 1;
  state.shared->can_async = job.can_run_async;
  state.shared->latency_bound = wk->item_wait != NULL;
  for (guint i = 0; i < n && wk->item_wait; i++)
    state.shared->items[i].wait = wk->item_wait (state.workload, i);

  gboolean ok = check_limits (st, &sparams, n, &error);
  double user0, sys0, user1, sys1;
  cpu_now (&user0, &sys0);
  state.shared->t_start = now_ns ();
  ok = ok && st->execute (&job, &error);
  state.shared->t_end = now_ns ();
  cpu_now (&user1, &sys1);
  state.shared->cpu_user = user1 - user0;
  state.shared->cpu_sys = sys1 - sys0;
  state.shared->finished = 1;
  state.shared->worker_hwm = cb_proc_self_hwm ();
  if (!ok)
    {
      if (error == NULL)
        error = g_error_new_literal (CB_PLUGIN_ERROR, 0,
                                     "execute failed without a message");
      g_prefix_error (&error, "strategy %s: ", st->name);
      copy_error (state.shared, error);
    }
  state.shared->ok = ok;
  wk->destroy (state.workload);
  return ok ? 0 : 1;
}

static void
worker_start (const CbBenchmark *bench, guint64 seed, int fd, pid_t runner)
{
  /* Our own group, so the whole tree can be signalled at once and so a ^C
   * at the terminal reaches the runner only. */
  setpgid (0, 0);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGPIPE, SIG_DFL);
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_PDEATHSIG)
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != runner)
    _exit (1);
#endif
  /* Never exit(): atexit handlers and stdio buffers belong to the runner. */
  _exit (worker_main (bench, seed, fd));
}

/* ---- the runner side ---- */

static void
sleep_seconds (double s)
{
  struct timespec ts = { (time_t) s, (long) ((s - (time_t) s) * 1e9) };
  nanosleep (&ts, NULL);
}

typedef struct {
  int status;
  struct rusage usage;
  gboolean timed_out;
  int interrupted;
  CbTreeMemory peak;
  guint n_samples;
} WaitResult;

static void
kill_group (pid_t pgid, int sig)
{
  kill (-pgid, sig);
}

/* Reaps every child left, waiting briefly for ones just sent SIGKILL. */
static void
reap_leftovers (void)
{
  for (guint tries = 0; tries < 2000;)
    {
      pid_t r = waitpid (-1, NULL, WNOHANG);
      if (r < 0)
        break; /* no children left */
      if (r == 0)
        {
          sleep_seconds (0.001);
          tries++;
        }
    }
}

/* Waits for the worker while sampling its tree's memory and watching the
 * clock and the interrupt flag. */
static void
supervise (CbRunner *runner, pid_t pid, WaitResult *res)
{
  g_autoptr (CbProcTree) tree
      = runner->options.memory_interval > 0 ? cb_proc_tree_new (pid) : NULL;
  gint64 start = now_ns ();
  gint64 term_sent = 0;
  double interval = runner->options.memory_interval > 0
                        ? runner->options.memory_interval
                        : 0.01;

  for (;;)
    {
      pid_t r = wait4 (pid, &res->status, WNOHANG, &res->usage);
      if (r == pid || (r < 0 && errno != EINTR))
        break;
      if (tree != NULL)
        {
          CbTreeMemory mem;
          if (cb_proc_tree_sample (tree, &mem))
            {
              res->peak.pss = MAX (res->peak.pss, mem.pss);
              res->peak.rss = MAX (res->peak.rss, mem.rss);
              res->peak.n_processes = MAX (res->peak.n_processes,
                                           mem.n_processes);
              res->n_samples++;
            }
        }
      double elapsed = (now_ns () - start) / 1e9;
      if (interrupted_by && !res->interrupted)
        {
          res->interrupted = interrupted_by;
          kill_group (pid, SIGKILL);
        }
      if (runner->options.timeout > 0 && elapsed > runner->options.timeout
          && !res->timed_out)
        {
          res->timed_out = TRUE;
          kill_group (pid, SIGTERM);
          term_sent = now_ns ();
        }
      if (term_sent && (now_ns () - term_sent) / 1e9 > GRACE_SECONDS)
        {
          kill_group (pid, SIGKILL);
          term_sent = 0;
        }
      sleep_seconds (interval);
    }
  /* Nothing of the benchmark may outlive it: kill what it left behind and
   * reap whatever was re-parented to us. */
  kill_group (pid, SIGKILL);
  reap_leftovers ();
}

static char *
describe_status (int status)
{
  if (WIFSIGNALED (status))
    return g_strdup_printf ("worker killed by signal %d (%s)",
                            WTERMSIG (status), g_strsignal (WTERMSIG (status)));
  if (WIFEXITED (status))
    return g_strdup_printf ("worker exited with status %d",
                            WEXITSTATUS (status));
  return g_strdup_printf ("worker ended with wait status 0x%x", status);
}

static Shared *
map_results (int fd, gsize *size)
{
  struct stat st;
  if (fstat (fd, &st) != 0 || (gsize) st.st_size < sizeof (Shared))
    return NULL;
  Shared *shared = mmap (NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  if (shared == MAP_FAILED || shared->magic != SHARED_MAGIC
      || (gsize) st.st_size
             < sizeof (Shared) + shared->n_items * sizeof (ItemRecord))
    {
      if (shared != MAP_FAILED)
        munmap (shared, st.st_size);
      return NULL;
    }
  *size = st.st_size;
  return shared;
}

/* Appends "3, 7, 9 (and N more)" style lists to a message. */
static void
append_items (GString *s, const GArray *items)
{
  for (guint i = 0; i < items->len && i < 10; i++)
    g_string_append_printf (s, "%s%u", i ? ", " : "",
                            g_array_index (items, guint, i));
  if (items->len > 10)
    g_string_append_printf (s, " (and %u more)", items->len - 10);
}

static gboolean
check_items (CbRunner *runner, const CbBenchmark *bench, const Shared *shared,
             GError **error)
{
  g_autoptr (GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) repeated = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) misreported = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) different = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *ref = g_hash_table_lookup (runner->reference, bench->workload_key);
  guint n = shared->n_items;

  if (ref != NULL && ref->len != n)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "the workload had %u items in an earlier run and %u now",
                   ref->len, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const ItemRecord *rec = &shared->items[i];
      if (rec->completions == 0)
        g_array_append_val (missing, i);
      else if (rec->completions > 1)
        g_array_append_val (repeated, i);
      else if (rec->digest != rec->run_digest)
        g_array_append_val (misreported, i);
      else if (ref && g_array_index (ref, guint64, i) != rec->digest)
        g_array_append_val (different, i);
    }

  GString *msg = g_string_new (NULL);
  const struct { GArray *items; const char *what; } problems[] = {
    { missing, "never completed: items " },
    { repeated, "completed more than once: items " },
    { misreported, "completed with a digest the workload did not return: "
                   "items " },
    { different, "digests differ from an earlier run of the same workload: "
                 "items " },
  };
  for (guint p = 0; p < G_N_ELEMENTS (problems); p++)
    if (problems[p].items->len > 0)
      {
        g_string_append_printf (msg, "%s%s", msg->len ? "; " : "",
                                problems[p].what);
        append_items (msg, problems[p].items);
      }
  if (msg->len > 0)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED, "%s", msg->str);
      g_string_free (msg, TRUE);
      return FALSE;
    }
  g_string_free (msg, TRUE);
  if (ref == NULL)
    {
      ref = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n);
      for (guint i = 0; i < n; i++)
        g_array_append_val (ref, shared->items[i].digest);
      g_hash_table_insert (runner->reference, g_strdup (bench->workload_key),
                           ref);
    }
  return TRUE;
}

static void
fill_info (CbBenchInfo *info, const Shared *shared)
{
  if (info->n_items != 0 || info->item_waits != NULL)
    return;
  info->n_items = shared->n_items;
  info->slots = shared->slots;
  info->chunk = shared->chunk ? shared->chunk : 1;
  info->latency_bound = shared->latency_bound;
  info->can_async = shared->can_async;
  if (info->latency_bound)
    {
      info->item_waits = g_new0 (double, shared->n_items);
      for (guint i = 0; i < shared->n_items; i++)
        info->item_waits[i] = shared->items[i].wait;
    }
}

static void
fill_sample (CbRunSample *sample, const Shared *shared, const WaitResult *res)
{
  guint n = shared->n_items;
  sample->wall = (shared->t_end - shared->t_start) / 1e9;
  sample->cpu_user = shared->cpu_user;
  sample->cpu_sys = shared->cpu_sys;
  sample->worker_cpu_user = timeval_seconds (res->usage.ru_utime);
  sample->worker_cpu_sys = timeval_seconds (res->usage.ru_stime);
  sample->ctx_voluntary = res->usage.ru_nvcsw;
  sample->ctx_involuntary = res->usage.ru_nivcsw;
  sample->worker_maxrss = (guint64) res->usage.ru_maxrss * 1024;
  sample->worker_hwm = shared->worker_hwm;
  sample->tree_peak_pss = res->peak.pss;
  sample->tree_peak_rss = res->peak.rss;
  sample->n_samples = res->n_samples;
  sample->n_items = n;
  sample->completion = g_new0 (double, n);
  sample->service = g_new0 (double, n);
  for (guint i = 0; i < n; i++)
    {
      const ItemRecord *rec = &shared->items[i];
      sample->completion[i] = (rec->t_complete - shared->t_start) / 1e9;
      sample->service[i] = (rec->t_run_end - rec->t_run_start) / 1e9;
    }
}

static int
create_result_fd (GError **error)
{
  int fd = memfd_create ("concbench-results", MFD_CLOEXEC);
  if (fd < 0)
    {
      /* Kernels without memfd: an unlinked temporary file serves. */
      char path[] = "/tmp/concbench-XXXXXX";
      fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
      if (fd >= 0)
        unlink (path);
    }
  if (fd < 0)
    g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                 "cannot create the result area: %s", g_strerror (errno));
  return fd;
}

static gboolean
judge_run (CbRunner *runner, const CbBenchmark *bench, const WaitResult *res,
           const Shared *shared, GError **error)
{
  if (res->interrupted)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_INTERRUPTED,
                   "interrupted by signal %d (%s)", res->interrupted,
                   g_strsignal (res->interrupted));
      return FALSE;
    }
  if (res->timed_out)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_TIMEOUT,
                   "timed out after %g s", runner->options.timeout);
      return FALSE;
    }
  if (shared != NULL && shared->error[0] != '\0')
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED, "%s",
                   shared->error);
      return FALSE;
    }
  if (!WIFEXITED (res->status) || WEXITSTATUS (res->status) != 0
      || shared == NULL || !shared->finished)
    {
      g_autofree char *what = describe_status (res->status);
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED, "%s%s", what,
                   shared == NULL || !shared->finished
                       ? " before the benchmark finished" : "");
      return FALSE;
    }
  return check_items (runner, bench, shared, error);
}

gboolean
cb_runner_run (CbRunner *runner, const CbBenchmark *bench, CbBenchInfo *info,
               CbRunSample *sample, GError **error)
{
  WaitResult res = { 0 };
  gsize size = 0;
  pid_t self = getpid ();
  int fd = create_result_fd (error);

  memset (sample, 0, sizeof *sample);
  if (fd < 0)
    return FALSE;
  if (interrupted_by)
    {
      close (fd);
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_INTERRUPTED,
                   "interrupted by signal %d (%s)", interrupted_by,
                   g_strsignal (interrupted_by));
      return FALSE;
    }

  /* Anything buffered would otherwise be written twice, once per process. */
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot create worker process: %s", g_strerror (saved));
      return FALSE;
    }
  if (pid == 0)
    worker_start (bench, runner->options.seed, fd, self);

  setpgid (pid, pid); /* also here, so the group exists before we signal it */
  current_worker = pid;
  supervise (runner, pid, &res);
  current_worker = 0;

  Shared *shared = map_results (fd, &size);
  close (fd);
  gboolean ok = judge_run (runner, bench, &res, shared, error);
  if (ok)
    {
      fill_info (info, shared);
      fill_sample (sample, shared, &res);
    }
  if (shared != NULL)
    munmap (shared, size);
  return ok;
}
