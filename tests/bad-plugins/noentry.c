/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only plugin that concbench must refuse: Exports no entry point at all. */
#include "common.h"

static const CbStrategyClass strategy = {
  .name = "noentry",
  .summary = "test plugin: Exports no entry point at all.",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "noentry",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Exports no entry point at all.",
  .strategy = &strategy,
};

/* Deliberately not CB_PLUGIN_DEFINE: the descriptor is unreachable. */
const CbPluginDesc *noentry_descriptor (void);
const CbPluginDesc *
noentry_descriptor (void)
{
  return &desc;
}
