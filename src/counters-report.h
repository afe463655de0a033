/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a run's report says of the perf counters: the table's counter
 * columns (--counters), the notes said once for the whole report, and the
 * footer sentence. */
#pragma once

#include "report.h"

/* What every run of every row says of the counters' state (counters.h). */
void cb_report_counter_state (const CbReport *report, CbCounterReading *state);
/* The notes on the counters the workers counted, once each ("hardware
 * counters: not exposed by this machine"); empty when none. */
GStrv cb_report_counter_notes (const CbReport *report);

/* The table's counter columns, after the fixed ones: how many, their
 * headers from column first on, and one row's cells. */
guint cb_report_counter_columns (const CbReport *report);
void cb_report_counter_headers (CbTable *table, guint first,
                                const CbReport *report);
void cb_report_counter_cells (CbTable *table, guint row, guint first,
                              const CbReport *report, const CbResult *r);

/* "Counters: perf_event_open over each worker's tree, ..."; NULL when the
 * table shows no counter. */
char *cb_report_counters_sentence (const CbReport *report);

/* The CSV's counter fields: with r NULL the column names
 * ("counter_task-clock", ...), one per counter any run requested, and
 * "counter_ipc" where cycles and instructions were; else r's means (NULL:
 * empty).  Free with g_ptr_array_unref. */
GPtrArray *cb_report_counter_fields (const CbReport *report,
                                     const CbResult *r);
