/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The run inside the worker program: the CbJob a strategy is handed, the
 * resource-limit checks, and the run itself, recorded in the shared result
 * area. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "counters.h"
#include "arrivals.h"
#include "job-recipe.h"
#include "job-reports.h"
#include "proctree.h"
#include "runner.h"
#include "shared-area.h"
#include "steps.h"

typedef CbWorkerState WorkerState;

static ItemRecord *
record_of (const CbJob *job, guint item)
{
  WorkerState *state = job->core;
  return &state->shared->items[item];
}

gint64
cb_worker_arrival (const CbWorkerState *state, guint item)
{
  if (state->arrivals == NULL)
    return 0;
  return state->shared->t_start + state->arrivals[item];
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
  /* The schedule is the load's, not the server's: absolute. */
  cb_arrivals_wait_until (cb_worker_arrival (state, item));
  gint64 t_run_start = shared_now_ns ();
  ok = state->klass->run (state->workload, item, digest, error);
  rec->service = (shared_now_ns () - t_run_start) * 1e-9;
  if (ok)
    rec->run_digest = *digest;
  else
    g_prefix_error (error, "item %u: ", item);
  return ok;
}

typedef struct {
  const CbJob *job;
  guint item;
  gint64 t_run_start;
  GMainContext *ctx;
  CbItemDone done;
  gpointer user_data;
} AsyncCall;

static void
job_async_done (guint item, guint64 digest, const GError *error,
                gpointer user_data)
{
  AsyncCall *call = user_data;
  ItemRecord *rec = record_of (call->job, call->item);
  rec->service = (shared_now_ns () - call->t_run_start) * 1e-9;
  if (error == NULL)
    rec->run_digest = digest;
  call->done (call->item, digest, error, call->user_data);
  g_free (call);
}

static void
start_async_call (AsyncCall *call)
{
  WorkerState *state = call->job->core;
  call->t_run_start = shared_now_ns ();
  state->klass->run_async (state->workload, call->item, call->ctx,
                           job_async_done, call);
}

static gboolean
on_arrival (gpointer data)
{
  start_async_call (data);
  return G_SOURCE_REMOVE;
}

static gboolean
arrival_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

static GSourceFuncs arrival_funcs = { .dispatch = arrival_dispatch };

/* An open-loop item not due yet starts from a source on the strategy's own
 * context, ready at its arrival (rounded up to the microsecond GLib's
 * clock counts in, so it never starts early). */
static void
start_async_at_arrival (AsyncCall *call)
{
  gint64 due = cb_worker_arrival (call->job->core, call->item);
  if (due <= shared_now_ns ())
    {
      start_async_call (call);
      return;
    }
  GSource *source = g_source_new (&arrival_funcs, sizeof (GSource));
  g_source_set_ready_time (source, (due + 999) / 1000);
  g_source_set_callback (source, on_arrival, call, NULL);
  g_source_attach (source, call->ctx);
  g_source_unref (source);
}

static void
job_run_item_async (const CbJob *job, guint item, GMainContext *ctx,
                    CbItemDone done, gpointer user_data)
{
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
  call->ctx = ctx;
  start_async_at_arrival (call);
}

static void
job_complete (const CbJob *job, guint item, guint64 digest)
{
  WorkerState *state = job->core;
  ItemRecord *rec;
  if (item >= job->n_items)
    {
      /* A contract violation, named by the check: complete() may be called
       * from any thread, so each call takes its own slot. */
      gint slot = g_atomic_int_add (&state->shared->n_out_of_range, 1);
      if (slot >= 0 && slot < OUT_OF_RANGE_MAX)
        state->shared->out_of_range[slot] = item;
      return;
    }
  rec = record_of (job, item);
  rec->t_complete = shared_now_ns ();
  rec->digest = digest;
  if (state->relayed)
    rec->run_digest = digest;
  g_atomic_int_inc (&rec->completions);
}

static void
copy_error (Shared *shared, const GError *error)
{
  g_strlcpy (shared->error, error ? error->message : "unknown error",
             ERROR_MAX);
}

/* Sizes and maps the result area.  The mapping is populated here, before
 * execute: a page first touched inside the timed region would add a page
 * fault to every 128 items' cost. */
static Shared *
worker_map (int fd, guint n_items, gboolean latency_bound, GError **error)
{
  gsize size = shared_area_size (n_items, latency_bound);
  if (ftruncate (fd, size) != 0)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot size the result area: %s", g_strerror (errno));
      return NULL;
    }
  Shared *shared = mmap (NULL, size, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_POPULATE, fd, 0);
  if (shared == MAP_FAILED)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot map the result area: %s", g_strerror (errno));
      return NULL;
    }
  shared->magic = SHARED_MAGIC;
  shared->n_items = n_items;
  shared->latency_bound = latency_bound;
  return shared;
}

void
cb_worker_fail_early (int fd, const GError *error, gboolean refused_params)
{
  g_autoptr (GError) local = NULL;
  Shared *shared = worker_map (fd, 0, FALSE, &local);
  if (shared == NULL)
    return;
  copy_error (shared, error);
  shared->refused_params = refused_params;
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

/* A row that needs more descriptors than the soft limit gets what the hard
 * limit allows, as a server raising its own limit would; lim is updated. */
static void
raise_fd_limit (struct rlimit *lim, guint64 want)
{
  struct rlimit raised = *lim;
  raised.rlim_cur = lim->rlim_max == RLIM_INFINITY ? want
                                                   : MIN (want, lim->rlim_max);
  if (raised.rlim_cur > lim->rlim_cur
      && setrlimit (RLIMIT_NOFILE, &raised) == 0)
    *lim = raised;
}

/* Refuses a run the resource limits cannot allow, with the limit's name,
 * rather than let it die half-way with whatever the first failing call
 * says. */
static gboolean
check_limits (const CbStrategyClass *st, const CbParams *params, guint n,
              const CbResources *workload_need, GError **error)
{
  CbResources need = *workload_need;
  struct rlimit lim;

  if (st->resources != NULL)
    {
      CbResources own = { 0 };
      st->resources (params, n, &own);
      need.threads += own.threads;
      need.processes += own.processes;
      need.fds += own.fds;
    }
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
        raise_fd_limit (&lim, open_now + need.fds);
      if (open_now + need.fds > lim.rlim_cur)
        {
          g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                       "needs %" G_GUINT64_FORMAT " more file descriptors "
                       "but RLIMIT_NOFILE (ulimit -n) is %llu (hard %llu) "
                       "with %" G_GUINT64_FORMAT " open",
                       need.fds, (unsigned long long) lim.rlim_cur,
                       (unsigned long long) lim.rlim_max, open_now);
          return FALSE;
        }
    }
  return TRUE;
}

/* A strategy that relays digests runs its items where the core cannot hold
 * them until their arrival (another host's item server): an open-loop row
 * of it would time latencies from a schedule nothing kept. */
static gboolean
check_open_loop (const CbBenchmark *bench, gboolean relayed, GError **error)
{
  if (bench->rate <= 0 || !relayed)
    return TRUE;
  g_set_error_literal (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                       "its items run where the core cannot hold them until "
                       "their arrival: no open-loop rows (--rate)");
  return FALSE;
}

/* CPU seconds and page faults of this process's threads plus its reaped
 * children. */
static void
cpu_now (double *user, double *sys, guint64 *faults)
{
  struct rusage self, children;
  getrusage (RUSAGE_SELF, &self);
  getrusage (RUSAGE_CHILDREN, &children);
  *user = shared_timeval_seconds (self.ru_utime)
          + shared_timeval_seconds (children.ru_utime);
  *sys = shared_timeval_seconds (self.ru_stime)
         + shared_timeval_seconds (children.ru_stime);
  *faults = (guint64) (self.ru_minflt + self.ru_majflt + children.ru_minflt
                       + children.ru_majflt);
}

/* What the worker can say of its own memory when execute returns, before
 * it exits: a run shorter than one sample would otherwise show none. */
static void
take_final_reading (Shared *shared)
{
  g_autoptr (CbProcTree) tree = cb_proc_tree_new (getpgrp (), NULL);
  CbTreeMemory mem;
  struct rusage children;

  if (cb_proc_tree_sample (tree, &mem))
    {
      shared->final_pss = mem.pss;
      shared->final_rss = mem.rss;
    }
  if (getrusage (RUSAGE_CHILDREN, &children) == 0)
    shared->children_maxrss = (guint64) children.ru_maxrss * 1024;
  shared->worker_hwm = cb_proc_self_hwm ();
}

static guint64
timer_slack_now (void)
{
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_GET_TIMERSLACK)
  int slack = prctl (PR_GET_TIMERSLACK, 0, 0, 0, 0);
  return slack > 0 ? (guint64) slack : 0;
#else
  return 0;
#endif
}

/* What the parent needs of the items and cannot ask a workload it has no
 * instance of: their waits and computing (for the ideal time) and the bytes
 * they move (for throughput), the same in every run. */
static void
record_item_facts (const CbPlugin *plugin, gpointer workload, Shared *shared)
{
  const CbWorkloadClass *wk = plugin->desc->workload;
  guint n = shared->n_items;

  shared->has_compute = shared->latency_bound
                        && cb_plugin_workload_has_compute (plugin);
  for (guint i = 0; i < n && shared->latency_bound; i++)
    {
      shared_waits (shared)[i] = wk->item_wait (workload, i);
      shared_computes (shared)[i]
          = shared->has_compute
                ? cb_plugin_workload_item_compute (plugin, workload, i)
                : 0.0;
    }
  shared->total_bytes = 0;
  for (guint i = 0; i < n; i++)
    shared->total_bytes += cb_plugin_workload_item_bytes (plugin, workload, i);
}

/* Creates the workload and the result area it needs; FALSE when either
 * fails (the area then holds the reason, when it could be made). */
static gboolean
prepare_state (const CbBenchmark *bench, guint64 seed, int fd,
               WorkerState *state, GError **error)
{
  const CbWorkloadClass *wk = state->klass;
  CbParams wparams = cb_param_set_view (bench->workload_params);

  state->workload = wk->create (&wparams, seed, error);
  if (state->workload == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, CB_PLUGIN_ERROR, 0,
                             "workload create failed");
      g_prefix_error (error, "workload %s: ", wk->name);
      cb_worker_fail_early (fd, error ? *error : NULL,
                            error != NULL
                                && g_error_matches (*error, CB_PLUGIN_ERROR,
                                                    CB_PLUGIN_ERROR_INVALID));
      return FALSE;
    }
  guint n = wk->n_items (state->workload);
  state->shared = worker_map (fd, n, wk->item_wait != NULL, error);
  if (state->shared == NULL)
    {
      wk->destroy (state->workload);
      return FALSE;
    }
  record_item_facts (bench->workload, state->workload, state->shared);
  return TRUE;
}

/* Runs execute between the two clock, CPU and counter readings.  The
 * counters are inherited by every thread and child execute creates; its
 * children have exited when it returns, so their counts are in. */
static gboolean
timed_execute (const CbStrategyClass *st, const CbJob *job, Shared *shared,
               guint32 counters, GError **error)
{
  double user0, sys0, user1, sys1;
  guint64 faults0, faults1;
  g_autoptr (CbCounters) perf = cb_counters_open (counters);
  cb_counters_enable (perf);
  cpu_now (&user0, &sys0, &faults0);
  shared->t_start = shared_now_ns ();
  gboolean ok = st->execute (job, error);
  shared->t_end = shared_now_ns ();
  cpu_now (&user1, &sys1, &faults1);
  cb_counters_read (perf, &shared->counters);
  shared->faults = faults1 - faults0;
  shared->cpu_user = user1 - user0;
  shared->cpu_sys = sys1 - sys0;
  return ok;
}

int
cb_worker_run (const CbBenchmark *bench, guint64 seed, guint32 counters,
               int fd)
{
  const CbWorkloadClass *wk = bench->workload->desc->workload;
  const CbStrategyClass *st = bench->strategy->desc->strategy;
  CbParams sparams = cb_param_set_view (bench->strategy_params);
  g_autoptr (GError) error = NULL;
  WorkerState state = { NULL, wk, NULL, FALSE, NULL };
  CbJob job = { 0 };

  if (!prepare_state (bench, seed, fd, &state, &error))
    return 1;
  guint n = state.shared->n_items;
  job.n_items = n;
  job.params = &sparams;
  job.run_item = job_run_item;
  job.can_run_async = wk->run_async != NULL;
  job.run_item_async = job_run_item_async;
  job.complete = job_complete;
  job.core = &state;
  if (bench->rate > 0)
    state.arrivals = cb_arrivals_schedule (bench->arrivals, bench->rate, seed,
                                           n);
  state.relayed = (cb_plugin_strategy_flags (bench->strategy)
                   & CB_STRATEGY_RELAYS_DIGESTS) != 0;
  if (cb_plugin_workload_has_steps (bench->workload))
    job.steps = cb_steps_table ();
  g_autoptr (CbWorkloadRecipe) recipe = cb_job_recipe_new (bench, seed, fd);
  job.recipe = recipe;
  g_autoptr (CbJobReportsState) reports = cb_job_reports_new (state.shared);
  state.reports = reports;
  job.reports = cb_job_reports_table ();

  state.shared->slots = st->slots (&sparams, n, job.can_run_async
                                   || job.steps != NULL);
  state.shared->chunk = st->chunk ? st->chunk (&sparams) : 1;
  state.shared->can_async = job.can_run_async;
  state.shared->timer_slack = timer_slack_now ();

  CbResources wk_need;
  cb_steps_workload_needs (bench->workload, state.workload,
                           state.shared->slots, &wk_need);
  gboolean ok = check_open_loop (bench, state.relayed, &error)
                && check_limits (st, &sparams, n, &wk_need, &error)
                && timed_execute (st, &job, state.shared, counters, &error)
                && cb_job_reports_write (reports, fd, &error);
  state.shared->finished = 1;
  take_final_reading (state.shared);
  if (!ok)
    {
      if (error == NULL)
        error = g_error_new_literal (CB_PLUGIN_ERROR, 0,
                                     "execute failed without a message");
      g_prefix_error (&error, "strategy %s: ", st->name);
      copy_error (state.shared, error);
    }
  state.shared->ok = ok;
  g_free (state.arrivals);
  wk->destroy (state.workload);
  return ok ? 0 : 1;
}
