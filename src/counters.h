/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Performance counters of a run, through perf_event_open on the worker's
 * whole tree: what the worker opens and reads around execute, how the
 * reading travels in the shared area, the --counters names, and what is
 * said of counters that could not be counted.  GLib only: the worker
 * program links it. */
#pragma once

#include <glib.h>

typedef enum {
  CB_COUNTER_TASK_CLOCK, /* ns of CPU time */
  CB_COUNTER_CONTEXT_SWITCHES,
  CB_COUNTER_CPU_MIGRATIONS,
  CB_COUNTER_PAGE_FAULTS,
  CB_COUNTER_CYCLES,
  CB_COUNTER_INSTRUCTIONS,
  CB_COUNTER_CACHE_MISSES,
  CB_COUNTER_BRANCH_MISSES,
  CB_N_COUNTERS
} CbCounter;

#define CB_COUNTER_BIT(c) (1u << (c))
#define CB_COUNTERS_SOFTWARE 0x0fu
#define CB_COUNTERS_HARDWARE 0xf0u
#define CB_COUNTERS_ALL 0xffu

/* A counter the kernel counts only in kernel context (context switches,
 * migrations): kept from a worker that may count user space only. */
#define CB_COUNTER_ERRNO_KERNEL_ONLY (-1)

/* One run's reading, as it travels in the shared area: plain data of a
 * fixed size. */
typedef struct {
  guint32 requested; /* CB_COUNTER_BIT()s asked for */
  guint32 counted;   /* those with a value */
  guint32 scaled;    /* multiplexed: the value is extrapolated from the
                      * time the counter ran */
  guint32 user_only; /* counted with exclude_kernel */
  gint32 paranoid;   /* perf_event_paranoid as the worker read it; -100:
                      * unknown */
  gint32 errnos[CB_N_COUNTERS]; /* why a requested counter has no value */
  guint64 values[CB_N_COUNTERS];
} CbCounterReading;

/* Per-row figures over the runs that counted each counter. */
typedef struct {
  guint32 counted; /* counted in at least one run */
  guint32 scaled;  /* scaled in at least one run */
  double mean[CB_N_COUNTERS]; /* task-clock in seconds, the rest counts */
  double ipc;                 /* instructions / cycles; NAN when unknown */
} CbCounterMeans;

/* ---- names ---- */

/* "task-clock", "cycles", ... */
const char *cb_counter_name (CbCounter counter);
gboolean cb_counter_is_hardware (CbCounter counter);
/* A comma-separated list of counter names, "ipc" (cycles and instructions),
 * "software", "hardware", "all" or "none", into CB_COUNTER_BIT()s; an
 * unknown or empty name is a CB_ERROR_USAGE naming it. */
gboolean cb_counters_parse (const char *list, guint32 *mask, GError **error);

/* ---- the worker side ---- */

typedef struct CbCounters CbCounters;

/* Opens the requested counters, disabled, on this process (pid 0, any CPU)
 * with inherit, so that every thread and child created afterwards counts
 * too.  Never fails: what cannot be opened is recorded with its errno. */
CbCounters *cb_counters_open (guint32 requested);
void cb_counters_enable (CbCounters *counters);
/* Stops them and reads them into out.  A child's counts join its parent's
 * when the child exits, so children must have exited (execute reaps them)
 * for their counts to be in; threads still alive are summed in too. */
void cb_counters_read (CbCounters *counters, CbCounterReading *out);
void cb_counters_close (CbCounters *counters);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbCounters, cb_counters_close)

/* ---- the supervisor side ---- */

/* The means of n readings. */
void cb_counter_means_compute (const CbCounterReading *readings, guint n,
                               CbCounterMeans *out);
/* Gathers into acc what every reading says about the counters' state (the
 * values are not summed): acc starts zeroed. */
void cb_counters_merge_state (CbCounterReading *acc,
                              const CbCounterReading *reading);
/* One line per reason a requested counter was not counted, or counted
 * differently ("hardware counters: not exposed by this machine"), for the
 * counters in shown; an empty vector when there is nothing to say. */
GStrv cb_counters_notes (const CbCounterReading *state, guint32 shown);
