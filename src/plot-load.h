/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The latency-throughput chart of a rate sweep (issue 16): --plot of a
 * report with open-loop rows draws, instead of the scaling chart, response
 * latency p50 (dashed) and p99 (solid) on a log axis against achieved
 * throughput, one line per strategy (the row without its rate): where a
 * line turns up is where that strategy stops keeping up. */
#pragma once

#include <cairo.h>

#include "report.h"

/* Whether report has an open-loop row to draw. */
gboolean cb_plot_load_wanted (const CbReport *report);
double cb_plot_load_height (const CbReport *report);
void cb_plot_load_draw (cairo_t *cr, const CbReport *report, double width,
                        double height);
