/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Its descriptor carries the wrong magic number. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "badmagic",
  .summary = "test plugin: Its descriptor carries the wrong magic number.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
};

static const CbPluginDesc desc = {
  .magic = 0xdeadbeefu, .struct_size = sizeof (CbPluginDesc), .abi_major = CB_PLUGIN_ABI_MAJOR, .abi_minor = CB_PLUGIN_ABI_MINOR,
  .name = "badmagic",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Its descriptor carries the wrong magic number.",
  .strategy = &strategy,
};

CB_PLUGIN_DEFINE (badmagic, desc)
