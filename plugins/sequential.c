/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "sequential": every item in order in the calling thread, the
 * baseline every other strategy's speedup is measured against. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

static gboolean
sequential_execute (const CbJob *job, GError **error)
{
  for (guint item = 0; item < job->n_items; item++)
    {
      guint64 digest;

      if (!job->run_item (job, item, &digest, error))
        return FALSE;
      job->complete (job, item, digest);
    }
  return TRUE;
}

static guint
sequential_slots (const CbParams *params G_GNUC_UNUSED,
                  guint n_items G_GNUC_UNUSED, gboolean can_async G_GNUC_UNUSED)
{
  return 1;
}

static const CbParamSpec sequential_params[] = {
  { .name = NULL },
};

static const CbStrategyClass sequential_class = {
  .name = "sequential",
  .summary = "run the items one after the other in the calling thread",
  .params = sequential_params,
  .execute = sequential_execute,
  .slots = sequential_slots,
  .flags = CB_STRATEGY_BASELINE,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "sequential",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "sequential baseline strategy",
  .strategy = &sequential_class,
};

CB_PLUGIN_DEFINE (sequential, desc)
