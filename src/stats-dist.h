/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Distribution functions stats.c needs beyond its public API. */
#pragma once

#include "stats.h"

/* Upper tail P(Z > z) of the standard normal. */
double cb_normal_sf (double z);
/* Quantile of Student's t with real df > 0 (Welch's df is not an integer);
 * p = 0 and 1 give -/+INFINITY, df <= 0 or p outside [0, 1] NAN. */
double cb_student_t_quantile_df (double p, double df);
