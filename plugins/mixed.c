/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Workload "mixed": items that compute, wait, and compute again, as most
 * server work does.  An item computes half its cpu= work units, waits one
 * latency (triangular on [0, max-latency], drawn per item exactly as api
 * draws its GET latency: a timer wait, or with transport=tcp a GET to api's
 * latency server, mixed-tcp.c), then computes the other half.
 *
 * A work unit is one sieve item of method=trial complexity=UNIT_LIMIT: the
 * primes below UNIT_LIMIT counted by trial division, so units compare with
 * sieve's.  create() times a few units once, so that item_compute can tell
 * the core the seconds an item computes, and cpu-fraction= can be turned
 * into units.
 *
 * The loop-neutral form (ABI 1.2) runs the computing inline in item_start
 * and item_resume, on the loop's own thread: a loop that runs these items
 * stalls while one computes, which is what this workload is there to show.
 *
 * The digest is made of the item, the seed and the primes a unit counts,
 * not of the number of units: with cpu-fraction= that number comes from a
 * timing, and no digest may depend on one. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* clock_nanosleep under a strict -std */
#endif

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "mixed.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define UNIT_LIMIT 2000
#define ITEMS_MAX 1000000
#define CPU_MAX 1000000
#define CPU_DEFAULT 40
#define CPU_DEFAULT_TEXT "40"
#define FRACTION_MAX 0.95
#define LATENCY_MAX 3600.0
/* Calibration: units are timed until this long has passed, so that one
 * slow unit (a preemption) does not set the estimate alone. */
#define CALIBRATION_NS G_GINT64_CONSTANT (20000000)
#define GOLDEN_GAMMA G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
#define STREAM_GET_LATENCY 0 /* api's stream, so the latencies are api's */

/* Read afresh for every unit, so the compiler cannot fold repeated units
 * of the same pure computation into one. */
static volatile guint64 unit_limit = UNIT_LIMIT;

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* api's counter-based stream for (seed, record id, stream), and its
 * triangular latency: the sum of two uniforms. */
static double
draw_latency (guint64 seed, guint item, double max_latency)
{
  guint64 state = mix64 (seed ^ GOLDEN_GAMMA);
  state = mix64 (state ^ (guint64) (item + 1));
  state = mix64 (state ^ STREAM_GET_LATENCY);
  state += GOLDEN_GAMMA;
  double u1 = (double) (mix64 (state) >> 11) * 0x1.0p-53;
  state += GOLDEN_GAMMA;
  double u2 = (double) (mix64 (state) >> 11) * 0x1.0p-53;
  return (u1 + u2) * max_latency / 2.0;
}

/* sieve's trial division: every divisor from 2 up to the square root. */
static gboolean
is_prime_by_trial (guint64 n)
{
  if (n < 2)
    return FALSE;
  for (guint64 d = 2; d <= n / d; d++)
    if (n % d == 0)
      return FALSE;
  return TRUE;
}

static guint64
run_unit (void)
{
  guint64 limit = unit_limit;
  guint64 count = 0;

  for (guint64 n = 0; n < limit; n++)
    count += is_prime_by_trial (n);
  return count;
}

/* Runs units of work; returns what one counted (0 for none). */
static guint64
compute_units (guint64 units)
{
  guint64 primes = 0;

  for (guint64 u = 0; u < units; u++)
    primes = run_unit ();
  return primes;
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* CPU time, not wall time: a preempted calibration on a loaded machine
 * would otherwise overestimate the unit. */
static double
calibrate_seconds_per_unit (void)
{
  struct timespec t0, t1;
  gint64 start = now_ns ();
  guint64 units = 0;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t0);
  do
    {
      compute_units (1);
      units++;
    }
  while (now_ns () - start < CALIBRATION_NS);
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t1);
  double cpu = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  return cpu > 0 ? cpu / units : 1e-9;
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID, "mixed: %s",
               message);
  return FALSE;
}

/* The bounds the parser enforces, again: create may be called by a core
 * that did not parse (an item server, a test). */
static gboolean
check_params (guint64 items, guint64 cpu, double fraction, double max_latency,
              GError **error)
{
  if (items < 1 || items > ITEMS_MAX)
    return invalid (error, "items must be within 1..%d, not %" G_GUINT64_FORMAT,
                    ITEMS_MAX, items);
  if (cpu > CPU_MAX)
    return invalid (error, "cpu must be within 0..%d, not %" G_GUINT64_FORMAT,
                    CPU_MAX, cpu);
  if (!(fraction >= 0.0 && fraction <= FRACTION_MAX))
    return invalid (error, "cpu-fraction must be within 0..%g, not %g",
                    FRACTION_MAX, fraction);
  if (!(max_latency >= 0.0 && max_latency <= LATENCY_MAX))
    return invalid (error, "max-latency must be within 0..%g s, not %g",
                    LATENCY_MAX, max_latency);
  /* cpu's default stands for "not given": the parser cannot say more. */
  if (fraction > 0.0 && cpu != CPU_DEFAULT)
    return invalid (error, "give cpu or cpu-fraction, not both "
                    "(cpu=%" G_GUINT64_FORMAT " cpu-fraction=%g)",
                    cpu, fraction);
  if (fraction > 0.0 && max_latency == 0.0)
    return invalid (error, "cpu-fraction=%g needs waits, but max-latency "
                    "is 0", fraction);
  return TRUE;
}

/* compute / (compute + mean wait) = fraction, in whole units; at least one,
 * since a fraction above 0 asks for some computing. */
static guint64
units_for_fraction (double fraction, double max_latency,
                    double seconds_per_unit, GError **error)
{
  double compute = fraction / (1.0 - fraction) * (max_latency / 2.0);
  double units = compute / seconds_per_unit + 0.5;

  if (units > CPU_MAX)
    {
      invalid (error, "cpu-fraction=%g with max-latency=%g needs %.0f units "
               "per item, above the %d cpu allows", fraction, max_latency,
               units, CPU_MAX);
      return 0;
    }
  return MAX ((guint64) units, 1);
}

static void
mixed_destroy (gpointer workload)
{
  Mixed *mixed = workload;

  if (mixed == NULL)
    return;
  api_tcp_server_free (mixed->server);
  g_free (mixed->latency);
  g_free (mixed);
}

static gpointer
mixed_create (const CbParams *params, guint64 seed, GError **error)
{
  guint64 items = cb_params_get_uint (params, "items");
  guint64 cpu = cb_params_get_uint (params, "cpu");
  double fraction = cb_params_get_double (params, "cpu-fraction");
  double max_latency = cb_params_get_double (params, "max-latency");

  if (!check_params (items, cpu, fraction, max_latency, error))
    return NULL;
  double seconds_per_unit = calibrate_seconds_per_unit ();
  if (fraction > 0.0)
    {
      cpu = units_for_fraction (fraction, max_latency, seconds_per_unit,
                                error);
      if (cpu == 0)
        return NULL;
    }
  double *latency = g_try_new (double, items);
  if (latency == NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "mixed: cannot allocate the latencies of %" G_GUINT64_FORMAT
                   " items", items);
      return NULL;
    }
  for (guint i = 0; i < items; i++)
    latency[i] = draw_latency (seed, i, max_latency);

  Mixed *mixed = g_new0 (Mixed, 1);
  mixed->seed = seed;
  mixed->n_items = (guint) items;
  mixed->units = cpu;
  mixed->seconds_per_unit = seconds_per_unit;
  mixed->latency = latency;
  mixed->transport = cb_params_get_enum (params, "transport");
  if (mixed->transport == TRANSPORT_TCP)
    {
      mixed->server = api_tcp_server_new (seed, TRUE, error);
      if (mixed->server == NULL)
        {
          g_prefix_error (error, "mixed: ");
          mixed_destroy (mixed);
          return NULL;
        }
      mixed->port = api_tcp_server_port (mixed->server);
    }
  return mixed;
}

static guint
mixed_n_items (gpointer workload)
{
  return ((const Mixed *) workload)->n_items;
}

static gboolean
check_item (const Mixed *mixed, guint item, GError **error)
{
  if (item < mixed->n_items)
    return TRUE;
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
               "mixed: item %u out of range (%u items)", item, mixed->n_items);
  return FALSE;
}

static guint64
first_half (const Mixed *mixed)
{
  return mixed->units / 2;
}

static guint64
second_half (const Mixed *mixed)
{
  return mixed->units - mixed->units / 2;
}

static guint64
item_digest (const Mixed *mixed, guint item, guint64 primes)
{
  return mix64 (mix64 (mixed->seed ^ GOLDEN_GAMMA)
                ^ mix64 (primes ^ (item * GOLDEN_GAMMA)));
}

static gint64
latency_ns (const Mixed *mixed, guint item)
{
  return (gint64) (mixed->latency[item] * 1e9 + 0.5);
}

/* An absolute deadline makes the wait immune to EINTR drift. */
static void
sleep_until (gint64 deadline)
{
  struct timespec ts = {
    .tv_sec = (time_t) (deadline / G_GINT64_CONSTANT (1000000000)),
    .tv_nsec = (long) (deadline % G_GINT64_CONSTANT (1000000000)),
  };

  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static gboolean
mixed_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  const Mixed *mixed = workload;

  if (!check_item (mixed, item, error))
    return FALSE;
  guint64 primes = compute_units (first_half (mixed));
  if (mixed->transport == TRANSPORT_TCP)
    {
      if (!mixed_tcp_wait (mixed, item, error))
        return FALSE;
    }
  else
    sleep_until (now_ns () + latency_ns (mixed, item));
  guint64 after = compute_units (second_half (mixed));
  *digest = item_digest (mixed, item, MAX (primes, after));
  return TRUE;
}

/* The first half computes here, on the caller's (the loop's) thread; then
 * the wait, measured from the end of that computing as run's is. */
static CbStep
mixed_item_start (gpointer workload, guint item, gpointer *state, CbOp *op,
                  guint64 *digest G_GNUC_UNUSED, GError **error)
{
  const Mixed *mixed = workload;

  *state = NULL;
  if (!check_item (mixed, item, error))
    return CB_STEP_FAILED;
  MixedItem *self = g_new0 (MixedItem, 1);
  *state = self;
  self->item = item;
  self->fd = -1;
  self->primes = compute_units (first_half (mixed));
  if (mixed->transport == TRANSPORT_TCP)
    return mixed_tcp_start (mixed, self, op, error);
  self->stage = STAGE_WAIT;
  op->kind = CB_OP_SLEEP;
  op->deadline = now_ns () + latency_ns (mixed, item);
  return CB_STEP_OP;
}

/* The wait is over (tcp: its last operation is), then the second half. */
static CbStep
mixed_item_resume (gpointer workload, gpointer state, gint64 result,
                   CbOp *op, guint64 *digest, GError **error)
{
  const Mixed *mixed = workload;
  MixedItem *self = state;

  if (mixed->transport == TRANSPORT_TCP)
    {
      CbStep step = mixed_tcp_resume (mixed, self, result, op, error);
      if (step != CB_STEP_DONE)
        return step;
    }
  guint64 after = compute_units (second_half (mixed));

  *digest = item_digest (mixed, self->item, MAX (self->primes, after));
  return CB_STEP_DONE;
}

static void
mixed_item_free (gpointer workload G_GNUC_UNUSED, gpointer state)
{
  MixedItem *self = state;

  if (self != NULL && self->fd >= 0)
    close (self->fd);
  g_free (self);
}

/* tcp: an item in flight holds one socket; the server's descriptors are
 * its own process's. */
static void
mixed_resources (gpointer workload, CbResources *fixed, CbResources *per_item)
{
  const Mixed *mixed = workload;

  if (mixed->transport != TRANSPORT_TCP)
    return;
  fixed->processes = 1;
  per_item->fds = 1;
}

static double
mixed_item_wait (gpointer workload, guint item)
{
  const Mixed *mixed = workload;

  return item < mixed->n_items ? mixed->latency[item] : 0.0;
}

static double
mixed_item_compute (gpointer workload, guint item)
{
  const Mixed *mixed = workload;

  return item < mixed->n_items ? mixed->units * mixed->seconds_per_unit : 0.0;
}

static const char *const transport_choices[] = { "timer", "tcp", NULL };

static const CbParamSpec mixed_params[] = {
  {
      .name = "items",
      .help = "number of items",
      .default_value = "50",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = ITEMS_MAX,
  },
  {
      .name = "cpu",
      .help = "work units each item computes, half before its wait and half "
              "after; a unit counts the primes below 2000 by trial division "
              "(a sieve item of method=trial complexity=2000)",
      .default_value = CPU_DEFAULT_TEXT,
      .type = CB_PARAM_UINT,
      .min = 0,
      .max = CPU_MAX,
  },
  {
      .name = "cpu-fraction",
      .help = "instead of cpu: the share of an item's sequential time spent "
              "computing, against the mean wait, turned into units by a "
              "calibration at start-up; 0: cpu decides.  cpu must then keep "
              "its default: giving both fails the row",
      .default_value = "0",
      .type = CB_PARAM_DOUBLE,
      .min = 0,
      .max = FRACTION_MAX,
  },
  {
      .name = "max-latency",
      .help = "upper bound of each item's wait; waits are triangular on "
              "[0, max], mean max/2, the same as api's GET latencies",
      .default_value = "0.05",
      .type = CB_PARAM_DOUBLE,
      .min = 0,
      .max = LATENCY_MAX,
  },
  {
      .name = "transport",
      .help = "timer: the wait is a timer wait; tcp: a GET to api's latency "
              "server (a process of its own) on 127.0.0.1, answered after "
              "the latency, on a connection of its own",
      .default_value = "timer",
      .type = CB_PARAM_ENUM,
      .choices = transport_choices,
  },
  { .name = NULL },
};

static const CbWorkloadClass mixed_class = {
  .name = "mixed",
  .summary = "items that compute, wait one latency, and compute again",
  .params = mixed_params,
  .create = mixed_create,
  .destroy = mixed_destroy,
  .n_items = mixed_n_items,
  .run = mixed_run,
  .item_wait = mixed_item_wait,
  .item_start = mixed_item_start,
  .item_resume = mixed_item_resume,
  .item_free = mixed_item_free,
  .resources = mixed_resources,
  .item_compute = mixed_item_compute,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "mixed",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "workload mixing computing and waiting in every item",
  .workload = &mixed_class,
};

CB_PLUGIN_DEFINE (mixed, desc)
