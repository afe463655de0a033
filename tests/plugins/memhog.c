/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only workload: each item allocates and touches some MiB and holds
 * them for a while, so tests can check the process-tree memory figures. */
#include <string.h>
#include <time.h>

#include <concbench/plugin.h>

typedef struct {
  guint items;
  guint64 bytes;
  double hold;
} Memhog;

static const CbParamSpec memhog_params[] = {
  { "items", "number of items", "4", CB_PARAM_UINT, 1, 1000, NULL },
  { "mib", "MiB each item allocates and touches", "64", CB_PARAM_UINT, 1,
    4096, NULL },
  { "hold", "seconds each item keeps its memory", "0.5", CB_PARAM_DOUBLE, 0,
    60, NULL },
  { NULL }
};

static gpointer
memhog_create (const CbParams *params, guint64 seed, GError **error)
{
  Memhog *m = g_new0 (Memhog, 1);
  m->items = cb_params_get_uint (params, "items");
  m->bytes = cb_params_get_uint (params, "mib") * 1024 * 1024;
  m->hold = cb_params_get_double (params, "hold");
  return m;
}

static void
memhog_destroy (gpointer w)
{
  g_free (w);
}

static guint
memhog_n_items (gpointer w)
{
  return ((Memhog *) w)->items;
}

static gboolean
memhog_run (gpointer w, guint item, guint64 *digest, GError **error)
{
  Memhog *m = w;
  guchar *block = g_try_malloc (m->bytes);
  struct timespec ts = { (time_t) m->hold,
                         (long) ((m->hold - (time_t) m->hold) * 1e9) };
  guint64 sum = 0;

  if (block == NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot allocate %" G_GUINT64_FORMAT " bytes", m->bytes);
      return FALSE;
    }
  /* Touch every page, with data that differs per item so no page is shared
   * or merged. */
  memset (block, (int) (item + 1), m->bytes);
  nanosleep (&ts, NULL);
  for (guint64 i = 0; i < m->bytes; i += 4096)
    sum += block[i];
  g_free (block);
  *digest = sum ^ item;
  return TRUE;
}

static const CbWorkloadClass memhog_workload = {
  .name = "memhog",
  .summary = "test workload that allocates and touches memory per item",
  .params = memhog_params,
  .create = memhog_create,
  .destroy = memhog_destroy,
  .n_items = memhog_n_items,
  .run = memhog_run,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "memhog",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: allocates memory per item",
  .workload = &memhog_workload,
};

CB_PLUGIN_DEFINE (memhog, desc)
