/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up and remote workers' usage of a run; see run-reports.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "run-reports.h"

static void
clear_record (gpointer data)
{
  CbWorkerRecord *rec = data;
  g_free (rec->host);
}

static void
fill_startup (CbRunSample *sample, const Shared *shared)
{
  gint64 t = shared->t_started;
  sample->has_startup = t != 0 && t >= shared->t_start && t <= shared->t_end;
  sample->startup = sample->has_startup ? (t - shared->t_start) / 1e9 : 0;
}

/* The records are the worker's, written after the items; a count the
 * area's size cannot hold is a broken area, and none is read. */
static void
fill_workers (CbRunSample *sample, const Shared *shared, gsize size)
{
  gsize offset = shared_workers_offset (shared);
  guint n = MIN (shared->n_workers, SHARED_WORKERS_MAX);
  const WorkerRecord *recs
      = (const WorkerRecord *) ((const guint8 *) shared + offset);

  sample->workers_dropped = shared->workers_dropped;
  if (n == 0 || size < offset || (size - offset) / sizeof *recs < n)
    return;
  sample->workers = g_array_sized_new (FALSE, TRUE, sizeof (CbWorkerRecord),
                                       n);
  g_array_set_clear_func (sample->workers, clear_record);
  for (guint i = 0; i < n; i++)
    {
      CbWorkerRecord rec = {
        g_strndup (recs[i].host, sizeof recs[i].host), recs[i].rank,
        recs[i].peak_rss, recs[i].user_cpu, recs[i].system_cpu,
      };
      g_array_append_val (sample->workers, rec);
    }
}

void
cb_run_reports_fill (CbRunSample *sample, const Shared *shared, gsize size)
{
  fill_startup (sample, shared);
  fill_workers (sample, shared, size);
}

void
cb_run_reports_analyse (CbResult *result)
{
  guint n = result->samples->len, k = 0;
  g_autofree double *startup = g_new0 (double, n + 1);
  g_autofree double *items = g_new0 (double, n + 1);

  for (guint i = 0; i < n; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      if (!s->has_startup)
        continue;
      startup[k] = s->startup;
      items[k++] = s->wall - s->startup;
    }
  cb_stats_compute (startup, k, &result->startup);
  cb_stats_compute (items, k, &result->items_time);
}

const CbRunSample *
cb_run_reports_workers_run (const CbResult *result)
{
  for (guint i = result->samples ? result->samples->len : 0; i > 0; i--)
    {
      const CbRunSample *s
          = &g_array_index (result->samples, CbRunSample, i - 1);
      if (s->workers != NULL && s->workers->len > 0)
        return s;
    }
  return NULL;
}
