/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a whole suite: warm-ups, measured runs (interleaved round-robin by
 * default), --runs auto, progress, and stopping on interrupt. */
#pragma once

#include "plan.h"
#include "results.h"

/* Runs the plan's requested rows, then, unless interrupted, its added
 * baselines whose workload has a successful row.  Returns the results in
 * suite order (an added baseline that was not wanted has none); never NULL.
 * A failed row never stops the suite; an interrupt does, leaving the rows not
 * finished marked.  progress: a status line on stderr. */
GPtrArray *cb_session_run (CbRunner *runner, const CbPlan *plan,
                           gboolean progress);
