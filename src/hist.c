/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The log-linear histogram of hist.h.
 *
 * Index of a value v: below 2048 it is v itself; above, with s the number
 * of bits past the top eleven (s = msb(v) - 10), it is s * 1024 + (v >> s),
 * the top eleven bits being 1024..2047.  Indices are contiguous, block b
 * (1024 counters) holds indices b * 1024 .. b * 1024 + 1023, and block 0
 * and 1 are the exact values. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "hist.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>

#include "params.h"

#define SUB_BITS 10
#define SUB_COUNT (1u << SUB_BITS)
/* The widest buckets, 2^TOP_SHIFT ns, cover [2^41, 2^42). */
#define TOP_SHIFT 31
#define N_BLOCKS (TOP_SHIFT + 2)
#define N_INDICES (N_BLOCKS * SUB_COUNT)

G_STATIC_ASSERT ((G_GINT64_CONSTANT (1) << (TOP_SHIFT + SUB_BITS + 1))
                 == CB_HIST_CLAMP_NS);

struct CbHist {
  guint64 *blocks[N_BLOCKS];     /* NULL until a value falls in it */
  guint64 block_totals[N_BLOCKS]; /* lets a percentile skip whole blocks */
  guint64 count;
  guint64 clamped;
  gint64 min;                    /* G_MAXINT64 while empty */
  gint64 max;                    /* 0 while empty */
  double sum;
};

/* v in [0, CB_HIST_CLAMP_NS). */
static inline guint
index_of (guint64 v)
{
  guint shift;

  if (v < 2 * SUB_COUNT)
    return (guint) v;
  shift = (guint) (63 - __builtin_clzll (v)) - SUB_BITS;
  return shift * SUB_COUNT + (guint) (v >> shift);
}

static guint
shift_of_index (guint index)
{
  return index < 2 * SUB_COUNT ? 0 : index / SUB_COUNT - 1;
}

static gint64
lower_of_index (guint index)
{
  guint shift = shift_of_index (index);

  return (gint64) (index - shift * SUB_COUNT) << shift;
}

static guint
index_of_value (gint64 value_ns)
{
  return index_of ((guint64) CLAMP (value_ns, 0, CB_HIST_CLAMP_NS - 1));
}

gint64
cb_hist_bucket_lower (gint64 value_ns)
{
  return lower_of_index (index_of_value (value_ns));
}

gint64
cb_hist_bucket_width (gint64 value_ns)
{
  return G_GINT64_CONSTANT (1) << shift_of_index (index_of_value (value_ns));
}

CbHist *
cb_hist_new (void)
{
  CbHist *hist = g_new0 (CbHist, 1);

  hist->min = G_MAXINT64;
  return hist;
}

void
cb_hist_free (CbHist *hist)
{
  if (hist == NULL)
    return;
  for (guint b = 0; b < N_BLOCKS; b++)
    g_free (hist->blocks[b]);
  g_free (hist);
}

CbHist *
cb_hist_copy (const CbHist *hist)
{
  CbHist *copy = cb_hist_new ();

  cb_hist_merge (copy, hist);
  return copy;
}

static guint64 *
block_for (CbHist *hist, guint b)
{
  if (G_UNLIKELY (hist->blocks[b] == NULL))
    hist->blocks[b] = g_new0 (guint64, SUB_COUNT);
  return hist->blocks[b];
}

void
cb_hist_record_n (CbHist *hist, gint64 value_ns, guint64 n)
{
  gint64 v = MAX (value_ns, 0);
  guint index;

  if (n == 0)
    return;
  index = index_of_value (v);
  block_for (hist, index / SUB_COUNT)[index % SUB_COUNT] += n;
  hist->block_totals[index / SUB_COUNT] += n;
  if (G_UNLIKELY (v >= CB_HIST_CLAMP_NS))
    hist->clamped += n;
  hist->min = MIN (hist->min, v);
  hist->max = MAX (hist->max, v);
  hist->count += n;
  hist->sum += (double) v * (double) n;
}

void
cb_hist_record (CbHist *hist, gint64 value_ns)
{
  cb_hist_record_n (hist, value_ns, 1);
}

void
cb_hist_merge (CbHist *into, const CbHist *from)
{
  for (guint b = 0; b < N_BLOCKS; b++)
    {
      guint64 *dst;

      if (from->block_totals[b] == 0)
        continue;
      dst = block_for (into, b);
      for (guint i = 0; i < SUB_COUNT; i++)
        dst[i] += from->blocks[b][i];
      into->block_totals[b] += from->block_totals[b];
    }
  into->count += from->count;
  into->clamped += from->clamped;
  into->min = MIN (into->min, from->min);
  into->max = MAX (into->max, from->max);
  into->sum += from->sum;
}

guint64
cb_hist_count (const CbHist *hist)
{
  return hist->count;
}

guint64
cb_hist_clamped (const CbHist *hist)
{
  return hist->clamped;
}

gint64
cb_hist_min (const CbHist *hist)
{
  return hist->count > 0 ? hist->min : 0;
}

gint64
cb_hist_max (const CbHist *hist)
{
  return hist->max;
}

double
cb_hist_sum (const CbHist *hist)
{
  return hist->sum;
}

double
cb_hist_mean (const CbHist *hist)
{
  return hist->count > 0 ? hist->sum / (double) hist->count : NAN;
}

/* The index holding the value of 1-based rank in sorted order; *before is
 * how many values lie in lower buckets. */
static guint
index_of_rank (const CbHist *hist, guint64 rank, guint64 *before)
{
  guint64 seen = 0;
  guint b = 0;

  while (seen + hist->block_totals[b] < rank)
    seen += hist->block_totals[b++];
  for (guint i = 0;; i++)
    {
      guint64 c = hist->blocks[b][i];

      if (seen + c >= rank)
        {
          *before = seen;
          return b * SUB_COUNT + i;
        }
      seen += c;
    }
}

gint64
cb_hist_percentile (const CbHist *hist, double p)
{
  guint64 rank, before;
  guint index;
  gint64 mid;

  g_return_val_if_fail (!isnan (p), 0);
  if (hist->count == 0)
    return 0;
  p = CLAMP (p, 0.0, 100.0);
  rank = (guint64) ceil (p / 100.0 * (double) hist->count);
  /* The extremes are known exactly (and rank 0 means rank 1). */
  if (rank <= 1)
    return hist->min;
  if (rank >= hist->count)
    return hist->max;

  index = index_of_rank (hist, rank, &before);
  /* Clamped values are the largest in the top bucket: the last ranks. */
  if (index == N_INDICES - 1
      && rank > before + hist->blocks[N_BLOCKS - 1][SUB_COUNT - 1]
                    - hist->clamped)
    return CB_HIST_CLAMP_NS;
  /* The midpoint: within half a bucket of any value in it. */
  mid = lower_of_index (index)
        + ((G_GINT64_CONSTANT (1) << shift_of_index (index)) >> 1);
  return CLAMP (mid, hist->min, hist->max);
}

gboolean
cb_hist_iter_next (const CbHist *hist, CbHistIter *iter, gint64 *lower_bound,
                   guint64 *count)
{
  for (guint i = iter->index; i < N_INDICES; i++)
    {
      const guint64 *block = hist->blocks[i / SUB_COUNT];

      if (block == NULL || hist->block_totals[i / SUB_COUNT] == 0)
        {
          i = (i / SUB_COUNT + 1) * SUB_COUNT - 1;
          continue;
        }
      if (block[i % SUB_COUNT] == 0)
        continue;
      *lower_bound = lower_of_index (i);
      *count = block[i % SUB_COUNT];
      iter->index = i + 1;
      return TRUE;
    }
  iter->index = N_INDICES;
  return FALSE;
}

/* ---- rebuilding from a serialised form ---------------------------------- */

static gboolean
fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "histogram: %s", message);
  return FALSE;
}

static gboolean
check_buckets (const CbHistParts *parts, GError **error)
{
  guint64 total = 0;

  for (guint i = 0; i < parts->n_buckets; i++)
    {
      gint64 lower = parts->lower_bounds[i];

      if (lower < 0 || lower >= CB_HIST_CLAMP_NS
          || cb_hist_bucket_lower (lower) != lower)
        return fail (error, "bucket %u: %" G_GINT64_FORMAT
                     " is not a bucket's lower bound", i, lower);
      if (i > 0 && lower <= parts->lower_bounds[i - 1])
        return fail (error, "bucket %u: lower bounds not increasing", i);
      if (parts->counts[i] == 0)
        return fail (error, "bucket %u: a listed bucket has no values", i);
      if (parts->counts[i] > G_MAXUINT64 - total)
        return fail (error, "bucket %u: counts overflow", i);
      total += parts->counts[i];
    }
  if (total != parts->count)
    return fail (error, "buckets hold %" G_GUINT64_FORMAT " values, count"
                 " says %" G_GUINT64_FORMAT, total, parts->count);
  return TRUE;
}

static gboolean
check_empty (const CbHistParts *parts, GError **error)
{
  if (parts->clamped != 0 || parts->sum != 0.0 || parts->min != 0
      || parts->max != 0)
    return fail (error, "no values, but a clamped count, sum, min or max");
  return TRUE;
}

/* min and max must lie in the first and last buckets, clamped values be
 * exactly the ones above the range, and the sum between the extremes. */
static gboolean
check_extremes (const CbHistParts *parts, GError **error)
{
  guint last = parts->n_buckets - 1;
  /* Rounding of a sum of count doubles, and some. */
  double slack = 1e-12 + DBL_EPSILON * (double) parts->count;

  if (parts->min < 0 || parts->min > parts->max)
    return fail (error, "min %" G_GINT64_FORMAT " and max %" G_GINT64_FORMAT
                 " are not an interval of values", parts->min, parts->max);
  if (cb_hist_bucket_lower (parts->min) != parts->lower_bounds[0])
    return fail (error, "min is not in the first bucket");
  if (cb_hist_bucket_lower (parts->max) != parts->lower_bounds[last])
    return fail (error, "max is not in the last bucket");
  if (parts->clamped > parts->counts[last]
      || (parts->clamped > 0) != (parts->max >= CB_HIST_CLAMP_NS)
      || (parts->clamped == parts->count) != (parts->min >= CB_HIST_CLAMP_NS))
    return fail (error, "clamped count %" G_GUINT64_FORMAT " does not match"
                 " min and max", parts->clamped);
  if (!isfinite (parts->sum)
      || parts->sum < (double) parts->min * (double) parts->count * (1 - slack)
      || parts->sum > (double) parts->max * (double) parts->count * (1 + slack))
    return fail (error, "sum %g is not count values between min and max",
                 parts->sum);
  return TRUE;
}

CbHist *
cb_hist_new_from_parts (const CbHistParts *parts, GError **error)
{
  g_autoptr (CbHist) hist = NULL;

  if (!check_buckets (parts, error))
    return NULL;
  if (parts->count == 0 ? !check_empty (parts, error)
                        : !check_extremes (parts, error))
    return NULL;

  hist = cb_hist_new ();
  for (guint i = 0; i < parts->n_buckets; i++)
    {
      guint index = index_of_value (parts->lower_bounds[i]);

      block_for (hist, index / SUB_COUNT)[index % SUB_COUNT]
          = parts->counts[i];
      hist->block_totals[index / SUB_COUNT] += parts->counts[i];
    }
  hist->count = parts->count;
  hist->clamped = parts->clamped;
  if (parts->count > 0)
    hist->min = parts->min;
  hist->max = parts->max;
  hist->sum = parts->sum;
  return g_steal_pointer (&hist);
}
