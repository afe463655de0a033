/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Universal Scalability Law fit: see usl.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "usl.h"

#include <math.h>
#include <string.h>

#include "format.h"
#include "plot-data.h"

#define MAX_ITERATIONS 500

static double
usl_denominator (double sigma, double kappa, double n)
{
  return 1 + sigma * (n - 1) + kappa * n * (n - 1);
}

double
cb_usl_throughput (const CbUslFit *fit, double n)
{
  return fit->lambda * n / usl_denominator (fit->sigma, fit->kappa, n);
}

/* Solves a x = b for 3 unknowns by elimination with partial pivoting;
 * FALSE when a is singular. */
static gboolean
solve3 (double a[3][3], double b[3], double x[3])
{
  for (int c = 0; c < 3; c++)
    {
      int pivot = c;
      for (int r = c + 1; r < 3; r++)
        if (fabs (a[r][c]) > fabs (a[pivot][c]))
          pivot = r;
      if (!(fabs (a[pivot][c]) > 1e-300))
        return FALSE;
      for (int k = 0; k < 3; k++)
        {
          double t = a[c][k];
          a[c][k] = a[pivot][k];
          a[pivot][k] = t;
        }
      double t = b[c];
      b[c] = b[pivot];
      b[pivot] = t;
      for (int r = c + 1; r < 3; r++)
        {
          double f = a[r][c] / a[c][c];
          for (int k = c; k < 3; k++)
            a[r][k] -= f * a[c][k];
          b[r] -= f * b[c];
        }
    }
  for (int r = 2; r >= 0; r--)
    {
      double s = b[r];
      for (int k = r + 1; k < 3; k++)
        s -= a[r][k] * x[k];
      x[r] = s / a[r][r];
    }
  return isfinite (x[0]) && isfinite (x[1]) && isfinite (x[2]);
}

/* The linearised fit: N/X = (1 + sigma (N-1) + kappa N (N-1)) / lambda is
 * linear in 1, N-1 and N(N-1).  p = lambda, sigma, kappa, clamped. */
static void
linear_start (const double *n, const double *x, guint len, double p[3])
{
  double a[3][3] = { { 0 } }, b[3] = { 0 }, c[3];
  for (guint i = 0; i < len; i++)
    {
      double basis[3] = { 1, n[i] - 1, n[i] * (n[i] - 1) };
      for (int r = 0; r < 3; r++)
        {
          for (int k = 0; k < 3; k++)
            a[r][k] += basis[r] * basis[k];
          b[r] += basis[r] * n[i] / x[i];
        }
    }
  if (solve3 (a, b, c) && c[0] > 0)
    {
      p[0] = 1 / c[0];
      p[1] = MAX (0, c[1] / c[0]);
      p[2] = MAX (0, c[2] / c[0]);
      return;
    }
  p[0] = x[0] / n[0];
  p[1] = p[2] = 0;
}

static double
sum_squares (const double *n, const double *x, guint len, const double p[3])
{
  double ss = 0;
  for (guint i = 0; i < len; i++)
    {
      double r = x[i] - p[0] * n[i] / usl_denominator (p[1], p[2], n[i]);
      ss += r * r;
    }
  return ss;
}

/* J^T J and J^T r of the residuals x - X(n) at p. */
static void
normal_equations (const double *n, const double *x, guint len,
                  const double p[3], double a[3][3], double g[3])
{
  memset (a, 0, sizeof (double[3][3]));
  memset (g, 0, sizeof (double[3]));
  for (guint i = 0; i < len; i++)
    {
      double d = usl_denominator (p[1], p[2], n[i]);
      double f = p[0] * n[i] / d;
      double j[3] = { n[i] / d, -f * (n[i] - 1) / d,
                      -f * n[i] * (n[i] - 1) / d };
      for (int r = 0; r < 3; r++)
        {
          for (int k = 0; k < 3; k++)
            a[r][k] += j[r] * j[k];
          g[r] += j[r] * (x[i] - f);
        }
    }
}

/* One Levenberg-Marquardt step, projected onto sigma, kappa >= 0; TRUE
 * when it lowered the sum of squares *ss. */
static gboolean
lm_step (const double *n, const double *x, guint len, double p[3],
         double mu, double *ss)
{
  double a[3][3], g[3], delta[3], next[3];
  normal_equations (n, x, len, p, a, g);
  for (int r = 0; r < 3; r++)
    a[r][r] += mu * a[r][r] + 1e-300;
  if (!solve3 (a, g, delta))
    return FALSE;
  next[0] = p[0] + delta[0];
  next[1] = MAX (0, p[1] + delta[1]);
  next[2] = MAX (0, p[2] + delta[2]);
  if (!(next[0] > 0))
    return FALSE;
  double s = sum_squares (n, x, len, next);
  if (!(s < *ss))
    return FALSE;
  memcpy (p, next, sizeof next);
  *ss = s;
  return TRUE;
}

static void
levenberg_marquardt (const double *n, const double *x, guint len, double p[3])
{
  double mu = 1e-3, ss = sum_squares (n, x, len, p);
  for (guint it = 0; it < MAX_ITERATIONS && mu < 1e12 && ss > 0; it++)
    {
      double before = ss;
      if (!lm_step (n, x, len, p, mu, &ss))
        {
          mu *= 4;
          continue;
        }
      mu = MAX (mu / 3, 1e-12);
      if (before - ss <= 1e-15 * before)
        break;
    }
}

static gboolean
fit_inputs_ok (const double *n, const double *x, guint len)
{
  guint distinct = 0;
  for (guint i = 0; i < len; i++)
    {
      gboolean seen = FALSE;
      if (!isfinite (n[i]) || !(n[i] >= 1) || !isfinite (x[i]) || !(x[i] > 0))
        return FALSE;
      for (guint k = 0; k < i && !seen; k++)
        seen = n[k] == n[i];
      distinct += !seen;
    }
  return distinct >= CB_USL_MIN_POINTS;
}

static double
r_squared (const double *x, guint len, double ss_res)
{
  double mean = 0, ss_tot = 0;
  for (guint i = 0; i < len; i++)
    mean += x[i] / len;
  for (guint i = 0; i < len; i++)
    ss_tot += (x[i] - mean) * (x[i] - mean);
  /* All the same: nothing to explain (and nothing unexplained). */
  if (!(ss_tot > 1e-24 * mean * mean))
    return NAN;
  return 1 - ss_res / ss_tot;
}

/* A term whose effect over the measured workers is below rounding is 0:
 * linear data otherwise fit kappa = 1e-17 and a peak at N = 3e8. */
static void
snap_negligible (const double *n, guint len, double p[3])
{
  double top = 1;
  for (guint i = 0; i < len; i++)
    top = MAX (top, n[i]);
  if (p[1] * (top - 1) < 1e-9)
    p[1] = 0;
  if (p[2] * top * (top - 1) < 1e-9)
    p[2] = 0;
}

gboolean
cb_usl_fit (const double *n, const double *x, guint len, CbUslFit *out)
{
  double p[3];
  if (!fit_inputs_ok (n, x, len))
    return FALSE;
  linear_start (n, x, len, p);
  levenberg_marquardt (n, x, len, p);
  snap_negligible (n, len, p);
  if (!isfinite (p[0]) || !isfinite (p[1]) || !isfinite (p[2]))
    return FALSE;
  out->lambda = p[0];
  out->sigma = p[1];
  out->kappa = p[2];
  out->peak = p[2] <= 0    ? INFINITY
              : p[1] >= 1 ? 1
                          : sqrt ((1 - p[1]) / p[2]);
  out->r_squared = r_squared (x, len, sum_squares (n, x, len, p));
  out->n_points = len;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The report's sweeps                                                       */

void
cb_usl_law_free (CbUslLaw *law)
{
  if (law == NULL)
    return;
  g_free (law->workload_key);
  g_free (law->label);
  g_free (law);
}

/* Items per run of a workload key; 1 when no row knows, which makes X runs
 * per second (the same law, another lambda). */
static double
items_of (const CbReport *report, const char *workload_key)
{
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      if (strcmp (r->bench->workload_key, workload_key) == 0
          && r->info.n_items > 0)
        return r->info.n_items;
    }
  return 1;
}

gboolean
cb_usl_fit_family (const CbPlotFamily *family, double items, CbUslFit *out)
{
  guint len = family->points->len;
  g_autofree double *n = g_new (double, len + 1);
  g_autofree double *x = g_new (double, len + 1);
  for (guint i = 0; i < len; i++)
    {
      const CbPlotPoint *p = &g_array_index (family->points, CbPlotPoint, i);
      n[i] = p->workers;
      x[i] = items / p->mean;
    }
  return cb_usl_fit (n, x, len, out);
}

static CbUslLaw *
law_of_family (const CbPlotFamily *family, const char *key, double items)
{
  CbUslFit fit;
  if (!cb_usl_fit_family (family, items, &fit))
    return NULL;
  CbUslLaw *law = g_new0 (CbUslLaw, 1);
  law->workload_key = g_strdup (key);
  law->label = g_strdup (family->label);
  law->worker_param = family->worker_param;
  law->items = items;
  law->fit = fit;
  return law;
}

GPtrArray *
cb_usl_laws (const CbReport *report)
{
  GPtrArray *laws
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_usl_law_free);
  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (report);
  for (guint b = 0; b < blocks->len; b++)
    {
      const CbPlotBlock *block = blocks->pdata[b];
      double items = items_of (report, block->key);
      for (guint f = 0; f < block->families->len; f++)
        {
          CbUslLaw *law
              = law_of_family (block->families->pdata[f], block->key, items);
          if (law != NULL)
            g_ptr_array_add (laws, law);
        }
    }
  return laws;
}

static char *
peak_text (const CbUslFit *fit)
{
  if (!isfinite (fit->peak))
    return g_strdup ("no peak");
  if (fit->peak >= 1e6)
    return g_strdup ("peak beyond N≈1e6");
  return g_strdup_printf ("peak at N≈%.0f", MAX (1, fit->peak));
}

char *
cb_usl_sentence (const CbUslLaw *law, CbTextFunc text)
{
  g_autofree char *label = text (law->label);
  g_autofree char *param = text (law->worker_param);
  g_autofree char *key = text (law->workload_key);
  g_autofree char *sigma = cb_fmt_general (law->fit.sigma, 2);
  g_autofree char *kappa = cb_fmt_general (law->fit.kappa, 2);
  g_autofree char *peak = peak_text (&law->fit);
  g_autofree char *r2 = cb_fmt_fixed_or_dash (law->fit.r_squared, 2);
  return g_strdup_printf ("USL %s %s on %s: σ=%s κ=%s %s, R²=%s", label,
                          param, key, sigma, kappa, peak, r2);
}
