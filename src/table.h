/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One table model for every tabular output (a run's results, a comparison,
 * the parameters of --list-plugins), rendered as aligned terminal text or as
 * a GitHub Markdown table.
 *
 * Cells hold display text (cb_text_display()): the terminal renderer writes
 * them as they are, the Markdown renderer escapes them (cb_text_markdown()).
 * A row may hold only its first cell and a span: a message that takes the
 * place of the other cells (in Markdown, the second cell).  Tones are the
 * colour hook: a cell's tone colours it on a terminal and makes it bold in
 * Markdown; a row's tone colours the whole line on a terminal only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CB_TONE_NONE,
  CB_TONE_GOOD, /* green */
  CB_TONE_BAD,  /* red */
} CbTone;

typedef struct CbTable CbTable;

CbTable *cb_table_new (guint n_columns);
void cb_table_free (CbTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbTable, cb_table_free)

/* Takes header (NULL: no header row is drawn unless another column has
 * one).  Columns are left-aligned unless right is set. */
void cb_table_set_column (CbTable *table, guint column, char *header,
                          gboolean right);
/* Appends a row and returns its index. */
guint cb_table_add_row (CbTable *table, CbTone tone);
/* Take text (NULL: empty). */
void cb_table_set_cell (CbTable *table, guint row, guint column, char *text,
                        CbTone tone);
void cb_table_set_span (CbTable *table, guint row, char *text);
/* Takes text: what both renderers write, as a line of its own, instead of
 * a table without a row (NULL: the header alone). */
void cb_table_set_empty_text (CbTable *table, char *text);

/* Header (bold when color), a rule of dashes, then the rows; cells two
 * spaces apart, each padded to its column's width in characters, except a
 * left-aligned last cell (no trailing blanks).  A span does not widen the
 * columns it covers.  Every line starts with indent and ends in '\n'. */
void cb_table_append_text (GString *out, const CbTable *table,
                           const char *indent, gboolean color);
/* "| a | b |" lines with the alignment row after the header. */
void cb_table_append_markdown (GString *out, const CbTable *table);

G_END_DECLS
