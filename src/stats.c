/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "stats.h"
#include "stats-dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Order statistics ------------------------------------------------- */

static int
compare_doubles (const void *pa, const void *pb)
{
  double a = *(const double *) pa;
  double b = *(const double *) pb;

  return (a > b) - (a < b);
}

static double *
sorted_copy (const double *samples, guint n)
{
  double *copy = g_new (double, n);

  memcpy (copy, samples, (gsize) n * sizeof (double));
  qsort (copy, n, sizeof (double), compare_doubles);
  return copy;
}

/* NumPy's default ("linear") method: h = (n - 1) p, between x[⌊h⌋] and the
 * next order statistic. */
static double
sorted_percentile (const double *sorted, guint n, double p)
{
  double h = (n - 1) * (p / 100.0);
  guint lo = (guint) floor (h);

  if (lo >= n - 1)
    return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

static double
sorted_median (const double *sorted, guint n)
{
  return sorted_percentile (sorted, n, 50.0);
}

double
cb_percentile (const double *samples, guint n, double p)
{
  g_autofree double *sorted = NULL;

  if (n == 0 || !(p >= 0.0 && p <= 100.0))
    return NAN;
  sorted = sorted_copy (samples, n);
  return sorted_percentile (sorted, n, p);
}

static double
median_absolute_deviation (const double *samples, guint n, double median)
{
  g_autofree double *deviations = g_new (double, n);

  for (guint i = 0; i < n; i++)
    deviations[i] = fabs (samples[i] - median);
  qsort (deviations, n, sizeof (double), compare_doubles);
  return sorted_median (deviations, n);
}

/* ---- Moments ---------------------------------------------------------- */

static double
mean_of (const double *samples, guint n)
{
  double sum = 0.0;

  for (guint i = 0; i < n; i++)
    sum += samples[i];
  return sum / n;
}

/* Two passes, with the rounding error of the mean folded back in, so that
 * near-equal run times (a small spread on a large mean) keep their digits. */
static double
sample_variance (const double *samples, guint n, double mean)
{
  double sum_sq = 0.0, sum_dev = 0.0;

  if (n < 2)
    return 0.0;
  for (guint i = 0; i < n; i++)
    {
      double d = samples[i] - mean;
      sum_sq += d * d;
      sum_dev += d;
    }
  return (sum_sq - sum_dev * sum_dev / n) / (n - 1);
}

void
cb_stats_compute (const double *samples, guint n, CbStats *out)
{
  g_autofree double *sorted = NULL;
  double half_width;

  memset (out, 0, sizeof *out);
  if (n == 0)
    return;

  sorted = sorted_copy (samples, n);
  out->n = n;
  out->mean = mean_of (samples, n);
  out->stddev = sqrt (sample_variance (samples, n, out->mean));
  out->median = sorted_median (sorted, n);
  out->mad = median_absolute_deviation (samples, n, out->median);
  out->min = sorted[0];
  out->max = sorted[n - 1];
  out->cv = out->mean != 0.0 ? out->stddev / out->mean : 0.0;

  half_width = n < 2 ? 0.0
                     : cb_student_t_quantile (0.975, n - 1) * out->stddev
                         / sqrt (n);
  out->ci95_low = out->mean - half_width;
  out->ci95_high = out->mean + half_width;
}

/* ---- Outliers and warnings -------------------------------------------- */

guint
cb_stats_outliers (const double *samples, guint n, gboolean *flags)
{
  g_autofree double *sorted = NULL;
  double median, mad;
  guint count = 0;

  for (guint i = 0; i < n; i++)
    flags[i] = FALSE;
  if (n == 0)
    return 0;

  sorted = sorted_copy (samples, n);
  median = sorted_median (sorted, n);
  mad = median_absolute_deviation (samples, n, median);
  if (mad == 0.0)
    return 0;

  for (guint i = 0; i < n; i++)
    {
      flags[i] = fabs (0.6745 * (samples[i] - median) / mad) > 3.5;
      if (flags[i])
        count++;
    }
  return count;
}

/* Durations in the unit a reader expects at that scale. */
static char *
format_seconds (double seconds)
{
  double magnitude = fabs (seconds);

  if (magnitude >= 1.0 || magnitude == 0.0)
    return g_strdup_printf ("%.3g s", seconds);
  if (magnitude >= 1e-3)
    return g_strdup_printf ("%.3g ms", seconds * 1e3);
  if (magnitude >= 1e-6)
    return g_strdup_printf ("%.3g us", seconds * 1e6);
  return g_strdup_printf ("%.3g ns", seconds * 1e9);
}

static void
add_spread_warnings (GPtrArray *warnings, const CbStats *stats)
{
  /* Relative spread means nothing around a mean that is not positive. */
  if (stats->n < 2 || stats->mean <= 0.0)
    return;

  if (stats->cv >= 0.10)
    g_ptr_array_add (warnings,
                     g_strdup_printf ("the standard deviation (%.0f%%) is "
                                      "10%% or more of the mean",
                                      100.0 * stats->cv));
  if (stats->min < 0.5 * stats->mean)
    g_ptr_array_add (warnings,
                     g_strdup_printf ("the minimum is %.0f%% below the mean",
                                      100.0 * (1.0 - stats->min / stats->mean)));
  if (stats->max > 1.5 * stats->mean)
    g_ptr_array_add (warnings,
                     g_strdup_printf ("the maximum is %.0f%% above the mean",
                                      100.0 * (stats->max / stats->mean - 1.0)));
}

static void
add_run_count_warning (GPtrArray *warnings, const CbStats *stats,
                       guint min_runs)
{
  if (stats->n >= min_runs)
    return;
  if (stats->n == 0)
    g_ptr_array_add (warnings, g_strdup ("no runs were measured"));
  else
    g_ptr_array_add (warnings,
                     g_strdup_printf ("only %u run%s; %u or more are needed "
                                      "to judge the spread",
                                      stats->n, stats->n == 1 ? "" : "s",
                                      min_runs));
}

static void
add_timer_warning (GPtrArray *warnings, const CbStats *stats,
                   double timer_floor)
{
  g_autofree char *mean = NULL;
  g_autofree char *floor_text = NULL;

  if (stats->n == 0 || timer_floor <= 0.0 || stats->mean >= timer_floor)
    return;
  mean = format_seconds (stats->mean);
  floor_text = format_seconds (timer_floor);
  g_ptr_array_add (warnings,
                   g_strdup_printf ("runs are too short for the timer to "
                                    "resolve well (mean %s, below %s)",
                                    mean, floor_text));
}

GStrv
cb_stats_warnings (const CbStats *stats, guint min_runs, double timer_floor)
{
  GPtrArray *warnings = g_ptr_array_new ();

  add_spread_warnings (warnings, stats);
  add_run_count_warning (warnings, stats, min_runs);
  add_timer_warning (warnings, stats, timer_floor);
  g_ptr_array_add (warnings, NULL);
  return (GStrv) g_ptr_array_free (warnings, FALSE);
}

/* ---- Ideal makespan --------------------------------------------------- */

/* Restores the min-heap property after heap[0] grew. */
static void
heap_sift_down (double *heap, guint size)
{
  guint i = 0;

  for (;;)
    {
      guint smallest = i, left = 2 * i + 1, right = 2 * i + 2;
      double tmp;

      if (left < size && heap[left] < heap[smallest])
        smallest = left;
      if (right < size && heap[right] < heap[smallest])
        smallest = right;
      if (smallest == i)
        return;
      tmp = heap[i];
      heap[i] = heap[smallest];
      heap[smallest] = tmp;
      i = smallest;
    }
}

static double
chunk_duration (const double *waits, guint n, guint start, guint chunk)
{
  double sum = 0.0;

  for (guint i = start; i < n && i - start < chunk; i++)
    sum += waits[i];
  return sum;
}

double
cb_ideal_makespan (const double *waits, guint n, guint slots, guint chunk)
{
  g_autofree double *free_at = NULL;
  guint n_chunks, n_servers;
  double makespan = 0.0;

  chunk = MAX (chunk, 1);
  slots = MAX (slots, 1);
  if (n == 0)
    return 0.0;

  n_chunks = n / chunk + (n % chunk != 0);
  /* Servers beyond the number of chunks would never get work. */
  n_servers = MIN (slots, n_chunks);
  free_at = g_new0 (double, n_servers);

  /* free_at is a min-heap: its root is the server that frees first. */
  for (guint start = 0; start < n; start += chunk)
    {
      free_at[0] += chunk_duration (waits, n, start, chunk);
      makespan = MAX (makespan, free_at[0]);
      heap_sift_down (free_at, n_servers);
      if (n - start <= chunk)
        break; /* start + chunk could wrap around G_MAXUINT */
    }
  return makespan;
}

double
cb_ideal_time_with_compute (const double *waits, const double *compute,
                            guint n, guint slots, guint chunk, guint n_cpus)
{
  g_autofree double *busy = NULL;
  double total_compute = 0.0;
  guint cpus = MAX (1, MIN (MAX (slots, 1), n_cpus));

  if (compute == NULL)
    return cb_ideal_makespan (waits, n, slots, chunk);
  busy = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      busy[i] = waits[i] + compute[i];
      total_compute += compute[i];
    }
  return MAX (cb_ideal_makespan (busy, n, slots, chunk),
              total_compute / cpus);
}

/* ---- Speedup ---------------------------------------------------------- */

double
cb_karp_flatt (double speedup, double p)
{
  if (!(p > 1.0) || !(speedup > 0.0))
    return NAN;
  return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p);
}

double
cb_geometric_mean (const double *values, guint n)
{
  double sum_logs = 0.0;

  if (n == 0)
    return NAN;
  /* Logarithms, because a product of many run times over- or underflows. */
  for (guint i = 0; i < n; i++)
    {
      if (!(values[i] > 0.0))
        return NAN;
      sum_logs += log (values[i]);
    }
  return exp (sum_logs / n);
}

/* ---- Two-sample comparisons ------------------------------------------- */

/* Welch–Satterthwaite df from the squared standard errors of two means. */
static double
welch_df (double se2_a, guint na, double se2_b, guint nb)
{
  double total = se2_a + se2_b;

  return total * total
         / (se2_a * se2_a / (na - 1) + se2_b * se2_b / (nb - 1));
}

double
cb_welch_t_test (const double *a, guint na, const double *b, guint nb,
                 double *df_out)
{
  double mean_a, mean_b, se2_a, se2_b, df, t;

  if (df_out)
    *df_out = NAN;
  if (na < 2 || nb < 2)
    return NAN;

  mean_a = mean_of (a, na);
  mean_b = mean_of (b, nb);
  se2_a = sample_variance (a, na, mean_a) / na;
  se2_b = sample_variance (b, nb, mean_b) / nb;

  if (se2_a + se2_b == 0.0)
    {
      /* Welch's df is 0/0 here; equal variances and sizes give the pooled
       * df, the natural limit. */
      if (df_out)
        *df_out = na + nb - 2;
      return mean_a == mean_b ? 1.0 : 0.0;
    }

  df = welch_df (se2_a, na, se2_b, nb);
  t = (mean_a - mean_b) / sqrt (se2_a + se2_b);
  if (df_out)
    *df_out = df;
  return MIN (1.0, 2.0 * cb_student_t_sf (fabs (t), df));
}

typedef struct {
  double value;
  gboolean from_a;
} RankedValue;

static int
compare_ranked_values (const void *pa, const void *pb)
{
  const RankedValue *a = pa, *b = pb;

  return (a->value > b->value) - (a->value < b->value);
}

/* Sum of the mid-ranks of a's values in the pooled sample, and
 * Σ (t³ - t) over groups of t tied values, for the variance correction. */
static double
rank_sum_of_a (const double *a, guint na, const double *b, guint nb,
               double *tie_term)
{
  guint n = na + nb;
  g_autofree RankedValue *pooled = g_new (RankedValue, n);
  double rank_sum = 0.0;

  for (guint i = 0; i < na; i++)
    pooled[i] = (RankedValue) { a[i], TRUE };
  for (guint i = 0; i < nb; i++)
    pooled[na + i] = (RankedValue) { b[i], FALSE };
  qsort (pooled, n, sizeof *pooled, compare_ranked_values);

  *tie_term = 0.0;
  for (guint start = 0, end; start < n; start = end)
    {
      double mid_rank, ties;

      for (end = start + 1; end < n && pooled[end].value == pooled[start].value;
           end++)
        ;
      /* Ranks are 1-based: the group holds ranks start+1 .. end. */
      mid_rank = 0.5 * (start + 1 + end);
      ties = end - start;
      *tie_term += ties * ties * ties - ties;
      for (guint i = start; i < end; i++)
        if (pooled[i].from_a)
          rank_sum += mid_rank;
    }
  return rank_sum;
}

double
cb_mann_whitney_u (const double *a, guint na, const double *b, guint nb,
                   double *u_out)
{
  double n, tie_term, u, mean_u, sd_u, z;

  if (u_out)
    *u_out = NAN;
  if (na < 1 || nb < 1)
    return NAN;

  n = (double) na + nb;
  u = rank_sum_of_a (a, na, b, nb, &tie_term) - 0.5 * na * (na + 1.0);
  if (u_out)
    *u_out = u;

  mean_u = 0.5 * na * nb;
  sd_u = sqrt (na * (double) nb / 12.0
               * ((n + 1.0) - tie_term / (n * (n - 1.0))));
  if (!(sd_u > 0.0))
    return 1.0; /* every value tied: nothing tells the samples apart */

  /* Continuity correction towards the mean, as SciPy and R do. */
  z = (fabs (u - mean_u) - 0.5) / sd_u;
  return MIN (1.0, 2.0 * cb_normal_sf (z));
}

void
cb_ratio_ci95 (const double *a, guint na, const double *b, guint nb,
               double *ratio, double *low, double *high)
{
  double mean_a = na ? mean_of (a, na) : NAN;
  double mean_b = nb ? mean_of (b, nb) : NAN;
  double r = mean_a != 0.0 ? mean_b / mean_a : NAN;
  double lo = NAN, hi = NAN;

  if (r > 0.0 && isfinite (r) && (na < 2 || nb < 2))
    lo = hi = r;
  else if (r > 0.0 && isfinite (r))
    {
      /* Relative squared standard errors estimate the variance of
       * log(mean); Welch's df is taken from them too, since they are the
       * variances the interval is built from. */
      double rel_a = sample_variance (a, na, mean_a) / na / (mean_a * mean_a);
      double rel_b = sample_variance (b, nb, mean_b) / nb / (mean_b * mean_b);
      double spread = 0.0;

      if (rel_a + rel_b > 0.0)
        spread = cb_student_t_quantile_df (0.975,
                                           welch_df (rel_a, na, rel_b, nb))
                 * sqrt (rel_a + rel_b);
      lo = r * exp (-spread);
      hi = r * exp (spread);
    }

  if (ratio)
    *ratio = r;
  if (low)
    *low = lo;
  if (high)
    *high = hi;
}
