/* SPDX-License-Identifier: GPL-3.0-or-later */
/* N threads taking items off a shared counter: the strategy the ABI test
 * plugins share.  It compiles against either SDK header (CbJob is the same
 * in ABI 1.0 and 1.1), so each plugin gets it from its own include path. */
#pragma once

#include <concbench/plugin.h>

typedef struct {
  const CbJob *job;
  gint next;     /* atomic: the next item to take */
  gint failed;   /* atomic: stop taking items */
  GMutex lock;   /* guards error */
  GError *error; /* the first failure */
} WorkerPool;

static void
worker_pool_fail (WorkerPool *pool, GError *error)
{
  g_mutex_lock (&pool->lock);
  if (pool->error == NULL)
    pool->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&pool->lock);
  g_atomic_int_set (&pool->failed, TRUE);
}

static gpointer
worker_pool_loop (gpointer data)
{
  WorkerPool *pool = data;
  while (!g_atomic_int_get (&pool->failed))
    {
      guint item = (guint) g_atomic_int_add (&pool->next, 1);
      GError *error = NULL;
      guint64 digest;

      if (item >= pool->job->n_items)
        break;
      if (pool->job->run_item (pool->job, item, &digest, &error))
        pool->job->complete (pool->job, item, digest);
      else
        worker_pool_fail (pool, error);
    }
  return NULL;
}

static guint
worker_pool_size (guint64 workers, guint n_items)
{
  return (guint) MAX (1, MIN (workers, (guint64) n_items));
}

static gboolean
worker_pool_run (const CbJob *job, guint64 workers, GError **error)
{
  WorkerPool pool = { .job = job };
  guint n = worker_pool_size (workers, job->n_items);
  GThread **threads = g_new0 (GThread *, n);

  g_mutex_init (&pool.lock);
  for (guint i = 0; i < n && !g_atomic_int_get (&pool.failed); i++)
    {
      GError *thread_error = NULL;
      threads[i] = g_thread_try_new ("cb-worker", worker_pool_loop, &pool,
                                     &thread_error);
      if (threads[i] == NULL)
        worker_pool_fail (&pool, thread_error);
    }
  for (guint i = 0; i < n; i++)
    if (threads[i] != NULL)
      g_thread_join (threads[i]);
  g_free (threads);
  g_mutex_clear (&pool.lock);
  if (pool.error != NULL)
    {
      g_propagate_error (error, pool.error);
      return FALSE;
    }
  return TRUE;
}
