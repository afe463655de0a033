/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a comparison says in words and in its table, shared by the table and
 * Markdown writers.  Every string is display text (cb_text_display()). */
#pragma once

#include <glib.h>

#include "compare.h"
#include "list.h"
#include "table.h"

G_BEGIN_DECLS

/* The benchmarks in both files: name, old and new mean, ratio, its CI, the
 * p-values and the verdict (green faster, red slower); a failed row spans
 * what failed where, in red.  Without one, it says so. */
CbTable *cb_comparison_table (const CbComparison *c);

/* "old.json (default suite, DATE)", and whether it is incomplete. */
char *cb_comparison_file_sentence (const CbResultsFile *f);
/* NULL unless the two files used different seeds. */
char *cb_comparison_seed_note (const CbComparison *c);
char *cb_comparison_geomean_sentence (const CbComparison *c);
char *cb_comparison_method_sentence (const CbComparison *c);

/* How a writer appends a list under its heading (cb_list_append_markdown
 * or a terminal one). */
typedef void (*CbListAppendFunc) (GString *out, const CbList *list,
                                  const char *heading);

/* The benchmarks only one file has, under "Only in OLD (n):" then "Only in
 * NEW (n):" (a list without an item is left out); each item its name, with
 * its workload and strategy unless the name says them already, the parts
 * made by text(). */
void cb_comparison_append_unmatched (GString *out, const CbComparison *c,
                                     CbTextFunc text, CbListAppendFunc append);

G_END_DECLS
