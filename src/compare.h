/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench compare OLD.json NEW.json: reads two results files written with
 * --format json (report.h's schema, CB_JSON_SCHEMA_VERSION) and tells, per
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
 * Errors (exit 2, one line "concbench: FILE: what is wrong"): a file that
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
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CB_COMPARE_SCHEMA_VERSION 1

/* argv[0] is the program, argv[1] "compare"; returns the exit status. */
int cb_compare_main (int argc, char **argv);

/* The --help text of the compare subcommand. */
char *cb_compare_help (void);

/* ---- reading a results file ---- */

/* Larger files are refused before they are read. */
#define CB_RESULTS_FILE_MAX_SIZE ((gsize) 256 * 1024 * 1024)
/* Deeper nesting of objects and arrays than this is refused before the JSON
 * parser sees the data (results files nest about 5 deep). */
#define CB_RESULTS_FILE_MAX_DEPTH 32

/* One benchmark of a results file, as far as compare needs it. */
typedef struct {
  char *name;
  char *workload;     /* plugin name: "api" */
  char *workload_key; /* "api items=50 max-latency=0.05" */
  char *strategy;     /* name and parameters: "gthreadpool threads=8" */
  char *key;          /* name, workload_key and strategy: what matches */
  char *status;       /* "ok", "failed", "timed-out", "not-run" (as written) */
  char *error;        /* NULL: none */
  GArray *walls;      /* double, seconds: finite and >= 0 */
} CbResultsBench;

typedef struct {
  char *path;         /* the source name given to the loader */
  char *suite;        /* NULL when the file does not say */
  char *date;
  char *seed;
  gboolean complete;
  GPtrArray *benches; /* CbResultsBench*, keys unique */
} CbResultsFile;

/* Parses a results file held in memory (length bytes, no terminating NUL
 * needed).  source names the file in error messages: on failure, NULL and a
 * CB_ERROR_USAGE error of one printable line "SOURCE: what is wrong".
 * Before the JSON parser sees the data, the document must be one object,
 * with nothing but white space after it, nested at most
 * CB_RESULTS_FILE_MAX_DEPTH deep, with no comments, single-quoted strings or
 * NUL bytes (json-glib 1.6 accepts "{...}[...]" and comments, and recurses
 * without bound). */
CbResultsFile *cb_results_file_load (const char *data, gsize length,
                                     const char *source, GError **error);
void cb_results_file_free (CbResultsFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbResultsFile, cb_results_file_free)

G_END_DECLS
