/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api item as a state machine of IO operations (ABI 1.2), so that any
 * event loop can run it: the loop performs each operation however it waits,
 * and the item only ever sees results.
 *
 * timer: SLEEP until the GET's deadline, build the record, maybe SLEEP
 * until the PUT's.  tcp: for each call CONNECT a non-blocking socket, SEND
 * the request and RECV the reply (a partial send or receive comes back as a
 * result and the item asks for the rest), then CLOSE; keep-alive makes one
 * connection carry both calls.  The record is built from what the GET
 * brought back, as on the blocking path, so the digests are the same. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

typedef enum {
  STAGE_SLEEP_GET,
  STAGE_SLEEP_PUT,
  STAGE_CONNECT,
  STAGE_SEND,
  STAGE_RECV,
  STAGE_CLOSE,
} Stage;

typedef struct {
  guint item;
  Stage stage;
  ApiTcpMethod method;
  int fd;
  guint32 done; /* bytes of buf sent or received */
  Person *person;
  struct sockaddr_in addr;
  guint8 buf[API_TCP_MESSAGE_SIZE];
} ApiItem;

/* Measured from now, as the blocking path's sleep is. */
static gint64
deadline_after (double seconds)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (gint64) now.tv_sec * G_GINT64_CONSTANT (1000000000) + now.tv_nsec
         + seconds_to_units (seconds, 1e9);
}

static CbStep
op_sleep (ApiItem *self, Stage stage, double seconds, CbOp *op)
{
  self->stage = stage;
  op->kind = CB_OP_SLEEP;
  op->deadline = deadline_after (seconds);
  return CB_STEP_OP;
}

static CbStep
finish (ApiItem *self, guint64 *digest)
{
  *digest = person_digest (self->person);
  return CB_STEP_DONE;
}

static CbStep
timer_resume (const Api *api, ApiItem *self, CbOp *op, guint64 *digest)
{
  guint id = record_id (self->item);

  if (self->stage == STAGE_SLEEP_GET)
    {
      self->person = person_fetched (api, id);
      if (record_needs_put (id))
        return op_sleep (self, STAGE_SLEEP_PUT, put_latency (api, self->item),
                         op);
    }
  return finish (self, digest);
}

static CbStep
tcp_fail (ApiItem *self, const char *what, gint64 result, GError **error)
{
  api_tcp_set_error (error, CB_PLUGIN_ERROR_FAILED, what, (int) -result);
  prefix_call_error (error, self->item, self->method);
  return CB_STEP_FAILED;
}

static CbStep
op_connect (const Api *api, ApiItem *self, CbOp *op, GError **error)
{
  self->fd = api_tcp_socket (TRUE, error);
  if (self->fd < 0)
    {
      prefix_call_error (error, self->item, self->method);
      return CB_STEP_FAILED;
    }
  api_tcp_address (api->port, &self->addr);
  self->stage = STAGE_CONNECT;
  op->kind = CB_OP_CONNECT;
  op->fd = self->fd;
  op->addr = &self->addr;
  op->addrlen = sizeof self->addr;
  return CB_STEP_OP;
}

/* SEND and RECV ask for what is left of the message. */
static CbStep
op_transfer (ApiItem *self, Stage stage, CbOp *op)
{
  self->stage = stage;
  op->kind = stage == STAGE_SEND ? CB_OP_SEND : CB_OP_RECV;
  op->fd = self->fd;
  op->buf = self->buf + self->done;
  op->len = API_TCP_MESSAGE_SIZE - self->done;
  return CB_STEP_OP;
}

static CbStep
op_request (const Api *api, ApiItem *self, CbOp *op)
{
  ApiTcpRequest request = tcp_request (api, self->item, self->method);

  api_tcp_encode_request (&request, self->buf);
  self->done = 0;
  return op_transfer (self, STAGE_SEND, op);
}

static CbStep
op_close (ApiItem *self, CbOp *op)
{
  self->stage = STAGE_CLOSE;
  op->kind = CB_OP_CLOSE;
  op->fd = self->fd;
  self->fd = -1; /* gone whatever the close says */
  return CB_STEP_OP;
}

static gboolean
wants_put (const ApiItem *self)
{
  return self->method == API_TCP_GET
         && record_needs_put (record_id (self->item));
}

/* A whole reply is in: the next call, or the end of the connection. */
static CbStep
tcp_replied (const Api *api, ApiItem *self, CbOp *op, GError **error)
{
  ApiTcpRequest request = tcp_request (api, self->item, self->method);
  ApiTcpReply reply;

  if (!api_tcp_decode_reply (self->buf, &request, &reply, error))
    {
      prefix_call_error (error, self->item, self->method);
      return CB_STEP_FAILED;
    }
  if (self->method == API_TCP_GET)
    self->person = person_built (reply.record_key, reply.id);
  if (api->connection == CONNECTION_KEEP_ALIVE && wants_put (self))
    {
      self->method = API_TCP_PUT;
      return op_request (api, self, op);
    }
  return op_close (self, op);
}

static CbStep
tcp_resume (const Api *api, ApiItem *self, gint64 result, CbOp *op,
            guint64 *digest, GError **error)
{
  switch (self->stage)
    {
    case STAGE_CONNECT:
      if (result < 0)
        return tcp_fail (self, "cannot connect to the latency server",
                         result, error);
      return op_request (api, self, op);
    case STAGE_SEND:
      if (result < 0)
        return tcp_fail (self, "cannot send the request", result, error);
      self->done += (guint32) result;
      if (self->done < API_TCP_MESSAGE_SIZE)
        return op_transfer (self, STAGE_SEND, op);
      self->done = 0;
      return op_transfer (self, STAGE_RECV, op);
    case STAGE_RECV:
      if (result < 0)
        return tcp_fail (self, "cannot read the response", result, error);
      if (result == 0)
        {
          api_tcp_set_short_response (error, self->done);
          prefix_call_error (error, self->item, self->method);
          return CB_STEP_FAILED;
        }
      self->done += (guint32) result;
      if (self->done < API_TCP_MESSAGE_SIZE)
        return op_transfer (self, STAGE_RECV, op);
      return tcp_replied (api, self, op, error);
    case STAGE_CLOSE:
      if (!wants_put (self))
        return finish (self, digest);
      self->method = API_TCP_PUT;
      return op_connect (api, self, op, error);
    case STAGE_SLEEP_GET:
    case STAGE_SLEEP_PUT:
      break;
    }
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "api: item %u resumed in a stage tcp has not", self->item);
  return CB_STEP_FAILED;
}

CbStep
api_item_start (gpointer workload, guint item, gpointer *state, CbOp *op,
                guint64 *digest G_GNUC_UNUSED, GError **error)
{
  const Api *api = workload;
  ApiItem *self;

  *state = NULL;
  if (!check_item (api, item, error))
    return CB_STEP_FAILED;
  self = g_new0 (ApiItem, 1);
  *state = self;
  self->item = item;
  self->fd = -1;
  self->method = API_TCP_GET;
  if (api->transport == TRANSPORT_TCP)
    return op_connect (api, self, op, error);
  return op_sleep (self, STAGE_SLEEP_GET, get_latency (api, item), op);
}

CbStep
api_item_resume (gpointer workload, gpointer state, gint64 result, CbOp *op,
                 guint64 *digest, GError **error)
{
  const Api *api = workload;
  ApiItem *self = state;

  if (api->transport == TRANSPORT_TCP)
    return tcp_resume (api, self, result, op, digest, error);
  return timer_resume (api, self, op, digest);
}

void
api_item_free (gpointer workload G_GNUC_UNUSED, gpointer state)
{
  ApiItem *self = state;

  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->person, person_free);
  g_free (self);
}
