/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy that fails when a given descriptor is open in the
 * worker, so tests can prove workers inherit none of the runner's. */
#include <errno.h>
#include <fcntl.h>

#include <concbench/plugin.h>

static const CbParamSpec fdcheck_params[] = {
  { "fd", "descriptor that must not be open in the worker", "9",
    CB_PARAM_UINT, 3, 65535, NULL },
  { NULL }
};

static gboolean
fdcheck_execute (const CbJob *job, GError **error)
{
  int fd = (int) cb_params_get_uint (job->params, "fd");
  if (fcntl (fd, F_GETFD) != -1 || errno != EBADF)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "descriptor %d is open in the worker", fd);
      return FALSE;
    }
  for (guint i = 0; i < job->n_items; i++)
    {
      guint64 digest;
      if (!job->run_item (job, i, &digest, error))
        return FALSE;
      job->complete (job, i, digest);
    }
  return TRUE;
}

static guint
fdcheck_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return 1;
}

static const CbStrategyClass fdcheck_strategy = {
  .name = "fdcheck",
  .summary = "test strategy that fails if a given descriptor is open",
  .params = fdcheck_params,
  .execute = fdcheck_execute,
  .slots = fdcheck_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "fdcheck",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: checks the worker inherited no descriptor",
  .strategy = &fdcheck_strategy,
};

CB_PLUGIN_DEFINE (fdcheck, desc)
