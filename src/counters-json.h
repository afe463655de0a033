/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The perf counters' members of the results JSON (doc/results-json.md):
 * each run's values, each row's means, and the report's notes.  Each is
 * left out where nothing was counted, so the member stays optional. */
#pragma once

#include <json-glib/json-glib.h>

#include "report.h"

/* "counters" of one run: counted values, task-clock in seconds. */
void cb_json_add_run_counters (JsonBuilder *b, const CbRunSample *s);
/* "counters" (means, and IPC) and "counters_scaled" of one row. */
void cb_json_add_row_counters (JsonBuilder *b, const CbResult *r);
/* "counters" of the report: what the workers counted, and the notes. */
void cb_json_add_report_counters (JsonBuilder *b, const CbReport *report);
