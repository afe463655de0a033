/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What one benchmark yielded: every run's raw values and the figures derived
 * from them. */
#pragma once

#include "load.h"
#include "runner.h"
#include "stats.h"

typedef struct {
  double p50, p90, p99, max;
} CbPercentiles;

typedef enum {
  CB_RESULT_PENDING,     /* not run (yet): an interrupted suite */
  CB_RESULT_OK,
  CB_RESULT_FAILED,
  CB_RESULT_TIMED_OUT,
} CbResultStatus;

typedef struct {
  const CbBenchmark *bench;
  guint index;           /* position in the suite */
  CbResultStatus status;
  char *error;           /* why it failed */
  guint warmups_done;
  gboolean interrupted;  /* the suite was stopped before this row finished */
  gboolean refused_params; /* failed: its workload refused its parameters */
  GArray *samples;       /* CbRunSample, measured runs only */
  CbBenchInfo info;

  /* wall: by cb_result_wall_stats(), which cb_results_analyse() calls too */
  CbStats wall;
  /* Derived by cb_results_analyse() */
  CbStats cpu, pss, rss;
  /* bytes/s per run (src/throughput.h), when the workload moves bytes */
  gboolean has_throughput;
  CbStats throughput;
  /* Over the runs whose strategy called started() (run-reports.h): its
   * start-up and the items' time, wall minus start-up; n == 0: none did */
  CbStats startup, items_time;
  double cpu_util;       /* mean CPU seconds / mean wall seconds */
  double ideal;          /* seconds; NAN when unknown */
  const char *ideal_basis; /* "waits" or "sequential/N" */
  double efficiency;     /* ideal / mean wall; NAN when unknown */
  double speedup;        /* sequential mean / mean; NAN without baseline */
  double speedup_low, speedup_high; /* its 95 % CI */
  double karp_flatt;     /* CPU-bound rows; NAN otherwise */
  CbPercentiles completion, service; /* over every item of every run */
  gboolean has_overshoot;
  double overshoot_mean, overshoot_max; /* service time over requested waits */
  guint outliers;
  guint n_leftovers;     /* processes killed after their run, all runs */
  CbCounterMeans counters; /* perf counters over the runs that counted */
  CbLoadResult load;     /* open-loop rows: load.open */
  GStrv warnings;
} CbResult;

CbResult *cb_result_new (const CbBenchmark *bench, guint index);
void cb_result_free (CbResult *result);
/* Whether the row has a measured run.  cb_results_analyse() skips rows
 * without one, leaving their derived figures zero rather than NAN: they
 * must not be shown as zeros. */
gboolean cb_result_measured (const CbResult *r);
void cb_result_fail (CbResult *result, CbResultStatus status,
                     const char *message);
/* Wall times of the measured runs, in run order; free with g_free. */
double *cb_result_walls (const CbResult *result);
/* The statistics of those wall times (result->wall), computed once for each
 * new measured run and cached until the next one. */
const CbStats *cb_result_wall_stats (CbResult *result);

/* Fills the derived figures of every result; n_cpus bounds the ideal
 * speedup of CPU-bound rows. */
void cb_results_analyse (GPtrArray *results, guint n_cpus,
                         gboolean memory_sampled);
/* The row of the same workload whose strategy is flagged
 * CB_STRATEGY_BASELINE and has a measured run, or NULL. */
const CbResult *cb_results_find_baseline (GPtrArray *results,
                                          const CbResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbResult, cb_result_free)
