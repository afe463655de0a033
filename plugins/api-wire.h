/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The latency server's wire format, shared by its two ends (api-tcp.c and
 * api-server.c).  Little-endian, fixed size both ways:
 *   request  (24 bytes): magic "CBRQ", method, id, flags, latency in µs (64)
 *   response (24 bytes): magic "CBRS", method, id, status, record key (64)
 * flags bit 0 is keep-alive: the server reads another request after
 * answering.  status is 0, or the errno that made the server refuse the
 * connection (EMFILE when it had no descriptor left to take it with). */
#pragma once

#include <string.h>

#include "api-tcp.h"

#define REQUEST_MAGIC 0x51524243u  /* "CBRQ" */
#define RESPONSE_MAGIC 0x53524243u /* "CBRS" */
#define MESSAGE_SIZE API_TCP_MESSAGE_SIZE
#define FLAG_KEEP_ALIVE 1u /* request word 3 */

typedef guint8 Message[MESSAGE_SIZE];

static inline void
put32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline void
put64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

static inline guint32
get32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static inline guint64
get64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}


static inline void
encode_response (guint32 method, guint32 id, guint32 status, guint64 key,
                 guint8 *msg)
{
  put32 (msg, RESPONSE_MAGIC);
  put32 (msg + 4, method);
  put32 (msg + 8, id);
  put32 (msg + 12, status);
  put64 (msg + 16, key);
}
