/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Statistics over run times: summaries, stability warnings, comparisons
 * between two benchmarks, and the ideal makespan used for efficiency.
 *
 * Samples are finite doubles (seconds, for the functions that care about
 * units).  No function keeps a pointer to its input or modifies it.
 */
#ifndef CONCBENCH_STATS_H
#define CONCBENCH_STATS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint n;
  double mean;
  double stddev;    /* sample standard deviation (n - 1); 0 when n < 2 */
  double median;
  double mad;       /* median absolute deviation, unscaled */
  double min, max;
  double ci95_low;  /* Student t CI of the mean; = mean when n < 2 */
  double ci95_high;
  double cv;        /* stddev / mean; 0 when mean == 0 */
} CbStats;

/* n may be 0: every field is then 0. */
void cb_stats_compute (const double *samples, guint n, CbStats *out);

/* Quantile of Student's t distribution with df degrees of freedom, e.g.
 * p = 0.975, df = 1 gives 12.706.  p = 0 and 1 give -/+INFINITY; df = 0 or
 * p outside [0, 1] give NAN. */
double cb_student_t_quantile (double p, guint df);

/* Upper tail P(T > t) of Student's t with real df > 0 (Welch's df is not an
 * integer).  NAN for df <= 0. */
double cb_student_t_sf (double t, double df);

/* p in [0, 100]; linear interpolation between order statistics (NumPy's
 * default).  NAN when n == 0 or p is out of range. */
double cb_percentile (const double *samples, guint n, double p);

/* Outliers by modified Z-score (Iglewicz & Hoaglin):
 * M_i = 0.6745 (x_i - median) / MAD, an outlier when |M_i| > 3.5.
 * Fills flags[n] and returns the number of outliers.  MAD == 0: none. */
guint cb_stats_outliers (const double *samples, guint n, gboolean *flags);

/* pyperf-style stability warnings as human sentences, NULL-terminated and
 * never NULL (empty when the measurement looks stable).  min_runs == 0 and
 * timer_floor <= 0 disable their checks. */
GStrv cb_stats_warnings (const CbStats *stats, guint min_runs,
                         double timer_floor);

/* Ideal makespan of latency-bound work: waits[n] (seconds, index order) are
 * grouped in consecutive chunks of `chunk` items (a chunk lasts the sum of its
 * waits), handed FIFO to `slots` identical servers, each to the server that
 * frees first.  Returns when the last chunk finishes; 0 when n == 0.
 * chunk 0 counts as 1, slots 0 as 1. */
double cb_ideal_makespan (const double *waits, guint n, guint slots,
                          guint chunk);

/* Ideal time of items that wait and compute: with d_i = waits[i] +
 * compute[i], the larger of cb_ideal_makespan (d, n, slots, chunk) and
 * sum(compute) / min(slots, n_cpus), because waits overlap on any number of
 * slots but computing needs a CPU.  compute NULL: cb_ideal_makespan (waits,
 * n, slots, chunk) exactly.  n_cpus 0 counts as 1. */
double cb_ideal_time_with_compute (const double *waits, const double *compute,
                                   guint n, guint slots, guint chunk,
                                   guint n_cpus);

/* Karp–Flatt serial fraction e = (1/S - 1/p) / (1 - 1/p).  NAN when p <= 1
 * or speedup <= 0. */
double cb_karp_flatt (double speedup, double p);

/* Welch's two-sample t-test: two-sided p-value.  *df_out (may be NULL) gets
 * the Welch–Satterthwaite df.  NAN if na or nb < 2.  Both variances 0: p is
 * 1 if the means are equal, else 0, and df is na + nb - 2. */
double cb_welch_t_test (const double *a, guint na, const double *b, guint nb,
                        double *df_out);

/* Mann–Whitney U test: two-sided p-value by the normal approximation with
 * tie and continuity corrections.  *u_out (may be NULL) gets U for a.  NAN
 * if na or nb < 1; 1 when every value is tied. */
double cb_mann_whitney_u (const double *a, guint na, const double *b,
                          guint nb, double *u_out);

/* Ratio of means mean(b) / mean(a) and its 95% CI by the delta method on
 * the log scale, with Welch's df.  Any out pointer may be NULL.  The ratio is
 * NAN when mean(a) == 0; the CI is NAN when the ratio is not positive, and
 * collapses to the ratio when na or nb < 2 (as CbStats does for n < 2). */
void cb_ratio_ci95 (const double *a, guint na, const double *b, guint nb,
                    double *ratio, double *low, double *high);

/* NAN if n == 0 or any value <= 0. */
double cb_geometric_mean (const double *values, guint n);

G_END_DECLS

#endif /* CONCBENCH_STATS_H */
