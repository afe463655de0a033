/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "pthread": the items on raw POSIX threads, with no GLib thread
 * API, in the four ways C programmers hand out work: contiguous blocks
 * (static), an atomic counter (dynamic), a mutex- and condvar-protected
 * queue fed by the caller (queue, a hand-written pool), or one thread per
 * item in waves (per-item, which shows what creating a thread costs). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef enum {
  DIST_STATIC,
  DIST_DYNAMIC,
  DIST_QUEUE,
  DIST_PER_ITEM,
} Distribution;

static const char *const distribution_choices[] = {
  "static", "dynamic", "queue", "per-item", NULL,
};

/* Bounded, as a hand-written pool's usually is: the caller blocks when the
 * threads fall behind instead of queueing every item up front. */
#define QUEUE_CAPACITY 1024

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t not_empty, not_full;
  guint items[QUEUE_CAPACITY];
  guint head, len;
  guint idle_threads;   /* waiting on not_empty */
  bool caller_waiting;  /* on not_full */
  bool closed; /* no more items will be pushed */
} ItemQueue;

typedef struct Run Run;

typedef struct {
  Run *run;
  guint first, end; /* static: the block; per-item: the one item */
} ThreadArg;

struct Run {
  const CbJob *job;
  guint n_threads;
  atomic_uint next_item; /* dynamic */
  atomic_bool failed;    /* lets threads skip the rest without the lock */
  ItemQueue queue;
  pthread_mutex_t error_lock; /* guards error */
  GError *error;              /* the first failure */
};

static guint
param_threads (const CbParams *params)
{
  return (guint) MIN (cb_params_get_uint (params, "threads"), G_MAXUINT);
}

static void
record_failure (Run *run, GError *error)
{
  pthread_mutex_lock (&run->error_lock);
  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);
  pthread_mutex_unlock (&run->error_lock);
  atomic_store (&run->failed, true);
}

/* Returns false once the run has failed, so callers stop taking items. */
static bool
run_one (Run *run, guint item)
{
  GError *error = NULL;
  guint64 digest;

  if (atomic_load_explicit (&run->failed, memory_order_relaxed))
    return false;
  if (!run->job->run_item (run->job, item, &digest, &error))
    {
      record_failure (run, error);
      return false;
    }
  run->job->complete (run->job, item, digest);
  return true;
}

static void *
run_block (void *data)
{
  ThreadArg *arg = data;

  for (guint item = arg->first; item < arg->end; item++)
    if (!run_one (arg->run, item))
      break;
  return NULL;
}

static void *
run_dynamic (void *data)
{
  ThreadArg *arg = data;
  Run *run = arg->run;

  for (;;)
    {
      guint item = atomic_fetch_add_explicit (&run->next_item, 1,
                                              memory_order_relaxed);
      if (item >= run->job->n_items || !run_one (run, item))
        break;
    }
  return NULL;
}

/* Returns false when the queue is closed and drained. */
static bool
queue_pop (ItemQueue *q, guint *item)
{
  pthread_mutex_lock (&q->lock);
  while (q->len == 0 && !q->closed)
    {
      q->idle_threads++;
      pthread_cond_wait (&q->not_empty, &q->lock);
      q->idle_threads--;
    }
  bool got = q->len > 0;
  if (got)
    {
      *item = q->items[q->head];
      q->head = (q->head + 1) % QUEUE_CAPACITY;
      q->len--;
      /* Wake a blocked caller only once half the queue is free: waking it
       * for every slot would cost a context switch per item. */
      if (q->caller_waiting && q->len <= QUEUE_CAPACITY / 2)
        pthread_cond_signal (&q->not_full);
    }
  pthread_mutex_unlock (&q->lock);
  return got;
}

static void
queue_push (ItemQueue *q, guint item)
{
  pthread_mutex_lock (&q->lock);
  while (q->len == QUEUE_CAPACITY)
    {
      q->caller_waiting = true;
      pthread_cond_wait (&q->not_full, &q->lock);
      q->caller_waiting = false;
    }
  q->items[(q->head + q->len) % QUEUE_CAPACITY] = item;
  q->len++;
  /* Only a thread that sleeps needs the signal, as GAsyncQueue does. */
  if (q->idle_threads > 0)
    pthread_cond_signal (&q->not_empty);
  pthread_mutex_unlock (&q->lock);
}

static void
queue_close (ItemQueue *q)
{
  pthread_mutex_lock (&q->lock);
  q->closed = true;
  pthread_cond_broadcast (&q->not_empty);
  pthread_mutex_unlock (&q->lock);
}

static void *
run_queued (void *data)
{
  ThreadArg *arg = data;
  guint item;

  while (queue_pop (&arg->run->queue, &item))
    if (!run_one (arg->run, item))
      {
        /* Keep draining so the feeding caller never blocks on a full
         * queue that nobody empties. */
        while (queue_pop (&arg->run->queue, &item))
          ;
        break;
      }
  return NULL;
}

static void
set_create_error (Run *run, int rc)
{
  record_failure (run, g_error_new (CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                                    "cannot create thread: %s",
                                    g_strerror (rc)));
}

/* Starts threads[0..n) on body; returns how many started (all of them,
 * unless pthread_create failed, which is then recorded). */
static guint
start_threads (Run *run, pthread_t *threads, ThreadArg *args, guint n,
               void *(*body) (void *))
{
  for (guint t = 0; t < n; t++)
    {
      int rc = pthread_create (&threads[t], NULL, body, &args[t]);
      if (rc != 0)
        {
          set_create_error (run, rc);
          return t;
        }
    }
  return n;
}

static void
join_threads (pthread_t *threads, guint n)
{
  for (guint t = 0; t < n; t++)
    pthread_join (threads[t], NULL);
}

static void
split_blocks (Run *run, ThreadArg *args, guint n)
{
  guint64 n_items = run->job->n_items;

  for (guint t = 0; t < n; t++)
    {
      args[t].first = (guint) (n_items * t / n);
      args[t].end = (guint) (n_items * (t + 1) / n);
    }
}

static void
feed_queue (Run *run)
{
  for (guint item = 0; item < run->job->n_items; item++)
    {
      if (atomic_load_explicit (&run->failed, memory_order_relaxed))
        break;
      queue_push (&run->queue, item);
    }
  queue_close (&run->queue);
}

/* One pool of n threads for the whole run (static, dynamic, queue). */
static void
run_pool (Run *run, Distribution dist)
{
  guint n = run->n_threads;
  g_autofree pthread_t *threads = g_new0 (pthread_t, n);
  g_autofree ThreadArg *args = g_new0 (ThreadArg, n);
  void *(*body) (void *) = dist == DIST_STATIC    ? run_block
                           : dist == DIST_DYNAMIC ? run_dynamic
                                                  : run_queued;

  for (guint t = 0; t < n; t++)
    args[t].run = run;
  if (dist == DIST_STATIC)
    split_blocks (run, args, n);
  guint started = start_threads (run, threads, args, n, body);
  if (dist == DIST_QUEUE)
    {
      /* With no thread at all, nobody would empty the queue. */
      if (started > 0)
        feed_queue (run);
      else
        queue_close (&run->queue);
    }
  join_threads (threads, started);
}

/* A fresh thread per item, at most n at once, each wave joined before the
 * next starts. */
static void
run_waves (Run *run)
{
  guint n = run->n_threads;
  g_autofree pthread_t *threads = g_new0 (pthread_t, n);
  g_autofree ThreadArg *args = g_new0 (ThreadArg, n);

  for (guint first = 0; first < run->job->n_items; first += n)
    {
      guint wave = MIN (n, run->job->n_items - first);

      for (guint t = 0; t < wave; t++)
        args[t] = (ThreadArg){ run, first + t, first + t + 1 };
      guint started = start_threads (run, threads, args, wave, run_block);
      join_threads (threads, started);
      if (atomic_load (&run->failed))
        break;
    }
}

static void
run_init (Run *run, const CbJob *job)
{
  *run = (Run){ .job = job };
  run->n_threads = MAX (MIN (param_threads (job->params), job->n_items), 1);
  atomic_init (&run->next_item, 0);
  atomic_init (&run->failed, false);
  pthread_mutex_init (&run->error_lock, NULL);
  pthread_mutex_init (&run->queue.lock, NULL);
  pthread_cond_init (&run->queue.not_empty, NULL);
  pthread_cond_init (&run->queue.not_full, NULL);
}

static void
run_clear (Run *run)
{
  pthread_mutex_destroy (&run->error_lock);
  pthread_mutex_destroy (&run->queue.lock);
  pthread_cond_destroy (&run->queue.not_empty);
  pthread_cond_destroy (&run->queue.not_full);
}

static gboolean
raw_threads_execute (const CbJob *job, GError **error)
{
  Distribution dist = cb_params_get_enum (job->params, "distribution");
  Run run;

  if (job->n_items == 0)
    return TRUE;
  run_init (&run, job);
  if (dist == DIST_PER_ITEM)
    run_waves (&run);
  else
    run_pool (&run, dist);
  run_clear (&run);
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      return FALSE;
    }
  return TRUE;
}

static guint
raw_threads_slots (const CbParams *params, guint n_items,
               gboolean can_async G_GNUC_UNUSED)
{
  return MIN (param_threads (params), n_items);
}

static void
raw_threads_resources (const CbParams *params, guint n_items, CbResources *out)
{
  /* Per-item waves join one wave before starting the next. */
  out->threads = MIN (param_threads (params), n_items);
}

static const CbParamSpec raw_threads_params[] = {
  {
      .name = "threads",
      .help = "number of threads running at once",
      .default_value = "8",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1048576,
  },
  {
      .name = "distribution",
      .help = "how items reach threads: static (contiguous blocks), dynamic "
              "(an atomic counter), queue (a mutex and condvar queue fed by "
              "the caller), per-item (one new thread per item, in waves)",
      .default_value = "dynamic",
      .type = CB_PARAM_ENUM,
      .choices = distribution_choices,
  },
  { .name = NULL },
};

static const CbStrategyClass raw_threads_class = {
  .name = "pthread",
  .summary = "run the items on raw POSIX threads",
  .params = raw_threads_params,
  .execute = raw_threads_execute,
  .slots = raw_threads_slots,
  .resources = raw_threads_resources,
  .worker_param = "threads",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "pthread",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "thread strategies on raw POSIX threads",
  .strategy = &raw_threads_class,
};

CB_PLUGIN_DEFINE (pthread, desc)
