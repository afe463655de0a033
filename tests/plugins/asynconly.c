/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test workload whose only asynchronous form is run_async (a GMainContext
 * one, as before ABI 1.2): gmainloop must still run it asynchronously, on
 * every one of its loops, and epoll must refuse it rather than run it
 * blocking under an asynchronous row's slots. */
#include <concbench/plugin.h>

typedef struct {
  guint n_items;
} AsyncOnly;

typedef struct {
  guint item;
  CbItemDone done;
  gpointer user_data;
} Pending;

static guint64
item_digest (guint item)
{
  return (item + 7) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
}

static gpointer
asynconly_create (const CbParams *params, guint64 seed, GError **error)
{
  AsyncOnly *self = g_new0 (AsyncOnly, 1);

  self->n_items = (guint) cb_params_get_uint (params, "items");
  return self;
}

static void
asynconly_destroy (gpointer workload)
{
  g_free (workload);
}

static guint
asynconly_n_items (gpointer workload)
{
  return ((AsyncOnly *) workload)->n_items;
}

static gboolean
asynconly_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  g_usleep (2000);
  *digest = item_digest (item);
  return TRUE;
}

static gboolean
report (gpointer data)
{
  Pending *pending = data;

  pending->done (pending->item, item_digest (pending->item), NULL,
                 pending->user_data);
  return G_SOURCE_REMOVE;
}

/* Done after 2 ms on ctx, as a timer would. */
static void
asynconly_run_async (gpointer workload, guint item, GMainContext *ctx,
                     CbItemDone done, gpointer user_data)
{
  Pending *pending = g_new0 (Pending, 1);
  GSource *source = g_timeout_source_new (2);

  pending->item = item;
  pending->done = done;
  pending->user_data = user_data;
  g_source_set_callback (source, report, pending, g_free);
  g_source_attach (source, ctx);
  g_source_unref (source);
}

static const CbParamSpec asynconly_params[] = {
  { "items", "items", "6", CB_PARAM_UINT, 1, 100000, NULL },
  { NULL }
};

static const CbWorkloadClass asynconly_class = {
  .name = "asynconly",
  .summary = "test workload: asynchronous through run_async only",
  .params = asynconly_params,
  .create = asynconly_create,
  .destroy = asynconly_destroy,
  .n_items = asynconly_n_items,
  .run = asynconly_run,
  .run_async = asynconly_run_async,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "asynconly",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "A workload with run_async and no state machine.",
  .workload = &asynconly_class,
};

CB_PLUGIN_DEFINE (asynconly, desc)
