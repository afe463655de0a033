/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Readiness semantics for the item's operations: see readiness.h.  EINTR
 * is retried here and EAGAIN never reaches the workload. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "readiness.h"

static gboolean
would_block (int err)
{
  return err == EAGAIN || err == EWOULDBLOCK;
}

static gboolean
try_connect (const CbOp *op, gint64 *result, guint32 *events)
{
  if (connect (op->fd, op->addr, op->addrlen) == 0)
    {
      *result = 0;
      return TRUE;
    }
  /* An interrupted connect goes on in the background, as EINPROGRESS. */
  if (errno == EINPROGRESS || errno == EINTR || errno == EALREADY)
    {
      *events = POLLOUT;
      return FALSE;
    }
  *result = -errno;
  return TRUE;
}

static gboolean
connect_outcome (const CbOp *op, gint64 *result)
{
  int err = 0;
  socklen_t len = sizeof err;

  if (getsockopt (op->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    err = errno;
  *result = -err;
  return TRUE;
}

static gboolean
transfer (const CbOp *op, gint64 *result, guint32 *events)
{
  gssize n;

  do
    n = op->kind == CB_OP_SEND
            ? send (op->fd, op->buf, op->len, MSG_NOSIGNAL)
            : recv (op->fd, op->buf, op->len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0 && would_block (errno))
    {
      *events = op->kind == CB_OP_SEND ? POLLOUT : POLLIN;
      return FALSE;
    }
  *result = n < 0 ? -errno : n;
  return TRUE;
}

/* A regular file is always "ready": the read blocks, honestly. */
static gboolean
read_file (const CbOp *op, gint64 *result)
{
  gssize n;

  do
    n = pread (op->fd, op->buf, op->len, op->offset);
  while (n < 0 && errno == EINTR);
  *result = n < 0 ? -errno : n;
  return TRUE;
}

gboolean
readiness_try (const CbOp *op, gint64 *result, guint32 *events)
{
  switch (op->kind)
    {
    case CB_OP_CONNECT:
      return try_connect (op, result, events);
    case CB_OP_SEND:
    case CB_OP_RECV:
      return transfer (op, result, events);
    case CB_OP_CLOSE:
      /* Linux releases the descriptor even when close fails. */
      *result = close (op->fd) == 0 || errno == EINTR ? 0 : -errno;
      return TRUE;
    case CB_OP_READ:
      return read_file (op, result);
    case CB_OP_SLEEP:
      break;
    }
  *result = -EINVAL;
  return TRUE;
}

gboolean
readiness_retry (const CbOp *op, gint64 *result, guint32 *events)
{
  if (op->kind == CB_OP_CONNECT)
    return connect_outcome (op, result);
  return readiness_try (op, result, events);
}
