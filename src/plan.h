/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The run plan: the suite to run and the settings to run it with, worked out
 * once from the command line, the suite file or preset, and the defaults,
 * before anything runs.  Everything downstream reads it and changes nothing. */
#pragma once

#include "cli.h"
#include "registry.h"
#include "runner.h"
#include "suite.h"

/* When the command line and the suite say nothing. */
#define CB_PLAN_DEFAULT_WARMUPS 1
#define CB_PLAN_DEFAULT_RUNS 3

typedef struct {
  CbRunOptions run; /* seed; timeout (<= 0: derived per benchmark); memory
                     * interval in seconds (0: not sampled) */
  guint warmups;
  guint runs;       /* 0: auto */
  char *runs_text;  /* "auto" or the number: the one spelling every output
                     * prints */
  double max_time;  /* auto: the time budget per benchmark */
  gboolean interleave;
  gboolean memory_sampled; /* FALSE: memory figures are the worker's
                            * ru_maxrss */
  /* --rate auto: the rows are closed runs whose capacity sets the rates
   * of the open-loop rows run after them, with these arrivals. */
  gboolean rate_auto;
  CbArrivals arrivals;
} CbPlanSettings;

typedef struct {
  /* Read-only from here on.  Its first n_requested rows are the ones asked
   * for; the rest are baseline rows added for efficiency. */
  const CbSuite *suite;
  guint n_requested;
  CbPlanSettings settings;
} CbPlan;

/* Builds the suite (a --suite file, a preset, or -w/-s on a preset's scale,
 * then -p and --filter), settles every setting (command line over suite over
 * the defaults), and appends a row of the registry's baseline strategy for
 * each CPU-bound workload that has none.  Bad input is CB_ERROR_USAGE. */
CbPlan *cb_plan_new (const CbRegistry *registry, const CbOptions *options,
                     GError **error);
void cb_plan_free (CbPlan *plan);

/* Seconds one run of a benchmark may take: --timeout when given, else
 * generous over what is known of the benchmark (info, from its first run):
 * the sum of its waits when latency-bound, else longest_run, the longest
 * run so far (0: none yet), or before either is known 60 s. */
double cb_plan_run_timeout (const CbPlan *plan, const CbBenchInfo *info,
                            double longest_run);

/* Seconds one run of a benchmark is expected to take, what its timeout is
 * derived from: the sum of its waits when latency-bound, else the longest
 * run so far; NAN before either is known.  For the progress line's ETA. */
double cb_plan_run_estimate (const CbBenchInfo *info, double longest_run);

/* Whether row i of the plan's suite is a baseline added for efficiency. */
gboolean cb_plan_row_is_added (const CbPlan *plan, guint i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbPlan, cb_plan_free)
