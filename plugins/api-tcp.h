/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "tcp" transport of the api workload: a latency server on 127.0.0.1
 * and its clients, one connection per call like an HTTP/1.0 client.
 *
 * The server runs on its own thread and GMainContext in the process that
 * created it.  The clients need nothing of the server but its port, so they
 * work from any thread and from forked children, whose connections reach the
 * parent's server over loopback. */
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
} ApiTcpRequest;

/* What it answers: the request echoed, and the key the record is built
 * from (the workload's seed). */
typedef struct {
  ApiTcpMethod method;
  guint32 id;
  guint64 record_key;
} ApiTcpReply;

typedef struct ApiTcpServer ApiTcpServer;

/* Listens on 127.0.0.1, port chosen by the kernel, and starts serving. */
ApiTcpServer *api_tcp_server_new (guint64 record_key, GError **error);
guint16 api_tcp_server_port (const ApiTcpServer *server);
/* Stops the server thread and joins it; closes every descriptor. */
void api_tcp_server_free (ApiTcpServer *server);

const char *api_tcp_method_name (ApiTcpMethod method);

/* One call, blocking.  Thread-safe; usable in a forked child. */
gboolean api_tcp_call (guint16 port, const ApiTcpRequest *request,
                       ApiTcpReply *reply, GError **error);

/* reply is NULL exactly when error is set. */
typedef void (*ApiTcpReplyFunc) (const ApiTcpReply *reply,
                                 const GError *error, gpointer user_data);

/* One call as sources on ctx; func is called from ctx exactly once, never
 * from here. */
void api_tcp_call_async (guint16 port, const ApiTcpRequest *request,
                         GMainContext *ctx, ApiTcpReplyFunc func,
                         gpointer user_data);
