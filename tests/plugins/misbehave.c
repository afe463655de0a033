/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy that breaks the exactly-once contract on purpose, so
 * tests can prove the core catches it and names the items; or that leaves
 * a process behind that escaped its session, so they can prove the core
 * still finds and kills it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <concbench/plugin.h>

enum { MODE_SKIP, MODE_TWICE, MODE_WRONG_DIGEST, MODE_OUT_OF_RANGE,
       MODE_SETSID_ORPHAN };
static const char *const mode_choices[]
    = { "skip", "twice", "wrong-digest", "out-of-range", "setsid-orphan",
        NULL };

static const CbParamSpec misbehave_params[] = {
  { "mode", "how to break the contract", "skip", CB_PARAM_ENUM, 0, 0,
    mode_choices },
  { NULL }
};

/* A child in a session of its own, out of the worker's process group,
 * that outlives the run; its pid goes to $CONCBENCH_TEST_ORPHAN_PIDS. */
static gboolean
leave_orphan (GError **error)
{
  pid_t pid = fork ();
  if (pid < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "fork failed");
      return FALSE;
    }
  if (pid == 0)
    {
      setsid ();
      sleep (60);
      _exit (0);
    }
  const char *file = g_getenv ("CONCBENCH_TEST_ORPHAN_PIDS");
  FILE *f = file ? fopen (file, "a") : NULL;
  if (f != NULL)
    {
      fprintf (f, "%d\n", (int) pid);
      fclose (f);
    }
  return TRUE;
}

static gboolean
misbehave_execute (const CbJob *job, GError **error)
{
  guint mode = cb_params_get_enum (job->params, "mode");
  if (mode == MODE_SETSID_ORPHAN && !leave_orphan (error))
    return FALSE;
  for (guint i = 0; i < job->n_items; i++)
    {
      guint64 digest;
      if (mode == MODE_SKIP && i == job->n_items - 1)
        break;
      if (!job->run_item (job, i, &digest, error))
        return FALSE;
      if (mode == MODE_WRONG_DIGEST && i == 0)
        digest ^= 1;
      job->complete (job, i, digest);
      if (mode == MODE_TWICE && i == 0)
        job->complete (job, i, digest);
      if (mode == MODE_OUT_OF_RANGE && i == 0)
        job->complete (job, job->n_items, digest);
    }
  return TRUE;
}

static guint
misbehave_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return 1;
}

static const CbStrategyClass misbehave_strategy = {
  .name = "misbehave",
  .summary = "test strategy that skips, repeats, misreports or invents an "
             "item, or leaves a process behind",
  .params = misbehave_params,
  .execute = misbehave_execute,
  .slots = misbehave_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "misbehave",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: breaks the exactly-once contract",
  .strategy = &misbehave_strategy,
};

CB_PLUGIN_DEFINE (misbehave, desc)
