/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test plugin built against the saved ABI 1.0 header (tests/abi-1.0), the way
 * a third party's old plugin was: the core must still load and run both its
 * workload and its strategy, and read no ABI 1.1 field from it. */
#include <concbench/plugin.h>

#include "workers.h"

/* The build gives this file tests/abi-1.0 as its only SDK include path. */
G_STATIC_ASSERT (CB_PLUGIN_ABI_MAJOR == 1 && CB_PLUGIN_ABI_MINOR == 0);

typedef struct {
  guint n_items;
  guint64 rounds;
  guint64 seed;
} Mixer;

static gpointer
mixer_create (const CbParams *params, guint64 seed, GError **error)
{
  Mixer *m = g_new0 (Mixer, 1);
  m->n_items = (guint) cb_params_get_uint (params, "items");
  m->rounds = cb_params_get_uint (params, "rounds");
  m->seed = seed;
  return m;
}

static void
mixer_destroy (gpointer workload)
{
  g_free (workload);
}

static guint
mixer_n_items (gpointer workload)
{
  return ((Mixer *) workload)->n_items;
}

/* splitmix64 rounds over the seed and the item: a digest that depends on
 * nothing else. */
static gboolean
mixer_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  const Mixer *m = workload;
  guint64 z = m->seed ^ ((guint64) item * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  for (guint64 r = 0; r < m->rounds; r++)
    {
      z += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
      z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
      z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
      z ^= z >> 31;
    }
  *digest = z;
  return TRUE;
}

static const CbParamSpec mixer_params[] = {
  { "items", "number of items", "8", CB_PARAM_UINT, 1, 100000, NULL },
  { "rounds", "mixing rounds per item", "1000", CB_PARAM_UINT, 0, 1e9, NULL },
  { NULL }
};

static const CbWorkloadClass mixer_class = {
  .name = "abi10-work",
  .summary = "test workload built against the ABI 1.0 header",
  .params = mixer_params,
  .create = mixer_create,
  .destroy = mixer_destroy,
  .n_items = mixer_n_items,
  .run = mixer_run,
};

static gboolean
threads_execute (const CbJob *job, GError **error)
{
  return worker_pool_run (job, cb_params_get_uint (job->params, "threads"),
                          error);
}

static guint
threads_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return worker_pool_size (cb_params_get_uint (params, "threads"), n_items);
}

static const CbParamSpec threads_params[] = {
  { "threads", "worker threads", "2", CB_PARAM_UINT, 1, 256, NULL },
  { NULL }
};

static const CbStrategyClass threads_class = {
  .name = "abi10-threads",
  .summary = "test strategy built against the ABI 1.0 header",
  .params = threads_params,
  .execute = threads_execute,
  .slots = threads_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "abi10",
  .version = "1.0",
  .license = "GPL-3.0-or-later",
  .description = "An old plugin: built against the saved ABI 1.0 header.",
  .workload = &mixer_class,
  .strategy = &threads_class,
};

CB_PLUGIN_DEFINE (abi10, desc)
