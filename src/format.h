/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text and numbers as every output writes them: text cleaned to one safe
 * line, Markdown escaping, locale-independent numbers, and one time or
 * memory unit per column. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Names and messages come from suite files, plugins, crashed workers and
 * results files: one cell or line must not become a screenful.  Bytes. */
#define CB_TEXT_MAX 1024

/* At most max bytes of s, cut on a character boundary, "…" marking a cut.
 * Never reads more than max + 1 bytes of s. */
char *cb_text_clip (const char *s, gsize max);

/* Text for a terminal, a Markdown cell or an error line: valid UTF-8 on one
 * line without control characters (which could move the cursor or smuggle in
 * escape sequences), at most CB_TEXT_MAX bytes of s.  NULL becomes "-". */
char *cb_text_display (const char *s);

/* cb_text_display() with the characters that would end a Markdown table
 * cell or start markup or HTML escaped: | \ < > ` * _ [ ] */
char *cb_text_markdown (const char *s);

/* Width in characters. */
glong cb_text_width (const char *s);

/* Numbers are written the same in every locale: reports are compared and
 * parsed by programs.  "%.<decimals>f" and "%.<digits>g". */
char *cb_fmt_fixed (double v, int decimals);
char *cb_fmt_general (double v, int digits);
/* cb_fmt_fixed(), or "-" when v is not finite. */
char *cb_fmt_fixed_or_dash (double v, int decimals);

typedef struct {
  const char *name;
  double scale; /* seconds per unit */
} CbTimeUnit;

/* One unit per column, from its largest value, so a column reads at a
 * glance: s, ms or µs. */
CbTimeUnit cb_time_unit_for (double largest);
/* Three decimals in unit; "-" when unknown, "<0.001" for a time too small to
 * show (it must not read as no time). */
char *cb_fmt_time (double seconds, CbTimeUnit unit);

typedef struct {
  const char *name;
  double scale; /* bytes per unit */
  int decimals;
} CbMemoryUnit;

/* MiB from the largest value, KiB when every value stays under a MiB;
 * decimals so the largest has four digits. */
CbMemoryUnit cb_memory_unit_for (double largest);
/* "-" when unknown or not positive. */
char *cb_fmt_memory (double bytes, CbMemoryUnit unit);

G_END_DECLS
