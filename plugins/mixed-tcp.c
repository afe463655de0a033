/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mixed workload's tcp wait: one GET to api's latency server on
 * 127.0.0.1, answered after the item's latency, on a connection of its own
 * (as api's per-call connections).  Blocking, and as the loop-neutral
 * operations a loop performs however it waits. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "mixed.h"

static ApiTcpRequest
wait_request (const Mixed *mixed, guint item)
{
  return (ApiTcpRequest){
    .method = API_TCP_GET,
    .id = item + 1,
    .latency_us = (guint64) (mixed->latency[item] * 1e6 + 0.5),
    .keep_alive = FALSE,
  };
}

static void
prefix_wait_error (GError **error, guint item)
{
  g_prefix_error (error, "mixed: item %u wait: ", item);
}

gboolean
mixed_tcp_wait (const Mixed *mixed, guint item, GError **error)
{
  ApiTcpRequest request = wait_request (mixed, item);
  ApiTcpReply reply;

  if (api_tcp_call (mixed->port, &request, &reply, error))
    return TRUE;
  prefix_wait_error (error, item);
  return FALSE;
}

CbStep
mixed_tcp_start (const Mixed *mixed, MixedItem *self, CbOp *op,
                 GError **error)
{
  self->fd = api_tcp_socket (TRUE, error);
  if (self->fd < 0)
    {
      prefix_wait_error (error, self->item);
      return CB_STEP_FAILED;
    }
  api_tcp_address (mixed->port, &self->addr);
  self->stage = STAGE_CONNECT;
  op->kind = CB_OP_CONNECT;
  op->fd = self->fd;
  op->addr = &self->addr;
  op->addrlen = sizeof self->addr;
  return CB_STEP_OP;
}

/* SEND and RECV ask for what is left of the message. */
static CbStep
op_transfer (MixedItem *self, MixedStage stage, CbOp *op)
{
  self->stage = stage;
  op->kind = stage == STAGE_SEND ? CB_OP_SEND : CB_OP_RECV;
  op->fd = self->fd;
  op->buf = self->buf + self->done;
  op->len = API_TCP_MESSAGE_SIZE - self->done;
  return CB_STEP_OP;
}

static CbStep
fail (MixedItem *self, const char *what, gint64 result, GError **error)
{
  api_tcp_set_error (error, CB_PLUGIN_ERROR_FAILED, what, (int) -result);
  prefix_wait_error (error, self->item);
  return CB_STEP_FAILED;
}

/* A whole reply is in: checked, then the connection closed. */
static CbStep
replied (const Mixed *mixed, MixedItem *self, CbOp *op, GError **error)
{
  ApiTcpRequest request = wait_request (mixed, self->item);
  ApiTcpReply reply;

  if (!api_tcp_decode_reply (self->buf, &request, &reply, error))
    {
      prefix_wait_error (error, self->item);
      return CB_STEP_FAILED;
    }
  self->stage = STAGE_CLOSE;
  op->kind = CB_OP_CLOSE;
  op->fd = self->fd;
  self->fd = -1; /* gone whatever the close says */
  return CB_STEP_OP;
}

static CbStep
received (const Mixed *mixed, MixedItem *self, gint64 result, CbOp *op,
          GError **error)
{
  if (result < 0)
    return fail (self, "cannot read the response", result, error);
  if (result == 0)
    {
      api_tcp_set_short_response (error, self->done);
      prefix_wait_error (error, self->item);
      return CB_STEP_FAILED;
    }
  self->done += (guint32) result;
  if (self->done < API_TCP_MESSAGE_SIZE)
    return op_transfer (self, STAGE_RECV, op);
  return replied (mixed, self, op, error);
}

CbStep
mixed_tcp_resume (const Mixed *mixed, MixedItem *self, gint64 result,
                  CbOp *op, GError **error)
{
  ApiTcpRequest request;

  switch (self->stage)
    {
    case STAGE_CONNECT:
      if (result < 0)
        return fail (self, "cannot connect to the latency server", result,
                     error);
      request = wait_request (mixed, self->item);
      api_tcp_encode_request (&request, self->buf);
      self->done = 0;
      return op_transfer (self, STAGE_SEND, op);
    case STAGE_SEND:
      if (result < 0)
        return fail (self, "cannot send the request", result, error);
      self->done += (guint32) result;
      if (self->done < API_TCP_MESSAGE_SIZE)
        return op_transfer (self, STAGE_SEND, op);
      self->done = 0;
      return op_transfer (self, STAGE_RECV, op);
    case STAGE_RECV:
      return received (mixed, self, result, op, error);
    case STAGE_CLOSE:
      return CB_STEP_DONE;
    case STAGE_WAIT:
      break;
    }
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "mixed: item %u resumed in a stage tcp has not", self->item);
  return CB_STEP_FAILED;
}
