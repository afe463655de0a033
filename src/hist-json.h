/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON form of a histogram (doc/results-json.md, "Histograms"):
 *   {"unit": "ns", "significant_digits": 3, "count": N, "clamped": K,
 *    "min": ..., "max": ..., "sum": ..., "buckets": [[lower, count], ...]}
 * with only the non-empty buckets, by increasing lower bound.  Two of them
 * merge by adding counts, clamped, sums and bucket counts of equal lower
 * bounds, and taking the smaller min and larger max. */
#pragma once

#include <json-glib/json-glib.h>

#include "hist.h"

G_BEGIN_DECLS

/* Adds one object value to b (as a member's value or an array element). */
void cb_hist_to_json (const CbHist *hist, JsonBuilder *b);

/* Strict: a missing or mistyped member, a negative or inconsistent figure
 * is a CB_ERROR_USAGE error starting "histogram: ".  Members it does not
 * know are ignored, as later versions may add some. */
CbHist *cb_hist_from_json (JsonNode *node, GError **error);

G_END_DECLS
