/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "libuv": a readiness loop on libuv, as Node.js runs.  A
 * uv_loop_t per loop thread; a sleep is a uv_timer_t, a socket operation is
 * tried at once and, when the socket is not ready, waited for with a
 * uv_poll_t on the workload's fd; a file read goes through libuv's own file
 * API (uv_fs_read, on its thread pool), as a libuv program reads. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <uv.h>

#include "loop-ops.h"
#include "loop-threads.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define NS_PER_MS G_GINT64_CONSTANT (1000000)
#define UV_THREADPOOL_DEFAULT 4 /* libuv's own default */

typedef struct UvLoop UvLoop;

typedef struct {
  UvLoop *loop;
  guint item;
  gpointer state; /* NULL before the start and once finished */
  CbOp op;
  /* Handles and requests are allocated when needed: embedded, they would
   * make an item 700 bytes, which 100000 items in flight pay in page
   * faults before anything runs. */
  uv_timer_t *timer; /* from the first sleep until the item finishes */
  uv_poll_t *poll;   /* the readiness wait in progress */
  uv_fs_t *fs;       /* the file read in progress */
} UvItem;

struct UvLoop {
  LoopSet *set;
  uv_loop_t uv;
  UvItem *items;
  guint n_items;
  guint unfinished;
  gboolean abandoning; /* callbacks only release what they held */
};


static void on_timer (uv_timer_t *timer);
static void on_poll (uv_poll_t *poll, int status, int events);
static void on_fs_read (uv_fs_t *req);

static Perform
uv_failed (const UvItem *it, const char *call, int ret, GError **error)
{
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "libuv: %s for item %u (fd %d): %s", call, it->item,
               it->op.fd, uv_strerror (ret));
  return PERFORM_FAILED;
}

/* libuv's timers count whole milliseconds from the loop's cached time,
 * which may lag: due on the millisecond after the deadline, counted from
 * that cached time, they cannot fire early. */
static Perform
arm_timer (UvItem *it, gint64 *result, GError **error)
{
  gint64 deadline = it->op.deadline;
  guint64 due_ms = (guint64) ((deadline + NS_PER_MS - 1) / NS_PER_MS);
  guint64 now_ms = uv_now (&it->loop->uv);
  int ret;

  if (loop_now_ns () >= deadline)
    {
      *result = 0;
      return PERFORM_DONE;
    }
  if (it->timer == NULL)
    {
      it->timer = g_new0 (uv_timer_t, 1);
      uv_timer_init (&it->loop->uv, it->timer);
      it->timer->data = it;
    }
  ret = uv_timer_start (it->timer, on_timer,
                        due_ms > now_ms ? due_ms - now_ms : 0, 0);
  return ret < 0 ? uv_failed (it, "uv_timer_start", ret, error)
                 : PERFORM_WAITING;
}

static void
free_closed_handle (uv_handle_t *handle)
{
  g_free (handle);
}

/* A poll handle lives for one wait: closed at once after it, while its fd
 * is still the item's, it never outlives the fd into another item's. */
static void
release_poll (UvItem *it)
{
  if (it->poll == NULL)
    return;
  uv_close ((uv_handle_t *) it->poll, free_closed_handle);
  it->poll = NULL;
}

static Perform
arm_poll (UvItem *it, int events, GError **error)
{
  int ret;

  it->poll = g_new0 (uv_poll_t, 1);
  ret = uv_poll_init_socket (&it->loop->uv, it->poll, it->op.fd);
  if (ret < 0)
    {
      g_clear_pointer (&it->poll, g_free);
      return uv_failed (it, "uv_poll_init_socket", ret, error);
    }
  it->poll->data = it;
  ret = uv_poll_start (it->poll, events, on_poll);
  if (ret < 0)
    {
      release_poll (it);
      return uv_failed (it, "uv_poll_start", ret, error);
    }
  return PERFORM_WAITING;
}

static Perform
arm_fs_read (UvItem *it, GError **error)
{
  uv_buf_t buf = uv_buf_init (it->op.buf, (unsigned int) it->op.len);
  uv_fs_t *req = g_new0 (uv_fs_t, 1);
  int ret;

  req->data = it;
  ret = uv_fs_read (&it->loop->uv, req, it->op.fd, &buf, 1, it->op.offset,
                    on_fs_read);
  if (ret < 0)
    {
      uv_fs_req_cleanup (req);
      g_free (req);
      return uv_failed (it, "uv_fs_read", ret, error);
    }
  it->fs = req;
  return PERFORM_WAITING;
}

static Perform
perform (UvItem *it, gboolean waited, gint64 *result, GError **error)
{
  if (it->op.kind == CB_OP_SLEEP)
    return arm_timer (it, result, error);
  if (it->op.kind == CB_OP_READ)
    return arm_fs_read (it, error);
  switch (loop_op_attempt (&it->op, waited, result))
    {
    case LOOP_OP_WAIT_READ:
      return arm_poll (it, UV_READABLE, error);
    case LOOP_OP_WAIT_WRITE:
      return arm_poll (it, UV_WRITABLE, error);
    case LOOP_OP_DONE:
    default:
      return PERFORM_DONE;
    }
}

static void
close_timer (UvItem *it)
{
  if (it->timer == NULL)
    return;
  uv_close ((uv_handle_t *) it->timer, free_closed_handle);
  it->timer = NULL;
}

static void
item_finish (UvItem *it)
{
  const CbJob *job = it->loop->set->job;

  close_timer (it);
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
item_run (UvItem *it, CbStep step, guint64 digest, GError *error)
{
  if (loop_item_follow (it->loop->set, it->item, it->state, &it->op, step,
                        digest, error, perform_now, it))
    item_finish (it);
}

/* Hands result over, unless the loop is giving up. */
static void
item_resume (UvItem *it, gint64 result)
{
  const CbJob *job = it->loop->set->job;
  GError *error = NULL;
  guint64 digest = 0;

  if (it->loop->abandoning)
    return;
  if (loop_set_stopped (it->loop->set))
    {
      uv_stop (&it->loop->uv);
      return;
    }
  CbStep step = job->steps->resume (job, it->state, result, &it->op, &digest,
                                    &error);
  item_run (it, step, digest, error);
}

static void
item_go_on (UvItem *it, Perform how, gint64 result, GError *error)
{
  if (how == PERFORM_DONE)
    item_resume (it, result);
  else if (how == PERFORM_FAILED)
    item_run (it, CB_STEP_FAILED, 0, error);
}

static void
on_timer (uv_timer_t *timer)
{
  UvItem *it = timer->data;
  GError *error = NULL;
  gint64 result = 0;

  Perform how;

  if (it->loop->abandoning)
    return;
  how = arm_timer (it, &result, &error);
  item_go_on (it, how, result, error);
}

static void
on_poll (uv_poll_t *poll, int status, int events G_GNUC_UNUSED)
{
  UvItem *it = poll->data;
  GError *error = NULL;
  gint64 result = status;
  Perform how = PERFORM_DONE;

  release_poll (it);
  if (it->loop->abandoning)
    return;
  /* status: 0, or a libuv error, which is -errno on Unix. */
  if (status == 0)
    how = perform (it, TRUE, &result, &error);
  item_go_on (it, how, result, error);
}

static void
on_fs_read (uv_fs_t *req)
{
  UvItem *it = req->data;
  gint64 result = req->result;

  uv_fs_req_cleanup (req);
  g_free (req);
  it->fs = NULL;
  item_resume (it, result);
}

static void
start_items (UvLoop *loop)
{
  const CbJob *job = loop->set->job;

  for (guint k = 0; k < loop->n_items && !loop_set_stopped (loop->set); k++)
    {
      UvItem *it = &loop->items[k];
      GError *error = NULL;
      guint64 digest = 0;

      CbStep step = job->steps->start (job, it->item, &it->state, &it->op,
                                       &digest, &error);
      loop->unfinished++;
      item_run (it, step, digest, error);
    }
}

/* Closes every handle and cancels every file read, lets the loop call them
 * all back (a read already running on the pool finishes first), then frees
 * the abandoned items, whose buffers nothing can touch any more. */
static gboolean
loop_teardown (UvLoop *loop, GError **error)
{
  const CbJob *job = loop->set->job;
  int ret;

  loop->abandoning = TRUE;
  for (guint k = 0; k < loop->n_items; k++)
    {
      UvItem *it = &loop->items[k];

      close_timer (it);
      release_poll (it);
      if (it->fs != NULL)
        uv_cancel ((uv_req_t *) it->fs);
    }
  uv_run (&loop->uv, UV_RUN_DEFAULT);
  for (guint k = 0; k < loop->n_items; k++)
    if (loop->items[k].state != NULL)
      job->steps->free (job, loop->items[k].state);
  ret = uv_loop_close (&loop->uv);
  if (ret < 0)
    g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                 "libuv: uv_loop_close: %s", uv_strerror (ret));
  return ret == 0;
}

static gboolean
loop_run (UvLoop *loop, GError **error)
{
  start_items (loop);
  while (loop->unfinished > 0 && !loop_set_stopped (loop->set))
    if (uv_run (&loop->uv, UV_RUN_DEFAULT) == 0 && loop->unfinished > 0
        && !loop_set_stopped (loop->set))
      {
        g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                     "libuv: the loop ran out of handles with %u items "
                     "unfinished", loop->unfinished);
        return FALSE;
      }
  return TRUE;
}

static gboolean
libuv_loop_main (LoopSet *set, guint index, GError **error)
{
  UvLoop loop = { .set = set, .n_items = loop_set_share (set, index) };
  int ret = uv_loop_init (&loop.uv);
  gboolean ok;

  if (ret < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "libuv: uv_loop_init: %s", uv_strerror (ret));
      return FALSE;
    }
  loop.items = g_new0 (UvItem, loop.n_items);
  for (guint k = 0; k < loop.n_items; k++)
    {
      loop.items[k].loop = &loop;
      loop.items[k].item = loop_set_item (set, index, k);
    }
  ok = loop_run (&loop, error);
  /* The first error stands; teardown's is reported only without one. */
  ok = loop_teardown (&loop, ok ? error : NULL) && ok;
  g_free (loop.items);
  return ok;
}

static gboolean
libuv_execute (const CbJob *job, GError **error)
{
  return loop_set_execute (job, "libuv", libuv_loop_main, error);
}

/* The size of libuv's thread pool, which it reads the same way. */
static guint64
threadpool_size (void)
{
  const char *text = g_getenv ("UV_THREADPOOL_SIZE");
  guint64 size = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;

  return size == 0 ? UV_THREADPOOL_DEFAULT : MIN (size, 1024);
}

static void
libuv_resources (const CbParams *params, guint n_items, CbResources *out)
{
  guint loops = loop_set_size (params, n_items);

  /* Loop 0 is the calling thread, the file reads' pool is libuv's.  A loop
   * holds its epoll descriptor and an eventfd; libuv holds a pipe of its
   * own for signals. */
  out->threads = loops - 1 + threadpool_size ();
  out->fds = 2 * (guint64) loops + 2;
}

static const CbParamSpec libuv_params[] = {
  LOOP_SET_LOOPS_PARAM ("libuv loops, one thread and one uv_loop_t each, "
                        "the items spread over them"),
  { .name = NULL },
};

static const CbStrategyClass libuv_class = {
  .name = "libuv",
  .summary = "run the items on libuv loops: uv timers, uv_poll on the "
             "sockets, uv_fs_read for files",
  .params = libuv_params,
  .execute = libuv_execute,
  .slots = loop_set_slots,
  .resources = libuv_resources,
  .worker_param = "loops",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "libuv",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "readiness-loop strategy on libuv (module uvloop)",
  .strategy = &libuv_class,
};

CB_PLUGIN_DEFINE (uvloop, desc)
