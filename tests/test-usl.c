/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Universal Scalability Law fit on synthetic sweeps of known sigma,
 * kappa and lambda: recovered exactly without noise, within tolerance with
 * a little deterministic noise; linear scaling gives sigma = kappa = 0;
 * too few points give no fit; flat or bad data do not crash. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "testutil.h"
#include "usl.h"

static const double sweep[] = { 1, 2, 4, 8, 16, 32, 64 };
#define N_SWEEP G_N_ELEMENTS (sweep)

static double
usl (double lambda, double sigma, double kappa, double n)
{
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/* noise: relative amplitude of a fixed +-pattern. */
static void
make (double lambda, double sigma, double kappa, double noise, double *x)
{
  static const double pattern[] = { 0.6, -1.0, 0.3, 0.9, -0.4, -0.7, 0.5 };
  for (guint i = 0; i < N_SWEEP; i++)
    x[i] = usl (lambda, sigma, kappa, sweep[i]) * (1 + noise * pattern[i]);
}

static void
test_exact (void)
{
  const struct {
    double lambda, sigma, kappa;
  } cases[] = {
    { 1000, 0.05, 0.0004 }, { 20, 0.2, 0.01 }, { 5e5, 0.01, 0 },
    { 1, 0, 0.001 },        { 300, 0.5, 0.002 },
  };
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      double x[N_SWEEP];
      CbUslFit fit;
      make (cases[c].lambda, cases[c].sigma, cases[c].kappa, 0, x);
      g_assert_true (cb_usl_fit (sweep, x, N_SWEEP, &fit));
      g_assert_cmpfloat_with_epsilon (fit.lambda / cases[c].lambda, 1, 1e-6);
      g_assert_cmpfloat_with_epsilon (fit.sigma, cases[c].sigma, 1e-6);
      g_assert_cmpfloat_with_epsilon (fit.kappa, cases[c].kappa, 1e-7);
      g_assert_cmpfloat (fit.r_squared, >, 0.999999);
      g_assert_cmpuint (fit.n_points, ==, N_SWEEP);
      if (cases[c].kappa > 0)
        g_assert_cmpfloat_with_epsilon (
            fit.peak, sqrt ((1 - cases[c].sigma) / cases[c].kappa),
            1e-3 * fit.peak);
      else
        g_assert_true (isinf (fit.peak));
    }
}

static void
test_noisy (void)
{
  double x[N_SWEEP];
  CbUslFit fit;
  /* 2 % noise. */
  make (1000, 0.05, 0.0004, 0.02, x);
  g_assert_true (cb_usl_fit (sweep, x, N_SWEEP, &fit));
  g_assert_cmpfloat_with_epsilon (fit.lambda / 1000, 1, 0.05);
  g_assert_cmpfloat_with_epsilon (fit.sigma, 0.05, 0.02);
  g_assert_cmpfloat_with_epsilon (fit.kappa, 0.0004, 0.0002);
  g_assert_cmpfloat (fit.r_squared, >, 0.95);
  g_assert_cmpfloat (fit.r_squared, <=, 1);
  g_assert_cmpfloat (fit.peak, >, 30);
  g_assert_cmpfloat (fit.peak, <, 80);
  /* The fitted curve is near the points. */
  for (guint i = 0; i < N_SWEEP; i++)
    g_assert_cmpfloat (fabs (cb_usl_throughput (&fit, sweep[i]) / x[i] - 1),
                       <, 0.05);
}

static void
test_linear (void)
{
  double x[N_SWEEP];
  CbUslFit fit;
  make (42, 0, 0, 0, x);
  g_assert_true (cb_usl_fit (sweep, x, N_SWEEP, &fit));
  g_assert_cmpfloat (fit.sigma, <, 1e-9);
  g_assert_cmpfloat (fit.kappa, <, 1e-12);
  g_assert_cmpfloat (fit.sigma, >=, 0);
  g_assert_cmpfloat (fit.kappa, >=, 0);
  g_assert_cmpfloat_with_epsilon (fit.lambda, 42, 1e-6);
  /* Better than linear cannot make either negative. */
  for (guint i = 0; i < N_SWEEP; i++)
    x[i] = 10 * pow (sweep[i], 1.2);
  g_assert_true (cb_usl_fit (sweep, x, N_SWEEP, &fit));
  g_assert_cmpfloat (fit.sigma, >=, 0);
  g_assert_cmpfloat (fit.kappa, >=, 0);
  g_assert_true (isinf (fit.peak) || fit.peak > 64);
}

static void
test_too_few_points (void)
{
  double x[N_SWEEP];
  CbUslFit fit = { .lambda = -1 };
  make (1000, 0.05, 0.0004, 0, x);
  g_assert_false (cb_usl_fit (sweep, x, 3, &fit));
  g_assert_false (cb_usl_fit (sweep, x, 0, &fit));
  /* Four rows, but only three worker counts. */
  const double n[] = { 1, 2, 2, 4 };
  const double y[] = { 1, 2, 2, 3 };
  g_assert_false (cb_usl_fit (n, y, 4, &fit));
  g_assert_cmpfloat (fit.lambda, ==, -1);
  g_assert_true (cb_usl_fit (sweep, x, 4, &fit));
}

static void
test_degenerate (void)
{
  double flat[N_SWEEP];
  CbUslFit fit;
  for (guint i = 0; i < N_SWEEP; i++)
    flat[i] = 7;
  /* Flat: all contention, no coherency cost; R² unknown. */
  g_assert_true (cb_usl_fit (sweep, flat, N_SWEEP, &fit));
    {
      g_assert_true (isfinite (fit.lambda));
      g_assert_cmpfloat_with_epsilon (fit.sigma, 1, 1e-6);
      g_assert_cmpfloat (fit.kappa, <, 1e-9);
      g_assert_true (isnan (fit.r_squared));
      for (guint i = 0; i < N_SWEEP; i++)
        g_assert_cmpfloat_with_epsilon (cb_usl_throughput (&fit, sweep[i]), 7,
                                        1e-6);
    }
  double bad[N_SWEEP];
  memcpy (bad, flat, sizeof bad);
  bad[3] = 0;
  g_assert_false (cb_usl_fit (sweep, bad, N_SWEEP, &fit));
  bad[3] = NAN;
  g_assert_false (cb_usl_fit (sweep, bad, N_SWEEP, &fit));
  bad[3] = INFINITY;
  g_assert_false (cb_usl_fit (sweep, bad, N_SWEEP, &fit));
  const double zero_workers[] = { 0, 1, 2, 3 };
  g_assert_false (cb_usl_fit (zero_workers, flat, 4, &fit));
}

static char *
same (const char *s)
{
  return g_strdup (s);
}

static void
test_sentence (void)
{
  CbUslLaw law = { .workload_key = (char *) "api items=50",
                   .label = (char *) "gthreadpool",
                   .worker_param = "threads",
                   .items = 50,
                   .fit = { 1000, 0.021, 0.0004, 48.9, 0.9812, 7 } };
  g_autofree char *s = cb_usl_sentence (&law, same);
  g_assert_cmpstr (s, ==,
                   "USL gthreadpool threads on api items=50: σ=0.021 "
                   "κ=0.0004 peak at N≈49, R²=0.98");
  law.fit.kappa = 0;
  law.fit.peak = INFINITY;
  law.fit.r_squared = NAN;
  g_autofree char *t = cb_usl_sentence (&law, same);
  g_assert_nonnull (strstr (t, "κ=0 no peak, R²=-"));
}

/* A real sweep of four thread counts gets its line under the table and its
 * object in the JSON; three counts get neither.  Nothing about the fitted
 * values is asserted: they are this machine's. */
static void
test_report (void)
{
  g_autofree char *dir = g_dir_make_tmp ("concbench-usl-XXXXXX", NULL);
  g_autofree char *json = g_build_filename (dir, "r.json", NULL);
  g_autoptr (TestExec) exec = test_exec (
      "-w", "api", "-s", "gthreadpool", "-p", "threads=1..8*2", "-p",
      "items=8", "-p", "max-latency=0.002", "--runs", "2", "--warmups", "0",
      "--export", json, NULL);
  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
  g_assert_nonnull (strstr (exec->out, "USL gthreadpool threads on api"));
  g_assert_nonnull (strstr (exec->out, "R²="));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, json, NULL));
  JsonObject *top = json_node_get_object (json_parser_get_root (parser));
  JsonArray *laws = json_object_get_array_member (top, "scaling_laws");
  g_assert_cmpuint (json_array_get_length (laws), ==, 1);
  JsonObject *law = json_array_get_object_element (laws, 0);
  g_assert_cmpstr (json_object_get_string_member (law, "worker_param"), ==,
                   "threads");
  g_assert_cmpint (json_object_get_int_member (law, "points"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (law, "sigma"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (law, "kappa"), >=, 0);
  g_assert_cmpfloat (json_object_get_double_member (law, "lambda"), >, 0);

  g_autoptr (TestExec) three = test_exec (
      "-w", "api", "-s", "gthreadpool", "-p", "threads=1..4*2", "-p",
      "items=8", "-p", "max-latency=0.002", "--runs", "2", "--warmups", "0",
      "--format", "json", NULL);
  g_assert_cmpint (three->status, ==, 0);
  g_assert_null (strstr (three->out, "scaling_laws"));
  g_unlink (json);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/usl/exact", test_exact);
  g_test_add_func ("/usl/noisy", test_noisy);
  g_test_add_func ("/usl/linear", test_linear);
  g_test_add_func ("/usl/too-few-points", test_too_few_points);
  g_test_add_func ("/usl/degenerate", test_degenerate);
  g_test_add_func ("/usl/sentence", test_sentence);
  g_test_add_func ("/usl/report", test_report);
  return g_test_run ();
}
