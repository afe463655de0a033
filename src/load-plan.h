/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plan's side of the open-loop load (issue 16): reading --rate and
 * --arrivals (or a suite's rate= and arrivals=) and turning every row into
 * one row per target rate. */
#pragma once

#include "suite.h"

/* What --rate asks for: nothing (closed rows), a list of rates, or auto
 * (each row's capacity found from a closed run first). */
typedef struct {
  GArray *rates; /* double items per second; NULL: none given */
  gboolean is_auto;
  CbArrivals arrivals;
} CbLoadRequest;

/* Checks --rate's text: "auto" or rates above 0, comma-separated;
 * CB_ERROR_USAGE naming option (the option or suite key) otherwise. */
gboolean cb_load_check_rate (const char *option, const char *text,
                             GError **error);
/* Checks --arrivals' text: constant or poisson. */
gboolean cb_load_check_arrivals (const char *option, const char *text,
                                 GError **error);
/* Fills request from the texts (NULL: not given); both already checked. */
void cb_load_request_init (CbLoadRequest *request, const char *rate,
                           const char *arrivals);
void cb_load_request_clear (CbLoadRequest *request);

/* A copy of bench (named) as an open-loop row at rate: "NAME @ R/s". */
CbBenchmark *cb_load_open_row (const CbBenchmark *bench, double rate,
                               CbArrivals arrivals);

/* Replaces each of the first n_rows benchmarks of suite by one row per
 * rate, named after it ("NAME @ 200/s"); the rows after them (added
 * baselines) stay closed.  Returns how many rows replaced the n_rows. */
guint cb_load_expand (CbSuite *suite, guint n_rows, const double *rates,
                      guint n_rates, CbArrivals arrivals);
