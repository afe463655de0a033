/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Built for a future, incompatible ABI major version. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "abimajor",
  .summary = "test plugin: Built for a future, incompatible ABI major version.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
};

static const CbPluginDesc desc = {
  .magic = CB_PLUGIN_MAGIC, .struct_size = sizeof (CbPluginDesc), .abi_major = CB_PLUGIN_ABI_MAJOR + 1, .abi_minor = 0,
  .name = "abimajor",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Built for a future, incompatible ABI major version.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (abimajor, desc)
