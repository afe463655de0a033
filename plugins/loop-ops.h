/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The calls a readiness loop (libuv, libevent) makes for an item's
 * operation: tried at once, and when the socket is not ready, what to wait
 * for before trying again.  EAGAIN never goes back to the workload.
 * Static inline, as loop-threads.h, so each plugin carries its own copy. */
#ifndef CB_LOOP_OPS_H
#define CB_LOOP_OPS_H

#include <errno.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <concbench/plugin.h>

typedef enum {
  LOOP_OP_DONE,       /* *result holds the outcome */
  LOOP_OP_WAIT_READ,  /* try again once fd is readable */
  LOOP_OP_WAIT_WRITE, /* try again once fd is writable */
} LoopOpAttempt;

static inline gint64
loop_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static inline gboolean
loop_errno_would_block (int err)
{
  return err == EAGAIN || err == EWOULDBLOCK;
}

/* A non-blocking connect in progress has finished once the socket is
 * writable; SO_ERROR tells how. */
static inline gint64
loop_connect_outcome (int fd)
{
  int err = 0;
  socklen_t len = sizeof err;

  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    return -errno;
  return -err;
}

static inline LoopOpAttempt
loop_connect_attempt (const CbOp *op, gboolean waited, gint64 *result)
{
  if (waited)
    {
      *result = loop_connect_outcome (op->fd);
      return LOOP_OP_DONE;
    }
  if (connect (op->fd, op->addr, op->addrlen) == 0)
    {
      *result = 0;
      return LOOP_OP_DONE;
    }
  /* An interrupted connect goes on in the background, as one in progress. */
  if (errno == EINPROGRESS || errno == EINTR || loop_errno_would_block (errno))
    return LOOP_OP_WAIT_WRITE;
  *result = -errno;
  return LOOP_OP_DONE;
}

static inline ssize_t
loop_transfer (const CbOp *op)
{
  if (op->kind == CB_OP_SEND)
    return send (op->fd, op->buf, op->len, MSG_NOSIGNAL);
  if (op->kind == CB_OP_RECV)
    return recv (op->fd, op->buf, op->len, 0);
  return pread (op->fd, op->buf, op->len, (off_t) op->offset);
}

/* Makes op's call now.  waited: the loop has just seen the readiness the
 * last attempt asked for (a connect then only collects its outcome).  A
 * READ of a regular file runs blocking here: such a file is always
 * "ready".  Not for SLEEP, which is the loop's own timer. */
static inline LoopOpAttempt
loop_op_attempt (const CbOp *op, gboolean waited, gint64 *result)
{
  ssize_t n;

  if (op->kind == CB_OP_CONNECT)
    return loop_connect_attempt (op, waited, result);
  if (op->kind == CB_OP_CLOSE)
    {
      /* On Linux the descriptor is gone even when close says EINTR. */
      *result = close (op->fd) == 0 || errno == EINTR ? 0 : -errno;
      return LOOP_OP_DONE;
    }
  do
    n = loop_transfer (op);
  while (n < 0 && errno == EINTR);
  if (n < 0 && loop_errno_would_block (errno) && op->kind != CB_OP_READ)
    return op->kind == CB_OP_RECV ? LOOP_OP_WAIT_READ : LOOP_OP_WAIT_WRITE;
  *result = n < 0 ? -errno : n;
  return LOOP_OP_DONE;
}

#endif /* CB_LOOP_OPS_H */
