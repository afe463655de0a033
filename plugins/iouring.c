/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "iouring": a completion loop.  Each item's operations are
 * submitted to io_uring as they are -- a sleep as an absolute
 * CLOCK_MONOTONIC timeout, connect, send, recv, close and read as SQEs --
 * and completions are reaped in batches.  loops=N runs N rings, one per
 * thread, each over every N-th item. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "loop-ops.h"
#include "loop-threads.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define RING_ENTRIES_MAX 4096u
#define REAP_BATCH 256u
#define DISABLED_SYSCTL "/proc/sys/kernel/io_uring_disabled"

typedef struct {
  guint item;
  gpointer state;  /* NULL once the item has finished */
  CbOp op;
  struct __kernel_timespec deadline; /* read by the kernel at submission */
  gboolean polling; /* the operation met EAGAIN: waiting for readiness */
  gboolean in_flight;
} RingItem;

typedef struct {
  LoopSet *set;
  struct io_uring ring;
  RingItem *items;
  guint n_items;
  guint unfinished;
  guint in_flight;     /* SQEs whose completion is not reaped yet */
  gboolean abandoning; /* completions are only counted now */
} Ring;

/* "0", "1" or "2", or NULL where the kernel has no such switch. */
static char *
read_disabled_sysctl (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (DISABLED_SYSCTL, &text, NULL, NULL))
    return NULL;
  return g_strstrip (g_steal_pointer (&text));
}

static gboolean
ring_init (Ring *ring, GError **error)
{
  struct io_uring_params params = { 0 };
  guint entries = CLAMP (ring->n_items, 8, RING_ENTRIES_MAX);
  int ret;

  /* Every item may complete at once: room for all their completions. */
  params.flags = IORING_SETUP_CQSIZE;
  params.cq_entries = MAX (2 * entries, MIN (ring->n_items, 65536u));
  ret = io_uring_queue_init_params (entries, &ring->ring, &params);
  if (ret < 0)
    {
      g_autofree char *disabled = read_disabled_sysctl ();
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "io_uring refused by the kernel or a sandbox: "
                   "io_uring_queue_init: %s%s%s",
                   g_strerror (-ret),
                   disabled != NULL ? "; kernel.io_uring_disabled = " : "",
                   disabled != NULL ? disabled : "");
      return FALSE;
    }
  return TRUE;
}

/* Submits what is queued when the submission queue is full. */
static struct io_uring_sqe *
ring_get_sqe (Ring *ring)
{
  struct io_uring_sqe *sqe;

  while ((sqe = io_uring_get_sqe (&ring->ring)) == NULL)
    io_uring_submit (&ring->ring);
  return sqe;
}

static void
prep_op (struct io_uring_sqe *sqe, RingItem *it)
{
  CbOp *op = &it->op;

  switch (op->kind)
    {
    case CB_OP_SLEEP:
      it->deadline.tv_sec = op->deadline / G_GINT64_CONSTANT (1000000000);
      it->deadline.tv_nsec = op->deadline % G_GINT64_CONSTANT (1000000000);
      io_uring_prep_timeout (sqe, &it->deadline, 0, IORING_TIMEOUT_ABS);
      break;
    case CB_OP_CONNECT:
      io_uring_prep_connect (sqe, op->fd, op->addr, op->addrlen);
      break;
    case CB_OP_SEND:
      io_uring_prep_send (sqe, op->fd, op->buf, op->len, MSG_NOSIGNAL);
      break;
    case CB_OP_RECV:
      io_uring_prep_recv (sqe, op->fd, op->buf, op->len, 0);
      break;
    case CB_OP_CLOSE:
      io_uring_prep_close (sqe, op->fd);
      break;
    case CB_OP_READ:
      io_uring_prep_read (sqe, op->fd, op->buf, (unsigned) op->len,
                          (guint64) op->offset);
      break;
    }
}

static void
submit_op (Ring *ring, RingItem *it)
{
  struct io_uring_sqe *sqe = ring_get_sqe (ring);

  if (it->polling)
    io_uring_prep_poll_add (sqe, it->op.fd,
                            it->op.kind == CB_OP_RECV ? POLLIN : POLLOUT);
  else
    prep_op (sqe, it);
  io_uring_sqe_set_data (sqe, it);
  it->in_flight = TRUE;
  ring->in_flight++;
}

static gboolean
op_is_socket (CbOpKind kind)
{
  return kind == CB_OP_CONNECT || kind == CB_OP_SEND || kind == CB_OP_RECV;
}

/* A kernel may hand back EAGAIN (or EINPROGRESS for a connect) on the
 * workload's non-blocking sockets rather than wait itself. */
static gboolean
op_would_block (const CbOp *op, int res)
{
  return op_is_socket (op->kind)
         && (res == -EAGAIN || res == -EWOULDBLOCK
             || (op->kind == CB_OP_CONNECT && res == -EINPROGRESS));
}

static gint64
connect_outcome (int fd)
{
  int err = 0;
  socklen_t len = sizeof err;

  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    return -errno;
  return -err;
}

/* The result the workload is handed, or FALSE when the operation goes on
 * (a readiness wait was armed, or the operation resubmitted after one). */
static gboolean
op_result (Ring *ring, RingItem *it, int res, gint64 *result)
{
  if (it->polling)
    {
      it->polling = FALSE;
      if (res >= 0 && it->op.kind == CB_OP_CONNECT)
        res = (int) connect_outcome (it->op.fd);
      else if (res >= 0)
        {
          submit_op (ring, it);
          return FALSE;
        }
    }
  else if (op_would_block (&it->op, res))
    {
      it->polling = TRUE;
      submit_op (ring, it);
      return FALSE;
    }
  /* An absolute timeout that expires says so with ETIME: a sleep's end. */
  if (it->op.kind == CB_OP_SLEEP && res == -ETIME)
    res = 0;
  *result = res;
  return TRUE;
}

/* A sleep whose deadline has passed ends at once, as in every loop here,
 * rather than as a kernel timer armed to fire at once: in a virtual
 * machine each such timer costs exits to the hypervisor, and profiles of
 * api at max-latency=0 showed half the time spent there. */
static gboolean
op_is_over (const CbOp *op)
{
  return op->kind == CB_OP_SLEEP && op->deadline <= loop_now_ns ();
}

static void
ring_item_step (Ring *ring, RingItem *it, CbStep step, guint64 digest,
                GError *error)
{
  const CbJob *job = ring->set->job;

  while (!loop_set_item_finished (ring->set, it->item, step, digest, error))
    {
      if (!op_is_over (&it->op))
        {
          submit_op (ring, it);
          return;
        }
      digest = 0;
      error = NULL;
      step = job->steps->resume (job, it->state, 0, &it->op, &digest, &error);
    }
  if (it->state != NULL)
    ring->set->job->steps->free (ring->set->job, it->state);
  it->state = NULL;
  ring->unfinished--;
}

static void
ring_complete (Ring *ring, RingItem *it, int res)
{
  const CbJob *job = ring->set->job;
  GError *error = NULL;
  guint64 digest = 0;
  gint64 result;

  it->in_flight = FALSE;
  ring->in_flight--;
  if (ring->abandoning || !op_result (ring, it, res, &result))
    return;
  CbStep step = job->steps->resume (job, it->state, result, &it->op, &digest,
                                    &error);
  ring_item_step (ring, it, step, digest, error);
}

static void
ring_start_items (Ring *ring)
{
  const CbJob *job = ring->set->job;

  for (guint k = 0; k < ring->n_items && !loop_set_stopped (ring->set); k++)
    {
      RingItem *it = &ring->items[k];
      GError *error = NULL;
      guint64 digest = 0;

      CbStep step = job->steps->start (job, it->item, &it->state, &it->op,
                                       &digest, &error);
      ring->unfinished++;
      ring_item_step (ring, it, step, digest, error);
    }
}

/* Waits for at least one completion, then handles every one that is there;
 * copied out first, so handling may submit (and so reap room for) more. */
static gboolean
ring_reap (Ring *ring, GError **error)
{
  struct io_uring_cqe *cqes[REAP_BATCH];
  gpointer data[REAP_BATCH];
  int res[REAP_BATCH];
  int ret = io_uring_submit_and_wait (&ring->ring, 1);

  if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "io_uring_submit_and_wait: %s", g_strerror (-ret));
      return FALSE;
    }
  unsigned n = io_uring_peek_batch_cqe (&ring->ring, cqes, REAP_BATCH);
  for (unsigned i = 0; i < n; i++)
    {
      data[i] = io_uring_cqe_get_data (cqes[i]);
      res[i] = cqes[i]->res;
    }
  io_uring_cq_advance (&ring->ring, n);
  /* Cancellation requests carry no item. */
  for (unsigned i = 0; i < n; i++)
    if (data[i] != NULL)
      ring_complete (ring, data[i], res[i]);
  return TRUE;
}

/* The kernel may still write into an abandoned item's buffers, which its
 * state owns: cancel each operation and reap its completion before the
 * item is freed. */
static void
ring_abandon (Ring *ring)
{
  const CbJob *job = ring->set->job;

  ring->abandoning = TRUE;
  for (guint k = 0; k < ring->n_items; k++)
    if (ring->items[k].in_flight)
      {
        struct io_uring_sqe *sqe = ring_get_sqe (ring);
        io_uring_prep_cancel (sqe, &ring->items[k], 0);
        io_uring_sqe_set_data (sqe, NULL);
      }
  while (ring->in_flight > 0 && ring_reap (ring, NULL))
    ;
  for (guint k = 0; k < ring->n_items; k++)
    if (ring->items[k].state != NULL)
      job->steps->free (job, ring->items[k].state);
}

static gboolean
ring_run (Ring *ring, GError **error)
{
  ring_start_items (ring);
  while (ring->unfinished > 0 && !loop_set_stopped (ring->set))
    if (!ring_reap (ring, error))
      return FALSE;
  return TRUE;
}

static gboolean
iouring_loop_main (LoopSet *set, guint index, GError **error)
{
  Ring ring = { .set = set, .n_items = loop_set_share (set, index) };
  gboolean ok;

  if (!ring_init (&ring, error))
    return FALSE;
  ring.items = g_new0 (RingItem, ring.n_items);
  for (guint k = 0; k < ring.n_items; k++)
    ring.items[k].item = loop_set_item (set, index, k);
  ok = ring_run (&ring, error);
  ring_abandon (&ring);
  io_uring_queue_exit (&ring.ring);
  g_free (ring.items);
  return ok;
}

static gboolean
iouring_execute (const CbJob *job, GError **error)
{
  return loop_set_execute (job, "iouring", iouring_loop_main, error);
}

static void
iouring_resources (const CbParams *params, guint n_items, CbResources *out)
{
  guint loops = loop_set_size (params, n_items);

  /* Loop 0 is the calling thread; each ring is one descriptor. */
  out->threads = loops - 1;
  out->fds = loops;
}

static const CbParamSpec iouring_params[] = {
  LOOP_SET_LOOPS_PARAM ("io_uring loops, one thread and one ring each, "
                        "the items spread over them"),
  { .name = NULL },
};

static const CbStrategyClass iouring_class = {
  .name = "iouring",
  .summary = "submit the items' operations to io_uring rings (needs "
             "io_uring: Linux 5.6 or later, not refused by a sandbox)",
  .params = iouring_params,
  .execute = iouring_execute,
  .slots = loop_set_slots,
  .resources = iouring_resources,
  .worker_param = "loops",
};

static CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "iouring",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "completion-loop strategy on io_uring (liburing)",
  .strategy = &iouring_class,
};

/* The description says when the kernel's switch turns io_uring off: read
 * at load time, which costs one read and creates nothing.  A sandbox that
 * refuses the system call shows only when a row runs. */
static const CbPluginDesc *
iouring_desc (void)
{
  g_autofree char *disabled = read_disabled_sysctl ();

  if (g_strcmp0 (disabled, "2") == 0)
    desc.description = "completion-loop strategy on io_uring (liburing); "
                       "io_uring is disabled on this machine "
                       "(kernel.io_uring_disabled = 2)";
  else if (g_strcmp0 (disabled, "1") == 0)
    desc.description = "completion-loop strategy on io_uring (liburing); "
                       "io_uring is limited to one group on this machine "
                       "(kernel.io_uring_disabled = 1)";
  return &desc;
}

CB_PLUGIN_EXPORT const CbPluginDesc *iouring_LTX_concbench_plugin_get_desc (void);
CB_PLUGIN_EXPORT const CbPluginDesc *
iouring_LTX_concbench_plugin_get_desc (void)
{
  return iouring_desc ();
}
