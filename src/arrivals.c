/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "arrivals.h"

#include <math.h>
#include <errno.h>
#include <string.h>
#include <time.h>

/* Mixed into the run's seed so that the arrival stream is not the same
 * random sequence a workload seeded with it draws its data from. */
#define ARRIVALS_SALT G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

gboolean
cb_arrivals_parse (const char *name, CbArrivals *out)
{
  if (strcmp (name, "constant") == 0)
    *out = CB_ARRIVALS_CONSTANT;
  else if (strcmp (name, "poisson") == 0)
    *out = CB_ARRIVALS_POISSON;
  else
    return FALSE;
  return TRUE;
}

const char *
cb_arrivals_name (CbArrivals arrivals)
{
  return arrivals == CB_ARRIVALS_POISSON ? "poisson" : "constant";
}

/* Each offset from its index, not by summing gaps: no rounding drifts. */
static void
schedule_constant (gint64 *at, double rate, guint n)
{
  for (guint i = 0; i < n; i++)
    at[i] = (gint64) llround ((double) i * 1e9 / rate);
}

/* Gaps -ln(U)/rate with U in (0, 1], summed in double seconds and rounded
 * once per item. */
static void
schedule_poisson (gint64 *at, double rate, guint64 seed, guint n)
{
  guint64 mixed = seed ^ ARRIVALS_SALT;
  guint32 words[2] = { (guint32) mixed, (guint32) (mixed >> 32) };
  g_autoptr (GRand) rand = g_rand_new_with_seed_array (words, 2);
  double t = 0;
  for (guint i = 0; i < n; i++)
    {
      at[i] = (gint64) llround (t * 1e9);
      t += -log (1.0 - g_rand_double (rand)) / rate;
    }
}

gint64 *
cb_arrivals_schedule (CbArrivals arrivals, double rate, guint64 seed, guint n)
{
  gint64 *at = g_new0 (gint64, MAX (n, 1));
  g_return_val_if_fail (rate > 0, at);
  if (arrivals == CB_ARRIVALS_POISSON)
    schedule_poisson (at, rate, seed, n);
  else
    schedule_constant (at, rate, n);
  return at;
}

void
cb_arrivals_wait_until (gint64 deadline)
{
  struct timespec ts = { deadline / 1000000000, deadline % 1000000000 };
  if (deadline <= 0)
    return;
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}
