/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing scaling charts with cairo and pango: a title naming the suite and
 * the platform, then per block of plot-data.h a row of two panels (time and
 * memory against workers) with its legend. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "plot-data.h"
#include "report.h"

G_BEGIN_DECLS

/* The chart's width, and its height for these blocks, in pixels (PNG) or
 * points (SVG). */
#define CB_PLOT_WIDTH 1280
double cb_plot_draw_height (GPtrArray *blocks);

/* Draws the whole chart of blocks (from cb_plot_collect_blocks) on cr. */
void cb_plot_draw_chart (cairo_t *cr, const CbReport *report,
                         GPtrArray *blocks, double height);

G_END_DECLS
