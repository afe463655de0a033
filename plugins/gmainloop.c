/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "gmainloop": the items on one GLib event loop, either truly
 * asynchronously (every item in flight at once as sources on the loop) or
 * "falsely asynchronously" (each item's blocking run inside a loop callback,
 * so nothing overlaps) -- the seed's two asyncio rows. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef enum {
  MODE_ASYNC,
  MODE_BLOCKING,
} LoopMode;

typedef struct {
  const CbJob *job;
  GMainLoop *loop;
  guint pending; /* items started and not yet reported */
  GError *error; /* the first failure */
} LoopRun;

/* One item of the blocking mode: a source that is ready at once, so the loop
 * dispatches the items in the order they were attached. */
typedef struct {
  GSource source;
  LoopRun *run;
  guint item;
} BlockingItem;

static gboolean
use_async (const CbParams *params, gboolean can_async)
{
  return can_async && cb_params_get_enum (params, "mode") == MODE_ASYNC;
}

static void
item_reported (LoopRun *run)
{
  if (run->pending > 0 && --run->pending == 0)
    g_main_loop_quit (run->loop);
}

/* After a failure the items still in flight are drained rather than
 * abandoned: the ABI has no way to cancel them, and they call back into
 * this run, which must outlive them.  Their results no longer count. */
static void
on_async_item_done (guint item, guint64 digest, const GError *error,
                    gpointer user_data)
{
  LoopRun *run = user_data;

  if (run->error == NULL)
    {
      if (error != NULL)
        run->error = g_error_copy (error);
      else
        run->job->complete (run->job, item, digest);
    }
  item_reported (run);
}

static void
start_async_items (LoopRun *run, GMainContext *ctx)
{
  for (guint item = 0; item < run->job->n_items; item++)
    run->job->run_item_async (run->job, item, ctx, on_async_item_done, run);
}

static gboolean
blocking_item_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                        gpointer user_data G_GNUC_UNUSED)
{
  BlockingItem *self = (BlockingItem *) source;
  LoopRun *run = self->run;
  guint64 digest;

  /* The items left in the same loop iteration are skipped after a failure;
   * those not dispatched yet go with the context. */
  if (run->error != NULL)
    return G_SOURCE_REMOVE;
  if (!run->job->run_item (run->job, self->item, &digest, &run->error))
    {
      g_main_loop_quit (run->loop);
      return G_SOURCE_REMOVE;
    }
  run->job->complete (run->job, self->item, digest);
  item_reported (run);
  return G_SOURCE_REMOVE;
}

static const GSourceFuncs blocking_item_funcs = {
  .dispatch = blocking_item_dispatch,
};

static void
queue_blocking_items (LoopRun *run, GMainContext *ctx)
{
  for (guint item = 0; item < run->job->n_items; item++)
    {
      /* GLib never writes through the funcs pointer. */
      GSource *source = g_source_new ((GSourceFuncs *) &blocking_item_funcs,
                                      sizeof (BlockingItem));
      BlockingItem *self = (BlockingItem *) source;

      self->run = run;
      self->item = item;
      g_source_set_ready_time (source, 0);
      g_source_attach (source, ctx);
      g_source_unref (source);
    }
}

static gboolean
gmainloop_execute (const CbJob *job, GError **error)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (ctx, FALSE);
  LoopRun run = { .job = job, .loop = loop, .pending = job->n_items };

  /* Workloads that start sources without being handed ctx find it here. */
  g_main_context_push_thread_default (ctx);
  if (use_async (job->params, job->can_run_async))
    start_async_items (&run, ctx);
  else
    queue_blocking_items (&run, ctx);
  /* Items may all have reported already, and quitting a loop that is not
   * running yet would be lost. */
  if (run.pending > 0)
    g_main_loop_run (loop);
  g_main_context_pop_thread_default (ctx);

  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

static guint
gmainloop_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return use_async (params, can_async) ? n_items : 1;
}

static const char *const mode_choices[] = { "async", "blocking", NULL };

static const CbParamSpec gmainloop_params[] = {
  {
      .name = "mode",
      .help = "async: every item in flight at once on the loop; blocking: "
              "each item's blocking run inside a loop callback, one at a time",
      .default_value = "async",
      .type = CB_PARAM_ENUM,
      .choices = mode_choices,
  },
  { .name = NULL },
};

static const CbStrategyClass gmainloop_class = {
  .name = "gmainloop",
  .summary = "run the items on a GLib main loop, asynchronously or not",
  .params = gmainloop_params,
  .execute = gmainloop_execute,
  .slots = gmainloop_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "gmainloop",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "event-loop strategy on a private GMainContext",
  .strategy = &gmainloop_class,
};

CB_PLUGIN_DEFINE (gmainloop, desc)
