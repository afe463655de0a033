/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The open-loop rows of a report as a table of their own (issue 16):
 * target and achieved rate, response and service latency, the verdict; and
 * the summary line naming each strategy's highest rate kept up with. */
#pragma once

#include "report.h"

/* NULL when no row of the report ran open-loop. */
CbTable *cb_report_load_table (const CbReport *report);
/* One line per strategy (as its row names it, without the rate) that kept
 * up with some rate: "STRATEGY kept up with up to R/s (achieved A/s, p99
 * response T)"; none when no row ran open-loop. */
GPtrArray *cb_report_load_summary (const CbReport *report);
