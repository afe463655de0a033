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
#define SHARED_MAGIC 0x43425231u /* "CBR1" */
#define ERROR_MAX 1024
#define OUT_OF_RANGE_MAX 10 /* out-of-range items kept to be named */

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
  gint32 n_out_of_range; /* complete() calls for an item >= n_items */
  guint32 out_of_range[OUT_OF_RANGE_MAX]; /* the first of those items */
  char error[ERROR_MAX];
  ItemRecord items[];
} Shared;

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
