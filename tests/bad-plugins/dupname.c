/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Claims the name of a bundled plugin. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "sequential",
  .summary = "test plugin: Claims the name of a bundled plugin.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "sequential",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Claims the name of a bundled plugin.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (dupname, desc)
