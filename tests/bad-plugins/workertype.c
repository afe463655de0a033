/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Its worker-count parameter is not an unsigned integer. */
#include "common.h"

static const CbParamSpec ranks_params[] = {
  { "ranks", "ranks at once", "2", CB_PARAM_DOUBLE, 1, 64, NULL },
  { NULL }
};

static const CbStrategyClass strategy = {
  .name = "workertype",
  .summary = "test plugin: Its worker-count parameter is not an unsigned integer.",
  .params = ranks_params,
  .execute = noop_execute,
  .slots = noop_slots,
  .worker_param = "ranks",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "workertype",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Its worker-count parameter is not an unsigned integer.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (workertype, desc)
