/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Distribution functions stats.c needs beyond its public API. */
#pragma once

#include "stats.h"

/* Upper tail P(Z > z) of the standard normal. */
double cb_normal_sf (double z);
/* Quantile of Student's t with real df > 0 (Welch's df is not an integer);
 * p = 0 and 1 give -/+INFINITY, df <= 0 or p outside [0, 1] NAN. */
double cb_student_t_quantile_df (double p, double df);

/* Upper tail P(K > lambda) of the Kolmogorov distribution, the limit of
 * sqrt(n) D_n; 1 for lambda <= 0, NAN for NAN. */
double cb_kolmogorov_sf (double lambda);
/* One-sample Kolmogorov–Smirnov test of x[0..n) against the exponential
 * distribution of the given rate (mean 1/rate): returns the statistic
 * D = sup |F_n - F| and, if p_value is not NULL, its asymptotic p-value
 * P(K > (sqrt(n) + 0.12 + 0.11/sqrt(n)) D) (Stephens' correction, good
 * from n = 5 on).  x is not modified.  NAN (both) for n = 0, a rate that
 * is not finite and positive, or a sample that is not finite. */
double cb_ks_exponential (const double *x, guint n, double rate,
                          double *p_value);
