/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy that uses CbJobReports (ABI 1.4) the way a strategy
 * with remote workers does, without MPI: a start-up of its own, started()
 * (twice: the second is ignored), the items in order, then one
 * worker_usage() per pretended worker, spread over three hosts. */
#include <concbench/plugin.h>

static const CbParamSpec reporter_params[] = {
  { "workers", "worker usage records to report", "2", CB_PARAM_UINT, 0,
    5000, NULL },
  { "startup", "seconds to wait before started()", "0.05", CB_PARAM_DOUBLE,
    0, 10, NULL },
  { NULL }
};

static void
report_workers (const CbJob *job, guint64 n)
{
  for (guint64 i = 0; i < n; i++)
    {
      g_autofree char *host = g_strdup_printf ("host-%u", (guint) (i % 3));
      CbWorkerUsage usage = { .host = host, .rank = (guint) i,
                              .peak_rss = (i + 1) * 1048576,
                              .user_cpu = 0.25, .system_cpu = 0.125 };
      job->reports->worker_usage (job, &usage);
    }
}

static gboolean
reporter_execute (const CbJob *job, GError **error)
{
  if (job->reports == NULL)
    {
      g_set_error_literal (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                           "the core hands no reports (ABI 1.4 needed)");
      return FALSE;
    }
  g_usleep ((gulong) (cb_params_get_double (job->params, "startup") * 1e6));
  job->reports->started (job);
  job->reports->started (job);
  for (guint i = 0; i < job->n_items; i++)
    {
      guint64 digest;
      if (!job->run_item (job, i, &digest, error))
        return FALSE;
      job->complete (job, i, digest);
    }
  report_workers (job, cb_params_get_uint (job->params, "workers"));
  return TRUE;
}

static guint
reporter_slots (const CbParams *params G_GNUC_UNUSED,
                guint n_items G_GNUC_UNUSED, gboolean can_async G_GNUC_UNUSED)
{
  return 1;
}

static const CbStrategyClass reporter_strategy = {
  .name = "reporter",
  .summary = "test strategy that reports a start-up and workers' usage",
  .params = reporter_params,
  .execute = reporter_execute,
  .slots = reporter_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "reporter",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: reports start-up and workers through CbJob",
  .strategy = &reporter_strategy,
};

CB_PLUGIN_DEFINE (reporter, desc)
