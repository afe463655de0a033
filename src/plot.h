/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scaling charts (--plot FILE.svg or FILE.png), drawn with cairo and pango.
 *
 * Per workload (workload_key), a row of two panels against workers (the
 * parameter the strategy declares as its worker_param, log2 axis):
 *   - mean wall time (log axis), one line per strategy family (the strategy
 *     and its other parameters, e.g. "procpool chunk=5"), error bars from the
 *     95 % CI, the ideal time as a dashed line in the family's colour; rows
 *     whose strategy declares no worker count are horizontal reference
 *     lines, a baseline's (CB_STRATEGY_BASELINE) solid black, each labelled;
 *   - peak memory (PSS, MiB, linear axis) of the same rows.
 * A legend under each row; the title names the suite and the platform.
 * Rows that failed or did not run are left out.
 */
#pragma once

#include <glib.h>

#include "report.h"

G_BEGIN_DECLS

typedef enum {
  CB_PLOT_SVG,
  CB_PLOT_PNG,
} CbPlotFormat;

/* From the extension, in any case: .svg or .png; a usage error otherwise. */
gboolean cb_plot_format_from_filename (const char *path, CbPlotFormat *out,
                                       GError **error);

/* The chart's size in pixels (PNG) or points (SVG). */
void cb_plot_size (const CbReport *report, int *width, int *height);

/* Renders the chart to a temporary file next to path and renames it over
 * path, so that an interrupted write never leaves half a chart. */
gboolean cb_plot_write (const CbReport *report, const char *path,
                        GError **error);

G_END_DECLS
