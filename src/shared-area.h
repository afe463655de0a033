/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The result area: how the worker hands its results to the runner.  Private
 * to the two sides of one concbench executable, so neither versioned nor
 * installed. */
#pragma once

#include <glib.h>
#include <sys/time.h>
#include <time.h>

/* Results travel from the worker to the runner in a memfd the worker sizes
 * once it knows the item count.  The mapping is shared, so the worker's own
 * forked children (a process pool) write their item records into it too. */
#define SHARED_MAGIC 0x43425232u /* "CBR2" */
#define ERROR_MAX 1024
#define OUT_OF_RANGE_MAX 10 /* out-of-range items kept to be named */

/* One per item, written inside the timed region: kept to 32 bytes (it was
 * 56), because each page of records is a page fault and a cache miss the
 * measurement would otherwise include.  What can be derived is not stored:
 * the run's start and end become one duration, the waits, the same for
 * every run, live apart from the records, and the count of runs, which
 * nothing read, is gone with its atomic increment. */
typedef struct {
  guint64 digest;     /* as passed to complete() */
  guint64 run_digest; /* as the workload returned it */
  gint64 t_complete;  /* CLOCK_MONOTONIC ns */
  float service;      /* seconds inside the workload's run: 24 bits of
                       * mantissa, 0.1 ppm, ample for a duration */
  gint completions;   /* complete() calls, counted atomically */
} ItemRecord;
G_STATIC_ASSERT (sizeof (ItemRecord) == 32);

typedef struct {
  guint32 magic;
  guint32 n_items;
  guint32 slots, chunk;
  gint32 latency_bound, can_async;
  gint32 finished; /* execute returned */
  gint32 ok;
  gint32 refused_params; /* create refused them (CB_PLUGIN_ERROR_INVALID) */
  gint64 t_start, t_end;
  double cpu_user, cpu_sys; /* over execute, children reaped in it included */
  guint64 worker_hwm;
  /* The worker's own memory reading when execute returned, so that a run
   * shorter than one sample is still measured; bytes, 0 when unknown. */
  guint64 final_pss, final_rss; /* its process group at that moment */
  guint64 children_maxrss;      /* the largest child it had reaped */
  guint64 timer_slack;          /* ns, PR_GET_TIMERSLACK; 0 when unknown */
  gint32 n_out_of_range; /* complete() calls for an item >= n_items */
  guint32 out_of_range[OUT_OF_RANGE_MAX]; /* the first of those items */
  char error[ERROR_MAX];
  ItemRecord items[];
  /* then, when latency_bound, n_items doubles: each item's wait */
} Shared;

static inline gsize
shared_area_size (guint n_items, gboolean latency_bound)
{
  return sizeof (Shared) + (gsize) n_items * sizeof (ItemRecord)
         + (latency_bound ? (gsize) n_items * sizeof (double) : 0);
}

static inline double *
shared_waits (const Shared *shared)
{
  return (double *) (shared->items + shared->n_items);
}

/* Both sides stamp times with this clock, so they can be subtracted. */
static inline gint64
shared_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static inline double
shared_timeval_seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}
