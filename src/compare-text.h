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

/* The benchmarks only one file has, with their heading "Only in OLD (n):"
 * or "Only in NEW (n):"; each item its name, with its workload and strategy
 * unless the name says them already, the parts made by text(). */
typedef struct {
  char *heading;
  CbList *list;
} CbUnmatched;

/* Fills unmatched[0] (only in OLD) and unmatched[1] (only in NEW). */
void cb_comparison_unmatched (const CbComparison *c, CbTextFunc text,
                              CbUnmatched unmatched[2]);
void cb_unmatched_clear (CbUnmatched unmatched[2]);

G_END_DECLS
