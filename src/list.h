/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lists under a table (a run's summary and warnings, the benchmarks
 * only one compared file has), rendered as terminal text or Markdown.
 *
 * Items are already in their format: display text for a terminal, escaped
 * Markdown (perhaps with markup) for Markdown; cb_list_add_item() takes
 * them as they are.  An item may have a detail: on a terminal the next
 * line, indented; in Markdown after a colon. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct CbList CbList;

/* text(), name(): how the list's builder makes text and names of its
 * format (cb_text_display() for a terminal, cb_text_markdown() or bold for
 * Markdown). */
typedef char *(*CbTextFunc) (const char *s);

CbList *cb_list_new (void);
void cb_list_free (CbList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbList, cb_list_free)

/* Takes text and detail (NULL: none). */
void cb_list_add_item (CbList *list, char *text, char *detail);
guint cb_list_len (const CbList *list);

/* Nothing for an empty list.  "\nHEADING\n" then "  item" lines, each
 * (with its indent) in the ANSI colour color when not NULL, a detail on the
 * next line indented four spaces. */
void cb_list_append_text (GString *out, const CbList *list,
                          const char *heading, const char *color);
/* Nothing for an empty list.  "\n**HEADING**\n\n" (heading escaped) then
 * "- item" or "- item: detail" lines. */
void cb_list_append_markdown (GString *out, const CbList *list,
                              const char *heading);

G_END_DECLS
