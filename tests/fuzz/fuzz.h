/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the libFuzzer harnesses: invariant checks that abort (and so are
 * reported by libFuzzer as crashes with the input saved), whatever NDEBUG or
 * G_DISABLE_ASSERT say. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                 \
  do                                                                          \
    {                                                                         \
      if (!(cond))                                                            \
        {                                                                     \
          fprintf (stderr, "%s:%d: invariant failed: %s: ", __FILE__,         \
                   __LINE__, #cond);                                          \
          fprintf (stderr, __VA_ARGS__);                                      \
          fputc ('\n', stderr);                                               \
          abort ();                                                           \
        }                                                                     \
    }                                                                         \
  while (0)

/* A heap copy of exactly size bytes plus a NUL, so that ASan catches any read
 * past the end of what the parser was given. */
static inline char *
fuzz_strndup_exact (const uint8_t *data, size_t size)
{
  char *s = g_malloc (size + 1);
  if (size > 0)
    memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

/* GLib criticals and warnings (a g_return_if_fail that failed) abort, so
 * that libFuzzer saves the input; g_log_set_always_fatal would raise
 * SIGTRAP, which libFuzzer does not catch. */
static void
fuzz_log_handler (const char *domain, GLogLevelFlags level,
                  const char *message, gpointer user_data)
{
  fprintf (stderr, "%s: %s\n", domain ? domain : "(app)", message);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
}

static inline void
fuzz_abort_on_glib_warnings (void)
{
  g_log_set_default_handler (fuzz_log_handler, NULL);
}

/* s is one line of printable text (no control character), and valid UTF-8
 * where the reader promises it. */
static inline void
fuzz_check_one_line (const char *what, const char *s, gboolean utf8)
{
  FUZZ_CHECK (!utf8 || g_utf8_validate (s, -1, NULL), "%s is not UTF-8: '%s'",
              what, s);
  for (const char *p = s; *p != '\0'; p++)
    FUZZ_CHECK ((guchar) *p >= 0x20 && *p != 0x7f,
                "%s is not one printable line: byte 0x%02x in '%s'", what,
                (guchar) *p, s);
}

/* A refused input gets a usage error: one line that starts with prefix (the
 * file's name). */
static inline void
fuzz_check_refusal (const GError *error, GQuark domain, int code,
                    const char *prefix, gboolean utf8)
{
  FUZZ_CHECK (error != NULL, "refused without an error");
  FUZZ_CHECK (error->domain == domain && error->code == code,
              "not a usage error: %s", error->message);
  FUZZ_CHECK (g_str_has_prefix (error->message, prefix),
              "message does not start with the file name: %s",
              error->message);
  fuzz_check_one_line ("error message", error->message, utf8);
}
