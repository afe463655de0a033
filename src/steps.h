/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core's side of the loop-neutral asynchronous item (ABI 1.2): the
 * CbJobSteps a strategy drives, which wrap the workload's item_start,
 * item_resume and item_free with the same per-item records job_run_item
 * keeps for a blocking run, so exactly-once, digest and service-time checks
 * see no difference between the two. */
#pragma once

#include <concbench/plugin.h>

#include "registry.h"
#include "shared-area.h"

/* What the worker hands every job function in CbJob.core. */
typedef struct {
  Shared *shared;
  const CbWorkloadClass *klass;
  gpointer workload;
  gboolean relayed; /* the strategy's CB_STRATEGY_RELAYS_DIGESTS */
  struct CbJobReportsState *reports; /* job-reports.h */
  /* Open loop: each item's intended arrival, ns after shared->t_start;
   * NULL for a closed batch. */
  gint64 *arrivals;
} CbWorkerState;

/* When item is meant to arrive, CLOCK_MONOTONIC ns; 0 for a closed batch,
 * whose items are all ready at once. */
gint64 cb_worker_arrival (const CbWorkerState *state, guint item);

/* The steps of every workload with item_start; the caller checks that the
 * workload declared them (cb_plugin_workload_has_steps). */
const CbJobSteps *cb_steps_table (void);

/* What workload (of plugin) holds open with slots items in flight: its
 * fixed needs plus its per-item needs times slots. */
void cb_steps_workload_needs (const CbPlugin *plugin, gpointer workload,
                              guint slots, CbResources *out);
