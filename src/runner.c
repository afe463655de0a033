/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The supervising side of a run: fork, placing the worker (its cgroup and
 * memory limit), the wait (supervise.c), then judging what the worker left
 * in the result area. */
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

#include "output-capture.h"
#include "cgroup.h"
#include "childwait.h"
#include "proctree.h"
#include "recipe.h"
#include "run-reports.h"
#include "shared-area.h"
#include "supervise.h"
#include "verify.h"
#include "worker-launch.h"

struct CbRunner {
  CbRunOptions options;
  CbVerifier *verifier;
  CbCgroup *cgroup;      /* NULL: none could be made, or not wanted */
  gboolean cgroup_tried; /* made lazily, at the first worker */
  CbCgroup *unusable;    /* made, but a worker could not be moved in */
  gboolean rlimit_as;    /* this run's memory limit is RLIMIT_AS */
  guint64 oom_kills;     /* the cgroup's count before this run */
};

static volatile sig_atomic_t interrupted_by;
static volatile pid_t current_worker;
static volatile int current_kill_fd = -1; /* the worker's cgroup.kill */

void
cb_runner_interrupt (int signum)
{
  if (!interrupted_by)
    interrupted_by = signum;
  cb_child_wait_wake ();
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
  int fd = current_kill_fd;
  if (pid > 0)
    kill (-pid, SIGKILL);
  if (fd >= 0)
    (void) !write (fd, "1", 1);
}

gboolean
cb_runner_can_sample_memory (void)
{
  return cb_proc_tree_available ();
}

CbRunner *
cb_runner_new (const CbRunOptions *options)
{
  CbRunner *runner = g_new0 (CbRunner, 1);
  runner->options = *options;
  runner->verifier = cb_verifier_new ();
  cb_child_wait_init ();
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
  cb_verifier_free (runner->verifier);
  cb_cgroup_free (runner->cgroup);
  cb_cgroup_free (runner->unusable);
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
  g_clear_pointer (&sample->plugin_output, g_free);
  g_clear_pointer (&sample->digests, g_free);
  g_clear_pointer (&sample->workers, g_array_unref);
  g_clear_pointer (&sample->intended, g_free);
}

void
cb_bench_info_clear (CbBenchInfo *info)
{
  g_clear_pointer (&info->item_waits, g_free);
  g_clear_pointer (&info->item_compute, g_free);
}

typedef CbWaitResult WaitResult;

static void
kill_group (pid_t pgid, int sig)
{
  kill (-pgid, sig);
}

/* Waits for the worker (cb_supervise), then drops what the run held and
 * reads what the cgroup saw of it. */
static void
supervise (CbRunner *runner, pid_t pid, WaitResult *res)
{
  const CbWatchSettings settings = { runner->options.timeout,
                                     runner->options.memory_interval,
                                     runner->cgroup };
  cb_supervise (&settings, pid, res);
  int kill_fd = current_kill_fd;
  current_kill_fd = -1;
  if (kill_fd >= 0)
    close (kill_fd);
  if (runner->cgroup != NULL)
    res->oom_kills = cb_cgroup_oom_kills (runner->cgroup) - runner->oom_kills;
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
             < shared_area_size (shared->n_items, shared->latency_bound))
    {
      if (shared != MAP_FAILED)
        munmap (shared, st.st_size);
      return NULL;
    }
  *size = st.st_size;
  return shared;
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
      info->item_waits = g_new (double, shared->n_items);
      memcpy (info->item_waits, shared_waits (shared),
              shared->n_items * sizeof (double));
    }
  if (info->latency_bound && shared->has_compute)
    {
      info->item_compute = g_new (double, shared->n_items);
      memcpy (info->item_compute, shared_computes (shared),
              shared->n_items * sizeof (double));
    }
  info->total_bytes = shared->total_bytes;
}

/* The larger of what the runner sampled and what the worker read itself
 * when execute returned; a run shorter than one sample has only the
 * latter.  The worker's own high-water marks bound the tree's RSS from
 * below. */
static void
fill_memory (CbRunSample *sample, const Shared *shared, const WaitResult *res)
{
  guint64 hwm = MAX (shared->worker_hwm, shared->children_maxrss);
  sample->tree_peak_pss = MAX (res->peak.pss, shared->final_pss);
  sample->tree_peak_rss = MAX (MAX (res->peak.rss, shared->final_rss), hwm);
  sample->memory_unknown = res->n_samples == 0 && shared->final_pss == 0;
  if (sample->memory_unknown)
    sample->tree_peak_pss = sample->tree_peak_rss = 0;
}

static void
fill_sample (CbRunSample *sample, const Shared *shared, const WaitResult *res,
             gboolean keep_items)
{
  guint n = shared->n_items;
  sample->wall = (shared->t_end - shared->t_start) / 1e9;
  sample->cpu_user = shared->cpu_user;
  sample->cpu_sys = shared->cpu_sys;
  sample->worker_cpu_user = shared_timeval_seconds (res->usage.ru_utime);
  sample->worker_cpu_sys = shared_timeval_seconds (res->usage.ru_stime);
  sample->ctx_voluntary = res->usage.ru_nvcsw;
  sample->ctx_involuntary = res->usage.ru_nivcsw;
  sample->worker_maxrss = (guint64) res->usage.ru_maxrss * 1024;
  sample->worker_hwm = shared->worker_hwm;
  fill_memory (sample, shared, res);
  sample->n_samples = res->n_samples;
  sample->timer_slack = shared->timer_slack;
  sample->counters = shared->counters;
  sample->faults = shared->faults;
  sample->n_items = n;
  sample->completion = g_new0 (double, n);
  sample->service = g_new0 (double, n);
  for (guint i = 0; i < n; i++)
    {
      const ItemRecord *rec = &shared->items[i];
      sample->completion[i] = (rec->t_complete - shared->t_start) / 1e9;
      sample->service[i] = rec->service;
    }
  if (keep_items)
    {
      sample->digests = g_new (guint64, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        sample->digests[i] = shared->items[i].digest;
    }
}

/* The same schedule the worker computed from the same seed: what each
 * item's latency is timed from. */
static void
fill_intended (CbRunSample *sample, const CbBenchmark *bench, guint64 seed)
{
  if (bench->rate <= 0)
    return;
  g_autofree gint64 *at = cb_arrivals_schedule (bench->arrivals, bench->rate,
                                                seed, sample->n_items);
  sample->intended = g_new0 (double, MAX (sample->n_items, 1));
  for (guint i = 0; i < sample->n_items; i++)
    sample->intended[i] = at[i] / 1e9;
}

/* What the supervisor itself saw of the run. */
static void
fill_supervision (CbRunSample *sample, const WaitResult *res)
{
  sample->sampler_cpu = res->sampler_cpu;
  sample->n_leftovers = res->n_leftovers;
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
  fd = cb_worker_fd_above_stdio (fd);
  if (fd < 0)
    g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                 "cannot create the result area: %s", g_strerror (errno));
  return fd;
}

/* As the user wrote it: 512M, 2G; bytes when no suffix fits. */
static char *
describe_size (guint64 bytes)
{
  static const char suffixes[] = "KMGT";
  int i = -1;
  while (i < 3 && bytes >= 1024 && bytes % 1024 == 0)
    {
      bytes /= 1024;
      i++;
    }
  if (i < 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
  return g_strdup_printf ("%" G_GUINT64_FORMAT "%c", bytes, suffixes[i]);
}

static gboolean
judge_exit (const WaitResult *res, const Shared *shared, GError **error)
{
  if (shared != NULL && shared->error[0] != '\0')
    {
      g_set_error (error, CB_RUN_ERROR,
                   shared->refused_params ? CB_RUN_ERROR_REFUSED
                                          : CB_RUN_ERROR_FAILED,
                   "%s", shared->error);
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
  return TRUE;
}

/* RLIMIT_AS makes an allocation fail, and what the worker does then (an
 * error, an abort, a crash) looks like any other failure: say both. */
static void
blame_address_limit (guint64 limit, GError **error)
{
  g_autofree char *size = describe_size (limit);
  g_autofree char *why = g_strdup ((*error)->message);
  g_clear_error (error);
  g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
               "exceeded the memory limit of %s (under RLIMIT_AS, which "
               "cannot tell it from another failure: %s)", size, why);
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
  if (res->oom_kills > 0)
    {
      g_autofree char *size = describe_size (runner->options.memory_limit);
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "exceeded the memory limit of %s", size);
      return FALSE;
    }
  if (res->timed_out)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_TIMEOUT,
                   "timed out after %g s", runner->options.timeout);
      return FALSE;
    }
  if (!judge_exit (res, shared, error))
    {
      if (runner->rlimit_as)
        blame_address_limit (runner->options.memory_limit, error);
      return FALSE;
    }
  return cb_verifier_check_items (runner->verifier, bench->workload_key,
                                  shared, error);
}

/* The runner's cgroup, made at the first worker; NULL where none can be. */
static CbCgroup *
worker_cgroup (CbRunner *runner)
{
  if (!runner->cgroup_tried && !runner->options.no_cgroup)
    runner->cgroup = cb_cgroup_new (runner->options.memory_limit, NULL);
  runner->cgroup_tried = TRUE;
  return runner->cgroup;
}

/* Puts a just-forked worker where it must run before it runs anything: in
 * the runner's cgroup, under the memory limit. */
static gboolean
place_worker (CbRunner *runner, pid_t pid, GError **error)
{
  guint64 limit = runner->options.memory_limit;
  CbCgroup *cgroup = worker_cgroup (runner);

  if (cgroup != NULL && !cb_cgroup_add (cgroup, pid, NULL))
    {
      /* Not ours to move into after all (a delegation rule): do as where
       * there is no cgroup, for this worker and the next. */
      runner->unusable = g_steal_pointer (&runner->cgroup);
      cgroup = NULL;
    }
  runner->rlimit_as = limit > 0
                      && (cgroup == NULL || !cb_cgroup_limits_memory (cgroup));
  if (runner->rlimit_as)
    {
      struct rlimit lim = { limit, limit };
      if (prlimit (pid, RLIMIT_AS, &lim, NULL) != 0)
        {
          g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                       "cannot set the memory limit (RLIMIT_AS): %s",
                       g_strerror (errno));
          return FALSE;
        }
    }
  if (cgroup != NULL)
    {
      runner->oom_kills = cb_cgroup_oom_kills (cgroup);
      current_kill_fd = cb_cgroup_open_kill (cgroup);
    }
  return TRUE;
}

/* Writes the go byte, then learns whether the worker program started:
 * the exec-status pipe closes on a successful exec and carries errno
 * otherwise. */
static gboolean
let_go (pid_t pid, int go_fd, int status_fd, const char *program,
        GError **error)
{
  char byte = 'g';
  int child_errno = 0;
  ssize_t n;

  while (write (go_fd, &byte, 1) < 0 && errno == EINTR)
    ;
  close (go_fd);
  do
    n = read (status_fd, &child_errno, sizeof child_errno);
  while (n < 0 && errno == EINTR);
  close (status_fd);
  if (n != (ssize_t) sizeof child_errno)
    return TRUE;
  waitpid (pid, NULL, 0);
  g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
               "cannot run the worker program %s: %s", program,
               g_strerror (child_errno));
  return FALSE;
}

static gboolean
open_pipes (int go[2], int status[2], GError **error)
{
  if (pipe2 (go, O_CLOEXEC) < 0)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot create worker process: %s", g_strerror (errno));
      return FALSE;
    }
  if (pipe2 (status, O_CLOEXEC) < 0)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot create worker process: %s", g_strerror (errno));
      close (go[0]);
      close (go[1]);
      return FALSE;
    }
  status[1] = cb_worker_fd_above_stdio (status[1]);
  return TRUE;
}

/* Forks the worker, places it, then lets it go: it execs the worker
 * program.  Returns its pid, or -1 with error set (no process left
 * behind). */
static pid_t
start_worker (CbRunner *runner, const CbBenchmark *bench, int fd,
              int output_fd, GError **error)
{
  int go[2], status[2];
  const char *program = cb_worker_program ();
  g_auto (GStrv) argv = cb_recipe_argv (program, bench, runner->options.seed,
                                        runner->options.timer_slack,
                                        &runner->options.placement,
                                        runner->options.counters, fd);
  if (!open_pipes (go, status, error))
    return -1;
  CbWorkerLaunch launch = { .program = program, .argv = argv,
                            .result_fd = fd, .go_fd = go[0],
                            .output_fd = output_fd,
                            .exec_status_fd = status[1],
                            .runner = getpid () };
  /* Anything buffered would otherwise be written twice, once per process. */
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (go[1]);
      close (status[0]);
      cb_worker_start (&launch);
    }
  int saved = errno;
  close (go[0]);
  close (status[1]);
  if (pid < 0)
    {
      close (go[1]);
      close (status[0]);
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot create worker process: %s", g_strerror (saved));
      return -1;
    }
  setpgid (pid, pid); /* also here, so the group exists before we signal it */
  if (!place_worker (runner, pid, error))
    {
      close (go[1]); /* EOF: the worker exits without running anything */
      close (status[0]);
      kill_group (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return -1;
    }
  return let_go (pid, go[1], status[0], program, error) ? pid : -1;
}

/* Keeps what the worker printed in the sample of a run that succeeded, and
 * in the message of one that failed, where it often says why. */
static void
take_output (CbOutputPipe *output, gboolean ok, CbRunSample *sample,
             GError **error)
{
  g_autofree char *kept = NULL;
  guint64 total = 0;

  cb_output_pipe_drain (output, &kept, &total);
  cb_output_pipe_close (output);
  if (ok)
    {
      sample->plugin_output = g_steal_pointer (&kept);
      sample->plugin_output_bytes = total;
    }
  else if (kept != NULL && error != NULL && *error != NULL)
    {
      g_autofree char *line = cb_text_printable (kept);
      if (strlen (line) > 200)
        strcpy (line + 197, "...");
      GError *longer = g_error_new ((*error)->domain, (*error)->code,
                                    "%s; the plugin printed %" G_GUINT64_FORMAT
                                    " bytes: %s",
                                    (*error)->message, total, line);
      g_error_free (*error);
      *error = longer;
    }
}

/* Runs the worker and waits for it; res and shared describe the run. */
static pid_t
run_worker (CbRunner *runner, const CbBenchmark *bench, int fd,
            CbOutputPipe *output, WaitResult *res, GError **error)
{
  pid_t pid = start_worker (runner, bench, fd, output->write_fd, error);
  if (pid < 0)
    return -1;
  current_worker = pid;
  supervise (runner, pid, res);
  current_worker = 0;
  return pid;
}

gboolean
cb_runner_run (CbRunner *runner, const CbBenchmark *bench, CbBenchInfo *info,
               CbRunSample *sample, GError **error)
{
  WaitResult res = { 0 };
  CbOutputPipe output;
  gsize size = 0;
  int fd;

  memset (sample, 0, sizeof *sample);
  if (interrupted_by)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_INTERRUPTED,
                   "interrupted by signal %d (%s)", interrupted_by,
                   g_strsignal (interrupted_by));
      return FALSE;
    }
  fd = create_result_fd (error);
  if (fd < 0)
    return FALSE;
  if (!cb_output_pipe_open (&output, error))
    {
      close (fd);
      return FALSE;
    }
  if (run_worker (runner, bench, fd, &output, &res, error) < 0)
    {
      close (fd);
      take_output (&output, FALSE, sample, error);
      return FALSE;
    }

  Shared *shared = map_results (fd, &size);
  close (fd);
  gboolean ok = judge_run (runner, bench, &res, shared, error);
  if (ok)
    {
      fill_info (info, shared);
      fill_sample (sample, shared, &res, runner->options.keep_items);
      cb_run_reports_fill (sample, shared, size);
      fill_intended (sample, bench, runner->options.seed);
      fill_supervision (sample, &res);
    }
  take_output (&output, ok, sample, error);
  if (shared != NULL)
    munmap (shared, size);
  return ok;
}
