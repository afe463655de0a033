/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy that looks at the worker process it runs in, so tests
 * can prove what a worker is: what it maps, its oom_score_adj, its timer
 * slack, and where its stdout and stderr go. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <concbench/plugin.h>

static const char *const checks[] = { "maps", "oom", "print", "slack", NULL };

static const CbParamSpec workerenv_params[] = {
  { "check", "what to check or do in the worker", "maps", CB_PARAM_ENUM, 0,
    0, checks },
  { "slack", "timer slack (ns) check=slack expects", "50000", CB_PARAM_UINT,
    1, 1e9, NULL },
  { NULL }
};

/* A worker must not map the plotting and output libraries of concbench. */
static gboolean
check_maps (GError **error)
{
  g_autofree char *maps = NULL;
  const char *const banned[] = { "libcairo", "libpango", "libjson-glib",
                                 "libgio-2.0", NULL };
  if (!g_file_get_contents ("/proc/self/maps", &maps, NULL, error))
    return FALSE;
  for (guint i = 0; banned[i] != NULL; i++)
    if (strstr (maps, banned[i]) != NULL)
      {
        g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                     "the worker maps %s", banned[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_oom (GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/oom_score_adj", &text, NULL, error))
    return FALSE;
  g_strstrip (text);
  if (strcmp (text, "1000") != 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "the worker's oom_score_adj is %s, not 1000", text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_slack (guint64 want, GError **error)
{
  int slack = prctl (PR_GET_TIMERSLACK, 0, 0, 0, 0);
  if (slack < 0 || (guint64) slack != want)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "the worker's timer slack is %d ns, not %" G_GUINT64_FORMAT,
                   slack, want);
      return FALSE;
    }
  return TRUE;
}

/* Breaks the rule that plugins never print, as a careless one does: text
 * that would corrupt a JSON document on concbench's stdout. */
static gboolean
print_things (void)
{
  printf ("workerenv: not JSON, on stdout\n");
  fflush (stdout);
  fprintf (stderr, "workerenv: \"quoted\" on stderr\n");
  return TRUE;
}

static gboolean
run_check (const CbJob *job, GError **error)
{
  switch (cb_params_get_enum (job->params, "check"))
    {
    case 0: return check_maps (error);
    case 1: return check_oom (error);
    case 2: return print_things ();
    default:
      return check_slack (cb_params_get_uint (job->params, "slack"), error);
    }
}

static gboolean
workerenv_execute (const CbJob *job, GError **error)
{
  if (!run_check (job, error))
    return FALSE;
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
workerenv_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return 1;
}

static const CbStrategyClass workerenv_strategy = {
  .name = "workerenv",
  .summary = "test strategy that checks the worker process it runs in",
  .params = workerenv_params,
  .execute = workerenv_execute,
  .slots = workerenv_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "workerenv",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: checks what the worker process is",
  .strategy = &workerenv_strategy,
};

CB_PLUGIN_DEFINE (workerenv, desc)
