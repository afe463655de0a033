/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "tcp" transport of the api workload: a latency server on 127.0.0.1
 * and its clients, one connection per call like an HTTP/1.0 client.
 *
 * The server runs in a process of its own or on a thread of the process
 * that created it.  The clients need nothing of the server but its port, so
 * they work from any thread and from forked children, whose connections
 * reach the server over loopback. */
#pragma once

#include <concbench/plugin.h>

typedef enum {
  API_TCP_GET = 0,
  API_TCP_PUT = 1,
} ApiTcpMethod;

/* What a call asks for: the server waits latency_us, then answers. */
typedef struct {
  ApiTcpMethod method;
  guint32 id;
  guint64 latency_us;
  /* The server keeps the connection open for another request after it has
   * answered; otherwise it closes it, as an HTTP/1.0 server does. */
  gboolean keep_alive;
} ApiTcpRequest;

/* Both ways, every message has this size. */
#define API_TCP_MESSAGE_SIZE 24

/* What it answers: the request echoed, and the key the record is built
 * from (the workload's seed). */
typedef struct {
  ApiTcpMethod method;
  guint32 id;
  guint64 record_key;
} ApiTcpReply;

typedef struct ApiTcpServer ApiTcpServer;

/* Descriptors the server holds whatever it serves: its listener, its spare,
 * its epoll, timerfd and stop eventfd. */
#define API_TCP_SERVER_FDS 5

/* Listens on 127.0.0.1, port chosen by the kernel, and starts serving in
 * a process of its own (own_process) or on a thread of this one
 * (api-server.c). */
ApiTcpServer *api_tcp_server_new (guint64 record_key, gboolean own_process,
                                  GError **error);
guint16 api_tcp_server_port (const ApiTcpServer *server);
/* Stops the server (joins its thread, or kills and reaps its process when
 * called in the process that created it); closes every descriptor. */
void api_tcp_server_free (ApiTcpServer *server);

const char *api_tcp_method_name (ApiTcpMethod method);

/* One call on a connection of its own, blocking.  Thread-safe; usable in a
 * forked child. */
gboolean api_tcp_call (guint16 port, const ApiTcpRequest *request,
                       ApiTcpReply *reply, GError **error);
/* The same in two halves, so that one connection can carry several calls:
 * a blocking connection (-1 on error), and one call on it. */
int api_tcp_connect (guint16 port, GError **error);
gboolean api_tcp_exchange (int fd, const ApiTcpRequest *request,
                           ApiTcpReply *reply, GError **error);

/* The pieces of a call, for callers that do their own IO. */
struct sockaddr_in;
int api_tcp_socket (gboolean nonblocking, GError **error);
void api_tcp_address (guint16 port, struct sockaddr_in *addr);
void api_tcp_encode_request (const ApiTcpRequest *request, guint8 *msg);
/* Checks a whole response against its request. */
gboolean api_tcp_decode_reply (const guint8 *msg,
                               const ApiTcpRequest *request,
                               ApiTcpReply *reply, GError **error);
void api_tcp_set_error (GError **error, int code, const char *what, int err);
void api_tcp_set_short_response (GError **error, gsize got);
