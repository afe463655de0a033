/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the iouring, libuv and libevent strategies share: loops=N threads,
 * each running a loop of its own over every N-th item (the multi-reactor
 * model), the first failure recorded and the other loops told to stop.
 * Static inline, so that each plugin module carries its own copy and a
 * static build that links them all together sees no duplicate symbol. */
#ifndef CB_LOOP_THREADS_H
#define CB_LOOP_THREADS_H

#include <concbench/plugin.h>

typedef struct LoopSet LoopSet;

/* Runs loop index of set to the end, or until loop_set_stopped(). */
typedef gboolean (*LoopMain) (LoopSet *set, guint index, GError **error);

struct LoopSet {
  const CbJob *job;
  guint n_loops;
  LoopMain main;
  gpointer user_data; /* the plugin's, shared by every loop */
  gint stopped;       /* atomic: a loop failed, the others give up */
  GMutex lock;        /* guards error */
  GError *error;      /* the first failure */
};

typedef struct {
  LoopSet *set;
  guint index;
} LoopThread;

#define LOOP_SET_MAX_LOOPS 1024

/* The loops=N parameter spec of every LoopSet strategy; what differs is
 * what one loop is. */
#define LOOP_SET_LOOPS_PARAM(help_text)                                      \
  {                                                                          \
    .name = "loops", .help = help_text, .default_value = "1",                \
    .type = CB_PARAM_UINT, .min = 1, .max = LOOP_SET_MAX_LOOPS,              \
  }

/* Loops that get at least one item. */
static inline guint
loop_set_size (const CbParams *params, guint n_items)
{
  guint64 loops = cb_params_get_uint (params, "loops");

  return (guint) CLAMP (loops, 1, MAX (n_items, 1));
}

/* Loop index takes items index, index + n_loops, ...: latencies are drawn
 * per item, so round robin spreads long and short ones alike. */
static inline guint
loop_set_share (const LoopSet *set, guint index)
{
  guint n = set->job->n_items;

  return n > index ? (n - index - 1) / set->n_loops + 1 : 0;
}

static inline guint
loop_set_item (const LoopSet *set, guint index, guint k)
{
  return index + k * set->n_loops;
}

static inline gboolean
loop_set_stopped (LoopSet *set)
{
  return g_atomic_int_get (&set->stopped);
}

/* Takes error. */
static inline void
loop_set_fail (LoopSet *set, GError *error)
{
  g_mutex_lock (&set->lock);
  if (set->error == NULL)
    set->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&set->lock);
  g_atomic_int_set (&set->stopped, TRUE);
}

/* After item_start or item_resume: completes a finished item or records its
 * failure (taking error).  TRUE when the item has finished either way. */
static inline gboolean
loop_set_item_finished (LoopSet *set, guint item, CbStep step,
                        guint64 digest, GError *error)
{
  if (step == CB_STEP_OP)
    return FALSE;
  if (step == CB_STEP_DONE)
    set->job->complete (set->job, item, digest);
  else
    loop_set_fail (set, error != NULL
                            ? error
                            : g_error_new (CB_PLUGIN_ERROR,
                                           CB_PLUGIN_ERROR_FAILED,
                                           "item %u failed with no error",
                                           item));
  return TRUE;
}

/* How a callback-driven loop (libuv, libevent) got on with an item's next
 * operation. */
typedef enum {
  PERFORM_DONE,    /* the result is there */
  PERFORM_WAITING, /* an event will resume the item */
  PERFORM_FAILED,  /* the wait could not be set up; error is set */
} Perform;

/* Performs the item's current operation without waiting for it first. */
typedef Perform (*LoopPerformNow) (gpointer it, gint64 *result,
                                   GError **error);

/* Follows an item's steps, from step, for as long as its operations finish
 * at once.  TRUE when the item has finished (the caller releases it); FALSE
 * when an event will resume it. */
static inline gboolean
loop_item_follow (LoopSet *set, guint item, gpointer state, CbOp *op,
                  CbStep step, guint64 digest, GError *error,
                  LoopPerformNow perform_now, gpointer it)
{
  const CbJob *job = set->job;

  for (;;)
    {
      gint64 result = 0;
      Perform how;

      if (loop_set_item_finished (set, item, step, digest, error))
        return TRUE;
      error = NULL;
      how = perform_now (it, &result, &error);
      if (how == PERFORM_WAITING)
        return FALSE;
      digest = 0;
      if (how == PERFORM_FAILED)
        step = CB_STEP_FAILED;
      else
        step = job->steps->resume (job, state, result, op, &digest, &error);
    }
}

/* A workload without the state-machine form: each loop thread runs its
 * items blocking, one after another. */
static inline gboolean
loop_set_blocking_main (LoopSet *set, guint index, GError **error)
{
  const CbJob *job = set->job;
  guint n = loop_set_share (set, index);

  for (guint k = 0; k < n && !loop_set_stopped (set); k++)
    {
      guint item = loop_set_item (set, index, k);
      guint64 digest;

      if (!job->run_item (job, item, &digest, error))
        return FALSE;
      job->complete (job, item, digest);
    }
  return TRUE;
}

static inline void
loop_set_run_one (LoopSet *set, guint index)
{
  GError *error = NULL;

  if (!set->main (set, index, &error))
    loop_set_fail (set, error);
}

static inline gpointer
loop_set_thread_main (gpointer data)
{
  LoopThread *thread = data;

  loop_set_run_one (thread->set, thread->index);
  return NULL;
}

/* As epoll: a workload whose only asynchronous form is run_async (a
 * GMainContext) is refused, since slots() was told it is asynchronous and
 * running it blocking would make the row's ideal time and label false. */
static inline gboolean
loop_set_accepts (const CbJob *job, const char *strategy, GError **error)
{
  if (job->steps != NULL || !job->can_run_async)
    return TRUE;
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
               "the workload's asynchronous form is a GMainContext one "
               "(run_async, ABI 1.1 or older); %s drives ABI 1.2 state "
               "machines (use gmainloop)", strategy);
  return FALSE;
}

/* Loop 0 runs in the calling thread, so loops=1 starts no thread. */
static inline gboolean
loop_set_run (LoopSet *set, GError **error)
{
  g_autofree LoopThread *loops = g_new0 (LoopThread, set->n_loops);
  g_autofree GThread **threads = g_new0 (GThread *, set->n_loops);

  g_mutex_init (&set->lock);
  for (guint i = 1; i < set->n_loops && !loop_set_stopped (set); i++)
    {
      GError *thread_error = NULL;

      loops[i] = (LoopThread){ set, i };
      threads[i] = g_thread_try_new ("cb-loop", loop_set_thread_main,
                                     &loops[i], &thread_error);
      if (threads[i] == NULL)
        {
          g_prefix_error (&thread_error, "cannot start loop thread %u: ", i);
          loop_set_fail (set, thread_error);
        }
    }
  if (!loop_set_stopped (set))
    loop_set_run_one (set, 0);
  for (guint i = 1; i < set->n_loops; i++)
    if (threads[i] != NULL)
      g_thread_join (threads[i]);
  g_mutex_clear (&set->lock);
  if (set->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&set->error));
      return FALSE;
    }
  return TRUE;
}

/* The whole of execute for a strategy whose loops are a LoopSet:
 * steps_main drives the state machines, a workload without them runs
 * blocking on each loop thread. */
static inline gboolean
loop_set_execute (const CbJob *job, const char *strategy, LoopMain steps_main,
                  GError **error)
{
  LoopSet set = {
    .job = job,
    .n_loops = loop_set_size (job->params, job->n_items),
    .main = job->steps != NULL ? steps_main : loop_set_blocking_main,
  };

  if (!loop_set_accepts (job, strategy, error))
    return FALSE;
  return loop_set_run (&set, error);
}

/* Every item in flight at once when the workload is asynchronous; one per
 * loop when each loop runs its items blocking. */
static inline guint
loop_set_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return can_async ? n_items : loop_set_size (params, n_items);
}

#endif /* CB_LOOP_THREADS_H */
