/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api workload's tcp clients: see api-tcp.h, and api-wire.h for what
 * travels. */
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

#include "api-wire.h"

void
api_tcp_encode_request (const ApiTcpRequest *request, guint8 *msg)
{
  put32 (msg, REQUEST_MAGIC);
  put32 (msg + 4, request->method);
  put32 (msg + 8, request->id);
  put32 (msg + 12, request->keep_alive ? FLAG_KEEP_ALIVE : 0);
  put64 (msg + 16, request->latency_us);
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
