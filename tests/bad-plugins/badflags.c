/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Sets a strategy flag this ABI does not define. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "badflags",
  .summary = "test plugin: Sets a strategy flag this ABI does not define.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
  .flags = CB_STRATEGY_BASELINE | (1u << 7),
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "badflags",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Sets a strategy flag this ABI does not define.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (badflags, desc)
