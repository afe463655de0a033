/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Built against a newer minor ABI than the core knows. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "abiminor",
  .summary = "test plugin: Built against a newer minor ABI than the core knows.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
};

static const CbPluginDesc desc = {
  .magic = CB_PLUGIN_MAGIC, .struct_size = sizeof (CbPluginDesc), .abi_major = CB_PLUGIN_ABI_MAJOR, .abi_minor = CB_PLUGIN_ABI_MINOR + 1,
  .name = "abiminor",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Built against a newer minor ABI than the core knows.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (abiminor, desc)
