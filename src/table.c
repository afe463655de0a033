/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "table.h"

#include "format.h"

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_RESET "\033[0m"

typedef struct {
  char **cells; /* n_columns */
  CbTone *tones;
  char *span;
  CbTone tone;
} Row;

struct CbTable {
  guint n_columns;
  char **headers;
  gboolean *right;
  GPtrArray *rows; /* Row* */
  char *empty_text;
};

static void
row_free (gpointer data)
{
  Row *row = data;
  g_strfreev (row->cells);
  g_free (row->tones);
  g_free (row->span);
  g_free (row);
}

CbTable *
cb_table_new (guint n_columns)
{
  CbTable *table = g_new0 (CbTable, 1);
  table->n_columns = n_columns;
  table->headers = g_new0 (char *, n_columns + 1);
  table->right = g_new0 (gboolean, n_columns);
  table->rows = g_ptr_array_new_with_free_func (row_free);
  return table;
}

void
cb_table_free (CbTable *table)
{
  if (table == NULL)
    return;
  for (guint c = 0; c < table->n_columns; c++)
    g_free (table->headers[c]);
  g_free (table->headers);
  g_free (table->right);
  g_ptr_array_unref (table->rows);
  g_free (table->empty_text);
  g_free (table);
}

void
cb_table_set_column (CbTable *table, guint column, char *header,
                     gboolean right)
{
  g_return_if_fail (column < table->n_columns);
  g_free (table->headers[column]);
  table->headers[column] = header;
  table->right[column] = right;
}

guint
cb_table_add_row (CbTable *table, CbTone tone)
{
  Row *row = g_new0 (Row, 1);
  row->cells = g_new0 (char *, table->n_columns + 1);
  row->tones = g_new0 (CbTone, table->n_columns);
  row->tone = tone;
  g_ptr_array_add (table->rows, row);
  return table->rows->len - 1;
}

static Row *
row_at (const CbTable *table, guint row)
{
  g_return_val_if_fail (row < table->rows->len, NULL);
  return table->rows->pdata[row];
}

void
cb_table_set_cell (CbTable *table, guint row, guint column, char *text,
                   CbTone tone)
{
  Row *r = row_at (table, row);
  g_return_if_fail (r != NULL && column < table->n_columns);
  g_free (r->cells[column]);
  r->cells[column] = text;
  r->tones[column] = tone;
}

void
cb_table_set_span (CbTable *table, guint row, char *text)
{
  Row *r = row_at (table, row);
  g_return_if_fail (r != NULL);
  g_free (r->span);
  r->span = text;
}

void
cb_table_set_empty_text (CbTable *table, char *text)
{
  g_free (table->empty_text);
  table->empty_text = text;
}

/* The empty text instead of the table; FALSE when there is none to write. */
static gboolean
append_empty_text (GString *out, const CbTable *table)
{
  if (table->rows->len > 0 || table->empty_text == NULL)
    return FALSE;
  g_string_append_printf (out, "%s\n", table->empty_text);
  return TRUE;
}

static const char *
cell_text (char *const *cells, guint c)
{
  return cells[c] != NULL ? cells[c] : "";
}

static gboolean
has_header (const CbTable *table)
{
  for (guint c = 0; c < table->n_columns; c++)
    if (table->headers[c] != NULL)
      return TRUE;
  return FALSE;
}

/* ---- terminal text ---- */

static const char *
tone_color (CbTone tone)
{
  switch (tone)
    {
    case CB_TONE_GOOD: return ANSI_GREEN;
    case CB_TONE_BAD: return ANSI_RED;
    case CB_TONE_NONE:
    default: return NULL;
    }
}

static void
append_colored (GString *out, const char *text, const char *color)
{
  if (color != NULL)
    g_string_append_printf (out, "%s%s%s", color, text, ANSI_RESET);
  else
    g_string_append (out, text);
}

static void
append_spaces (GString *out, glong n)
{
  for (; n > 0; n--)
    g_string_append_c (out, ' ');
}

static void
append_padded (GString *out, const char *text, glong width, gboolean right,
               const char *color)
{
  glong pad = width - cb_text_width (text);
  if (right)
    append_spaces (out, pad);
  append_colored (out, text, color);
  if (!right)
    append_spaces (out, pad);
}

static void
compute_widths (const CbTable *table, glong *widths)
{
  for (guint c = 0; c < table->n_columns; c++)
    widths[c] = cb_text_width (cell_text (table->headers, c));
  for (guint i = 0; i < table->rows->len; i++)
    {
      const Row *row = table->rows->pdata[i];
      for (guint c = 0; c < (row->span ? 1 : table->n_columns); c++)
        widths[c] = MAX (widths[c], cb_text_width (cell_text (row->cells, c)));
    }
}

static void
append_cells (GString *line, const CbTable *table, char *const *cells,
              const CbTone *tones, const glong *widths, gboolean color)
{
  for (guint c = 0; c < table->n_columns; c++)
    {
      gboolean last = c + 1 == table->n_columns;
      if (c > 0)
        g_string_append (line, "  ");
      append_padded (line, cell_text (cells, c),
                     last && !table->right[c] ? 0 : widths[c],
                     table->right[c],
                     color && tones ? tone_color (tones[c]) : NULL);
    }
}

static void
append_rule (GString *out, const CbTable *table, const char *indent,
             const glong *widths)
{
  g_string_append (out, indent);
  for (guint c = 0; c < table->n_columns; c++)
    {
      if (c > 0)
        g_string_append (out, "  ");
      for (glong i = 0; i < widths[c]; i++)
        g_string_append_c (out, '-');
    }
  g_string_append_c (out, '\n');
}

/* The colour of a whole line must not span its '\n'. */
static void
append_line (GString *out, const char *indent, const char *line,
             const char *color)
{
  g_string_append (out, indent);
  append_colored (out, line, color);
  g_string_append_c (out, '\n');
}

static void
append_text_row (GString *out, const CbTable *table, const Row *row,
                 const char *indent, const glong *widths, gboolean color)
{
  g_autoptr (GString) line = g_string_new (NULL);
  if (row->span == NULL)
    append_cells (line, table, row->cells, row->tones, widths, color);
  else
    {
      append_padded (line, cell_text (row->cells, 0), widths[0], FALSE, NULL);
      g_string_append_printf (line, "  %s", row->span);
    }
  append_line (out, indent, line->str, color ? tone_color (row->tone) : NULL);
}

void
cb_table_append_text (GString *out, const CbTable *table, const char *indent,
                      gboolean color)
{
  if (append_empty_text (out, table))
    return;
  g_autofree glong *widths = g_new0 (glong, table->n_columns);
  compute_widths (table, widths);
  if (has_header (table))
    {
      g_autoptr (GString) header = g_string_new (NULL);
      append_cells (header, table, table->headers, NULL, widths, FALSE);
      append_line (out, indent, header->str, color ? ANSI_BOLD : NULL);
      append_rule (out, table, indent, widths);
    }
  for (guint i = 0; i < table->rows->len; i++)
    append_text_row (out, table, table->rows->pdata[i], indent, widths, color);
}

/* ---- Markdown ---- */

static void
append_md_cells (GString *out, const CbTable *table, char *const *cells,
                 const CbTone *tones)
{
  g_string_append (out, "|");
  for (guint c = 0; c < table->n_columns; c++)
    {
      g_autofree char *text = cb_text_markdown (cell_text (cells, c));
      gboolean bold = tones != NULL && tones[c] != CB_TONE_NONE;
      g_string_append_printf (out, bold ? " **%s** |" : " %s |", text);
    }
  g_string_append_c (out, '\n');
}

void
cb_table_append_markdown (GString *out, const CbTable *table)
{
  if (append_empty_text (out, table))
    return;
  append_md_cells (out, table, table->headers, NULL);
  g_string_append (out, "|");
  for (guint c = 0; c < table->n_columns; c++)
    g_string_append (out, table->right[c] ? " ---: |" : " :--- |");
  g_string_append_c (out, '\n');
  for (guint i = 0; i < table->rows->len; i++)
    {
      const Row *row = table->rows->pdata[i];
      if (row->span == NULL || table->n_columns < 2)
        {
          append_md_cells (out, table, row->cells, row->tones);
          continue;
        }
      /* Markdown cannot span columns: the message takes the second one. */
      g_autofree char **cells = g_new0 (char *, table->n_columns + 1);
      cells[0] = row->cells[0];
      cells[1] = row->span;
      append_md_cells (out, table, cells, NULL);
    }
}
