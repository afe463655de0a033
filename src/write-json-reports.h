/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON writer's members for CbJobReports (ABI 1.4): start-up and the
 * items' time, and the remote workers' usage per host (run-reports.h).
 * Every member is optional: a row whose strategy reported nothing has
 * none of them. */
#pragma once

#include <json-glib/json-glib.h>

#include "results.h"

/* In a run: "startup" and "items_time". */
void cb_json_reports_add_run (JsonBuilder *b, const CbRunSample *s);
/* In a row's "stats": "startup" and "items_time". */
void cb_json_reports_add_stats (JsonBuilder *b, const CbResult *r,
                                gboolean known);
/* In a row: "memory_scope", "workers", "worker_hosts", "workers_run" and
 * "workers_dropped". */
void cb_json_reports_add_workers (JsonBuilder *b, const CbResult *r);
