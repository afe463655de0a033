/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The distributions behind the statistics: Student's t and the normal,
 * from the regularised incomplete beta function, and the Kolmogorov
 * distribution for a goodness-of-fit test.  stats.h declares the public
 * entry points (cb_student_t_sf, cb_student_t_quantile). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "stats-dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CF_EPSILON 1e-15
#define CF_TINY 1e-300
#define CF_MAX_ITERATIONS 100000

/* Continued fraction for the incomplete beta (Abramowitz & Stegun 26.5.8),
 * evaluated by the modified Lentz method: it converges quickly for
 * x < (a + 1) / (a + b + 2); the caller uses the symmetry relation
 * otherwise. */
static double
incomplete_beta_fraction (double a, double b, double x)
{
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  double result;

  if (fabs (d) < CF_TINY)
    d = CF_TINY;
  d = 1.0 / d;
  result = d;

  for (int m = 1; m <= CF_MAX_ITERATIONS; m++)
    {
      double numerators[2] = {
        m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
        -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
      };
      double delta = 1.0;

      for (int k = 0; k < 2; k++)
        {
          d = 1.0 + numerators[k] * d;
          if (fabs (d) < CF_TINY)
            d = CF_TINY;
          c = 1.0 + numerators[k] / c;
          if (fabs (c) < CF_TINY)
            c = CF_TINY;
          d = 1.0 / d;
          delta = d * c;
          result *= delta;
        }
      if (fabs (delta - 1.0) < CF_EPSILON)
        break;
    }
  return result;
}

/* Stirling's series for lgamma(x) - ((x - 1/2) ln x - x + ln √(2π)); the
 * next term is below 2e-15 for x >= 20. */
static double
stirling_correction (double x)
{
  double r2 = 1.0 / (x * x);

  return (1.0 / 12.0
          - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)))
         / x;
}

/* ln B(a, b).  With lgamma alone, lgamma(a) - lgamma(a + b) cancels to an
 * absolute error of ~1e-16 a, 1e-9 near df = 1e7 where the t functions
 * still come here; Stirling's series for the difference keeps every term
 * small. */
static double
log_beta (double a, double b)
{
  double big = MAX (a, b), small = MIN (a, b);

  if (big < 20.0)
    return lgamma (a) + lgamma (b) - lgamma (a + b);
  return lgamma (small) - (big - 0.5) * log1p (small / big)
         - small * log (big + small) + small + stirling_correction (big)
         - stirling_correction (big + small);
}

/* Regularised incomplete beta I_x(a, b).  y = 1 - x is passed separately
 * because callers can compute it without cancellation (t²/(ν+t²) near 0),
 * and the smaller of the two gives the other's logarithm accurately. */
static double
regularized_incomplete_beta (double a, double b, double x, double y)
{
  double log_x, log_y, front;

  if (x <= 0.0)
    return 0.0;
  if (y <= 0.0)
    return 1.0;

  log_x = x > 0.5 ? log1p (-y) : log (x);
  log_y = y > 0.5 ? log1p (-x) : log (y);
  front = exp (a * log_x + b * log_y - log_beta (a, b));
  if (x < (a + 1.0) / (a + b + 2.0))
    return front * incomplete_beta_fraction (a, b, x) / a;
  return 1.0 - front * incomplete_beta_fraction (b, a, y) / b;
}

double
cb_normal_sf (double z)
{
  return 0.5 * erfc (z / G_SQRT2);
}

static double
normal_pdf (double z)
{
  return exp (-0.5 * z * z) / sqrt (2.0 * G_PI);
}

/* z with P(Z > z) = q, for q in (0, 0.5]: the rational approximation of
 * Abramowitz & Stegun 26.2.23 (error < 4.5e-4), polished by Halley steps on
 * erfc to full precision. */
static double
normal_upper_quantile (double q)
{
  double r = sqrt (-2.0 * log (q));
  double z = r - (2.515517 + r * (0.802853 + r * 0.010328))
                   / (1.0 + r * (1.432788 + r * (0.189269 + r * 0.001308)));

  for (int i = 0; i < 3; i++)
    {
      double pdf = normal_pdf (z);
      double u;

      if (pdf == 0.0)
        break;
      u = (cb_normal_sf (z) - q) / pdf;
      z += u / (1.0 - 0.5 * z * u);
    }
  return z;
}

/* Beyond this df, P(T > t) is computed from the normal distribution (the
 * relative error is O(1/df)) and the quantile from its Cornish–Fisher
 * expansion (error O(1/df⁵)): the continued fraction would need O(√df)
 * terms for nothing. */
#define T_LARGE_DF 1e7

double
cb_student_t_sf (double t, double df)
{
  double t2;

  if (isnan (t) || !(df > 0.0))
    return NAN;
  if (t < 0.0)
    return 1.0 - cb_student_t_sf (-t, df);
  if (isinf (t))
    return 0.0;
  if (df > T_LARGE_DF)
    return cb_normal_sf (t);

  t2 = t * t;
  return 0.5 * regularized_incomplete_beta (0.5 * df, 0.5, df / (df + t2),
                                            t2 / (df + t2));
}

static double
student_t_pdf (double t, double df)
{
  return exp (lgamma (0.5 * (df + 1.0)) - lgamma (0.5 * df)
              - 0.5 * log (df * G_PI)
              - 0.5 * (df + 1.0) * log1p (t * t / df));
}

/* Abramowitz & Stegun 26.7.5: t quantile from the normal one, in powers of
 * 1/df. */
static double
cornish_fisher_t (double z, double df)
{
  double z2 = z * z;
  double g1 = z * (z2 + 1.0) / 4.0;
  double g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
  double g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
  double g4 = z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2
                   - 945.0) / 92160.0;

  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

/* Solves P(T > t) = q by Newton's method from start, keeping a bracket
 * [lo, hi] and falling back to doubling or bisection whenever a step leaves
 * it, so that a poor start (small df, far tail) costs iterations, never
 * correctness. */
static double
solve_t_upper_tail (double q, double df, double start)
{
  double lo = 0.0, hi = INFINITY;
  double t = start > 0.0 ? start : 1.0;

  for (int i = 0; i < 200; i++)
    {
      double excess = cb_student_t_sf (t, df) - q;
      double step, next;

      if (excess == 0.0)
        return t;
      if (excess > 0.0)
        lo = t;
      else
        hi = t;

      step = excess / student_t_pdf (t, df);
      next = t + step;
      /* Tested before the bracket: a converged step may round onto it. */
      if (fabs (step) <= 1e-14 * t)
        return next;
      if (!(next > lo && next < hi))
        next = isinf (hi) ? 2.0 * t : 0.5 * (lo + hi);
      t = next;
    }
  return t;
}

/* t >= 0 with P(T > t) = q, for q in (0, 0.5]. */
static double
student_t_upper_quantile (double q, double df)
{
  double start;

  /* Closed forms: the Cauchy distribution and df = 2. */
  if (df == 1.0)
    return 1.0 / tan (G_PI * q);
  if (df == 2.0)
    return (1.0 - 2.0 * q) / sqrt (2.0 * q * (1.0 - q));

  start = cornish_fisher_t (normal_upper_quantile (q), df);
  if (df > T_LARGE_DF)
    return start;
  return solve_t_upper_tail (q, df, start);
}

double
cb_student_t_quantile_df (double p, double df)
{
  if (isnan (p) || !(df > 0.0) || p < 0.0 || p > 1.0)
    return NAN;
  if (p == 0.0)
    return -INFINITY;
  if (p == 1.0)
    return INFINITY;
  if (p > 0.5)
    return student_t_upper_quantile (1.0 - p, df);
  if (p < 0.5)
    return -student_t_upper_quantile (p, df);
  return 0.0;
}

double
cb_student_t_quantile (double p, guint df)
{
  return cb_student_t_quantile_df (p, df);
}

/* Two series for the same function: the alternating one
 * 2 sum (-1)^(k-1) exp(-2 k^2 l^2) converges fast for large lambda, the
 * Jacobi theta form 1 - sqrt(2 pi)/l sum exp(-(2k-1)^2 pi^2 / (8 l^2)) for
 * small lambda; at 1.18 each needs a handful of terms for double
 * precision. */
double
cb_kolmogorov_sf (double lambda)
{
  double sum = 0.0;

  if (isnan (lambda))
    return NAN;
  if (lambda <= 0.0)
    return 1.0;
  if (lambda < 1.18)
    {
      double w = -G_PI * G_PI / (8.0 * lambda * lambda);

      for (int k = 1; k <= 9; k += 2)
        sum += exp (w * k * k);
      return 1.0 - sqrt (2.0 * G_PI) / lambda * sum;
    }
  for (int k = 1; k <= 100; k++)
    {
      double term = exp (-2.0 * k * k * lambda * lambda);

      sum += k % 2 == 1 ? term : -term;
      if (term < 1e-17 * sum)
        break;
    }
  return MIN (2.0 * sum, 1.0);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* sup |F_n - F| over sorted x: at each x_i the empirical distribution jumps
 * from i/n to (i+1)/n. */
static double
ks_statistic_exponential (const double *sorted, guint n, double rate)
{
  double d = 0.0;

  for (guint i = 0; i < n; i++)
    {
      double f = sorted[i] > 0.0 ? -expm1 (-rate * sorted[i]) : 0.0;

      d = MAX (d, MAX ((double) (i + 1) / n - f, f - (double) i / n));
    }
  return d;
}

double
cb_ks_exponential (const double *x, guint n, double rate, double *p_value)
{
  g_autofree double *sorted = NULL;
  double d, root_n;

  if (p_value != NULL)
    *p_value = NAN;
  if (n == 0 || !isfinite (rate) || !(rate > 0.0))
    return NAN;
  for (guint i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return NAN;

  sorted = g_new (double, n);
  memcpy (sorted, x, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  d = ks_statistic_exponential (sorted, n, rate);
  root_n = sqrt ((double) n);
  if (p_value != NULL)
    *p_value = cb_kolmogorov_sf ((root_n + 0.12 + 0.11 / root_n) * d);
  return d;
}
