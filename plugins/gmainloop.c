/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "gmainloop": the items on GLib event loops, either truly
 * asynchronously (every item in flight at once on the loop) or "falsely
 * asynchronously" (each item's blocking run inside a loop callback, so
 * nothing overlaps) -- the seed's two asyncio rows.  loops=N runs N threads,
 * each with its own GMainContext and the items i with i mod N its index:
 * the multi-reactor model.
 *
 * Asynchronously, a workload's state machine (ABI 1.2, gmainloop-steps.c)
 * is preferred to its run_async, so that every loop strategy runs the same
 * item code; run_async serves workloads that have only that. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "gmainloop.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef enum {
  MODE_ASYNC,
  MODE_BLOCKING,
} LoopMode;

/* One item of the blocking mode: a source that is ready at once, so the loop
 * dispatches the items in the order they were attached. */
typedef struct {
  GSource source;
  Loop *loop;
  guint item;
} BlockingItem;

/* Which form runs the items, given what the workload has. */
typedef enum {
  FORM_BLOCKING,
  FORM_RUN_ASYNC,
  FORM_STEPS,
} ItemForm;

static ItemForm
item_form (const CbJob *job)
{
  if (cb_params_get_enum (job->params, "mode") != MODE_ASYNC)
    return FORM_BLOCKING;
  if (job->steps != NULL)
    return FORM_STEPS;
  return job->can_run_async ? FORM_RUN_ASYNC : FORM_BLOCKING;
}

guint
loop_n_items (const Loop *loop)
{
  guint n = loop->job->n_items, n_loops = loop->set->n_loops;

  return n / n_loops + (loop->index < n % n_loops ? 1 : 0);
}

void
loop_item_reported (Loop *loop)
{
  if (loop->pending > 0 && --loop->pending == 0)
    g_main_loop_quit (loop->loop);
}

gboolean
loop_failed (const Loop *loop)
{
  return g_atomic_int_get (&loop->set->failed);
}

void
loop_fail (Loop *loop, GError *error)
{
  LoopSet *set = loop->set;

  g_mutex_lock (&set->lock);
  if (set->error == NULL)
    set->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&set->lock);
  g_atomic_int_set (&set->failed, TRUE);
  /* Thread-safe: a quit wakes the context it is for. */
  for (guint i = 0; i < set->n_loops; i++)
    g_main_loop_quit (set->loops[i].loop);
}

/* After a failure the items still in flight are drained rather than
 * abandoned: run_async has no way to cancel them, and they call back into
 * this loop, which must outlive them.  Their results no longer count. */
static void
on_async_item_done (guint item, guint64 digest, const GError *error,
                    gpointer user_data)
{
  Loop *loop = user_data;

  if (!loop_failed (loop))
    {
      if (error != NULL)
        loop_fail (loop, g_error_copy (error));
      else
        loop->job->complete (loop->job, item, digest);
    }
  loop->pending--;
  if (loop->pending == 0 || loop_failed (loop))
    g_main_loop_quit (loop->loop);
}

static void
start_async_items (Loop *loop)
{
  const CbJob *job = loop->job;

  for (guint item = loop->index; item < job->n_items;
       item += loop->set->n_loops)
    job->run_item_async (job, item, loop->ctx, on_async_item_done, loop);
}

static gboolean
blocking_item_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                        gpointer user_data G_GNUC_UNUSED)
{
  BlockingItem *self = (BlockingItem *) source;
  Loop *loop = self->loop;
  GError *error = NULL;
  guint64 digest;

  /* The items left in the same loop iteration are skipped after a failure;
   * those not dispatched yet go with the context. */
  if (loop_failed (loop))
    return G_SOURCE_REMOVE;
  if (!loop->job->run_item (loop->job, self->item, &digest, &error))
    {
      loop_fail (loop, error);
      return G_SOURCE_REMOVE;
    }
  loop->job->complete (loop->job, self->item, digest);
  loop_item_reported (loop);
  return G_SOURCE_REMOVE;
}

static const GSourceFuncs blocking_item_funcs = {
  .dispatch = blocking_item_dispatch,
};

static void
queue_blocking_items (Loop *loop)
{
  const CbJob *job = loop->job;

  for (guint item = loop->index; item < job->n_items;
       item += loop->set->n_loops)
    {
      /* GLib never writes through the funcs pointer. */
      GSource *source = g_source_new ((GSourceFuncs *) &blocking_item_funcs,
                                      sizeof (BlockingItem));
      BlockingItem *self = (BlockingItem *) source;

      self->loop = loop;
      self->item = item;
      g_source_set_ready_time (source, 0);
      g_source_attach (source, loop->ctx);
      g_source_unref (source);
    }
}

static gpointer
loop_thread (gpointer data)
{
  Loop *loop = data;

  /* Workloads that start sources without being handed ctx find it here. */
  g_main_context_push_thread_default (loop->ctx);
  switch (item_form (loop->job))
    {
    case FORM_STEPS:
      steps_start_items (loop);
      break;
    case FORM_RUN_ASYNC:
      start_async_items (loop);
      break;
    case FORM_BLOCKING:
      queue_blocking_items (loop);
      break;
    }
  /* Items may all have reported already, and quitting a loop that is not
   * running yet would be lost. */
  if (loop->pending > 0 && !loop_failed (loop))
    g_main_loop_run (loop->loop);
  /* A run_async item cannot be cancelled: drain it (see above). */
  while (item_form (loop->job) == FORM_RUN_ASYNC && loop->pending > 0)
    g_main_context_iteration (loop->ctx, TRUE);
  g_main_context_pop_thread_default (loop->ctx);
  return NULL;
}

static void
loop_init (LoopSet *set, guint index)
{
  Loop *loop = &set->loops[index];

  loop->set = set;
  loop->job = set->job;
  loop->index = index;
  loop->ctx = g_main_context_new ();
  loop->loop = g_main_loop_new (loop->ctx, FALSE);
  loop->pending = loop_n_items (loop);
}

static void
loop_clear (Loop *loop)
{
  steps_clear (loop);
  g_main_loop_unref (loop->loop);
  /* Sources still attached (after a failure) are finalised with it. */
  g_main_context_unref (loop->ctx);
}

/* The first loop runs in the calling thread: loops=1 starts no thread. */
static gboolean
run_loops (LoopSet *set, GError **error)
{
  GError *thread_error = NULL;
  guint started = 1;

  for (; started < set->n_loops; started++)
    {
      Loop *loop = &set->loops[started];
      loop->thread = g_thread_try_new ("gmainloop", loop_thread, loop,
                                       &thread_error);
      if (loop->thread == NULL)
        {
          loop_fail (&set->loops[0], thread_error);
          break;
        }
    }
  if (!loop_failed (&set->loops[0]))
    loop_thread (&set->loops[0]);
  for (guint i = 1; i < started; i++)
    g_thread_join (set->loops[i].thread);
  if (set->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&set->error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
gmainloop_execute (const CbJob *job, GError **error)
{
  LoopSet set = { .job = job };
  gboolean ok;

  set.n_loops = (guint) MIN (cb_params_get_uint (job->params, "loops"),
                             MAX (job->n_items, 1));
  set.timers = cb_params_get_enum (job->params, "timers");
  set.loops = g_new0 (Loop, set.n_loops);
  g_mutex_init (&set.lock);
  for (guint i = 0; i < set.n_loops; i++)
    loop_init (&set, i);
  ok = run_loops (&set, error);
  for (guint i = 0; i < set.n_loops; i++)
    loop_clear (&set.loops[i]);
  g_mutex_clear (&set.lock);
  g_free (set.loops);
  return ok;
}

static guint
n_loops (const CbParams *params, guint n_items)
{
  return (guint) MIN (cb_params_get_uint (params, "loops"), MAX (n_items, 1));
}

static guint
gmainloop_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  if (can_async && cb_params_get_enum (params, "mode") == MODE_ASYNC)
    return n_items;
  return n_loops (params, n_items);
}

/* A thread per loop after the first; a context's wakeup descriptor each, and
 * the heap's timerfd. */
static void
gmainloop_resources (const CbParams *params, guint n_items, CbResources *out)
{
  guint loops = n_loops (params, n_items);

  out->threads = loops - 1;
  out->fds = 2 * (guint64) loops;
}

static const char *const mode_choices[] = { "async", "blocking", NULL };
static const char *const timers_choices[] = { "per-item", "heap", NULL };

static const CbParamSpec gmainloop_params[] = {
  {
      .name = "mode",
      .help = "async: every item in flight at once on the loop; blocking: "
              "each item's blocking run inside a loop callback, one at a "
              "time per loop",
      .default_value = "async",
      .type = CB_PARAM_ENUM,
      .choices = mode_choices,
  },
  {
      .name = "loops",
      .help = "event loops, one thread and GMainContext each, the items "
              "spread over them",
      .default_value = "1",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1024,
  },
  {
      .name = "timers",
      .help = "async on a state machine: per-item gives every item a GSource "
              "of its own (what a GLib program with a timer per request "
              "does; each loop iteration visits every source); heap keeps "
              "one timerfd source per loop over a heap of deadlines",
      .default_value = "per-item",
      .type = CB_PARAM_ENUM,
      .choices = timers_choices,
  },
  { .name = NULL },
};

static const CbStrategyClass gmainloop_class = {
  .name = "gmainloop",
  .summary = "run the items on GLib main loops, asynchronously or not",
  .params = gmainloop_params,
  .execute = gmainloop_execute,
  .slots = gmainloop_slots,
  .resources = gmainloop_resources,
  .worker_param = "loops",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "gmainloop",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "event-loop strategy on private GMainContexts",
  .strategy = &gmainloop_class,
};

CB_PLUGIN_DEFINE (gmainloop, desc)
