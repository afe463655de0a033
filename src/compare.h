/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench compare OLD.json NEW.json: reads two results files written with
 * --format json (read-json.h's schema, CB_JSON_SCHEMA_VERSION) and tells, per
 * benchmark, whether NEW is faster, slower, or not significantly different.
 *
 * Benchmarks are matched by name, workload parameters (workload_key), and
 * strategy with its parameters.  Per matched pair: both means, the ratio
 * new/old with its 95 % CI (delta method, cb_ratio_ci95), Welch's t-test
 * p-value, the Mann–Whitney U p-value when both sides have at least 5 runs,
 * and a verdict from Welch's p at --alpha.  Rows that failed (or did not
 * run) on either side are listed as such; benchmarks in one file only are
 * listed apart; the geometric mean of the compared ratios closes the report.
 *
 * Errors (exit 2, one line "concbench: FILE: what is wrong", printed by
 * main.c from the GError cb_compare_run() sets): a file that
 * cannot be read, is not JSON, is not an object with "schema_version": 1 and
 * a "benchmarks" array, or holds a member of the wrong type; and two files of
 * different workload scales: a workload that both files ran, but never with
 * the same parameters, or a benchmark name that both files have with
 * different workload parameters.
 *
 * JSON output (CB_COMPARE_SCHEMA_VERSION), pretty-printed:
 *   { "schema_version": 1, "kind": "concbench-compare",
 *     "tool": { "name", "version" }, "alpha",
 *     "old" and "new": { "file", "suite", "date", "seed", "complete" },
 *     "benchmarks": [ { "name", "workload_key", "strategy",
 *         "status" ("compared", "failed", "only-in-old", "only-in-new"),
 *         "old" and "new": { "status", "error", "n", "mean", "stddev" } | null,
 *         "ratio", "ratio_ci95_low", "ratio_ci95_high", "p_welch",
 *         "p_mann_whitney", "verdict" } ],
 *     "geometric_mean_ratio", "n_ratios" }
 * "strategy" is the strategy's name and parameters ("gthreadpool threads=8");
 * times are seconds; unknown figures are null.  "verdict" is "faster",
 * "slower", "not significant", "not significant (too few runs)" (fewer than
 * 2 runs on a side), or null for rows that were not compared.
 *
 * CSV: one row per entry of "benchmarks", the same fields flattened
 * (old_n, old_mean, …), RFC 4180 quoting; the geometric mean is not a row.
 *
 * compare A B C… compares each later file with the first.  The table and
 * Markdown then have one section per file, as for two files; the JSON
 * has "old" once and, instead of "new", "benchmarks", "geometric_mean_ratio"
 * and "n_ratios", a "comparisons" array of objects with those four members,
 * one per later file; the CSV has two more columns, old_file and new_file.
 * Two files give the documents above, unchanged.
 *
 * --fail-above PCT: exit 1 when a row is "slower" (the verdict, so Welch's
 * test at --alpha) with new/old above 1 + PCT/100, in any pair; each such
 * row is named on stderr, and the comparison is still written.
 *
 * This file has the matching and the verdicts; the four writers (writer.h)
 * render a CbComparison, compare-text.h has what the table and Markdown
 * say, read-json.h reads the files.
 */
#pragma once

#include <glib.h>

#include "read-json.h"
#include "stats.h"

G_BEGIN_DECLS

#define CB_COMPARE_SCHEMA_VERSION 1
/* The Mann-Whitney U p-value needs at least this many runs on each side. */
#define CB_COMPARE_MIN_RUNS_MWU 5

typedef enum {
  CB_COMPARE_COMPARED,
  CB_COMPARE_FAILED,   /* in both files, not usable in one of them */
  CB_COMPARE_ONLY_OLD,
  CB_COMPARE_ONLY_NEW,
} CbCompareKind;

typedef enum {
  CB_VERDICT_NONE,
  CB_VERDICT_FASTER,
  CB_VERDICT_SLOWER,
  CB_VERDICT_NOT_SIGNIFICANT,
  CB_VERDICT_TOO_FEW_RUNS,
} CbVerdict;

typedef struct {
  CbCompareKind kind;
  const CbResultsBench *old, *new_; /* NULL on the side it is missing */
  CbStats so, sn;                   /* CB_COMPARE_COMPARED only */
  double ratio, ratio_low, ratio_high; /* new/old; NAN when not compared */
  double p_welch, p_mw;
  CbVerdict verdict;
} CbCompareRow;

typedef struct {
  CbResultsFile *old, *new_;
  double alpha;
  GArray *rows; /* CbCompareRow: OLD's order, then those only in NEW */
  double geomean; /* of the compared ratios; NAN without one */
  guint n_ratios;
} CbComparison;

/* Matches and judges; takes old and new_. */
CbComparison *cb_comparison_new (CbResultsFile *old, CbResultsFile *new_,
                                 double alpha);
void cb_comparison_free (CbComparison *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbComparison, cb_comparison_free)

/* "faster", …; NULL for CB_VERDICT_NONE. */
const char *cb_verdict_text (CbVerdict v);
/* "compared", "failed", "only-in-old", "only-in-new". */
const char *cb_compare_kind_name (CbCompareKind k);
/* Status "ok" with at least one measured run. */
gboolean cb_results_bench_usable (const CbResultsBench *b);
/* The statistics of b's wall times. */
void cb_results_bench_stats (const CbResultsBench *b, CbStats *out);

/* The --fail-above PCT gate: r is significantly slower (the verdict
 * "slower", Welch's t-test at --alpha) and new/old is above 1 + PCT/100. */
gboolean cb_compare_row_regressed (const CbCompareRow *r, double pct);

/* argv[0] is the program, argv[1] "compare".  Reads, compares (each file
 * after the first against the first), writes the -o and --export files,
 * and returns the text for stdout, or NULL.  On failure error is set:
 * CB_ERROR_USAGE (exit 2) and NULL returned, or CB_ERROR_FAILED (exit 1)
 * when an output file could not be written, in which case the comparison
 * is still returned for stdout.  *regressions: with --fail-above, one
 * message per row above the gate (exit 1), else NULL. */
char *cb_compare_run (int argc, char **argv, GStrv *regressions,
                      GError **error);

/* The --help text of the compare subcommand. */
char *cb_compare_help (void);

G_END_DECLS
