/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The item protocol between a strategy and the item server
 * (concbench-item-server), the helper that rebuilds a workload from the
 * job's recipe and runs the items it is sent; concbench-plugin(7) documents
 * it for third-party strategies.
 *
 * Every message is an 8-byte header -- version (u16), kind (u16), payload
 * length (u32), in the byte order of the host -- and then the payload.  The
 * decoder takes bytes from anywhere: a header or payload it cannot vouch
 * for is an error, never a read past what it was given. */
#pragma once

#include <glib.h>

#define CB_WIRE_VERSION 1
#define CB_WIRE_HEADER_SIZE 8
/* No payload is longer: a length above it is refused before it is read. */
#define CB_WIRE_PAYLOAD_MAX 65536u
#define CB_WIRE_ERROR_TEXT_MAX 1024u
#define CB_WIRE_RECIPE_STRINGS_MAX 1024u
/* The item an error is about when it is about none (a bad recipe). */
#define CB_WIRE_NO_ITEM G_MAXUINT32

typedef enum {
  /* strategy to server */
  CB_WIRE_RECIPE = 1, /* seed u64, n u32, then n strings (u32 length, bytes):
                       * plugin file, workload name, "name=text"... */
  CB_WIRE_TASK = 2,   /* first item u32, count u32 */
  /* server to strategy */
  CB_WIRE_READY = 16,     /* the workload is built: n_items u32 */
  CB_WIRE_RESULT = 17,    /* item u32, digest u64 */
  CB_WIRE_ERROR = 18,     /* item u32, then up to 1024 bytes of text */
  CB_WIRE_TASK_DONE = 19, /* first item u32 of the task just finished */
  /* rank 0 of the mpi strategy to the strategy: what one rank used --
   * rank u32, peak RSS bytes u64, user and system CPU microseconds u64
   * each, then up to 255 bytes of its host's name */
  CB_WIRE_USAGE = 20,
} CbWireKind;

#define CB_WIRE_HOST_MAX 255u

/* A USAGE message's payload. */
typedef struct {
  guint32 rank;
  guint64 peak_rss, user_us, sys_us;
  char host[CB_WIRE_HOST_MAX + 1];
} CbWireUsage;

typedef struct {
  CbWireKind kind;
  guint32 item;   /* TASK, RESULT, ERROR, TASK_DONE: the item; READY: n;
                   * USAGE: the rank */
  guint32 count;  /* TASK */
  guint64 digest; /* RESULT */
  /* ERROR: the text; RECIPE: the whole payload.  Points into the decoded
   * bytes, not NUL-terminated. */
  const guint8 *data;
  gsize len;
} CbWireMsg;

typedef enum {
  CB_WIRE_NEED_MORE, /* a valid prefix: more bytes are needed */
  CB_WIRE_GOT,       /* *msg holds one message, *used bytes long */
  CB_WIRE_BAD,       /* error is set */
} CbWireStatus;

/* Decodes the first message of buf[0..len). */
CbWireStatus cb_wire_decode (const guint8 *buf, gsize len, CbWireMsg *msg,
                             gsize *used, GError **error);
/* A RECIPE message's payload as its seed and strings (NULL-terminated, at
 * least two: the plugin file and the workload name). */
gboolean cb_wire_decode_recipe (const CbWireMsg *msg, guint64 *seed,
                                GStrv *strings, GError **error);

void cb_wire_put_task (GByteArray *out, guint32 first, guint32 count);
void cb_wire_put_ready (GByteArray *out, guint32 n_items);
void cb_wire_put_result (GByteArray *out, guint32 item, guint64 digest);
void cb_wire_put_error (GByteArray *out, guint32 item, const char *text);
void cb_wire_put_task_done (GByteArray *out, guint32 first);
/* The host name is clipped to CB_WIRE_HOST_MAX bytes. */
void cb_wire_put_usage (GByteArray *out, const CbWireUsage *usage);
/* A USAGE message's payload; its host NUL-terminated. */
void cb_wire_decode_usage (const CbWireMsg *msg, CbWireUsage *usage);
/* FALSE when the strings do not fit one message. */
gboolean cb_wire_put_recipe (GByteArray *out, guint64 seed,
                             const char *const *strings);

/* Buffered reading of whole messages from a descriptor. */
typedef struct {
  guint8 *buf;
  gsize len, cap;
  gsize consumed; /* bytes of the last message handed out */
} CbWireReader;

void cb_wire_reader_init (CbWireReader *reader);
void cb_wire_reader_clear (CbWireReader *reader);
/* The next buffered message, if one is whole; its data stays valid until the
 * next call to either function. */
CbWireStatus cb_wire_reader_next (CbWireReader *reader, CbWireMsg *msg,
                                  GError **error);
/* One read(2) into the buffer: > 0 bytes, 0 at end of file, -1 (errno). */
gssize cb_wire_reader_fill (CbWireReader *reader, int fd);

/* write(2) until done: FALSE with errno set. */
gboolean cb_wire_write_all (int fd, const void *buf, gsize len);
