/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Names a worker-count parameter it does not declare. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "workerundeclared",
  .summary = "test plugin: Names a worker-count parameter it does not declare.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
  .worker_param = "threads",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "workerundeclared",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Names a worker-count parameter it does not declare.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (workerundeclared, desc)
