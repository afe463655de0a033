/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reference values are literals computed independently of src/stats.c:
 * t quantiles and tails from the closed forms of Abramowitz & Stegun
 * 26.7.3/26.7.4 (integer df) or Simpson integration of the t density
 * (real df), both by bisection in Python at double precision; they agree
 * with the usual tables and with SciPy's t.ppf.  R outputs are quoted where
 * they exist. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <string.h>

#include "stats.h"
#include "stats-dist.h"

#define EPS 1e-9

/* Relative comparison, for values whose scale varies across cases. */
#define assert_close(actual, expected, rel)                                  \
  g_assert_cmpfloat_with_epsilon ((actual), (expected),                      \
                                  (rel) * fabs ((double) (expected)))

static gboolean
strv_has_substring (char **strv, const char *needle)
{
  for (guint i = 0; strv[i] != NULL; i++)
    if (strstr (strv[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

/* ---- Summary ------------------------------------------------------------ */

static void
test_compute_small_set (void)
{
  /* Mean 5, sd sqrt(32/7), median 4.5, |x - 4.5| has median 0.5. */
  const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
  CbStats s;

  cb_stats_compute (x, G_N_ELEMENTS (x), &s);
  g_assert_cmpuint (s.n, ==, 8);
  g_assert_cmpfloat_with_epsilon (s.mean, 5.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.stddev, 2.138089935299395, EPS);
  g_assert_cmpfloat_with_epsilon (s.median, 4.5, EPS);
  g_assert_cmpfloat_with_epsilon (s.mad, 0.5, EPS);
  g_assert_cmpfloat (s.min, ==, 2.0);
  g_assert_cmpfloat (s.max, ==, 9.0);
  g_assert_cmpfloat_with_epsilon (s.cv, 2.138089935299395 / 5.0, EPS);
}

static void
test_compute_ci (void)
{
  /* R: t.test(1:5)$conf.int = 1.036757 4.963243 */
  const double x[] = { 5, 3, 1, 4, 2 };
  CbStats s;

  cb_stats_compute (x, G_N_ELEMENTS (x), &s);
  g_assert_cmpfloat_with_epsilon (s.mean, 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.stddev, 1.5811388300841898, EPS);
  g_assert_cmpfloat_with_epsilon (s.median, 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.mad, 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.ci95_low, 1.0367568385224448, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.ci95_high, 4.963243161477555, 1e-9);
}

static void
test_compute_degenerate (void)
{
  const double one[] = { 0.25 };
  const double zeros[] = { 0, 0, 0 };
  CbStats s;

  cb_stats_compute (NULL, 0, &s);
  g_assert_cmpuint (s.n, ==, 0);
  g_assert_cmpfloat (s.mean, ==, 0.0);
  g_assert_cmpfloat (s.stddev, ==, 0.0);
  g_assert_cmpfloat (s.ci95_low, ==, 0.0);
  g_assert_cmpfloat (s.ci95_high, ==, 0.0);
  g_assert_cmpfloat (s.max, ==, 0.0);

  cb_stats_compute (one, 1, &s);
  g_assert_cmpuint (s.n, ==, 1);
  g_assert_cmpfloat (s.mean, ==, 0.25);
  g_assert_cmpfloat (s.stddev, ==, 0.0);
  g_assert_cmpfloat (s.ci95_low, ==, 0.25);
  g_assert_cmpfloat (s.ci95_high, ==, 0.25);
  g_assert_cmpfloat (s.cv, ==, 0.0);

  cb_stats_compute (zeros, 3, &s);
  g_assert_cmpfloat (s.cv, ==, 0.0);
}

static void
test_compute_keeps_precision (void)
{
  /* A small spread on a large offset: naive sums of squares lose it. */
  const double x[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
  CbStats s;

  cb_stats_compute (x, G_N_ELEMENTS (x), &s);
  g_assert_cmpfloat_with_epsilon (s.mean, 1e9 + 10, 1e-6);
  g_assert_cmpfloat_with_epsilon (s.stddev, sqrt (30.0), 1e-9);
}

/* ---- Student t ---------------------------------------------------------- */

static void
test_t_quantile_975 (void)
{
  /* Tables: 12.7062 4.3027 3.1824 2.7764 2.5706 2.2281 2.0423 1.9623 */
  static const struct {
    guint df;
    double t;
  } cases[] = {
    { 1, 12.706204736174676 },   { 2, 4.302652729749459 },
    { 3, 3.1824463052837064 },   { 4, 2.7764451051977908 },
    { 5, 2.5705818356363146 },   { 10, 2.228138851986274 },
    { 30, 2.042272456301238 },   { 1000, 1.9623390808264634 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      assert_close (cb_student_t_quantile (0.975, cases[i].df), cases[i].t,
                    1e-9);
      assert_close (cb_student_t_quantile (0.025, cases[i].df), -cases[i].t,
                    1e-9);
    }
}

static void
test_t_quantile_other (void)
{
  /* Tables: t(0.995, 5) = 4.0321, t(0.999, 3) = 10.2145. */
  assert_close (cb_student_t_quantile (0.995, 5), 4.032142983555211, 1e-9);
  assert_close (cb_student_t_quantile (0.999, 3), 10.21453185240718, 1e-9);
  /* Far tail, where the Cornish-Fisher start is poor. */
  assert_close (cb_student_t_quantile (1 - 1e-7, 4), 73.9857580461501, 1e-6);
  g_assert_cmpfloat (cb_student_t_quantile (0.5, 7), ==, 0.0);
}

static void
test_t_quantile_large_df (void)
{
  /* The normal quantile z(0.975) = 1.959963984540054 is the limit. */
  double below = cb_student_t_quantile (0.975, 9999999);
  double above = cb_student_t_quantile (0.975, 10000001);

  assert_close (cb_student_t_quantile (0.975, G_MAXUINT), 1.959963984540054,
                1e-9);
  /* Both sides of the switch to the asymptotic expansion agree. */
  assert_close (below, above, 1e-9);
  g_assert_cmpfloat (below, >, 1.959963984540054);
}

static void
test_t_quantile_edges (void)
{
  g_assert_true (isnan (cb_student_t_quantile (0.975, 0)));
  g_assert_true (isnan (cb_student_t_quantile (1.5, 3)));
  g_assert_true (isnan (cb_student_t_quantile (-0.1, 3)));
  g_assert_true (isnan (cb_student_t_quantile (NAN, 3)));
  g_assert_true (isinf (cb_student_t_quantile (1.0, 3)));
  g_assert_cmpfloat (cb_student_t_quantile (0.0, 3), <, 0.0);
}

static void
test_t_sf (void)
{
  /* Two-sided p of t = 5 on 8 df: 0.0010528257933666296 (A&S 26.7.4). */
  assert_close (2 * cb_student_t_sf (5.0, 8.0), 0.0010528257933666296, 1e-9);
  g_assert_cmpfloat_with_epsilon (cb_student_t_sf (0.0, 3.5), 0.5, 1e-12);
  assert_close (cb_student_t_sf (-5.0, 8.0), 1.0 - 0.0010528257933666296 / 2,
                1e-12);
  g_assert_true (isnan (cb_student_t_sf (1.0, 0.0)));
}

/* ---- Percentiles and outliers ------------------------------------------- */

static void
test_percentile (void)
{
  /* NumPy: np.percentile([15, 20, 35, 40, 50], [0, 25, 40, 50, 90, 99, 100])
   * = 15, 20, 29, 35, 46, 49.6, 50 (h = 4p/100, linear between ranks). */
  const double x[] = { 40, 15, 50, 35, 20 };
  const double pair[] = { 3, 1 };

  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 0), 15.0, EPS);
  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 25), 20.0, EPS);
  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 40), 29.0, EPS);
  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 50), 35.0, EPS);
  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 90), 46.0, EPS);
  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 99), 49.6, EPS);
  g_assert_cmpfloat_with_epsilon (cb_percentile (x, 5, 100), 50.0, EPS);
  /* The input is left as it was. */
  g_assert_cmpfloat (x[0], ==, 40.0);
  g_assert_cmpfloat (x[1], ==, 15.0);

  g_assert_cmpfloat_with_epsilon (cb_percentile (pair, 2, 50), 2.0, EPS);
  g_assert_cmpfloat (cb_percentile (pair, 1, 73), ==, 3.0);
  g_assert_true (isnan (cb_percentile (x, 0, 50)));
  g_assert_true (isnan (cb_percentile (x, 5, 100.5)));
  g_assert_true (isnan (cb_percentile (x, 5, -1)));
}

static void
test_outliers (void)
{
  /* median 10.025, MAD 0.075: M(30) = 179.6, the largest other |M| 1.12. */
  const double x[] = { 10, 10.1, 9.9, 10.05, 9.95, 30 };
  gboolean flags[G_N_ELEMENTS (x)];

  g_assert_cmpuint (cb_stats_outliers (x, G_N_ELEMENTS (x), flags), ==, 1);
  for (guint i = 0; i < 5; i++)
    g_assert_false (flags[i]);
  g_assert_true (flags[5]);
}

static void
test_outliers_zero_mad (void)
{
  const double x[] = { 5, 5, 5, 5, 100 };
  gboolean flags[G_N_ELEMENTS (x)] = { TRUE, TRUE, TRUE, TRUE, TRUE };

  g_assert_cmpuint (cb_stats_outliers (x, G_N_ELEMENTS (x), flags), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    g_assert_false (flags[i]);
  g_assert_cmpuint (cb_stats_outliers (NULL, 0, NULL), ==, 0);
}

/* ---- Warnings ----------------------------------------------------------- */

static void
test_warnings_tight (void)
{
  const double x[] = { 1.00, 1.01, 0.99, 1.00, 1.02 };
  CbStats s;
  g_auto (GStrv) warnings = NULL;

  cb_stats_compute (x, G_N_ELEMENTS (x), &s);
  warnings = cb_stats_warnings (&s, 3, 1e-3);
  g_assert_nonnull (warnings);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
}

static void
test_warnings_wide (void)
{
  /* mean 4, sd 3.54 (88%), min 75% below, max 150% above. */
  const double x[] = { 1, 2, 3, 4, 10 };
  CbStats s;
  g_auto (GStrv) warnings = NULL;

  cb_stats_compute (x, G_N_ELEMENTS (x), &s);
  warnings = cb_stats_warnings (&s, 3, 1e-3);
  g_assert_cmpuint (g_strv_length (warnings), ==, 3);
  g_assert_true (strv_has_substring (warnings, "standard deviation (88%) is 10% or more"));
  g_assert_true (strv_has_substring (warnings, "minimum is 75% below"));
  g_assert_true (strv_has_substring (warnings, "maximum is 150% above"));
}

static void
test_warnings_few_runs (void)
{
  const double x[] = { 2.0 };
  CbStats s;
  g_auto (GStrv) warnings = NULL;
  g_auto (GStrv) none = NULL;

  cb_stats_compute (x, 1, &s);
  warnings = cb_stats_warnings (&s, 3, 1e-3);
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_true (strv_has_substring (warnings, "only 1 run;"));
  g_assert_true (strv_has_substring (warnings, "3 or more"));

  cb_stats_compute (NULL, 0, &s);
  none = cb_stats_warnings (&s, 3, 1e-3);
  g_assert_cmpuint (g_strv_length (none), ==, 1);
  g_assert_true (strv_has_substring (none, "no runs"));
}

static void
test_warnings_short_runs (void)
{
  const double x[] = { 2e-6, 2e-6, 2e-6 };
  CbStats s;
  g_auto (GStrv) warnings = NULL;
  g_auto (GStrv) disabled = NULL;

  cb_stats_compute (x, G_N_ELEMENTS (x), &s);
  warnings = cb_stats_warnings (&s, 3, 1e-3);
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_true (strv_has_substring (warnings, "too short"));
  g_assert_true (strv_has_substring (warnings, "2 us"));
  g_assert_true (strv_has_substring (warnings, "1 ms"));

  disabled = cb_stats_warnings (&s, 0, 0.0);
  g_assert_cmpuint (g_strv_length (disabled), ==, 0);
}

/* ---- Ideal makespan and speedup ----------------------------------------- */

static void
test_ideal_makespan (void)
{
  const double waits[] = { 1, 2, 3, 4 };

  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 1, 1), 10, EPS);
  /* FIFO: A runs 1 then 3 (ends at 4), B runs 2 then 4 (ends at 6). */
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 2, 1), 6, EPS);
  /* A runs 1 then 4 (ends at 5), B 2, C 3. */
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 3, 1), 5, EPS);
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 4, 1), 4, EPS);
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 100, 1), 4,
                                  EPS);
  /* Chunks {1,2} = 3 and {3,4} = 7. */
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 2, 2), 7, EPS);
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 1, 2), 10, EPS);
  /* Chunks {1,2,3} = 6 and {4}. */
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 2, 3), 6, EPS);
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 3, 100), 10,
                                  EPS);
  /* 0 counts as 1. */
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 4, 0, 0), 10, EPS);
  g_assert_cmpfloat (cb_ideal_makespan (NULL, 0, 4, 1), ==, 0.0);
}

static void
test_ideal_makespan_fifo_not_lpt (void)
{
  /* Items go in index order, not longest first: the four 1 s waits end at
   * 2 on both servers, then the 4 s one ends at 6, though 4 was possible. */
  const double waits[] = { 1, 1, 1, 1, 4 };

  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 5, 2, 1), 6, EPS);
}

static void
test_ideal_makespan_many (void)
{
  /* 10000 unit waits on 7 servers: ceil(10000 / 7) = 1429 rounds. */
  g_autofree double *waits = g_new (double, 10000);

  for (guint i = 0; i < 10000; i++)
    waits[i] = 1.0;
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 10000, 7, 1),
                                  1429, EPS);
  /* Chunks of 3: 3333 full ones (476 rounds of 7, and 1) and a last one of
   * a single item, which goes to another server: 476 * 3 + 3. */
  g_assert_cmpfloat_with_epsilon (cb_ideal_makespan (waits, 10000, 7, 3),
                                  476 * 3 + 3, EPS);
}

static void
test_karp_flatt (void)
{
  g_assert_cmpfloat_with_epsilon (cb_karp_flatt (1.6, 2), 0.25, EPS);
  /* Perfect speedup: no serial part; no speedup: all serial. */
  g_assert_cmpfloat_with_epsilon (cb_karp_flatt (8, 8), 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (cb_karp_flatt (1, 8), 1.0, EPS);
  g_assert_true (isnan (cb_karp_flatt (1.6, 1)));
  g_assert_true (isnan (cb_karp_flatt (1.6, 0.5)));
  g_assert_true (isnan (cb_karp_flatt (0, 4)));
}

static void
test_geometric_mean (void)
{
  const double x[] = { 1, 4, 16 };
  const double bad[] = { 1, 0, 16 };
  const double negative[] = { 1, -4, 16 };

  g_assert_cmpfloat_with_epsilon (cb_geometric_mean (x, 3), 4.0, EPS);
  g_assert_true (isnan (cb_geometric_mean (x, 0)));
  g_assert_true (isnan (cb_geometric_mean (bad, 3)));
  g_assert_true (isnan (cb_geometric_mean (negative, 3)));
}

/* ---- Two-sample comparisons --------------------------------------------- */

static const double one_to_five[] = { 1, 2, 3, 4, 5 };
static const double six_to_ten[] = { 6, 7, 8, 9, 10 };

/* R's sleep data: extra hours of sleep by group. */
static const double sleep1[] = { 0.7, -1.6, -0.2, -1.2, -0.1,
                                 3.4, 3.7,  0.8,  0.0,  2.0 };
static const double sleep2[] = { 1.9, 0.8, 1.1, 0.1, -0.1,
                                 4.4, 5.5, 1.6, 4.6, 3.4 };

static void
test_welch (void)
{
  double df = 0;
  double p = cb_welch_t_test (one_to_five, 5, six_to_ten, 5, &df);

  /* t = -5 on df = 8: 2 P(T > 5) by A&S 26.7.4. */
  assert_close (p, 0.0010528257933666296, 1e-8);
  g_assert_cmpfloat_with_epsilon (df, 8.0, EPS);
  /* Symmetric in its arguments. */
  assert_close (cb_welch_t_test (six_to_ten, 5, one_to_five, 5, NULL), p,
                1e-12);
}

static void
test_welch_sleep (void)
{
  /* R: t.test(extra ~ group, data = sleep):
   * t = -1.8608, df = 17.776, p-value = 0.07939 */
  double df = 0;
  double p = cb_welch_t_test (sleep1, 10, sleep2, 10, &df);

  assert_close (df, 17.776473516178488, 1e-9);
  assert_close (p, 0.07939414018735846, 1e-6);
}

static void
test_welch_degenerate (void)
{
  const double fives[] = { 5, 5, 5 };
  const double sixes[] = { 6, 6, 6, 6 };
  double df = 0;

  /* Same sample: t = 0. */
  g_assert_cmpfloat_with_epsilon (
    cb_welch_t_test (one_to_five, 5, one_to_five, 5, NULL), 1.0, EPS);
  g_assert_cmpfloat (cb_welch_t_test (fives, 3, fives, 3, &df), ==, 1.0);
  g_assert_cmpfloat (df, ==, 4.0);
  g_assert_cmpfloat (cb_welch_t_test (fives, 3, sixes, 4, NULL), ==, 0.0);
  g_assert_true (isnan (cb_welch_t_test (fives, 1, sixes, 4, &df)));
  g_assert_true (isnan (df));
  g_assert_true (isnan (cb_welch_t_test (fives, 3, sixes, 0, NULL)));
}

static void
test_mann_whitney (void)
{
  /* U = 0; z = (12.5 - 0.5) / sqrt(25 * 11 / 12); p = erfc(z / sqrt 2).
   * SciPy mannwhitneyu(..., method='asymptotic'): 0.0122 */
  double u = -1;
  double p = cb_mann_whitney_u (one_to_five, 5, six_to_ten, 5, &u);

  g_assert_cmpfloat (u, ==, 0.0);
  assert_close (p, 0.012185780355344818, 1e-9);

  p = cb_mann_whitney_u (six_to_ten, 5, one_to_five, 5, &u);
  g_assert_cmpfloat (u, ==, 25.0);
  assert_close (p, 0.012185780355344818, 1e-9);
}

static void
test_mann_whitney_ties (void)
{
  /* R: wilcox.test(extra ~ group, data = sleep, exact = FALSE):
   * W = 25.5, p-value = 0.06933 */
  double u = -1;
  double p = cb_mann_whitney_u (sleep1, 10, sleep2, 10, &u);

  g_assert_cmpfloat_with_epsilon (u, 25.5, EPS);
  assert_close (p, 0.06932757543362662, 1e-9);
}

static void
test_mann_whitney_degenerate (void)
{
  const double ones[] = { 1, 1 };
  const double x[] = { 1 };
  const double y[] = { 2 };
  double u = -1;

  g_assert_cmpfloat (cb_mann_whitney_u (ones, 2, ones, 2, &u), ==, 1.0);
  g_assert_cmpfloat (u, ==, 2.0);
  /* One value each: |U - 0.5| - 0.5 = 0. */
  g_assert_cmpfloat_with_epsilon (cb_mann_whitney_u (x, 1, y, 1, NULL), 1.0,
                                  EPS);
  g_assert_true (isnan (cb_mann_whitney_u (x, 0, y, 1, &u)));
  g_assert_true (isnan (u));
}

static void
test_ratio_ci (void)
{
  /* ratio 8/3; relative variances 2.5/45 and 2.5/320 give Welch df
   * 5.1031841034235095 and t(0.975, df) = 2.555027020768488. */
  double ratio = 0, low = 0, high = 0;

  cb_ratio_ci95 (one_to_five, 5, six_to_ten, 5, &ratio, &low, &high);
  assert_close (ratio, 8.0 / 3.0, 1e-12);
  assert_close (low, 1.4016526197159627, 1e-7);
  assert_close (high, 5.0733762496389, 1e-7);
}

static void
test_ratio_ci_degenerate (void)
{
  const double twos[] = { 2, 2, 2 };
  const double threes[] = { 3, 3 };
  const double zeros[] = { 0, 0 };
  double ratio = 0, low = 0, high = 0;

  cb_ratio_ci95 (twos, 3, threes, 2, &ratio, &low, &high);
  g_assert_cmpfloat_with_epsilon (ratio, 1.5, EPS);
  g_assert_cmpfloat_with_epsilon (low, 1.5, EPS);
  g_assert_cmpfloat_with_epsilon (high, 1.5, EPS);

  cb_ratio_ci95 (twos, 1, one_to_five, 5, &ratio, &low, &high);
  g_assert_cmpfloat_with_epsilon (ratio, 1.5, EPS);
  g_assert_cmpfloat_with_epsilon (low, 1.5, EPS);

  cb_ratio_ci95 (zeros, 2, threes, 2, &ratio, &low, &high);
  g_assert_true (isnan (ratio));
  g_assert_true (isnan (low));
  g_assert_true (isnan (high));

  cb_ratio_ci95 (twos, 3, threes, 2, NULL, NULL, NULL);
}

/* ---- Kolmogorov–Smirnov ------------------------------------------------- */

static void
test_kolmogorov_sf (void)
{
  /* Literals: 2 sum_{k<200} (-1)^(k-1) exp(-2 k^2 l^2) in Python; 1.36 and
   * 1.63 are the tables' 5 % and 1 % points. */
  static const struct { double lambda, q; } cases[] = {
    { 0.3, 0.9999906941986655 },  { 0.5, 0.9639452436648751 },
    { 0.8, 0.5441424115741981 },  { 1.0, 0.26999967167735456 },
    { 1.17, 0.12939004218561884 }, { 1.19, 0.11774229287977167 },
    { 1.36, 0.049485876755377876 }, { 1.63, 0.009846364888486529 },
    { 2.0, 0.0006709252557796953 }, { 3.0, 3.045995948942526e-08 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_close (cb_kolmogorov_sf (cases[i].lambda), cases[i].q, 1e-10);
  g_assert_cmpfloat (cb_kolmogorov_sf (0.0), ==, 1.0);
  g_assert_cmpfloat (cb_kolmogorov_sf (-1.0), ==, 1.0);
  g_assert_cmpfloat (cb_kolmogorov_sf (40.0), ==, 0.0);
  g_assert_true (isnan (cb_kolmogorov_sf (NAN)));
}

static void
test_ks_statistic (void)
{
  /* F(x) = 0.7, 0.1, 0.4 at rate 2: D = 1 - 0.7 at the top, by hand. */
  const double x[] = { -log (0.3) / 2, -log (0.9) / 2, -log (0.6) / 2 };
  double copy[3], p;

  memcpy (copy, x, sizeof x);
  g_assert_cmpfloat_with_epsilon (cb_ks_exponential (copy, 3, 2.0, &p), 0.3,
                                  1e-12);
  g_assert_cmpmem (copy, sizeof copy, x, sizeof x);
  assert_close (p, cb_kolmogorov_sf ((sqrt (3) + 0.12 + 0.11 / sqrt (3))
                                     * 0.3), 1e-12);
  g_assert_true (isnan (cb_ks_exponential (x, 0, 2.0, &p)) && isnan (p));
  g_assert_true (isnan (cb_ks_exponential (x, 3, 0.0, &p)) && isnan (p));
  g_assert_true (isnan (cb_ks_exponential (x, 3, INFINITY, NULL)));
}

#define KS_N 2000
#define KS_RATE 250.0

static void
exponential_sample (double *x, double rate)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (16);

  for (guint i = 0; i < KS_N; i++)
    x[i] = -log1p (-g_rand_double (rand)) / rate;
}

/* Inter-arrival times as a Poisson process at KS_RATE gives them. */
static void
test_ks_exponential_fits (void)
{
  double x[KS_N], p;

  exponential_sample (x, KS_RATE);
  cb_ks_exponential (x, KS_N, KS_RATE, &p);
  g_test_message ("exponential at the set rate: p = %g", p);
  g_assert_cmpfloat (p, >, 0.01);
}

static void
test_ks_exponential_rejects (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (16);
  double x[KS_N], p;

  /* The right kind at a rate 1.5 times off, either way. */
  exponential_sample (x, KS_RATE * 1.5);
  cb_ks_exponential (x, KS_N, KS_RATE, &p);
  g_assert_cmpfloat (p, <, 0.001);
  exponential_sample (x, KS_RATE / 1.5);
  cb_ks_exponential (x, KS_N, KS_RATE, &p);
  g_assert_cmpfloat (p, <, 0.001);
  /* Evenly spaced arrivals with the same mean: a constant-rate schedule. */
  for (guint i = 0; i < KS_N; i++)
    x[i] = g_rand_double_range (rand, 0, 2.0 / KS_RATE);
  cb_ks_exponential (x, KS_N, KS_RATE, &p);
  g_assert_cmpfloat (p, <, 0.001);
  for (guint i = 0; i < KS_N; i++)
    x[i] = 1.0 / KS_RATE;
  g_assert_cmpfloat (cb_ks_exponential (x, KS_N, KS_RATE, &p), >, 0.6);
  g_assert_cmpfloat (p, <, 0.001);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/compute/small-set", test_compute_small_set);
  g_test_add_func ("/stats/compute/ci", test_compute_ci);
  g_test_add_func ("/stats/compute/degenerate", test_compute_degenerate);
  g_test_add_func ("/stats/compute/precision", test_compute_keeps_precision);
  g_test_add_func ("/stats/t/quantile-975", test_t_quantile_975);
  g_test_add_func ("/stats/t/quantile-other", test_t_quantile_other);
  g_test_add_func ("/stats/t/quantile-large-df", test_t_quantile_large_df);
  g_test_add_func ("/stats/t/quantile-edges", test_t_quantile_edges);
  g_test_add_func ("/stats/t/sf", test_t_sf);
  g_test_add_func ("/stats/percentile", test_percentile);
  g_test_add_func ("/stats/outliers/flags", test_outliers);
  g_test_add_func ("/stats/outliers/zero-mad", test_outliers_zero_mad);
  g_test_add_func ("/stats/warnings/tight", test_warnings_tight);
  g_test_add_func ("/stats/warnings/wide", test_warnings_wide);
  g_test_add_func ("/stats/warnings/few-runs", test_warnings_few_runs);
  g_test_add_func ("/stats/warnings/short-runs", test_warnings_short_runs);
  g_test_add_func ("/stats/makespan/small", test_ideal_makespan);
  g_test_add_func ("/stats/makespan/fifo", test_ideal_makespan_fifo_not_lpt);
  g_test_add_func ("/stats/makespan/many", test_ideal_makespan_many);
  g_test_add_func ("/stats/karp-flatt", test_karp_flatt);
  g_test_add_func ("/stats/geometric-mean", test_geometric_mean);
  g_test_add_func ("/stats/welch/basic", test_welch);
  g_test_add_func ("/stats/welch/sleep", test_welch_sleep);
  g_test_add_func ("/stats/welch/degenerate", test_welch_degenerate);
  g_test_add_func ("/stats/mann-whitney/basic", test_mann_whitney);
  g_test_add_func ("/stats/mann-whitney/ties", test_mann_whitney_ties);
  g_test_add_func ("/stats/mann-whitney/degenerate",
                   test_mann_whitney_degenerate);
  g_test_add_func ("/stats/ratio-ci/basic", test_ratio_ci);
  g_test_add_func ("/stats/ratio-ci/degenerate", test_ratio_ci_degenerate);
  g_test_add_func ("/stats/ks/kolmogorov-sf", test_kolmogorov_sf);
  g_test_add_func ("/stats/ks/statistic", test_ks_statistic);
  g_test_add_func ("/stats/ks/exponential-fits", test_ks_exponential_fits);
  g_test_add_func ("/stats/ks/exponential-rejects",
                   test_ks_exponential_rejects);

  return g_test_run ();
}
