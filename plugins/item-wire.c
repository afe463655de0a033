/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The item protocol's encoder, bounded decoder and buffered reader; built
 * into the spawnpool plugin and the item server alike. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "item-wire.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <concbench/plugin.h>

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static void
put_header (GByteArray *out, CbWireKind kind, guint32 len)
{
  guint16 version = CB_WIRE_VERSION, k = (guint16) kind;

  g_byte_array_append (out, (const guint8 *) &version, sizeof version);
  g_byte_array_append (out, (const guint8 *) &k, sizeof k);
  g_byte_array_append (out, (const guint8 *) &len, sizeof len);
}

static void
put_u32 (GByteArray *out, guint32 v)
{
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static void
put_u64 (GByteArray *out, guint64 v)
{
  g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static gboolean
bad (GError **error, const char *what)
{
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
               "malformed item message: %s", what);
  return FALSE;
}

/* The payload length each kind must have; for ERROR and RECIPE, the least. */
static gboolean
check_length (CbWireKind kind, guint32 len, GError **error)
{
  switch (kind)
    {
    case CB_WIRE_TASK:
      return len == 8 || bad (error, "a task is 8 bytes");
    case CB_WIRE_READY:
    case CB_WIRE_TASK_DONE:
      return len == 4 || bad (error, "wrong length for its kind");
    case CB_WIRE_RESULT:
      return len == 12 || bad (error, "a result is 12 bytes");
    case CB_WIRE_ERROR:
      return (len >= 4 && len - 4 <= CB_WIRE_ERROR_TEXT_MAX)
             || bad (error, "error text too long");
    case CB_WIRE_RECIPE:
      return len >= 12 || bad (error, "a recipe is at least 12 bytes");
    case CB_WIRE_USAGE:
      return (len >= 28 && len - 28 <= CB_WIRE_HOST_MAX)
             || bad (error, "wrong length for a usage");
    default:
      return bad (error, "unknown kind");
    }
}

static void
fill_fields (CbWireMsg *msg, const guint8 *payload, guint32 len)
{
  msg->data = payload;
  msg->len = len;
  if (msg->kind == CB_WIRE_RECIPE)
    return;
  msg->item = get_u32 (payload);
  if (msg->kind == CB_WIRE_TASK)
    msg->count = get_u32 (payload + 4);
  else if (msg->kind == CB_WIRE_RESULT)
    msg->digest = get_u64 (payload + 4);
  else if (msg->kind == CB_WIRE_ERROR || msg->kind == CB_WIRE_USAGE)
    {
      msg->data = payload + 4;
      msg->len = len - 4;
    }
}

CbWireStatus
cb_wire_decode (const guint8 *buf, gsize len, CbWireMsg *msg, gsize *used,
                GError **error)
{
  guint16 version, kind;
  guint32 payload_len;

  if (len < CB_WIRE_HEADER_SIZE)
    return CB_WIRE_NEED_MORE;
  memcpy (&version, buf, sizeof version);
  memcpy (&kind, buf + 2, sizeof kind);
  payload_len = get_u32 (buf + 4);
  /* Checked from the header alone, so a bad length is never waited for. */
  if (!(version == CB_WIRE_VERSION || bad (error, "unknown protocol version"))
      || !(payload_len <= CB_WIRE_PAYLOAD_MAX || bad (error, "payload too long"))
      || !check_length ((CbWireKind) kind, payload_len, error))
    return CB_WIRE_BAD;
  if (len - CB_WIRE_HEADER_SIZE < payload_len)
    return CB_WIRE_NEED_MORE;
  *msg = (CbWireMsg){ .kind = (CbWireKind) kind };
  fill_fields (msg, buf + CB_WIRE_HEADER_SIZE, payload_len);
  *used = CB_WIRE_HEADER_SIZE + payload_len;
  return CB_WIRE_GOT;
}

/* One string of a recipe at *pos, advanced past it. */
static char *
take_string (const CbWireMsg *msg, gsize *pos, GError **error)
{
  guint32 n;

  if (msg->len - *pos < 4)
    {
      bad (error, "recipe ends inside a string length");
      return NULL;
    }
  n = get_u32 (msg->data + *pos);
  *pos += 4;
  if (msg->len - *pos < n)
    {
      bad (error, "recipe string runs past the message");
      return NULL;
    }
  if (memchr (msg->data + *pos, '\0', n) != NULL)
    {
      bad (error, "recipe string holds a NUL byte");
      return NULL;
    }
  char *s = g_strndup ((const char *) msg->data + *pos, n);
  *pos += n;
  return s;
}

gboolean
cb_wire_decode_recipe (const CbWireMsg *msg, guint64 *seed, GStrv *strings,
                       GError **error)
{
  gsize pos = 12;
  guint32 n;

  if (msg->kind != CB_WIRE_RECIPE || msg->len < 12)
    return bad (error, "not a recipe");
  *seed = get_u64 (msg->data);
  n = get_u32 (msg->data + 8);
  if (n < 2 || n > CB_WIRE_RECIPE_STRINGS_MAX)
    return bad (error, "a recipe has 2 to 1024 strings");
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  for (guint32 i = 0; i < n; i++)
    {
      char *s = take_string (msg, &pos, error);
      if (s == NULL)
        return FALSE;
      g_ptr_array_add (list, s);
    }
  if (pos != msg->len)
    return bad (error, "bytes after the recipe's last string");
  g_ptr_array_add (list, NULL);
  g_ptr_array_set_free_func (list, NULL);
  *strings = (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
  return TRUE;
}

void
cb_wire_put_task (GByteArray *out, guint32 first, guint32 count)
{
  put_header (out, CB_WIRE_TASK, 8);
  put_u32 (out, first);
  put_u32 (out, count);
}

void
cb_wire_put_ready (GByteArray *out, guint32 n_items)
{
  put_header (out, CB_WIRE_READY, 4);
  put_u32 (out, n_items);
}

void
cb_wire_put_result (GByteArray *out, guint32 item, guint64 digest)
{
  put_header (out, CB_WIRE_RESULT, 12);
  put_u32 (out, item);
  put_u64 (out, digest);
}

void
cb_wire_put_error (GByteArray *out, guint32 item, const char *text)
{
  gsize len = MIN (strlen (text), CB_WIRE_ERROR_TEXT_MAX);

  put_header (out, CB_WIRE_ERROR, (guint32) (4 + len));
  put_u32 (out, item);
  g_byte_array_append (out, (const guint8 *) text, (guint) len);
}

void
cb_wire_put_task_done (GByteArray *out, guint32 first)
{
  put_header (out, CB_WIRE_TASK_DONE, 4);
  put_u32 (out, first);
}

void
cb_wire_put_usage (GByteArray *out, const CbWireUsage *usage)
{
  gsize len = strnlen (usage->host, CB_WIRE_HOST_MAX);

  put_header (out, CB_WIRE_USAGE, (guint32) (28 + len));
  put_u32 (out, usage->rank);
  put_u64 (out, usage->peak_rss);
  put_u64 (out, usage->user_us);
  put_u64 (out, usage->sys_us);
  g_byte_array_append (out, (const guint8 *) usage->host, (guint) len);
}

void
cb_wire_decode_usage (const CbWireMsg *msg, CbWireUsage *usage)
{
  gsize host_len = msg->len - 24; /* checked by the decoder: 0 to 255 */

  usage->rank = msg->item;
  usage->peak_rss = get_u64 (msg->data);
  usage->user_us = get_u64 (msg->data + 8);
  usage->sys_us = get_u64 (msg->data + 16);
  memcpy (usage->host, msg->data + 24, host_len);
  usage->host[host_len] = '\0';
}

gboolean
cb_wire_put_recipe (GByteArray *out, guint64 seed, const char *const *strings)
{
  gsize len = 12;
  guint n = g_strv_length ((GStrv) strings);

  for (guint i = 0; i < n; i++)
    len += 4 + strlen (strings[i]);
  if (n < 2 || n > CB_WIRE_RECIPE_STRINGS_MAX || len > CB_WIRE_PAYLOAD_MAX)
    return FALSE;
  put_header (out, CB_WIRE_RECIPE, (guint32) len);
  put_u64 (out, seed);
  put_u32 (out, n);
  for (guint i = 0; i < n; i++)
    {
      put_u32 (out, (guint32) strlen (strings[i]));
      g_byte_array_append (out, (const guint8 *) strings[i],
                           (guint) strlen (strings[i]));
    }
  return TRUE;
}

void
cb_wire_reader_init (CbWireReader *reader)
{
  reader->cap = CB_WIRE_HEADER_SIZE + CB_WIRE_PAYLOAD_MAX;
  reader->buf = g_malloc (reader->cap);
  reader->len = 0;
  reader->consumed = 0;
}

void
cb_wire_reader_clear (CbWireReader *reader)
{
  g_clear_pointer (&reader->buf, g_free);
}

/* Drops the message handed out last, so the buffer always has room for one
 * whole message of the largest size. */
static void
compact (CbWireReader *reader)
{
  if (reader->consumed == 0)
    return;
  reader->len -= reader->consumed;
  memmove (reader->buf, reader->buf + reader->consumed, reader->len);
  reader->consumed = 0;
}

CbWireStatus
cb_wire_reader_next (CbWireReader *reader, CbWireMsg *msg, GError **error)
{
  gsize used = 0;

  compact (reader);
  CbWireStatus status
      = cb_wire_decode (reader->buf, reader->len, msg, &used, error);
  if (status == CB_WIRE_GOT)
    reader->consumed = used;
  return status;
}

gssize
cb_wire_reader_fill (CbWireReader *reader, int fd)
{
  gssize n;

  compact (reader);
  do
    n = read (fd, reader->buf + reader->len, reader->cap - reader->len);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    reader->len += (gsize) n;
  return n;
}

gboolean
cb_wire_write_all (int fd, const void *buf, gsize len)
{
  const char *p = buf;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}
