/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One writer per output format.  Each renders both documents of its format,
 * a run's report and a comparison, as a newly allocated string (free with
 * g_free), and prints nothing: output.h decides where the text goes.
 *
 * Figures that are unknown (NAN, infinite, rows that never completed a
 * measured run) are written as "-" in the table and Markdown, null in JSON
 * and an empty field in CSV. */
#pragma once

#include <glib.h>

#include "compare.h"
#include "output.h"
#include "report.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;
  /* The report's own color field says whether ANSI colour is allowed. */
  char *(*report) (const CbReport *report);
  /* comparisons: CbComparison*, each later file against the first (one for
   * compare OLD NEW).  color: ANSI colour allowed (the table only). */
  char *(*comparison) (const GPtrArray *comparisons, gboolean color);
} CbWriter;

extern const CbWriter cb_writer_table;    /* write-table.c */
extern const CbWriter cb_writer_markdown; /* write-markdown.c */
extern const CbWriter cb_writer_json;     /* write-json.c */
extern const CbWriter cb_writer_csv;      /* write-csv.c */

const CbWriter *cb_writer_for (CbFormat format);

G_END_DECLS
