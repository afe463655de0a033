/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test strategy whose worker count is a parameter named neither "threads"
 * nor "processes": it declares it (ABI 1.1 worker_param), and that alone
 * must give it a worker axis. */
#include <concbench/plugin.h>

#include "workers.h"

static gboolean
loops_execute (const CbJob *job, GError **error)
{
  return worker_pool_run (job, cb_params_get_uint (job->params, "loops"),
                          error);
}

static guint
loops_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return worker_pool_size (cb_params_get_uint (params, "loops"), n_items);
}

static void
loops_resources (const CbParams *params, guint n_items, CbResources *out)
{
  out->threads = worker_pool_size (cb_params_get_uint (params, "loops"),
                                   n_items);
}

static const CbParamSpec loops_params[] = {
  { "loops", "worker loops, one thread each", "2", CB_PARAM_UINT, 1, 256,
    NULL },
  { NULL }
};

static const CbStrategyClass loops_class = {
  .name = "loops",
  .summary = "test strategy: the items on N worker loops",
  .params = loops_params,
  .execute = loops_execute,
  .slots = loops_slots,
  .resources = loops_resources,
  .worker_param = "loops",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "loops",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Declares its worker-count parameter, named loops.",
  .strategy = &loops_class,
};

CB_PLUGIN_DEFINE (loops, desc)
