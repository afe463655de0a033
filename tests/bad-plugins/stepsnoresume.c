/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: a workload with item_start
 * (ABI 1.2) but neither item_resume nor item_free, so an item it started
 * could never go on or be freed. */
#include <concbench/plugin.h>

static gpointer
half_create (const CbParams *params, guint64 seed, GError **error)
{
  return GUINT_TO_POINTER (1);
}

static void
half_destroy (gpointer workload)
{
}

static guint
half_n_items (gpointer workload)
{
  return 1;
}

static gboolean
half_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  *digest = item;
  return TRUE;
}

static CbStep
half_start (gpointer workload, guint item, gpointer *state, CbOp *op,
            guint64 *digest, GError **error)
{
  *digest = item;
  return CB_STEP_DONE;
}

static const CbParamSpec half_params[] = { { NULL } };

static const CbWorkloadClass workload = {
  .name = "stepsnoresume",
  .summary = "test plugin: item_start without item_resume or item_free",
  .params = half_params,
  .create = half_create,
  .destroy = half_destroy,
  .n_items = half_n_items,
  .run = half_run,
  .item_start = half_start,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "stepsnoresume",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "A state machine that cannot be resumed.",
  .workload = &workload,
};

CB_PLUGIN_DEFINE (stepsnoresume, desc)
