/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CbJobReports in the worker; see job-reports.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "job-reports.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "steps.h"

struct CbJobReportsState {
  Shared *shared;
  gint started;    /* atomic: started() was called */
  GMutex lock;     /* guards workers and the dropped count */
  GArray *workers; /* WorkerRecord */
};

CbJobReportsState *
cb_job_reports_new (Shared *shared)
{
  CbJobReportsState *state = g_new0 (CbJobReportsState, 1);
  state->shared = shared;
  g_mutex_init (&state->lock);
  state->workers = g_array_new (FALSE, TRUE, sizeof (WorkerRecord));
  return state;
}

void
cb_job_reports_free (CbJobReportsState *state)
{
  if (state == NULL)
    return;
  g_array_unref (state->workers);
  g_mutex_clear (&state->lock);
  g_free (state);
}

static CbJobReportsState *
state_of (const CbJob *job)
{
  CbWorkerState *worker = job->core;
  return worker->reports;
}

/* Only the first call counts: a strategy may call it from every thread
 * that sees its workers up. */
static void
reports_started (const CbJob *job)
{
  CbJobReportsState *state = state_of (job);
  if (state != NULL && g_atomic_int_compare_and_exchange (&state->started,
                                                          0, 1))
    state->shared->t_started = shared_now_ns ();
}

/* A record is copied now, so the strategy may free its strings; beyond the
 * bound, a record is counted and dropped rather than grow the area
 * without limit. */
static void
reports_worker_usage (const CbJob *job, const CbWorkerUsage *usage)
{
  CbJobReportsState *state = state_of (job);
  WorkerRecord rec = { { 0 } };

  if (state == NULL || usage == NULL)
    return;
  g_strlcpy (rec.host, usage->host ? usage->host : "", sizeof rec.host);
  rec.rank = usage->rank;
  rec.peak_rss = usage->peak_rss;
  rec.user_cpu = usage->user_cpu;
  rec.system_cpu = usage->system_cpu;
  g_mutex_lock (&state->lock);
  if (state->workers->len < SHARED_WORKERS_MAX)
    g_array_append_val (state->workers, rec);
  else
    state->shared->workers_dropped++;
  g_mutex_unlock (&state->lock);
}

static const CbJobReports reports_table = {
  .started = reports_started,
  .worker_usage = reports_worker_usage,
};

const CbJobReports *
cb_job_reports_table (void)
{
  return &reports_table;
}

gboolean
cb_job_reports_write (CbJobReportsState *state, int fd, GError **error)
{
  Shared *shared = state->shared;
  gsize offset = shared_workers_offset (shared);
  gsize len = state->workers->len * sizeof (WorkerRecord);

  if (len == 0)
    return TRUE;
  /* pwrite() past the end grows the file; the mapping stays as it was,
   * over the items, which is all the worker still writes through it. */
  if (pwrite (fd, state->workers->data, len, (off_t) offset) != (ssize_t) len)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot keep the workers' usage in the result area: %s",
                   g_strerror (errno));
      return FALSE;
    }
  shared->n_workers = state->workers->len;
  return TRUE;
}
