/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Workload "sieve": CPU-bound prime counting, the seed's "first primes"
 * benchmark.  Every item counts the primes below the same bound, so items are
 * interchangeable units of pure computation. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define COMPLEXITY_MAX G_GUINT64_CONSTANT (1000000000000)
/* Fits a typical L1 data cache, so marking stays cache-resident while the
 * whole range still streams through memory. */
#define SEGMENT_BYTES (32 * 1024)

typedef enum {
  METHOD_TRIAL,
  METHOD_ERATOSTHENES,
} SieveMethod;

typedef struct {
  guint n_items;
  guint64 complexity;
  SieveMethod method;
} Sieve;

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint64
item_digest (guint item, guint64 prime_count)
{
  return mix64 (prime_count ^ (item * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)));
}

/* The seed's test: every divisor from 2 up, no wheel, no skipping evens.
 * d <= n / d is d * d <= n without overflow, and shares its division with
 * n % d. */
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
count_primes_by_trial (guint64 limit)
{
  guint64 count = 0;

  for (guint64 n = 0; n < limit; n++)
    count += is_prime_by_trial (n);
  return count;
}

static guint64
isqrt64 (guint64 n)
{
  guint64 x = n;
  guint64 y = (n >> 1) + (n & 1);

  if (n < 2)
    return n;
  while (y < x)
    {
      x = y;
      y = (x + n / x) / 2;
    }
  return x;
}

/* Primes up to bound, by a plain sieve: bound is at most 10^6 here. */
static guint32 *
base_primes (guint64 bound, gsize *n_primes, GError **error)
{
  g_autofree guint8 *composite = g_try_malloc0 (bound + 1);
  g_autofree guint32 *primes = NULL;
  gsize count = 0;

  if (composite == NULL)
    goto nomem;
  for (guint64 p = 2; p <= bound / p; p++)
    if (!composite[p])
      for (guint64 m = p * p; m <= bound; m += p)
        composite[m] = 1;
  for (guint64 p = 2; p <= bound; p++)
    count += !composite[p];
  primes = g_try_new (guint32, MAX (count, 1));
  if (primes == NULL)
    goto nomem;
  count = 0;
  for (guint64 p = 2; p <= bound; p++)
    if (!composite[p])
      primes[count++] = (guint32) p;
  *n_primes = count;
  return g_steal_pointer (&primes);

nomem:
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
               "sieve: cannot allocate the primes up to %" G_GUINT64_FORMAT,
               bound);
  return NULL;
}

static void
mark_composites (guint8 *segment, guint64 low, guint64 high,
                 const guint32 *primes, gsize n_primes)
{
  for (gsize i = 0; i < n_primes; i++)
    {
      guint64 p = primes[i];
      guint64 first = MAX (p * p, (low + p - 1) / p * p);

      if (p * p >= high)
        break;
      for (guint64 m = first; m < high; m += p)
        segment[m - low] = 0;
    }
}

static gboolean
count_primes_by_sieve (guint64 limit, guint64 *count_out, GError **error)
{
  gsize n_primes = 0;
  g_autofree guint32 *primes = NULL;
  g_autofree guint8 *segment = NULL;
  guint64 count = 0;

  if (limit <= 2)
    {
      *count_out = 0;
      return TRUE;
    }
  primes = base_primes (isqrt64 (limit - 1), &n_primes, error);
  if (primes == NULL)
    return FALSE;
  segment = g_try_malloc (SEGMENT_BYTES);
  if (segment == NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "sieve: cannot allocate a %d-byte segment", SEGMENT_BYTES);
      return FALSE;
    }
  for (guint64 low = 0; low < limit; low += SEGMENT_BYTES)
    {
      guint64 high = MIN (low + SEGMENT_BYTES, limit);
      gsize length = (gsize) (high - low);

      memset (segment, 1, length);
      if (low == 0)
        segment[0] = segment[1] = 0;
      mark_composites (segment, low, high, primes, n_primes);
      for (gsize i = 0; i < length; i++)
        count += segment[i];
    }
  *count_out = count;
  return TRUE;
}

static gpointer
sieve_create (const CbParams *params, guint64 seed G_GNUC_UNUSED,
              GError **error)
{
  guint64 items = cb_params_get_uint (params, "items");
  guint64 complexity = cb_params_get_uint (params, "complexity");
  guint method = cb_params_get_enum (params, "method");

  if (items < 1 || items > 1000000)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "sieve: items must be within 1..1000000, not %" G_GUINT64_FORMAT,
                   items);
      return NULL;
    }
  if (complexity < 1 || complexity > COMPLEXITY_MAX)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "sieve: complexity must be within 1..%" G_GUINT64_FORMAT
                   ", not %" G_GUINT64_FORMAT,
                   COMPLEXITY_MAX, complexity);
      return NULL;
    }
  if (method != METHOD_TRIAL && method != METHOD_ERATOSTHENES)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "sieve: unknown method %u", method);
      return NULL;
    }

  Sieve *sieve = g_new0 (Sieve, 1);
  sieve->n_items = (guint) items;
  sieve->complexity = complexity;
  sieve->method = method;
  return sieve;
}

static void
sieve_destroy (gpointer workload)
{
  g_free (workload);
}

static guint
sieve_n_items (gpointer workload)
{
  return ((const Sieve *) workload)->n_items;
}

static gboolean
sieve_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  const Sieve *sieve = workload;
  guint64 count;

  if (item >= sieve->n_items)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "sieve: item %u out of range (%u items)", item,
                   sieve->n_items);
      return FALSE;
    }
  if (sieve->method == METHOD_ERATOSTHENES)
    {
      if (!count_primes_by_sieve (sieve->complexity, &count, error))
        return FALSE;
    }
  else
    count = count_primes_by_trial (sieve->complexity);
  *digest = item_digest (item, count);
  return TRUE;
}

static const char *const method_choices[] = { "trial", "eratosthenes", NULL };

static const CbParamSpec sieve_params[] = {
  {
      .name = "items",
      .help = "number of items, each counting the same primes",
      .default_value = "50",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1000000,
  },
  {
      .name = "complexity",
      .help = "count the primes below this bound in every item",
      .default_value = "1000000",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1e12,
  },
  {
      .name = "method",
      .help = "trial: trial division by every integer up to the square root, "
              "as the seed; eratosthenes: segmented sieve",
      .default_value = "trial",
      .type = CB_PARAM_ENUM,
      .choices = method_choices,
  },
  { .name = NULL },
};

static const CbWorkloadClass sieve_class = {
  .name = "sieve",
  .summary = "CPU-bound prime counting by trial division or segmented sieve",
  .params = sieve_params,
  .create = sieve_create,
  .destroy = sieve_destroy,
  .n_items = sieve_n_items,
  .run = sieve_run,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "sieve",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "CPU-bound workload counting primes",
  .workload = &sieve_class,
};

CB_PLUGIN_DEFINE (sieve, desc)
