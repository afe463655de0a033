/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api workload's tcp clients: see api-tcp.h, and api-wire.h for what
 * travels. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#endif

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


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
