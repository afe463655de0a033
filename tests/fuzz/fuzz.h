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
