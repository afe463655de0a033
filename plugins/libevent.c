/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "libevent": a readiness loop on libevent, as memcached and Tor
 * run.  An event_base per loop thread; a sleep is an evtimer, a socket
 * operation is tried at once and, when the socket is not ready, waited for
 * with an EV_READ or EV_WRITE event; a file read runs blocking. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <event2/event.h>

#include "loop-ops.h"
#include "loop-threads.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef struct EvLoop EvLoop;

typedef struct {
  EvLoop *loop;
  guint item;
  gpointer state; /* NULL before the start and once finished */
  CbOp op;
  struct event *timer; /* made on the first sleep */
  struct event *io;    /* made on the first wait for a socket */
} EvItem;

struct EvLoop {
  LoopSet *set;
  struct event_base *base;
  EvItem *items;
  guint n_items;
  guint unfinished;
};


static void on_timer (evutil_socket_t fd, short what, void *data);
static void on_ready (evutil_socket_t fd, short what, void *data);

static GError *
event_error (const char *what, const EvItem *it)
{
  return g_error_new (CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                      "libevent: cannot %s for item %u (fd %d)", what,
                      it->item, it->op.fd);
}

/* Timers run on the base's clock, which is cached while callbacks run: an
 * early wake-up is simply armed again for what is left. */
static Perform
arm_timer (EvItem *it, gint64 *result, GError **error)
{
  gint64 left = it->op.deadline - loop_now_ns ();
  struct timeval tv;

  if (left <= 0)
    {
      *result = 0;
      return PERFORM_DONE;
    }
  if (it->timer == NULL)
    it->timer = evtimer_new (it->loop->base, on_timer, it);
  /* Rounded up to whole microseconds: never before the deadline. */
  left = (left + 999) / 1000;
  tv.tv_sec = (time_t) (left / G_USEC_PER_SEC);
  tv.tv_usec = (suseconds_t) (left % G_USEC_PER_SEC);
  if (it->timer == NULL || evtimer_add (it->timer, &tv) < 0)
    {
      *error = event_error ("add a timer", it);
      return PERFORM_FAILED;
    }
  return PERFORM_WAITING;
}

/* One event per item, assigned again for each wait: it is never pending
 * then, and the fd may be another one. */
static Perform
arm_io (EvItem *it, short what, GError **error)
{
  if (it->io == NULL)
    it->io = event_new (it->loop->base, it->op.fd, what, on_ready, it);
  else if (event_assign (it->io, it->loop->base, it->op.fd, what, on_ready,
                         it)
           < 0)
    {
      *error = event_error ("assign an event", it);
      return PERFORM_FAILED;
    }
  if (it->io == NULL || event_add (it->io, NULL) < 0)
    {
      *error = event_error ("add an event", it);
      return PERFORM_FAILED;
    }
  return PERFORM_WAITING;
}

static Perform
perform (EvItem *it, gboolean waited, gint64 *result, GError **error)
{
  if (it->op.kind == CB_OP_SLEEP)
    return arm_timer (it, result, error);
  switch (loop_op_attempt (&it->op, waited, result))
    {
    case LOOP_OP_WAIT_READ:
      return arm_io (it, EV_READ, error);
    case LOOP_OP_WAIT_WRITE:
      return arm_io (it, EV_WRITE, error);
    case LOOP_OP_DONE:
    default:
      return PERFORM_DONE;
    }
}

static void
item_finish (EvItem *it)
{
  const CbJob *job = it->loop->set->job;

  if (it->state != NULL)
    job->steps->free (job, it->state);
  it->state = NULL;
  it->loop->unfinished--;
}

static Perform
perform_now (gpointer it, gint64 *result, GError **error)
{
  return perform (it, FALSE, result, error);
}

static void
item_run (EvItem *it, CbStep step, guint64 digest, GError *error)
{
  if (loop_item_follow (it->loop->set, it->item, it->state, &it->op, step,
                        digest, error, perform_now, it))
    item_finish (it);
}

static void
item_resume (EvItem *it, gint64 result)
{
  const CbJob *job = it->loop->set->job;
  GError *error = NULL;
  guint64 digest = 0;

  CbStep step = job->steps->resume (job, it->state, result, &it->op, &digest,
                                    &error);
  item_run (it, step, digest, error);
}

static gboolean
loop_gives_up (EvLoop *loop)
{
  if (!loop_set_stopped (loop->set))
    return FALSE;
  event_base_loopbreak (loop->base);
  return TRUE;
}

static void
on_timer (evutil_socket_t fd G_GNUC_UNUSED, short what G_GNUC_UNUSED,
          void *data)
{
  EvItem *it = data;
  GError *error = NULL;
  gint64 result = 0;

  if (loop_gives_up (it->loop))
    return;
  switch (arm_timer (it, &result, &error))
    {
    case PERFORM_DONE:
      item_resume (it, result);
      break;
    case PERFORM_FAILED:
      item_run (it, CB_STEP_FAILED, 0, error);
      break;
    case PERFORM_WAITING:
      break;
    }
  loop_gives_up (it->loop);
}

static void
on_ready (evutil_socket_t fd G_GNUC_UNUSED, short what G_GNUC_UNUSED,
          void *data)
{
  EvItem *it = data;
  GError *error = NULL;
  gint64 result = 0;

  if (loop_gives_up (it->loop))
    return;
  switch (perform (it, TRUE, &result, &error))
    {
    case PERFORM_DONE:
      item_resume (it, result);
      break;
    case PERFORM_FAILED:
      item_run (it, CB_STEP_FAILED, 0, error);
      break;
    case PERFORM_WAITING:
      break;
    }
  loop_gives_up (it->loop);
}

static void
start_items (EvLoop *loop)
{
  const CbJob *job = loop->set->job;

  for (guint k = 0; k < loop->n_items && !loop_set_stopped (loop->set); k++)
    {
      EvItem *it = &loop->items[k];
      GError *error = NULL;
      guint64 digest = 0;

      CbStep step = job->steps->start (job, it->item, &it->state, &it->op,
                                       &digest, &error);
      loop->unfinished++;
      item_run (it, step, digest, error);
    }
}

/* Events go before the items whose memory they point into; an abandoned
 * item's state is freed, which closes what it holds. */
static void
free_items (EvLoop *loop)
{
  const CbJob *job = loop->set->job;

  for (guint k = 0; k < loop->n_items; k++)
    {
      EvItem *it = &loop->items[k];

      if (it->timer != NULL)
        event_free (it->timer);
      if (it->io != NULL)
        event_free (it->io);
      if (it->state != NULL)
        job->steps->free (job, it->state);
    }
  g_free (loop->items);
}

static struct event_base *
base_new (GError **error)
{
  struct event_config *config = event_config_new ();
  struct event_base *base = NULL;

  /* The default monotonic clock is the coarse one, a tick of several
   * milliseconds: every timer would be late by up to that. */
  if (config != NULL)
    {
      event_config_set_flag (config, EVENT_BASE_FLAG_PRECISE_TIMER);
      base = event_base_new_with_config (config);
      event_config_free (config);
    }
  if (base == NULL)
    g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                 "libevent: cannot create an event_base");
  return base;
}

static gboolean
libevent_loop_main (LoopSet *set, guint index, GError **error)
{
  EvLoop loop = { .set = set, .n_items = loop_set_share (set, index) };
  gboolean ok = TRUE;

  loop.base = base_new (error);
  if (loop.base == NULL)
    return FALSE;
  loop.items = g_new0 (EvItem, loop.n_items);
  for (guint k = 0; k < loop.n_items; k++)
    {
      loop.items[k].loop = &loop;
      loop.items[k].item = loop_set_item (set, index, k);
    }
  start_items (&loop);
  while (ok && loop.unfinished > 0 && !loop_set_stopped (set))
    {
      /* 1: nothing pending, yet items are left -- which would spin. */
      int ret = event_base_dispatch (loop.base);
      if (ret < 0 || (ret == 1 && loop.unfinished > 0))
        {
          g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                       "libevent: event_base_dispatch %s with %u items "
                       "unfinished", ret < 0 ? "failed" : "had no event",
                       loop.unfinished);
          ok = FALSE;
        }
    }
  free_items (&loop);
  event_base_free (loop.base);
  return ok;
}

static gboolean
libevent_execute (const CbJob *job, GError **error)
{
  return loop_set_execute (job, "libevent", libevent_loop_main, error);
}

static void
libevent_resources (const CbParams *params, guint n_items, CbResources *out)
{
  guint loops = loop_set_size (params, n_items);

  /* Loop 0 is the calling thread; a base holds its epoll descriptor and,
   * for signals, a socket pair. */
  out->threads = loops - 1;
  out->fds = 3 * (guint64) loops;
}

static const CbParamSpec libevent_params[] = {
  LOOP_SET_LOOPS_PARAM ("event loops, one thread and one event_base each, "
                        "the items spread over them"),
  { .name = NULL },
};

static const CbStrategyClass libevent_class = {
  .name = "libevent",
  .summary = "run the items on libevent event_bases: evtimers, and socket "
             "events for readiness",
  .params = libevent_params,
  .execute = libevent_execute,
  .slots = loop_set_slots,
  .resources = libevent_resources,
  .worker_param = "loops",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "libevent",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "readiness-loop strategy on libevent (module eventloop)",
  .strategy = &libevent_class,
};

CB_PLUGIN_DEFINE (eventloop, desc)
