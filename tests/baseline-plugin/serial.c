/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy: runs the items in order, like sequential, and declares
 * itself the baseline under another name; the core must find it by its
 * CB_STRATEGY_BASELINE flag, never by a name.  In a directory of its own:
 * the tests that load tests/plugins expect the bundled baseline. */
#include "../bad-plugins/common.h"

static const CbStrategyClass serial_strategy = {
  .name = "serial",
  .summary = "the items one after another, as the baseline",
  .params = noop_params,
  .execute = noop_execute,
  .slots = noop_slots,
  .flags = CB_STRATEGY_BASELINE,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "serial",
  .version = "1.0",
  .license = "GPL-3.0-or-later",
  .description = "baseline strategy under another name",
  .strategy = &serial_strategy,
};

CB_PLUGIN_DEFINE (serial, desc)
