/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The operations of the loop-neutral item (ABI 1.2) for a readiness loop:
 * make the call now; when the socket is not ready, say what to wait for,
 * and make it again once the loop says the socket is ready.  A strategy
 * that waits with epoll, GLib or libevent compiles this file in. */
#pragma once

#include <concbench/plugin.h>

/* Performs op (anything but CB_OP_SLEEP, which is the loop's own).  TRUE:
 * *result is the operation's result, to hand to item_resume.  FALSE: the
 * call would block; wait until op->fd is ready for *events (POLLIN or
 * POLLOUT, the same bits as EPOLLIN/EPOLLOUT and G_IO_IN/G_IO_OUT), then
 * call readiness_retry. */
gboolean readiness_try (const CbOp *op, gint64 *result, guint32 *events);

/* After op->fd became ready (or reported an error): as readiness_try, for
 * an operation readiness_try began.  A connect in progress completes with
 * its SO_ERROR. */
gboolean readiness_retry (const CbOp *op, gint64 *result, guint32 *events);
