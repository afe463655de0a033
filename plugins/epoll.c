/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "epoll": a hand-written event loop, epoll_wait and a binary heap
 * of timers, no library -- the floor under every readiness loop (nginx,
 * Redis).  loops=N runs N threads, each with its own epoll instance, timer
 * heap and timerfd, and the items i with i mod N its index.
 *
 * On a workload with a state machine (ABI 1.2) every item is in flight at
 * once: socket operations are made at once and waited for with epoll only
 * when they would block (readiness.c), sleeps wait in the heap under a
 * timerfd armed to the nanosecond.  A workload without any asynchronous
 * form has its items run blocking, one after another, in each loop thread;
 * the row is then labelled as running blocking.  One whose only
 * asynchronous form is run_async (a GMainContext) is refused. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <concbench/plugin.h>

#include "readiness.h"
#include "timer-heap.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define MAX_EVENTS 256

typedef struct EpollSet EpollSet;
typedef struct EpollLoop EpollLoop;

/* What an item needs once it waits for a socket: the operation to retry. */
typedef struct {
  CbOp op;
  int watched_fd; /* registered with the loop's epoll, or -1 */
} FdWait;

/* 32 bytes an item; a sleep's deadline is in the heap. */
typedef struct {
  gpointer state;
  EpollLoop *loop;
  FdWait *wait; /* from its first socket wait on */
  guint item;
  guint32 events; /* what it waits for, 0 for a sleep */
} EpollItem;

struct EpollLoop {
  EpollSet *set;
  guint index;
  int epfd, tfd;
  gint64 armed; /* the timerfd's deadline, or 0 */
  TimerHeap heap;
  EpollItem *items; /* this loop's, in item order */
  guint n_items;
  guint pending;
  GThread *thread;
};

struct EpollSet {
  const CbJob *job;
  guint n_loops;
  EpollLoop *loops;
  int stop_fd; /* eventfd in every loop's epoll: written on failure */
  GMutex lock;
  GError *error;
  gint failed;
};

/* Markers in epoll_event.data.ptr for the loop's own descriptors. */
static char timer_tag, stop_tag;

static void
set_fail (EpollSet *set, GError *error)
{
  guint64 one = 1;

  g_mutex_lock (&set->lock);
  if (set->error == NULL)
    set->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&set->lock);
  if (!g_atomic_int_exchange (&set->failed, TRUE)
      && write (set->stop_fd, &one, sizeof one) < 0)
    {
      /* an eventfd write fails only on overflow: the loops are awake */
    }
}

static gboolean
set_failed (const EpollSet *set)
{
  return g_atomic_int_get (&set->failed);
}

static GError *
errno_error (const char *what)
{
  int err = errno;

  return g_error_new (CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE, "%s: %s",
                      what, g_strerror (err));
}

static void
item_over (EpollItem *self, CbStep step, guint64 digest, GError *error)
{
  const CbJob *job = self->loop->set->job;

  job->steps->free (job, self->state);
  self->state = NULL;
  g_clear_pointer (&self->wait, g_free);
  self->loop->pending--;
  if (step == CB_STEP_DONE)
    {
      if (!set_failed (self->loop->set))
        job->complete (job, self->item, digest);
      return;
    }
  set_fail (self->loop->set, error);
}

static void
timers_arm (EpollLoop *loop)
{
  const TimerEntry *top = timer_heap_peek (&loop->heap);
  struct itimerspec when = { { 0, 0 }, { 0, 0 } };

  if (top == NULL || top->deadline == loop->armed)
    return;
  loop->armed = top->deadline;
  when.it_value.tv_sec = top->deadline / 1000000000;
  when.it_value.tv_nsec = MAX (top->deadline % 1000000000, 1);
  timerfd_settime (loop->tfd, TFD_TIMER_ABSTIME, &when, NULL);
}

/* One shot: a ready descriptor is reported once, then waits for the item to
 * ask again, so nothing fires for an item busy elsewhere. */
static gboolean
watch_fd (EpollItem *self, const CbOp *op, GError **error)
{
  struct epoll_event ev = { .events = self->events | EPOLLONESHOT,
                            .data.ptr = self };
  FdWait *wait = self->wait;
  int how;

  if (wait == NULL)
    {
      wait = self->wait = g_new (FdWait, 1);
      wait->watched_fd = -1;
    }
  if (op != &wait->op)
    wait->op = *op;
  how = wait->watched_fd == op->fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  /* The number is only a guess at the registration: a workload may close
   * a socket itself (in item_free of another attempt, say) and get the
   * same number back for a new one. */
  if (epoll_ctl (self->loop->epfd, how, wait->op.fd, &ev) == 0
      || (errno == EEXIST
          && epoll_ctl (self->loop->epfd, EPOLL_CTL_MOD, op->fd, &ev) == 0)
      || (errno == ENOENT
          && epoll_ctl (self->loop->epfd, EPOLL_CTL_ADD, op->fd, &ev) == 0))
    {
      wait->watched_fd = wait->op.fd;
      return TRUE;
    }
  *error = errno_error ("cannot watch a socket with epoll");
  return FALSE;
}

static void
sleep_until (EpollItem *self, gint64 deadline)
{
  EpollLoop *loop = self->loop;

  timer_heap_push (&loop->heap, deadline, self);
  if (loop->armed == 0 || deadline < loop->armed)
    timers_arm (loop);
}

/* Makes the item's calls (op is the last step's operation) until it waits
 * or is over. */
static void
drive (EpollItem *self, CbStep step, CbOp *op, guint64 digest, GError *error)
{
  const CbJob *job = self->loop->set->job;
  gint64 result;

  while (step == CB_STEP_OP)
    {
      self->events = 0;
      if (op->kind == CB_OP_SLEEP)
        {
          if (op->deadline > timer_now_ns ())
            {
              sleep_until (self, op->deadline);
              return;
            }
          result = 0;
        }
      else
        {
          /* close() takes the descriptor out of the epoll set. */
          if (op->kind == CB_OP_CLOSE && self->wait != NULL
              && self->wait->watched_fd == op->fd)
            self->wait->watched_fd = -1;
          if (!readiness_try (op, &result, &self->events))
            {
              if (watch_fd (self, op, &error))
                return;
              step = CB_STEP_FAILED;
              break;
            }
        }
      step = job->steps->resume (job, self->state, result, op, &digest,
                                 &error);
    }
  item_over (self, step, digest, error);
}

static void
item_ready (EpollItem *self)
{
  const CbJob *job = self->loop->set->job;
  GError *error = NULL;
  guint64 digest = 0;
  gint64 result;
  CbStep step;

  CbOp *op = &self->wait->op;

  if (!readiness_retry (op, &result, &self->events))
    {
      if (!watch_fd (self, op, &error))
        item_over (self, CB_STEP_FAILED, 0, error);
      return;
    }
  step = job->steps->resume (job, self->state, result, op, &digest, &error);
  drive (self, step, op, digest, error);
}

static void
timers_expired (EpollLoop *loop)
{
  const CbJob *job = loop->set->job;
  const TimerEntry *top;
  guint64 expirations;
  gint64 now = timer_now_ns ();

  if (read (loop->tfd, &expirations, sizeof expirations) < 0)
    {
      /* EAGAIN: woken for nothing; the heap says what is due */
    }
  loop->armed = 0;
  while (!set_failed (loop->set) && (top = timer_heap_peek (&loop->heap))
         && top->deadline <= now)
    {
      EpollItem *self = timer_heap_pop (&loop->heap);
      GError *error = NULL;
      guint64 digest = 0;
      CbOp op;
      CbStep step = job->steps->resume (job, self->state, 0, &op, &digest,
                                        &error);

      drive (self, step, &op, digest, error);
    }
  timers_arm (loop);
}

static void
start_items (EpollLoop *loop)
{
  const CbJob *job = loop->set->job;
  guint slot = 0;

  for (guint item = loop->index; item < job->n_items && !set_failed (loop->set);
       item += loop->set->n_loops, slot++)
    {
      EpollItem *self = &loop->items[slot];
      GError *error = NULL;
      guint64 digest = 0;
      CbOp op;
      CbStep step;

      self->loop = loop;
      self->item = item;
      step = job->steps->start (job, item, &self->state, &op, &digest, &error);
      drive (self, step, &op, digest, error);
    }
}

static void
run_loop (EpollLoop *loop)
{
  struct epoll_event events[MAX_EVENTS];

  start_items (loop);
  while (loop->pending > 0 && !set_failed (loop->set))
    {
      int n = epoll_wait (loop->epfd, events, MAX_EVENTS, -1);
      if (n < 0 && errno != EINTR)
        {
          set_fail (loop->set, errno_error ("epoll_wait failed"));
          return;
        }
      for (int i = 0; i < n && !set_failed (loop->set); i++)
        {
          if (events[i].data.ptr == &timer_tag)
            timers_expired (loop);
          else if (events[i].data.ptr != &stop_tag)
            item_ready (events[i].data.ptr);
        }
    }
}

/* Without a state machine: the loop's items one after another. */
static void
run_blocking (EpollLoop *loop)
{
  const CbJob *job = loop->set->job;

  for (guint item = loop->index; item < job->n_items && !set_failed (loop->set);
       item += loop->set->n_loops)
    {
      GError *error = NULL;
      guint64 digest;

      if (!job->run_item (job, item, &digest, &error))
        {
          set_fail (loop->set, error);
          return;
        }
      job->complete (job, item, digest);
    }
}

static gpointer
loop_thread (gpointer data)
{
  EpollLoop *loop = data;

  if (loop->set->job->steps != NULL)
    run_loop (loop);
  else
    run_blocking (loop);
  return NULL;
}

static gboolean
add_own_fd (EpollLoop *loop, int fd, gpointer tag, GError **error)
{
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

  if (epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
    return TRUE;
  *error = errno_error ("cannot add to an epoll set");
  return FALSE;
}

static gboolean
loop_init (EpollSet *set, guint index, GError **error)
{
  EpollLoop *loop = &set->loops[index];
  const CbJob *job = set->job;

  loop->set = set;
  loop->index = index;
  loop->n_items = job->n_items / set->n_loops
                  + (index < job->n_items % set->n_loops ? 1 : 0);
  loop->pending = loop->n_items;
  timer_heap_init (&loop->heap);
  loop->epfd = epoll_create1 (EPOLL_CLOEXEC);
  loop->tfd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (loop->epfd < 0 || loop->tfd < 0)
    {
      *error = errno_error ("cannot create an epoll instance or timerfd");
      return FALSE;
    }
  if (job->steps != NULL)
    {
      loop->items = g_new0 (EpollItem, loop->n_items);
      timer_heap_reserve (&loop->heap, loop->n_items);
    }
  return add_own_fd (loop, loop->tfd, &timer_tag, error)
         && add_own_fd (loop, set->stop_fd, &stop_tag, error);
}

/* Frees what a failure left in flight, and the loop's descriptors. */
static void
loop_clear (EpollLoop *loop)
{
  const CbJob *job = loop->set->job;

  for (guint i = 0; loop->items != NULL && i < loop->n_items; i++)
    {
      if (loop->items[i].state != NULL)
        job->steps->free (job, loop->items[i].state);
      g_free (loop->items[i].wait);
    }
  g_free (loop->items);
  timer_heap_clear (&loop->heap);
  if (loop->epfd >= 0)
    close (loop->epfd);
  if (loop->tfd >= 0)
    close (loop->tfd);
}

/* The first loop runs in the calling thread: loops=1 starts no thread. */
static void
run_loops (EpollSet *set)
{
  guint started = 1;

  for (; started < set->n_loops; started++)
    {
      GError *error = NULL;
      EpollLoop *loop = &set->loops[started];

      loop->thread = g_thread_try_new ("epoll", loop_thread, loop, &error);
      if (loop->thread == NULL)
        {
          set_fail (set, error);
          break;
        }
    }
  if (!set_failed (set))
    loop_thread (&set->loops[0]);
  for (guint i = 1; i < started; i++)
    g_thread_join (set->loops[i].thread);
}

static guint
n_loops (const CbParams *params, guint n_items)
{
  return (guint) MIN (cb_params_get_uint (params, "loops"), MAX (n_items, 1));
}

static gboolean
epoll_execute (const CbJob *job, GError **error)
{
  EpollSet set = { .job = job };
  GError *init_error = NULL;

  /* slots() was told the workload is asynchronous, and a GMainContext form
   * is not one this loop can drive: running it blocking would make the
   * row's ideal time and label false. */
  if (job->steps == NULL && job->can_run_async)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "the workload's asynchronous form is a GMainContext one "
                   "(run_async, ABI 1.1 or older); epoll drives ABI 1.2 "
                   "state machines (use gmainloop)");
      return FALSE;
    }

  set.n_loops = n_loops (job->params, job->n_items);
  set.loops = g_new0 (EpollLoop, set.n_loops);
  g_mutex_init (&set.lock);
  for (guint i = 0; i < set.n_loops; i++)
    set.loops[i].epfd = set.loops[i].tfd = -1;
  set.stop_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (set.stop_fd < 0)
    set_fail (&set, errno_error ("cannot create an eventfd"));
  for (guint i = 0; i < set.n_loops && !set_failed (&set); i++)
    if (!loop_init (&set, i, &init_error))
      set_fail (&set, init_error);
  if (!set_failed (&set))
    run_loops (&set);
  for (guint i = 0; i < set.n_loops; i++)
    loop_clear (&set.loops[i]);
  if (set.stop_fd >= 0)
    close (set.stop_fd);
  g_mutex_clear (&set.lock);
  g_free (set.loops);
  if (set.error != NULL)
    {
      g_propagate_error (error, set.error);
      return FALSE;
    }
  return TRUE;
}

static guint
epoll_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return can_async ? n_items : n_loops (params, n_items);
}

static void
epoll_resources (const CbParams *params, guint n_items, CbResources *out)
{
  guint loops = n_loops (params, n_items);

  out->threads = loops - 1; /* the first loop runs in the calling thread */
  out->fds = 2 * (guint64) loops + 1; /* epoll and timerfd each; the stop */
}

static const CbParamSpec epoll_params[] = {
  {
      .name = "loops",
      .help = "event loops, one thread and epoll instance each, the items "
              "spread over them",
      .default_value = "1",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1024,
  },
  { .name = NULL },
};

static const CbStrategyClass epoll_class = {
  .name = "epoll",
  .summary = "run the items on hand-written epoll loops with a timer heap",
  .params = epoll_params,
  .execute = epoll_execute,
  .slots = epoll_slots,
  .resources = epoll_resources,
  .worker_param = "loops",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "epoll",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "event-loop strategy: epoll_wait and a timer heap, no "
                 "library",
  .strategy = &epoll_class,
};

CB_PLUGIN_DEFINE (epoll, desc)
