/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api workload's tcp transport: see api-tcp.h.
 *
 * Wire format, little-endian, fixed size both ways:
 *   request  (24 bytes): magic "CBRQ", method, id, flags, latency in µs (64)
 * flags bit 0 is keep-alive: the server reads another request after answering.
 *   response (24 bytes): magic "CBRS", method, id, status, record key (64)
 * status is 0, or the errno that made the server refuse the connection
 * (EMFILE when it had no descriptor left to take it with). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* accept4, SOCK_NONBLOCK, SOCK_CLOEXEC */
#endif

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>

#include "api-tcp.h"

#define REQUEST_MAGIC 0x51524243u  /* "CBRQ" */
#define RESPONSE_MAGIC 0x53524243u /* "CBRS" */
#define MESSAGE_SIZE API_TCP_MESSAGE_SIZE
#define FLAG_KEEP_ALIVE 1u /* request word 3 */
/* How long the listener rests when it cannot take a connection at all. */
#define ACCEPT_RETRY_US (10 * G_TIME_SPAN_MILLISECOND)

typedef guint8 Message[MESSAGE_SIZE];

static void
put32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static void
put64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static guint32
get32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static guint64
get64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

void
api_tcp_encode_request (const ApiTcpRequest *request, guint8 *msg)
{
  put32 (msg, REQUEST_MAGIC);
  put32 (msg + 4, request->method);
  put32 (msg + 8, request->id);
  put32 (msg + 12, request->keep_alive ? FLAG_KEEP_ALIVE : 0);
  put64 (msg + 16, request->latency_us);
}

static void
encode_response (guint32 method, guint32 id, guint32 status, guint64 key,
                 guint8 *msg)
{
  put32 (msg, RESPONSE_MAGIC);
  put32 (msg + 4, method);
  put32 (msg + 8, id);
  put32 (msg + 12, status);
  put64 (msg + 16, key);
}

const char *
api_tcp_method_name (ApiTcpMethod method)
{
  return method == API_TCP_PUT ? "PUT" : "GET";
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* ---- the server ---- */

typedef enum {
  CONN_READING,
  CONN_WAITING,
  CONN_WRITING,
} ConnStage;

struct ApiTcpServer {
  guint64 record_key;
  int listen_fd;
  int spare_fd; /* given up to refuse a connection cleanly on EMFILE */
  guint16 port;
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  GSource *listener;
  GHashTable *conns; /* ServerConn*: the connections being served */
};

/* One accepted connection: its socket and its latency timer in one source. */
typedef struct {
  GSource source;
  ApiTcpServer *server;
  int fd;
  gpointer tag;
  ConnStage stage;
  Message buf;
  gsize done; /* bytes of buf read or written */
  gboolean keep_alive; /* the request being answered asked for it */
} ServerConn;

/* Returns TRUE when the buffer has gone out whole; FALSE to wait for
 * G_IO_OUT (errno EAGAIN) or on failure (any other errno). */
static gboolean
conn_flush (ServerConn *conn)
{
  while (conn->done < MESSAGE_SIZE)
    {
      gssize n = send (conn->fd, conn->buf + conn->done,
                       MESSAGE_SIZE - conn->done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      conn->done += (gsize) n;
    }
  return TRUE;
}

/* The request is in: answer once its latency has passed, without blocking
 * any other connection. */
static void
conn_start_wait (ServerConn *conn)
{
  guint32 method = get32 (conn->buf + 4);
  guint32 id = get32 (conn->buf + 8);
  gboolean keep_alive = (get32 (conn->buf + 12) & FLAG_KEEP_ALIVE) != 0;
  guint64 latency_us = MIN (get64 (conn->buf + 16),
                            (guint64) G_MAXINT64 / 4);

  encode_response (method, id, 0, conn->server->record_key, conn->buf);
  conn->keep_alive = keep_alive;
  conn->done = 0;
  conn->stage = CONN_WAITING;
  g_source_modify_unix_fd (&conn->source, conn->tag, 0);
  g_source_set_ready_time (&conn->source,
                           g_get_monotonic_time () + (gint64) latency_us);
}

/* G_SOURCE_REMOVE closes the connection (in finalize). */
static gboolean
conn_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
               gpointer user_data G_GNUC_UNUSED)
{
  ServerConn *conn = (ServerConn *) source;
  GIOCondition revents = g_source_query_unix_fd (source, conn->tag);

  switch (conn->stage)
    {
    case CONN_READING:
      while (conn->done < MESSAGE_SIZE)
        {
          gssize n = recv (conn->fd, conn->buf + conn->done,
                           MESSAGE_SIZE - conn->done, 0);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return G_SOURCE_CONTINUE;
          if (n <= 0)
            return G_SOURCE_REMOVE; /* the client went away */
          conn->done += (gsize) n;
        }
      if (get32 (conn->buf) != REQUEST_MAGIC)
        return G_SOURCE_REMOVE;
      conn_start_wait (conn);
      return G_SOURCE_CONTINUE;
    case CONN_WAITING:
      if (revents & (G_IO_ERR | G_IO_HUP))
        return G_SOURCE_REMOVE;
      if (g_source_get_ready_time (source) > g_source_get_time (source))
        return G_SOURCE_CONTINUE;
      g_source_set_ready_time (source, -1);
      conn->stage = CONN_WRITING;
      break;
    case CONN_WRITING:
      break;
    }
  if (conn_flush (conn) && conn->keep_alive)
    {
      conn->stage = CONN_READING;
      conn->done = 0;
      g_source_modify_unix_fd (source, conn->tag, G_IO_IN);
      return G_SOURCE_CONTINUE;
    }
  if (conn->done == MESSAGE_SIZE)
    return G_SOURCE_REMOVE; /* HTTP/1.0: the server closes */
  if (errno != EAGAIN && errno != EWOULDBLOCK)
    return G_SOURCE_REMOVE;
  g_source_modify_unix_fd (source, conn->tag, G_IO_OUT);
  return G_SOURCE_CONTINUE;
}

static void
conn_finalize (GSource *source)
{
  ServerConn *conn = (ServerConn *) source;

  close_fd (&conn->fd);
  g_hash_table_remove (conn->server->conns, conn);
}

static const GSourceFuncs conn_funcs = {
  .dispatch = conn_dispatch,
  .finalize = conn_finalize,
};

static void
serve_connection (ApiTcpServer *server, int fd)
{
  GSource *source = g_source_new ((GSourceFuncs *) &conn_funcs,
                                  sizeof (ServerConn));
  ServerConn *conn = (ServerConn *) source;
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  conn->server = server;
  conn->fd = fd;
  conn->stage = CONN_READING;
  conn->tag = g_source_add_unix_fd (source, fd, G_IO_IN);
  g_source_set_name (source, "concbench api server connection");
  g_hash_table_add (server->conns, conn);
  g_source_attach (source, server->ctx);
  g_source_unref (source);
}

/* Out of descriptors: give up the spare one to take the connection and
 * tell the client why it cannot be served, rather than leave it waiting
 * for an accept that cannot happen.  FALSE when even that failed. */
static gboolean
refuse_connection (ApiTcpServer *server, int why)
{
  Message msg;
  int fd;

  close_fd (&server->spare_fd);
  fd = accept4 (server->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd >= 0)
    {
      encode_response (0, 0, (guint32) why, 0, msg);
      /* A fresh socket's buffer takes 24 bytes at once. */
      if (send (fd, msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        {
          /* the client has gone; nothing to tell */
        }
      close (fd);
    }
  server->spare_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

typedef struct {
  GSource source;
  ApiTcpServer *server;
  gpointer tag;
} Listener;

static gboolean
listener_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                   gpointer user_data G_GNUC_UNUSED)
{
  Listener *listener = (Listener *) source;
  ApiTcpServer *server = listener->server;

  if (g_source_get_ready_time (source) >= 0)
    {
      /* The rest after running out of descriptors is over. */
      g_source_set_ready_time (source, -1);
      g_source_modify_unix_fd (source, listener->tag, G_IO_IN);
    }
  for (;;)
    {
      int fd = accept4 (server->listen_fd, NULL, NULL,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0)
        {
          serve_connection (server, fd);
          continue;
        }
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if ((errno == EMFILE || errno == ENFILE)
          && refuse_connection (server, errno))
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        {
          /* Cannot even refuse (or a transient failure): rest a little
           * instead of spinning on a listening socket that stays readable. */
          g_source_modify_unix_fd (source, listener->tag, 0);
          g_source_set_ready_time (source,
                                   g_get_monotonic_time () + ACCEPT_RETRY_US);
        }
      return G_SOURCE_CONTINUE;
    }
}

static const GSourceFuncs listener_funcs = {
  .dispatch = listener_dispatch,
};

static gpointer
server_thread (gpointer data)
{
  ApiTcpServer *server = data;

  /* Every source is attached to server->ctx by name: pushing it as the
   * thread default would only create GLib's global default context, and its
   * descriptor, for the rest of the process. */
  g_main_loop_run (server->loop);
  /* Connections still open are dropped; their finalizers close them. */
  GList *conns = g_hash_table_get_keys (server->conns);
  for (GList *l = conns; l != NULL; l = l->next)
    g_source_destroy (l->data);
  g_list_free (conns);
  g_source_destroy (server->listener);
  return NULL;
}

static gboolean
stop_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
listen_loopback (ApiTcpServer *server, GError **error)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;

  server->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK
                              | SOCK_CLOEXEC, 0);
  if (server->listen_fd < 0)
    goto failed;
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind (server->listen_fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (server->listen_fd, SOMAXCONN) < 0
      || getsockname (server->listen_fd, (struct sockaddr *) &addr, &len) < 0)
    goto failed;
  server->port = ntohs (addr.sin_port);
  return TRUE;

failed:
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
               "cannot listen on 127.0.0.1: %s", g_strerror (errno));
  return FALSE;
}

ApiTcpServer *
api_tcp_server_new (guint64 record_key, GError **error)
{
  ApiTcpServer *server = g_new0 (ApiTcpServer, 1);
  GError *thread_error = NULL;

  server->record_key = record_key;
  server->spare_fd = -1;
  if (!listen_loopback (server, error))
    {
      api_tcp_server_free (server);
      return NULL;
    }
  server->spare_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  server->ctx = g_main_context_new ();
  server->loop = g_main_loop_new (server->ctx, FALSE);
  server->conns = g_hash_table_new (NULL, NULL);
  server->listener = g_source_new ((GSourceFuncs *) &listener_funcs,
                                   sizeof (Listener));
  ((Listener *) server->listener)->server = server;
  ((Listener *) server->listener)->tag =
      g_source_add_unix_fd (server->listener, server->listen_fd, G_IO_IN);
  g_source_set_name (server->listener, "concbench api server listener");
  g_source_attach (server->listener, server->ctx);
  /* The socket listens already: connections queue until the thread runs. */
  server->thread = g_thread_try_new ("api-server", server_thread, server,
                                     &thread_error);
  if (server->thread == NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot start the latency server thread: %s",
                   thread_error->message);
      g_error_free (thread_error);
      g_source_destroy (server->listener);
      api_tcp_server_free (server);
      return NULL;
    }
  return server;
}

guint16
api_tcp_server_port (const ApiTcpServer *server)
{
  return server->port;
}

void
api_tcp_server_free (ApiTcpServer *server)
{
  if (server == NULL)
    return;
  if (server->thread != NULL)
    {
      /* Quitting from a source on the server's own context cannot be lost,
       * as a g_main_loop_quit before g_main_loop_run would be. */
      GSource *stop = g_idle_source_new ();

      g_source_set_callback (stop, stop_loop, server->loop, NULL);
      g_source_attach (stop, server->ctx);
      g_source_unref (stop);
      g_thread_join (server->thread);
    }
  g_clear_pointer (&server->listener, g_source_unref);
  g_clear_pointer (&server->loop, g_main_loop_unref);
  g_clear_pointer (&server->ctx, g_main_context_unref);
  g_clear_pointer (&server->conns, g_hash_table_unref);
  close_fd (&server->listen_fd);
  close_fd (&server->spare_fd);
  g_free (server);
}

/* ---- the clients ---- */

void
api_tcp_set_error (GError **error, int code, const char *what, int err)
{
  g_set_error (error, CB_PLUGIN_ERROR, code, "%s: %s", what,
               g_strerror (err));
}

void
api_tcp_address (guint16 port, struct sockaddr_in *addr)
{
  memset (addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr->sin_port = htons (port);
}

int
api_tcp_socket (gboolean nonblocking, GError **error)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC
                   | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  int one = 1;

  if (fd < 0)
    {
      int err = errno;
      api_tcp_set_error (error, (err == EMFILE || err == ENFILE)
                      ? CB_PLUGIN_ERROR_RESOURCE : CB_PLUGIN_ERROR_FAILED,
                      "cannot connect to the latency server", err);
      return -1;
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* Checks a whole response against its request. */
gboolean
api_tcp_decode_reply (const guint8 *msg, const ApiTcpRequest *request,
                 ApiTcpReply *reply, GError **error)
{
  guint32 status = get32 (msg + 12);

  if (get32 (msg) != RESPONSE_MAGIC)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "the latency server sent a malformed response");
      return FALSE;
    }
  if (status != 0)
    {
      api_tcp_set_error (error, CB_PLUGIN_ERROR_RESOURCE,
                      "the latency server cannot take the connection",
                      (int) status);
      return FALSE;
    }
  reply->method = get32 (msg + 4);
  reply->id = get32 (msg + 8);
  reply->record_key = get64 (msg + 16);
  if (reply->method != request->method || reply->id != request->id)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "the latency server answered %s %u instead",
                   api_tcp_method_name (reply->method), reply->id);
      return FALSE;
    }
  return TRUE;
}

void
api_tcp_set_short_response (GError **error, gsize got)
{
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "short response: the latency server closed the connection "
               "after %" G_GSIZE_FORMAT " of %d bytes", got, MESSAGE_SIZE);
}

/* A connect interrupted by a signal goes on in the background. */
static int
connect_blocking (int fd, const struct sockaddr_in *addr)
{
  struct pollfd pfd = { .fd = fd, .events = POLLOUT };
  int err = 0;
  socklen_t len = sizeof err;

  if (connect (fd, (const struct sockaddr *) addr, sizeof *addr) == 0)
    return 0;
  if (errno != EINTR)
    return errno;
  while (poll (&pfd, 1, -1) < 0)
    if (errno != EINTR)
      return errno;
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    return errno;
  return err;
}

int
api_tcp_connect (guint16 port, GError **error)
{
  struct sockaddr_in addr;
  int fd, err;

  fd = api_tcp_socket (FALSE, error);
  if (fd < 0)
    return -1;
  api_tcp_address (port, &addr);
  err = connect_blocking (fd, &addr);
  if (err == 0)
    return fd;
  api_tcp_set_error (error, CB_PLUGIN_ERROR_FAILED,
                     "cannot connect to the latency server", err);
  close (fd);
  return -1;
}

static gboolean
send_all (int fd, const guint8 *msg, GError **error)
{
  for (gsize done = 0; done < MESSAGE_SIZE;)
    {
      gssize n = send (fd, msg + done, MESSAGE_SIZE - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          api_tcp_set_error (error, CB_PLUGIN_ERROR_FAILED,
                             "cannot send the request", errno);
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
recv_all (int fd, guint8 *msg, GError **error)
{
  for (gsize done = 0; done < MESSAGE_SIZE;)
    {
      gssize n = recv (fd, msg + done, MESSAGE_SIZE - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          api_tcp_set_error (error, CB_PLUGIN_ERROR_FAILED,
                             "cannot read the response", errno);
          return FALSE;
        }
      if (n == 0)
        {
          api_tcp_set_short_response (error, done);
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

gboolean
api_tcp_exchange (int fd, const ApiTcpRequest *request, ApiTcpReply *reply,
                  GError **error)
{
  Message msg;

  api_tcp_encode_request (request, msg);
  return send_all (fd, msg, error) && recv_all (fd, msg, error)
         && api_tcp_decode_reply (msg, request, reply, error);
}

gboolean
api_tcp_call (guint16 port, const ApiTcpRequest *request, ApiTcpReply *reply,
              GError **error)
{
  int fd = api_tcp_connect (port, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = api_tcp_exchange (fd, request, reply, error);
  close (fd);
  return ok;
}

typedef enum {
  CLIENT_CONNECTING,
  CLIENT_WRITING,
  CLIENT_READING,
  CLIENT_FAILED,
} ClientStage;

/* One asynchronous call: a non-blocking socket as a source on the caller's
 * context, connect -> write -> read. */
typedef struct {
  GSource source;
  ApiTcpRequest request;
  int fd;
  gpointer tag;
  ClientStage stage;
  Message buf;
  gsize done;
  GError *error;
  ApiTcpReplyFunc func;
  gpointer user_data;
} ClientCall;

static void
client_fail (ClientCall *call, const char *what, int err)
{
  call->stage = CLIENT_FAILED;
  api_tcp_set_error (&call->error, CB_PLUGIN_ERROR_FAILED, what, err);
}

/* Advances as far as the socket allows; TRUE when the call is over. */
static gboolean
client_step (ClientCall *call)
{
  int err = 0;
  socklen_t len = sizeof err;

  switch (call->stage)
    {
    case CLIENT_CONNECTING:
      if (getsockopt (call->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
      if (err != 0)
        {
          client_fail (call, "cannot connect to the latency server", err);
          return TRUE;
        }
      call->stage = CLIENT_WRITING;
      api_tcp_encode_request (&call->request, call->buf);
      call->done = 0;
      G_GNUC_FALLTHROUGH;
    case CLIENT_WRITING:
      while (call->done < MESSAGE_SIZE)
        {
          gssize n = send (call->fd, call->buf + call->done,
                           MESSAGE_SIZE - call->done, MSG_NOSIGNAL);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            {
              g_source_modify_unix_fd (&call->source, call->tag, G_IO_OUT);
              return FALSE;
            }
          if (n < 0)
            {
              client_fail (call, "cannot send the request", errno);
              return TRUE;
            }
          call->done += (gsize) n;
        }
      call->stage = CLIENT_READING;
      call->done = 0;
      g_source_modify_unix_fd (&call->source, call->tag, G_IO_IN);
      return FALSE; /* the answer comes after the latency */
    case CLIENT_READING:
      while (call->done < MESSAGE_SIZE)
        {
          gssize n = recv (call->fd, call->buf + call->done,
                           MESSAGE_SIZE - call->done, 0);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return FALSE;
          if (n < 0)
            {
              client_fail (call, "cannot read the response", errno);
              return TRUE;
            }
          if (n == 0)
            {
              call->stage = CLIENT_FAILED;
              api_tcp_set_short_response (&call->error, call->done);
              return TRUE;
            }
          call->done += (gsize) n;
        }
      return TRUE;
    case CLIENT_FAILED:
      return TRUE;
    }
  return TRUE;
}

static gboolean
client_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                 gpointer user_data G_GNUC_UNUSED)
{
  ClientCall *call = (ClientCall *) source;
  ApiTcpReply reply;

  if (!client_step (call))
    return G_SOURCE_CONTINUE;
  /* Over: the socket goes now, not when the source is finalised. */
  if (call->tag != NULL)
    g_source_remove_unix_fd (source, call->tag);
  call->tag = NULL;
  close_fd (&call->fd);
  if (call->stage != CLIENT_FAILED
      && api_tcp_decode_reply (call->buf, &call->request, &reply, &call->error))
    call->func (&reply, NULL, call->user_data);
  else
    call->func (NULL, call->error, call->user_data);
  return G_SOURCE_REMOVE;
}

static void
client_finalize (GSource *source)
{
  ClientCall *call = (ClientCall *) source;

  close_fd (&call->fd);
  g_clear_error (&call->error);
}

static const GSourceFuncs client_funcs = {
  .dispatch = client_dispatch,
  .finalize = client_finalize,
};

void
api_tcp_call_async (guint16 port, const ApiTcpRequest *request,
                    GMainContext *ctx, ApiTcpReplyFunc func,
                    gpointer user_data)
{
  GSource *source = g_source_new ((GSourceFuncs *) &client_funcs,
                                  sizeof (ClientCall));
  ClientCall *call = (ClientCall *) source;
  struct sockaddr_in addr;

  call->request = *request;
  call->func = func;
  call->user_data = user_data;
  call->stage = CLIENT_CONNECTING;
  g_source_set_name (source, "concbench api tcp call");
  call->fd = api_tcp_socket (TRUE, &call->error);
  if (call->fd >= 0)
    {
      api_tcp_address (port, &addr);
      if (connect (call->fd, (struct sockaddr *) &addr, sizeof addr) < 0
          && errno != EINPROGRESS && errno != EINTR)
        client_fail (call, "cannot connect to the latency server", errno);
    }
  else
    call->stage = CLIENT_FAILED;
  if (call->stage == CLIENT_FAILED)
    g_source_set_ready_time (source, 0); /* done comes from ctx */
  else
    /* Writable once connected (or failed); an immediate connect is
     * writable at once too. */
    call->tag = g_source_add_unix_fd (source, call->fd, G_IO_OUT);
  g_source_attach (source, ctx);
  g_source_unref (source);
}
