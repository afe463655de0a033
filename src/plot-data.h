/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a scaling chart shows, before any drawing: per workload (a block),
 * the rows with a worker count grouped into families of points, and the rows
 * without one as horizontal references.  A row's worker count is the
 * parameter its strategy names as worker_param (ABI 1.1); its reference is
 * the baseline's when the strategy is flagged CB_STRATEGY_BASELINE.  Rows
 * that failed or did not run are left out. */
#pragma once

#include <glib.h>

#include "report.h"

G_BEGIN_DECLS

typedef struct {
  double workers;
  double mean, low, high, ideal, memory; /* seconds; MiB */
} CbPlotPoint;

typedef struct {
  char *label;              /* "gthreadpool", "procpool chunk=5" */
  const char *worker_param; /* "threads", "loops": the strategy's */
  GArray *points;           /* CbPlotPoint, by workers */
  guint color;              /* palette index */
} CbPlotFamily;

typedef struct {
  char *label; /* "sequential", "gmainloop mode=async" */
  double mean, memory;
  gboolean baseline; /* its strategy is flagged CB_STRATEGY_BASELINE */
  guint color;       /* palette index; G_MAXUINT (black) for a baseline */
} CbPlotRef;

typedef struct {
  char *key;           /* workload_key */
  GPtrArray *families; /* CbPlotFamily* */
  GPtrArray *refs;     /* CbPlotRef* */
  char *workers_title; /* the families' worker params: "threads, processes" */
} CbPlotBlock;

typedef enum {
  CB_PLOT_TIME,
  CB_PLOT_MEMORY,
} CbPlotQuantity;

/* CbPlotBlock*, in the order workloads first appear in the report. */
GPtrArray *cb_plot_collect_blocks (const CbReport *report);

/* The axis ranges of a block's panels, with some room around the data:
 * workers (log2), and time (log) or memory (linear, from 0). */
void cb_plot_x_range (const CbPlotBlock *block, double *lo, double *hi);
void cb_plot_y_range (const CbPlotBlock *block, CbPlotQuantity quantity,
                      double *lo, double *hi);

G_END_DECLS
