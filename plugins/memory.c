/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Workload "memory": memory-bound items, STREAM's triad.  Each item has
 * three arrays of size= bytes of doubles of its own, fills b and c from the
 * seed and the item, then runs passes= triads a[i] = b[i] + s * c[i],
 * feeding each pass's a back in as the next pass's b, so that no pass
 * repeats another.  Threads stop scaling on this where the memory bus
 * runs out, long before the cores do.
 *
 * item_bytes counts what STREAM counts for the triad: per pass, b and c
 * read and a written, 3 x size bytes; not the filling of b and c, nor
 * the read that digests the result, nor the caches' write-allocate reads.
 *
 * The digest folds the bits of the final array: IEEE arithmetic without
 * -ffast-math gives the same bits in every thread and process. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>
#include <unistd.h>

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define ITEMS_MAX 1000000
#define SIZE_MIN 1024
#define SIZE_MAX_BYTES G_GUINT64_CONSTANT (68719476736) /* 64 GiB */
#define PASSES_MAX 1000000
#define SCALAR 0.5
#define GOLDEN_GAMMA G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

typedef struct {
  guint64 seed;
  guint n_items;
  gsize n_doubles; /* per array */
  guint64 passes;
} Memory;

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
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
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID, "memory: %s",
               message);
  return FALSE;
}

static guint64
physical_memory (void)
{
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);

  return pages > 0 && page_size > 0 ? (guint64) pages * (guint64) page_size
                                    : 0;
}

/* The items in flight are taken to be min(items, online CPUs): create does
 * not know the strategy's slots, and a memory-bound item gains nothing from
 * more of them at once than there are cores.  A strategy that holds more
 * meets an allocation failure, which is that item's error. */
static gboolean
check_memory_bound (guint64 items, guint64 size, GError **error)
{
  guint64 in_flight = MIN (items, (guint64) g_get_num_processors ());
  guint64 physical = physical_memory ();

  if (physical == 0)
    return TRUE;
  if (size > physical / 2 / 3 / in_flight)
    return invalid (error, "3 arrays of size=%" G_GUINT64_FORMAT " bytes "
                    "for %" G_GUINT64_FORMAT " items in flight need %"
                    G_GUINT64_FORMAT " MiB, above half the %" G_GUINT64_FORMAT
                    " MiB of physical memory", size, in_flight,
                    3 * size / 1048576 * in_flight, physical / 1048576);
  return TRUE;
}

/* The bounds the parser enforces, again: create may be called by a core
 * that did not parse (an item server, a test). */
static gboolean
check_params (guint64 items, guint64 size, guint64 passes, GError **error)
{
  if (items < 1 || items > ITEMS_MAX)
    return invalid (error, "items must be within 1..%d, not %" G_GUINT64_FORMAT,
                    ITEMS_MAX, items);
  if (size < SIZE_MIN || size > SIZE_MAX_BYTES)
    return invalid (error, "size must be within %d..%" G_GUINT64_FORMAT
                    " bytes, not %" G_GUINT64_FORMAT, SIZE_MIN,
                    SIZE_MAX_BYTES, size);
  if (size % sizeof (double) != 0)
    return invalid (error, "size must be a whole number of %zu-byte "
                    "doubles, not %" G_GUINT64_FORMAT, sizeof (double), size);
  if (passes < 1 || passes > PASSES_MAX)
    return invalid (error, "passes must be within 1..%d, not %"
                    G_GUINT64_FORMAT, PASSES_MAX, passes);
  return check_memory_bound (items, size, error);
}

static gpointer
memory_create (const CbParams *params, guint64 seed, GError **error)
{
  guint64 items = cb_params_get_uint (params, "items");
  guint64 size = cb_params_get_uint (params, "size");
  guint64 passes = cb_params_get_uint (params, "passes");

  if (!check_params (items, size, passes, error))
    return NULL;
  Memory *memory = g_new0 (Memory, 1);
  memory->seed = seed;
  memory->n_items = (guint) items;
  memory->n_doubles = (gsize) (size / sizeof (double));
  memory->passes = passes;
  return memory;
}

static void
memory_destroy (gpointer workload)
{
  g_free (workload);
}

static guint
memory_n_items (gpointer workload)
{
  return ((const Memory *) workload)->n_items;
}

/* Small whole numbers, exact in a double, that differ between items. */
static void
fill_inputs (const Memory *memory, guint item, double *b, double *c)
{
  guint64 key = mix64 (memory->seed ^ mix64 (item * GOLDEN_GAMMA));

  for (gsize i = 0; i < memory->n_doubles; i++)
    {
      b[i] = (double) ((key + i) & 0xffff);
      c[i] = (double) ((key >> 16) + i * 7) * 0.25;
    }
}

static void
triad (double *restrict a, const double *restrict b,
       const double *restrict c, gsize n)
{
  for (gsize i = 0; i < n; i++)
    a[i] = b[i] + SCALAR * c[i];
}

/* One add per element: a multiply's latency in the chain would make the
 * digest, not the triad, the item's cost. */
static guint64
fold_bits (const double *a, gsize n)
{
  guint64 sum = 0;

  for (gsize i = 0; i < n; i++)
    {
      guint64 bits;

      memcpy (&bits, &a[i], sizeof bits);
      sum += bits ^ (i * GOLDEN_GAMMA);
    }
  return sum;
}

static gboolean
memory_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  const Memory *memory = workload;
  gsize n = memory->n_doubles;

  if (item >= memory->n_items)
    return invalid (error, "item %u out of range (%u items)", item,
                    memory->n_items);
  g_autofree double *arrays = g_try_new (double, 3 * n);
  if (arrays == NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "memory: item %u cannot allocate 3 x %zu bytes", item,
                   n * sizeof (double));
      return FALSE;
    }
  double *a = arrays, *b = arrays + n, *c = arrays + 2 * n;

  fill_inputs (memory, item, b, c);
  for (guint64 p = 0; p < memory->passes; p++)
    {
      double *t;

      triad (a, b, c, n);
      t = a; /* this pass's result is the next pass's b */
      a = b;
      b = t;
    }
  *digest = mix64 (fold_bits (b, n) ^ mix64 (memory->seed + item));
  return TRUE;
}

static guint64
memory_item_bytes (gpointer workload, guint item)
{
  const Memory *memory = workload;

  if (item >= memory->n_items)
    return 0;
  return 3 * (guint64) memory->n_doubles * sizeof (double) * memory->passes;
}

static const CbParamSpec memory_params[] = {
  {
      .name = "items",
      .help = "number of items, each with arrays of its own",
      .default_value = "16",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = ITEMS_MAX,
  },
  {
      .name = "size",
      .help = "bytes of each of an item's three arrays (a multiple of 8); "
              "3 x size x min(items, CPUs) must stay under half of physical "
              "memory",
      .default_value = "16777216",
      .type = CB_PARAM_UINT,
      .min = SIZE_MIN,
      .max = 68719476736.0,
  },
  {
      .name = "passes",
      .help = "triads a = b + 0.5 c over the arrays, each pass's a the next "
              "pass's b",
      .default_value = "10",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = PASSES_MAX,
  },
  { .name = NULL },
};

static const CbWorkloadClass memory_class = {
  .name = "memory",
  .summary = "memory-bound items: STREAM's triad over arrays of their own",
  .params = memory_params,
  .create = memory_create,
  .destroy = memory_destroy,
  .n_items = memory_n_items,
  .run = memory_run,
  .item_bytes = memory_item_bytes,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "memory",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "memory-bound workload: the STREAM triad",
  .workload = &memory_class,
};

CB_PLUGIN_DEFINE (memory, desc)
