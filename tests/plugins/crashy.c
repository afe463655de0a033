/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only workload that misbehaves at one item on purpose: it crashes,
 * aborts, exits, hangs or fails, so tests can prove the runner contains it. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <concbench/plugin.h>

typedef struct {
  guint items;
  guint fail_at;
  guint how;
} Crashy;

enum { HOW_NONE, HOW_SEGV, HOW_ABORT, HOW_EXIT, HOW_HANG, HOW_ERROR,
       HOW_REFUSE };
/* refuse: create refuses its parameters, as a workload whose bounds depend
 * on the machine does. */
static const char *const how_choices[]
    = { "none", "segv", "abort", "exit", "hang", "error", "refuse", NULL };

static const CbParamSpec crashy_params[] = {
  { "items", "number of items", "4", CB_PARAM_UINT, 1, 100000, NULL },
  { "fail-at", "index of the item that misbehaves", "1", CB_PARAM_UINT, 0,
    100000, NULL },
  { "how", "what the item does", "segv", CB_PARAM_ENUM, 0, 0, how_choices },
  { NULL }
};

static gpointer
crashy_create (const CbParams *params, guint64 seed, GError **error)
{
  if (cb_params_get_enum (params, "how") == HOW_REFUSE)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "crashy: how=refuse refuses every parameter set");
      return NULL;
    }
  Crashy *c = g_new0 (Crashy, 1);
  c->items = cb_params_get_uint (params, "items");
  c->fail_at = cb_params_get_uint (params, "fail-at");
  c->how = cb_params_get_enum (params, "how");
  return c;
}

static void
crashy_destroy (gpointer w)
{
  g_free (w);
}

static guint
crashy_n_items (gpointer w)
{
  return ((Crashy *) w)->items;
}

static gboolean
crashy_run (gpointer w, guint item, guint64 *digest, GError **error)
{
  Crashy *c = w;
  if (item == c->fail_at)
    switch (c->how)
      {
      case HOW_SEGV: raise (SIGSEGV); break;
      case HOW_ABORT: abort ();
      case HOW_EXIT: _exit (3);
      case HOW_HANG:
        for (;;)
          pause ();
      case HOW_ERROR:
        g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                     "crashy refuses item %u", item);
        return FALSE;
      default: break;
      }
  *digest = (guint64) item * 2654435761u + 7;
  return TRUE;
}

static const CbWorkloadClass crashy_workload = {
  .name = "crashy",
  .summary = "test workload that crashes, hangs or fails at one item",
  .params = crashy_params,
  .create = crashy_create,
  .destroy = crashy_destroy,
  .n_items = crashy_n_items,
  .run = crashy_run,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "crashy",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: misbehaves at one item",
  .workload = &crashy_workload,
};

CB_PLUGIN_DEFINE (crashy, desc)
