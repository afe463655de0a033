/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up and remote workers in the JSON report; see
 * write-json-reports.h and doc/results-json.md. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "write-json-reports.h"
#include "json-members.h"

#include <math.h>
#include <string.h>

#include "run-reports.h"

/* A host name is never null in the report: an unknown one is "". */
static void
add_string (JsonBuilder *b, const char *name, const char *s)
{
  cb_json_add_string (b, name, s ? s : "");
}

/* Bytes as an integer; json-glib's are signed, and no worker has 8 EiB. */
static void
add_bytes (JsonBuilder *b, const char *name, guint64 v)
{
  cb_json_add_int (b, name, (gint64) MIN (v, (guint64) G_MAXINT64));
}

void
cb_json_reports_add_run (JsonBuilder *b, const CbRunSample *s)
{
  if (!s->has_startup)
    return;
  cb_json_add_double (b, "startup", s->startup);
  cb_json_add_double (b, "items_time", s->wall - s->startup);
}

/* The shape of the other statistics ("wall"), so a reader needs one. */
static void
add_stats (JsonBuilder *b, const char *name, const CbStats *st)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_int (b, "n", st->n);
  cb_json_add_double (b, "mean", st->mean);
  cb_json_add_double (b, "stddev", st->stddev);
  cb_json_add_double (b, "median", st->median);
  cb_json_add_double (b, "mad", st->mad);
  cb_json_add_double (b, "min", st->min);
  cb_json_add_double (b, "max", st->max);
  cb_json_add_double (b, "ci95_low", st->ci95_low);
  cb_json_add_double (b, "ci95_high", st->ci95_high);
  cb_json_add_double (b, "cv", st->cv);
  json_builder_end_object (b);
}

void
cb_json_reports_add_stats (JsonBuilder *b, const CbResult *r, gboolean known)
{
  if (!known || r->startup.n == 0)
    return;
  add_stats (b, "startup", &r->startup);
  add_stats (b, "items_time", &r->items_time);
}

static gint
by_host_then_rank (gconstpointer a, gconstpointer b)
{
  const CbWorkerRecord *x = a, *y = b;
  int c = strcmp (x->host, y->host);
  if (c != 0)
    return c;
  return (x->rank > y->rank) - (x->rank < y->rank);
}

static void
add_worker (JsonBuilder *b, const CbWorkerRecord *w)
{
  json_builder_begin_object (b);
  add_string (b, "host", w->host);
  cb_json_add_int (b, "rank", w->rank);
  add_bytes (b, "peak_rss", w->peak_rss);
  cb_json_add_double (b, "cpu_user", w->user_cpu);
  cb_json_add_double (b, "cpu_sys", w->system_cpu);
  json_builder_end_object (b);
}

/* One summary per host of the sorted records from first on; returns the
 * index after that host's. */
static guint
add_host (JsonBuilder *b, const GArray *sorted, guint first)
{
  const CbWorkerRecord *head
      = &g_array_index (sorted, CbWorkerRecord, first);
  CbWorkerRecord sum = { head->host, 0, 0, 0, 0 };
  guint i = first;

  for (; i < sorted->len; i++)
    {
      const CbWorkerRecord *w = &g_array_index (sorted, CbWorkerRecord, i);
      if (strcmp (w->host, head->host) != 0)
        break;
      sum.peak_rss += w->peak_rss;
      sum.user_cpu += w->user_cpu;
      sum.system_cpu += w->system_cpu;
    }
  json_builder_begin_object (b);
  add_string (b, "host", sum.host);
  cb_json_add_int (b, "workers", i - first);
  add_bytes (b, "peak_rss", sum.peak_rss);
  cb_json_add_double (b, "cpu_user", sum.user_cpu);
  cb_json_add_double (b, "cpu_sys", sum.system_cpu);
  json_builder_end_object (b);
  return i;
}

void
cb_json_reports_add_workers (JsonBuilder *b, const CbResult *r)
{
  const CbRunSample *run = cb_run_reports_workers_run (r);
  if (run == NULL)
    return;
  /* A shallow copy: the records' strings stay the sample's. */
  g_autoptr (GArray) sorted = g_array_sized_new (
      FALSE, FALSE, sizeof (CbWorkerRecord), run->workers->len);
  g_array_append_vals (sorted, run->workers->data, run->workers->len);
  g_array_sort (sorted, by_host_then_rank);

  /* Only the local process tree is in memory_pss/memory_rss. */
  add_string (b, "memory_scope", "local");
  cb_json_add_int (b, "workers_run", run - &g_array_index (r->samples, CbRunSample, 0));
  cb_json_add_int (b, "workers_dropped", run->workers_dropped);
  json_builder_set_member_name (b, "workers");
  json_builder_begin_array (b);
  for (guint i = 0; i < sorted->len; i++)
    add_worker (b, &g_array_index (sorted, CbWorkerRecord, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "worker_hosts");
  json_builder_begin_array (b);
  for (guint i = 0; i < sorted->len;)
    i = add_host (b, sorted, i);
  json_builder_end_array (b);
}
