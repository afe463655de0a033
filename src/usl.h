/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Gunther's Universal Scalability Law fitted to worker sweeps:
 *   X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 * X the throughput (items per second), N the worker count, sigma the
 * contention, kappa the coherency cost, lambda the one-worker rate.  The
 * fit is least squares on X, by Levenberg-Marquardt with sigma, kappa >= 0,
 * started from the linear fit of N/X, a quadratic in N.
 *
 * A sweep is a plot family (plot-data.h): the rows of one workload key and
 * one strategy with its other parameters, the worker_param varying. */
#pragma once

#include <glib.h>

#include "plot-data.h"
#include "report.h"

G_BEGIN_DECLS

/* A family needs this many distinct worker counts to be fitted. */
#define CB_USL_MIN_POINTS 4

typedef struct {
  double lambda, sigma, kappa;
  double peak;      /* N* = sqrt ((1 - sigma) / kappa); INFINITY when kappa = 0 */
  double r_squared; /* NAN when every X is the same */
  guint n_points;
} CbUslFit;

/* Fits n[i], x[i] (x > 0); FALSE, out untouched, with fewer than
 * CB_USL_MIN_POINTS distinct n, a non-finite or non-positive value, or no
 * fit found. */
gboolean cb_usl_fit (const double *n, const double *x, guint len,
                     CbUslFit *out);
/* X(n) of a fit. */
double cb_usl_throughput (const CbUslFit *fit, double n);

/* A plot family's points, X = items / mean; FALSE as cb_usl_fit. */
gboolean cb_usl_fit_family (const CbPlotFamily *family, double items,
                            CbUslFit *out);

typedef struct {
  char *workload_key;
  char *label;              /* the family's: "gthreadpool", "procpool chunk=5" */
  const char *worker_param; /* "threads" */
  double items;             /* per run: the time of N workers is items / X(N) */
  CbUslFit fit;
} CbUslLaw;

void cb_usl_law_free (CbUslLaw *law);
/* CbUslLaw*, one per family of the report that could be fitted, in the
 * order of the plot's blocks and families. */
GPtrArray *cb_usl_laws (const CbReport *report);
/* "USL gthreadpool threads on api items=50: σ=0.021 κ=0.0004 peak at
 * N≈49, R²=0.98", display text made by text(). */
char *cb_usl_sentence (const CbUslLaw *law, CbTextFunc text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbUslLaw, cb_usl_law_free)

G_END_DECLS
