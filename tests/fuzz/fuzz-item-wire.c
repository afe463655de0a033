/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the item protocol's decoder (plugins/item-wire.c),
 * what the item server and spawnpool read from each other.
 *
 * Input: a stream of messages, decoded one after another as the buffered
 * reader would, each RECIPE down to its strings.  Invariants: a message is
 * never longer than what was given, nor than a header and the largest
 * payload; its fields lie inside it; what decodes re-encodes to the same
 * bytes; nothing reads past the input or leaks. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "fuzz.h"
#include "item-wire.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

/* The same message, encoded afresh: must be the bytes it came from. */
static void
check_round_trip (const CbWireMsg *msg, const uint8_t *data, gsize used)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_auto (GStrv) strings = NULL;
  g_autoptr (GError) error = NULL;
  guint64 seed;

  switch (msg->kind)
    {
    case CB_WIRE_TASK:
      cb_wire_put_task (out, msg->item, msg->count);
      break;
    case CB_WIRE_READY:
      cb_wire_put_ready (out, msg->item);
      break;
    case CB_WIRE_RESULT:
      cb_wire_put_result (out, msg->item, msg->digest);
      break;
    case CB_WIRE_TASK_DONE:
      cb_wire_put_task_done (out, msg->item);
      break;
    case CB_WIRE_RECIPE:
      if (!cb_wire_decode_recipe (msg, &seed, &strings, &error))
        {
          FUZZ_CHECK (error != NULL, "a refused recipe has an error");
          return;
        }
      FUZZ_CHECK (g_strv_length (strings) >= 2, "a recipe has 2 strings");
      FUZZ_CHECK (cb_wire_put_recipe (out, seed, (const char *const *) strings),
                  "a decoded recipe encodes");
      break;
    case CB_WIRE_ERROR:
      FUZZ_CHECK (msg->len <= CB_WIRE_ERROR_TEXT_MAX, "error text bounded");
      FUZZ_CHECK (msg->data == data + CB_WIRE_HEADER_SIZE + 4,
                  "error text inside the message");
      return; /* text with a NUL does not re-encode through a C string */
    case CB_WIRE_USAGE:
      {
        CbWireUsage usage;
        cb_wire_decode_usage (msg, &usage);
        FUZZ_CHECK (strlen (usage.host) <= CB_WIRE_HOST_MAX, "host bounded");
        return; /* nor does a host name with a NUL */
      }
    default:
      FUZZ_CHECK (FALSE, "decoded an unknown kind %d", msg->kind);
    }
  FUZZ_CHECK (out->len == used && memcmp (out->data, data, used) == 0,
              "kind %d re-encodes to other bytes", msg->kind);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* A heap copy of exactly size bytes, so ASan sees any overread. */
  g_autofree uint8_t *copy = g_malloc (size);
  gsize pos = 0;

  if (size > 0)
    memcpy (copy, data, size);
  while (pos < size)
    {
      g_autoptr (GError) error = NULL;
      CbWireMsg msg;
      gsize used = 0;
      CbWireStatus st
          = cb_wire_decode (copy + pos, size - pos, &msg, &used, &error);

      if (st != CB_WIRE_GOT)
        {
          FUZZ_CHECK ((st == CB_WIRE_BAD) == (error != NULL),
                      "an error exactly when refused");
          break;
        }
      FUZZ_CHECK (used >= CB_WIRE_HEADER_SIZE && used <= size - pos
                      && used <= CB_WIRE_HEADER_SIZE + CB_WIRE_PAYLOAD_MAX,
                  "message of %zu bytes from %zu", used, size - pos);
      FUZZ_CHECK (msg.data >= copy + pos
                      && msg.data + msg.len <= copy + pos + used,
                  "payload outside its message");
      check_round_trip (&msg, copy + pos, used);
      pos += used;
    }
  return 0;
}
