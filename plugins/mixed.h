/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the mixed workload's files share: the workload, an item in flight,
 * and the tcp wait (mixed-tcp.c), a call to api's latency server. */
#pragma once

#include <netinet/in.h>

#include <concbench/plugin.h>

#include "api-tcp.h"

typedef enum {
  TRANSPORT_TIMER,
  TRANSPORT_TCP,
} Transport;

typedef struct {
  guint64 seed;
  guint n_items;
  guint64 units; /* per item: the first half before the wait, the rest after */
  double seconds_per_unit;
  double *latency; /* seconds, per item */
  Transport transport;
  /* tcp: api's latency server, in a process of its own started by the
   * process that called create; the port is all a client needs. */
  ApiTcpServer *server;
  guint16 port;
} Mixed;

typedef enum {
  STAGE_WAIT, /* timer: the SLEEP */
  STAGE_CONNECT,
  STAGE_SEND,
  STAGE_RECV,
  STAGE_CLOSE,
} MixedStage;

typedef struct {
  guint item;
  guint64 primes; /* what one unit of the first half counted */
  MixedStage stage;
  int fd;
  guint32 done; /* bytes of buf sent or received */
  struct sockaddr_in addr;
  guint8 buf[API_TCP_MESSAGE_SIZE];
} MixedItem;

/* mixed-tcp.c.  The wait blocking: one GET whose answer comes after the
 * item's latency. */
gboolean mixed_tcp_wait (const Mixed *mixed, guint item, GError **error);
/* The same wait as operations: CONNECT, SEND, RECV, CLOSE.  resume returns
 * CB_STEP_DONE once the wait is over (the caller then finishes the item). */
CbStep mixed_tcp_start (const Mixed *mixed, MixedItem *self, CbOp *op,
                        GError **error);
CbStep mixed_tcp_resume (const Mixed *mixed, MixedItem *self, gint64 result,
                         CbOp *op, GError **error);
