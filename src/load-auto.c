/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "load-auto.h"

#include <math.h>

#include "load-plan.h"
#include "session.h"
#include "suite-private.h"

/* 10 % to 150 %, densest between 70 % and 125 %, where a strategy's
 * latency turns from flat to a queue. */
const double cb_load_auto_factors[CB_LOAD_AUTO_POINTS] = {
  0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5,
};

double
cb_load_capacity (CbResult *closed)
{
  if (closed->status != CB_RESULT_OK || closed->samples->len == 0)
    return NAN;
  const CbStats *wall = cb_result_wall_stats (closed);
  if (!(wall->mean > 0) || closed->info.n_items == 0)
    return NAN;
  return closed->info.n_items / wall->mean;
}

/* The open-loop rows of each requested row that has a capacity, in the
 * order of the rows. */
static CbSuite *
open_suite (const CbPlan *plan, GPtrArray *closed)
{
  const CbSuite *from = plan->suite;
  CbSuite *suite = cb_suite_new_empty (from->name, from->source);
  suite->description = g_strdup (from->description);
  for (guint i = 0; i < plan->n_requested && i < closed->len; i++)
    {
      double capacity = cb_load_capacity (closed->pdata[i]);
      if (!isfinite (capacity))
        continue;
      for (guint k = 0; k < CB_LOAD_AUTO_POINTS; k++)
        g_ptr_array_add (
            suite->benchmarks,
            cb_load_open_row (from->benchmarks->pdata[i],
                              MIN (cb_load_auto_factors[k] * capacity,
                                   CB_RATE_MAX),
                              plan->settings.arrivals));
    }
  return suite;
}

static CbPlan *
open_plan_new (const CbPlan *plan, GPtrArray *closed)
{
  CbPlan *open = g_new0 (CbPlan, 1);
  CbSuite *suite = open_suite (plan, closed);
  open->settings = plan->settings;
  open->settings.runs_text = g_strdup (plan->settings.runs_text);
  open->settings.rate_auto = FALSE;
  open->n_requested = suite->benchmarks->len;
  open->suite = suite;
  return open;
}

GPtrArray *
cb_load_auto_run (CbRunner *runner, const CbPlan *plan, gboolean progress,
                  CbPlan **open_plan)
{
  GPtrArray *results = cb_session_run (runner, plan, progress);
  *open_plan = NULL;
  if (cb_runner_interrupted ())
    return results;
  *open_plan = open_plan_new (plan, results);
  if ((*open_plan)->suite->benchmarks->len == 0)
    return results;
  g_autoptr (GPtrArray) open = cb_session_run (runner, *open_plan, progress);
  while (open->len > 0)
    {
      CbResult *r = g_ptr_array_steal_index (open, 0);
      r->index = results->len;
      g_ptr_array_add (results, r);
    }
  return results;
}
