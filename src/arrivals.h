/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The open-loop load model (issue 16): when each item is meant to arrive,
 * at a target rate, with constant or Poisson gaps.  Glib-only, so that the
 * worker computes the schedule it waits on and the runner the same one to
 * time latencies from. */
#pragma once

#include <glib.h>

typedef enum {
  CB_ARRIVALS_CONSTANT, /* exactly 1/rate apart */
  CB_ARRIVALS_POISSON,  /* exponential gaps of mean 1/rate, seeded */
} CbArrivals;

/* The highest rate accepted, items per second: a gap of 1 ns. */
#define CB_RATE_MAX 1e9

/* "constant" or "poisson"; FALSE for anything else. */
gboolean cb_arrivals_parse (const char *name, CbArrivals *out);
const char *cb_arrivals_name (CbArrivals arrivals);

/* The intended arrival of each of n items, in nanoseconds after the run's
 * start; item 0 arrives at 0.  The same (arrivals, rate, seed, n) always
 * give the same schedule.  rate > 0.  Free with g_free. */
gint64 *cb_arrivals_schedule (CbArrivals arrivals, double rate, guint64 seed,
                              guint n);

/* Sleeps until deadline (CLOCK_MONOTONIC ns), absolutely: however late the
 * caller was scheduled, the next deadline does not slide. */
void cb_arrivals_wait_until (gint64 deadline);
