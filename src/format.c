/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "format.h"

#include <math.h>
#include <string.h>

#define ELLIPSIS "…"
#define KIB 1024.0
#define MIB (1024.0 * 1024.0)

char *
cb_text_clip (const char *s, gsize max)
{
  gsize len = strnlen (s, max + 1);
  if (len <= max)
    return g_strndup (s, len);
  gsize cut = max > strlen (ELLIPSIS) ? max - strlen (ELLIPSIS) : 0;
  while (cut > 0 && ((guchar) s[cut] & 0xC0) == 0x80)
    cut--;
  g_autofree char *head = g_strndup (s, cut);
  return g_strconcat (head, ELLIPSIS, NULL);
}

char *
cb_text_display (const char *s)
{
  if (s == NULL)
    return g_strdup ("-");
  g_autofree char *clipped = cb_text_clip (s, CB_TEXT_MAX);
  g_autofree char *valid = g_utf8_make_valid (clipped, -1);
  GString *out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\t' || c == '\n' || c == '\r')
        g_string_append_c (out, ' ');
      else if (g_unichar_iscntrl (c))
        g_string_append_unichar (out, 0xFFFD);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
cb_text_markdown (const char *s)
{
  g_autofree char *text = cb_text_display (s);
  GString *out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("|\\<>`*_[]", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

glong
cb_text_width (const char *s)
{
  return g_utf8_strlen (s, -1);
}

static char *
fmt_with (char conversion, int precision, double v)
{
  char format[16];
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_snprintf (format, sizeof format, "%%.%d%c", precision, conversion);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, v));
}

char *
cb_fmt_fixed (double v, int decimals)
{
  return fmt_with ('f', CLAMP (decimals, 0, 9), v);
}

char *
cb_fmt_general (double v, int digits)
{
  return fmt_with ('g', CLAMP (digits, 1, 17), v);
}

char *
cb_fmt_fixed_or_dash (double v, int decimals)
{
  return isfinite (v) ? cb_fmt_fixed (v, decimals) : g_strdup ("-");
}

CbTimeUnit
cb_time_unit_for (double largest)
{
  static const CbTimeUnit s = { "s", 1 }, ms = { "ms", 1e-3 },
                          us = { "µs", 1e-6 };
  if (largest >= 1 || largest == 0 || !isfinite (largest))
    return s;
  return largest >= 1e-3 ? ms : us;
}

char *
cb_fmt_time (double seconds, CbTimeUnit unit)
{
  double v = seconds / unit.scale;
  if (!isfinite (v))
    return g_strdup ("-");
  if (v > 0 && v < 0.0005)
    return g_strdup ("<0.001");
  return cb_fmt_fixed (v, 3);
}

CbMemoryUnit
cb_memory_unit_for (double largest)
{
  if (!(largest >= MIB))
    return (CbMemoryUnit){ "KiB", KIB, 1 };
  return (CbMemoryUnit){ "MiB", MIB,
                         largest < 10 * MIB ? 3 : largest < 100 * MIB ? 2 : 1 };
}

char *
cb_fmt_memory (double bytes, CbMemoryUnit unit)
{
  if (!isfinite (bytes) || bytes <= 0)
    return g_strdup ("-");
  return cb_fmt_fixed (bytes / unit.scale, unit.decimals);
}
