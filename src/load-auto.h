/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --rate auto (issue 16): each row's capacity from a closed run, then a
 * sweep of open-loop rows around it, more points near the knee. */
#pragma once

#include "plan.h"
#include "results.h"

/* The sweep, as fractions of the capacity. */
#define CB_LOAD_AUTO_POINTS 10
extern const double cb_load_auto_factors[CB_LOAD_AUTO_POINTS];

/* Items per second of a closed row: items over its mean wall time; NAN
 * when it has no successful run. */
double cb_load_capacity (CbResult *closed);

/* Runs plan's rows closed (the capacity runs), then, unless interrupted,
 * one open-loop row per factor of each requested row's capacity, which
 * *open_plan owns.  Returns every result, the closed rows first, indexed
 * in that order. */
GPtrArray *cb_load_auto_run (CbRunner *runner, const CbPlan *plan,
                             gboolean progress, CbPlan **open_plan);
