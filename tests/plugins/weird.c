/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy with a descriptor full of NULL and absurdly long
 * strings: --list-plugins must still work, and stay readable. */
#include <string.h>

/* Its strategy is the do-nothing one the broken test plugins share. */
#include "../bad-plugins/common.h"

static char long_text[100 * 1024];

static const CbParamSpec weird_params[] = {
  { "knob", NULL, "1", CB_PARAM_UINT, 0, 10, NULL },
  { NULL }
};

static const CbStrategyClass weird_strategy = {
  .name = "weird",
  .summary = NULL,
  .params = weird_params,
  .execute = noop_execute,
  .slots = noop_slots,
};

static CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "weird",
  .version = NULL,
  .license = NULL,
  .description = long_text,
  .strategy = &weird_strategy,
};

const CbPluginDesc *weird_LTX_concbench_plugin_get_desc (void);

CB_PLUGIN_EXPORT const CbPluginDesc *
weird_LTX_concbench_plugin_get_desc (void)
{
  /* 100 KiB of text with a terminal escape in it. */
  memset (long_text, 'x', sizeof long_text - 1);
  memcpy (long_text, "\033[2J", 4);
  return &desc;
}
