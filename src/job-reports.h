/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core's side of CbJobReports (ABI 1.4) in the worker: when the
 * strategy's workers were up (started), and what each worker the core
 * cannot see used (worker_usage), kept for the runner in the result
 * area. */
#pragma once

#include <concbench/plugin.h>

#include "shared-area.h"

typedef struct CbJobReportsState CbJobReportsState;

CbJobReportsState *cb_job_reports_new (Shared *shared);
void cb_job_reports_free (CbJobReportsState *state);

/* The table a CbJob points to; its functions find their state in the
 * job's CbWorkerState (steps.h). */
const CbJobReports *cb_job_reports_table (void);

/* Once execute has returned: grows the result area fd and writes the kept
 * worker records after its items (shared_workers_offset).  FALSE with
 * error set when the area cannot grow; the records are then lost, and
 * nothing else. */
gboolean cb_job_reports_write (CbJobReportsState *state, int fd,
                               GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbJobReportsState, cb_job_reports_free)
