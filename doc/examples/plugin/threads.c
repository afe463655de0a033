/* SPDX-License-Identifier: MIT */
/* Strategy "threads": one new GThread per item, at most N of them running at
 * once.  Unlike the bundled gthreadpool strategy, nothing is reused: every
 * item pays for creating and joining a thread, which is what a naive
 * "spawn a thread per request" server does.  Comparing the two measures that
 * cost on your machine:
 *
 *   concbench --plugin-dir . -w api -s threads -s gthreadpool -p threads=8,64
 *
 * An example of a concbench plugin built outside the concbench tree against
 * the installed SDK only: see Makefile and concbench-plugin(7). */

#include <concbench/plugin.h>

typedef struct {
  const CbJob *job;
  guint item;
  guint64 digest;
  GError *error;
  GThread *thread;
  GAsyncQueue *finished; /* where the thread posts this task when done */
} Task;

static gpointer
run_one (gpointer data)
{
  Task *task = data;
  task->job->run_item (task->job, task->item, &task->digest, &task->error);
  g_async_queue_push (task->finished, task);
  return NULL;
}

static gboolean
threads_execute (const CbJob *job, GError **error)
{
  guint max = (guint) cb_params_get_uint (job->params, "threads");
  GAsyncQueue *finished = g_async_queue_new ();
  GError *first_error = NULL;
  guint next = 0, running = 0;

  for (;;)
    {
      /* Start threads until N run or every item has one; stop starting
       * after the first failure, but always collect those still running. */
      while (running < max && next < job->n_items && first_error == NULL)
        {
          Task *task = g_new0 (Task, 1);
          task->job = job;
          task->item = next;
          task->finished = finished;
          task->thread = g_thread_try_new ("threads-item", run_one, task,
                                           &first_error);
          if (task->thread == NULL)
            {
              g_free (task);
              break;
            }
          next++;
          running++;
        }
      if (running == 0)
        break;

      Task *task = g_async_queue_pop (finished);
      running--;
      g_thread_join (task->thread);
      if (task->error != NULL)
        {
          if (first_error == NULL)
            first_error = task->error;
          else
            g_error_free (task->error);
        }
      else
        job->complete (job, task->item, task->digest); /* once per item */
      g_free (task);
    }

  g_async_queue_unref (finished);
  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }
  return TRUE;
}

static guint
threads_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  (void) can_async;
  return (guint) MIN (cb_params_get_uint (params, "threads"), (guint64) n_items);
}

static const CbParamSpec threads_params[] = {
  { .name = "threads",
    .help = "maximum number of item threads alive at once",
    .default_value = "8",
    .type = CB_PARAM_UINT,
    .min = 1,
    .max = 4096 },
  { .name = NULL },
};

static const CbStrategyClass threads_class = {
  .name = "threads",
  .summary = "run each item on a thread of its own, at most N at once",
  .params = threads_params,
  .execute = threads_execute,
  .slots = threads_slots,
  .worker_param = "threads",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "threads",
  .version = "1.0",
  .license = "MIT",
  .description = "thread-per-item strategy (out-of-tree SDK example)",
  .strategy = &threads_class,
};

/* The module is threads.so, so the entry point is
 * threads_LTX_concbench_plugin_get_desc. */
CB_PLUGIN_DEFINE (threads, desc)
