/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A log-linear histogram of non-negative integer nanoseconds, in the
 * manner of HdrHistogram, with three significant decimal digits.
 *
 * Buckets: every value below 2048 ns has a bucket of its own; above, each
 * power of two [2^k, 2^(k+1)) is cut into 1024 buckets of width 2^(k-10).
 * A bucket is therefore never wider than 1/1024 of its lower bound, and a
 * value read back (its bucket's midpoint) is within value/2048 (0.05 %) of
 * the value recorded; below 2048 ns it is exact.
 *
 * Range: 0 to CB_HIST_CLAMP_NS - 1 (2^42 - 1 ns, 73.3 minutes).  A larger
 * value is counted in the top bucket and in cb_hist_clamped(); min, max,
 * count and mean stay exact, a percentile that falls on a clamped value is
 * reported as CB_HIST_CLAMP_NS (a lower bound).
 *
 * Recording is O(1): 33 blocks of 1024 counters, each allocated the first
 * time a value of its magnitude is seen (8 KiB per power of two in use).
 * Glib only, so that the worker side can record; the JSON form is in
 * hist-json.h.  Not thread-safe: one histogram per recording thread, then
 * cb_hist_merge().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CB_HIST_SIGNIFICANT_DIGITS 3
/* The first value that no bucket holds exactly. */
#define CB_HIST_CLAMP_NS (G_GINT64_CONSTANT (1) << 42)

typedef struct CbHist CbHist;

CbHist *cb_hist_new (void);
CbHist *cb_hist_copy (const CbHist *hist);
void cb_hist_free (CbHist *hist);

/* value_ns < 0 is recorded as 0. */
void cb_hist_record (CbHist *hist, gint64 value_ns);
/* n values equal to value_ns at once. */
void cb_hist_record_n (CbHist *hist, gint64 value_ns, guint64 n);
/* into then holds exactly what recording both histograms' values would. */
void cb_hist_merge (CbHist *into, const CbHist *from);

guint64 cb_hist_count (const CbHist *hist);
/* Values above the range, counted in the top bucket. */
guint64 cb_hist_clamped (const CbHist *hist);
/* Exact; 0 for an empty histogram. */
gint64 cb_hist_min (const CbHist *hist);
gint64 cb_hist_max (const CbHist *hist);
/* Sum of the values recorded, exact while it stays below 2^53 ns. */
double cb_hist_sum (const CbHist *hist);
/* NAN for an empty histogram. */
double cb_hist_mean (const CbHist *hist);

/* Nearest-rank percentile: the value of rank max(1, ceil(p/100 * count)) in
 * sorted order, within the precision above (so p = 0 is the minimum and
 * p = 100 the maximum, both exact).  p outside [0, 100] is clamped into it
 * (NAN is a caller's bug: a critical, and 0);
 * 0 for an empty histogram. */
gint64 cb_hist_percentile (const CbHist *hist, double p);

/* The bucket of value_ns (clamped into the range): its lower bound and its
 * width in nanoseconds. */
gint64 cb_hist_bucket_lower (gint64 value_ns);
gint64 cb_hist_bucket_width (gint64 value_ns);

/* Walks the non-empty buckets in increasing order:
 *   CbHistIter it = CB_HIST_ITER_INIT;
 *   while (cb_hist_iter_next (hist, &it, &lower, &count)) ...  */
typedef struct {
  guint index;
} CbHistIter;
#define CB_HIST_ITER_INIT { 0 }
gboolean cb_hist_iter_next (const CbHist *hist, CbHistIter *iter,
                            gint64 *lower_bound, guint64 *count);

/* What a serialised histogram holds, for readers (hist-json.c): buckets by
 * lower bound, increasing, each count >= 1. */
typedef struct {
  const gint64 *lower_bounds;
  const guint64 *counts;
  guint n_buckets;
  guint64 count;
  guint64 clamped;
  gint64 min, max;
  double sum;
} CbHistParts;

/* Rebuilds a histogram from its parts, or explains (CB_ERROR_USAGE) how
 * they contradict each other: a lower bound that is no bucket's, buckets
 * out of order, counts that do not add up, min or max outside the first or
 * last bucket, a clamped count without a max above the range. */
CbHist *cb_hist_new_from_parts (const CbHistParts *parts, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbHist, cb_hist_free)

G_END_DECLS
