/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "gthreadpool": the items on a GThreadPool created and torn down
 * inside the timed region, like the seed's ThreadPoolExecutor. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef struct {
  const CbJob *job;
  GMutex lock;   /* guards error */
  GError *error; /* the first failure */
  gint failed;   /* atomic: lets workers skip the rest without the lock */
} PoolRun;

static guint
max_threads (const CbParams *params)
{
  return (guint) MIN (cb_params_get_uint (params, "threads"), G_MAXINT);
}

static void
record_failure (PoolRun *run, GError *error)
{
  g_mutex_lock (&run->lock);
  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&run->lock);
  g_atomic_int_set (&run->failed, TRUE);
}

static void
run_pool_item (gpointer data, gpointer user_data)
{
  PoolRun *run = user_data;
  guint item = GPOINTER_TO_UINT (data) - 1;
  GError *error = NULL;
  guint64 digest;

  if (g_atomic_int_get (&run->failed))
    return;
  if (run->job->run_item (run->job, item, &digest, &error))
    run->job->complete (run->job, item, digest);
  else
    record_failure (run, error);
}

/* Items travel as item + 1 because a NULL task is not allowed. */
static void
push_items (GThreadPool *pool, PoolRun *run)
{
  for (guint item = 0; item < run->job->n_items; item++)
    {
      GError *error = NULL;

      if (g_atomic_int_get (&run->failed))
        return;
      /* A non-exclusive pool starts a thread on a push when none is idle,
       * so this is where the OS may refuse one. */
      if (!g_thread_pool_push (pool, GUINT_TO_POINTER (item + 1), &error))
        {
          g_prefix_error (&error, "cannot create thread: ");
          record_failure (run, error);
          return;
        }
    }
}

static gboolean
gthreadpool_execute (const CbJob *job, GError **error)
{
  PoolRun run = { .job = job };
  GError *pool_error = NULL;
  GThreadPool *pool;

  g_mutex_init (&run.lock);
  /* Non-exclusive: threads start on demand as items are pushed, so a limit
   * above the item count costs nothing, as with ThreadPoolExecutor. */
  pool = g_thread_pool_new (run_pool_item, &run, (gint) max_threads (job->params),
                            FALSE, &pool_error);
  if (pool == NULL)
    {
      g_mutex_clear (&run.lock);
      g_propagate_prefixed_error (error, pool_error, "cannot create thread pool: ");
      return FALSE;
    }
  push_items (pool, &run);
  /* After a failure the queued items are dropped; either way this waits for
   * the items that are running. */
  g_thread_pool_free (pool, g_atomic_int_get (&run.failed), TRUE);
  g_mutex_clear (&run.lock);

  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

static guint
gthreadpool_slots (const CbParams *params, guint n_items,
                   gboolean can_async G_GNUC_UNUSED)
{
  return MIN (max_threads (params), n_items);
}

static const CbParamSpec gthreadpool_params[] = {
  {
      .name = "threads",
      .help = "maximum number of pool threads",
      .default_value = "8",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1048576,
  },
  { .name = NULL },
};

static void
gthreadpool_resources (const CbParams *params, guint n_items,
                       CbResources *out)
{
  /* Threads start on demand, so never more than there are items. */
  out->threads = MIN (max_threads (params), n_items);
}

static const CbStrategyClass gthreadpool_class = {
  .name = "gthreadpool",
  .summary = "run the items on a GLib thread pool",
  .params = gthreadpool_params,
  .execute = gthreadpool_execute,
  .slots = gthreadpool_slots,
  .worker_param = "threads",
  .resources = gthreadpool_resources,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "gthreadpool",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "thread-pool strategy on GThreadPool",
  .strategy = &gthreadpool_class,
};

CB_PLUGIN_DEFINE (gthreadpool, desc)
