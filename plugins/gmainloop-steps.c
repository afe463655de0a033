/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gmainloop's driver of the workload's state machines (ABI 1.2).
 *
 * Socket operations are made at once and waited for only when they would
 * block (readiness.c).  Sleeps are waited for in one of two ways:
 *
 * timers=per-item: each item is a GSource whose ready time is the end of
 * its sleep.  This is what a GLib program with one timer per request gets:
 * GLib rounds ready times up to whole milliseconds (GLib 2.74: 0.69-0.85 ms
 * late, against 0.15 ms for clock_nanosleep), and every loop iteration
 * visits every pending source, so the cost per iteration grows with the
 * items in flight.
 *
 * timers=heap: the sleeping items wait in a binary heap under one timerfd
 * source per loop, armed with the earliest deadline to the nanosecond, the
 * way an expert GLib program holds many timers; an item is a 32-byte
 * record and a 16-byte heap entry, and gets a GSource only once it waits
 * for a socket. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <glib-unix.h>

#include "gmainloop.h"
#include "readiness.h"
#include "timer-heap.h"

/* Reports an item that has finished; its state is freed by the caller. */
static void
item_over (Loop *loop, guint item, CbStep step, guint64 digest, GError *error)
{
  if (step == CB_STEP_DONE)
    {
      if (!loop_failed (loop))
        loop->job->complete (loop->job, item, digest);
      loop_item_reported (loop);
      return;
    }
  loop_fail (loop, error);
}

/* Makes op's calls and resumes the item with their results until it has to
 * wait: TRUE, with *events 0 for a sleep (op->deadline) or what op->fd must
 * become ready for.  FALSE: the item is over and has been reported. */
static gboolean
drive (Loop *loop, guint item, gpointer state, CbStep step, CbOp *op,
       guint64 digest, GError *error, guint32 *events)
{
  const CbJob *job = loop->job;
  gint64 result;

  while (step == CB_STEP_OP)
    {
      *events = 0;
      if (op->kind == CB_OP_SLEEP)
        {
          if (op->deadline > timer_now_ns ())
            return TRUE;
          result = 0;
        }
      else if (!readiness_try (op, &result, events))
        return TRUE;
      step = job->steps->resume (job, state, result, op, &digest, &error);
    }
  item_over (loop, item, step, digest, error);
  return FALSE;
}

/* Resumes an item whose socket became ready; as drive. */
static gboolean
drive_ready (Loop *loop, guint item, gpointer state, CbOp *op,
             guint32 *events)
{
  const CbJob *job = loop->job;
  GError *error = NULL;
  guint64 digest = 0;
  gint64 result;
  CbStep step;

  if (!readiness_retry (op, &result, events))
    return TRUE;
  step = job->steps->resume (job, state, result, op, &digest, &error);
  return drive (loop, item, state, step, op, digest, error, events);
}

/* ---- timers=per-item: one GSource per item ---- */

typedef struct {
  GSource source;
  Loop *loop;
  gpointer state;
  gpointer tag; /* op.fd's watch, while the item waits for it */
  guint item;
  guint32 events;
  CbOp op;
} ItemSource;

static void
item_source_arm (ItemSource *self)
{
  if (self->events == 0)
    {
      /* Rounded up: GLib's ready times are in µs. */
      g_source_set_ready_time (&self->source, (self->op.deadline + 999) / 1000);
      return;
    }
  g_source_set_ready_time (&self->source, -1);
  self->tag = g_source_add_unix_fd (&self->source, self->op.fd,
                                    (GIOCondition) self->events);
}

static gboolean
item_source_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                      gpointer user_data G_GNUC_UNUSED)
{
  ItemSource *self = (ItemSource *) source;
  const CbJob *job = self->loop->job;
  gboolean waits;

  if (loop_failed (self->loop))
    return G_SOURCE_REMOVE;
  if (self->tag != NULL)
    {
      /* Dropped before the item may close the descriptor. */
      g_source_remove_unix_fd (source, self->tag);
      self->tag = NULL;
      waits = drive_ready (self->loop, self->item, self->state, &self->op,
                           &self->events);
    }
  else
    {
      GError *error = NULL;
      guint64 digest = 0;
      CbStep step = job->steps->resume (job, self->state, 0, &self->op,
                                        &digest, &error);
      waits = drive (self->loop, self->item, self->state, step, &self->op,
                     digest, error, &self->events);
    }
  if (!waits)
    return G_SOURCE_REMOVE;
  item_source_arm (self);
  return G_SOURCE_CONTINUE;
}

static void
item_source_finalize (GSource *source)
{
  ItemSource *self = (ItemSource *) source;

  if (self->state != NULL)
    self->loop->job->steps->free (self->loop->job, self->state);
  self->state = NULL;
}

static const GSourceFuncs item_source_funcs = {
  .dispatch = item_source_dispatch,
  .finalize = item_source_finalize,
};

static void
start_per_item (Loop *loop, guint item)
{
  const CbJob *job = loop->job;
  /* GLib never writes through the funcs pointer. */
  GSource *source = g_source_new ((GSourceFuncs *) &item_source_funcs,
                                  sizeof (ItemSource));
  ItemSource *self = (ItemSource *) source;
  GError *error = NULL;
  guint64 digest = 0;
  CbStep step;

  self->loop = loop;
  self->item = item;
  step = job->steps->start (job, item, &self->state, &self->op, &digest,
                            &error);
  if (drive (loop, item, self->state, step, &self->op, digest, error,
             &self->events))
    {
      item_source_arm (self);
      g_source_attach (source, loop->ctx);
    }
  g_source_unref (source);
}

/* ---- timers=heap: one timerfd source per loop ---- */

typedef struct HeapDriver HeapDriver;

typedef struct {
  gpointer state;
  HeapDriver *driver;
  GSource *watch; /* while the item waits for a socket */
  guint item;
  guint32 events;
} HeapItem;

/* What an item waiting for a socket needs: its operation. */
typedef struct {
  GSource source;
  HeapItem *owner;
  gpointer tag;
  CbOp op;
} FdWatch;

typedef struct {
  GSource source;
  HeapDriver *driver;
  int tfd;
  gint64 armed; /* the deadline the timerfd is set to, or 0 */
} TimerSource;

struct HeapDriver {
  Loop *loop;
  TimerHeap heap;
  TimerSource *timers;
  HeapItem *items; /* this loop's, in item order */
  guint n_items;
};

static void heap_item_wait (HeapItem *self, CbOp *op);

static void
heap_item_over (HeapItem *self)
{
  const CbJob *job = self->driver->loop->job;

  job->steps->free (job, self->state);
  self->state = NULL;
  if (self->watch != NULL)
    {
      g_source_destroy (self->watch);
      g_clear_pointer (&self->watch, g_source_unref);
    }
}

static gboolean
fd_watch_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                   gpointer user_data G_GNUC_UNUSED)
{
  FdWatch *watch = (FdWatch *) source;
  HeapItem *self = watch->owner;
  Loop *loop = self->driver->loop;
  CbOp op = watch->op;

  if (loop_failed (loop))
    return G_SOURCE_CONTINUE; /* the loop is stopping */
  g_source_remove_unix_fd (source, watch->tag);
  watch->tag = NULL;
  if (drive_ready (loop, self->item, self->state, &op, &self->events))
    heap_item_wait (self, &op);
  else
    heap_item_over (self);
  return G_SOURCE_CONTINUE;
}

static const GSourceFuncs fd_watch_funcs = {
  .dispatch = fd_watch_dispatch,
};

static void
timers_arm (TimerSource *timers)
{
  const TimerEntry *top = timer_heap_peek (&timers->driver->heap);
  struct itimerspec when = { { 0, 0 }, { 0, 0 } };

  if (top == NULL || top->deadline == timers->armed)
    return;
  timers->armed = top->deadline;
  when.it_value.tv_sec = top->deadline / 1000000000;
  when.it_value.tv_nsec = top->deadline % 1000000000;
  /* A deadline already past fires at once. */
  if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0)
    when.it_value.tv_nsec = 1;
  timerfd_settime (timers->tfd, TFD_TIMER_ABSTIME, &when, NULL);
}

/* Waits for op: the heap for a sleep, the item's watch for a socket. */
static void
heap_item_wait (HeapItem *self, CbOp *op)
{
  HeapDriver *driver = self->driver;
  FdWatch *watch;

  if (self->events == 0)
    {
      timer_heap_push (&driver->heap, op->deadline, self);
      if (driver->timers->armed == 0 || op->deadline < driver->timers->armed)
        timers_arm (driver->timers);
      return;
    }
  if (self->watch == NULL)
    {
      self->watch = g_source_new ((GSourceFuncs *) &fd_watch_funcs,
                                  sizeof (FdWatch));
      ((FdWatch *) self->watch)->owner = self;
      g_source_attach (self->watch, driver->loop->ctx);
    }
  watch = (FdWatch *) self->watch;
  watch->op = *op;
  watch->tag = g_source_add_unix_fd (self->watch, op->fd,
                                     (GIOCondition) self->events);
}

static void
timer_expired (HeapItem *self)
{
  Loop *loop = self->driver->loop;
  const CbJob *job = loop->job;
  GError *error = NULL;
  guint64 digest = 0;
  CbOp op;
  CbStep step = job->steps->resume (job, self->state, 0, &op, &digest,
                                    &error);

  if (drive (loop, self->item, self->state, step, &op, digest, error,
             &self->events))
    heap_item_wait (self, &op);
  else
    heap_item_over (self);
}

static gboolean
timers_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                 gpointer user_data G_GNUC_UNUSED)
{
  TimerSource *timers = (TimerSource *) source;
  HeapDriver *driver = timers->driver;
  const TimerEntry *top;
  guint64 expirations;
  gint64 now = timer_now_ns ();

  if (read (timers->tfd, &expirations, sizeof expirations) < 0)
    {
      /* EAGAIN: woken for nothing; the heap below says what is due */
    }
  timers->armed = 0;
  while (!loop_failed (driver->loop)
         && (top = timer_heap_peek (&driver->heap)) != NULL
         && top->deadline <= now)
    timer_expired (timer_heap_pop (&driver->heap));
  timers_arm (timers);
  return G_SOURCE_CONTINUE;
}

static void
timers_finalize (GSource *source)
{
  TimerSource *timers = (TimerSource *) source;

  if (timers->tfd >= 0)
    close (timers->tfd);
}

static const GSourceFuncs timers_funcs = {
  .dispatch = timers_dispatch,
  .finalize = timers_finalize,
};

static HeapDriver *
heap_driver_new (Loop *loop)
{
  HeapDriver *driver = g_new0 (HeapDriver, 1);
  TimerSource *timers;

  driver->loop = loop;
  timer_heap_init (&driver->heap);
  driver->n_items = loop_n_items (loop);
  driver->items = g_new0 (HeapItem, driver->n_items);
  timer_heap_reserve (&driver->heap, driver->n_items);
  timers = (TimerSource *) g_source_new ((GSourceFuncs *) &timers_funcs,
                                         sizeof (TimerSource));
  timers->driver = driver;
  timers->tfd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timers->tfd >= 0)
    g_source_add_unix_fd (&timers->source, timers->tfd, G_IO_IN);
  g_source_attach (&timers->source, loop->ctx);
  driver->timers = timers;
  return driver;
}

static void
start_in_heap (HeapDriver *driver, guint slot, guint item)
{
  const CbJob *job = driver->loop->job;
  HeapItem *self = &driver->items[slot];
  GError *error = NULL;
  guint64 digest = 0;
  CbOp op;
  CbStep step;

  self->driver = driver;
  self->item = item;
  step = job->steps->start (job, item, &self->state, &op, &digest, &error);
  if (drive (driver->loop, item, self->state, step, &op, digest, error,
             &self->events))
    heap_item_wait (self, &op);
  else
    heap_item_over (self);
}

void
steps_start_items (Loop *loop)
{
  guint n_loops = loop->set->n_loops, slot = 0;
  HeapDriver *driver = NULL;

  if (loop->set->timers == TIMERS_HEAP)
    {
      driver = heap_driver_new (loop);
      loop->steps = driver;
      if (driver->timers->tfd < 0)
        {
          loop_fail (loop, g_error_new (CB_PLUGIN_ERROR,
                                        CB_PLUGIN_ERROR_RESOURCE,
                                        "cannot create a timerfd: %s",
                                        g_strerror (errno)));
          return;
        }
    }
  for (guint item = loop->index;
       item < loop->job->n_items && !loop_failed (loop);
       item += n_loops, slot++)
    {
      if (driver != NULL)
        start_in_heap (driver, slot, item);
      else
        start_per_item (loop, item);
    }
}

void
steps_clear (Loop *loop)
{
  HeapDriver *driver = loop->steps;

  if (driver == NULL)
    return;
  for (guint i = 0; i < driver->n_items; i++)
    if (driver->items[i].state != NULL)
      heap_item_over (&driver->items[i]);
  g_source_destroy (&driver->timers->source);
  g_source_unref (&driver->timers->source);
  timer_heap_clear (&driver->heap);
  g_free (driver->items);
  g_free (driver);
  loop->steps = NULL;
}
