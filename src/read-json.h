/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Results JSON: its schema, written by write-json.c, and its reader, used by
 * concbench compare.
 *
 * JSON schema (CB_JSON_SCHEMA_VERSION), pretty-printed:
 *   { "schema_version": 2 (1 is read too),
 *     "tool": { "name", "version", "plugin_abi": "MAJOR.MINOR" },
 *     "complete": bool, "interrupted_by": signal number | null,
 *     "platform": { "os", "kernel", "cpu_model", "cpu_count", "glib_version",
 *                   "compiler", "hostname", "date" } | null,
 *     "settings": { "suite", "suite_source", "suite_description", "seed",
 *                   "timeout" (s | null), "warmups", "runs" (number, or a
 *                   string such as "auto"), "memory_method" ("tree-pss" or
 *                   "ru_maxrss"), "memory_interval" (s | null) },
 *     "benchmarks": [ { "name", "index", "status" ("ok", "failed",
 *         "timed-out", "not-run"), "error", "interrupted",
 *         "workload" and "strategy": { "name", "plugin", "plugin_version",
 *             "file", "params": { NAME: value } },
 *         "workload_key", "n_items", "slots", "chunk", "latency_bound",
 *         "warmups", "runs": [ { "wall", "cpu_user", "cpu_sys",
 *             "ctx_voluntary", "ctx_involuntary", "tree_peak_pss",
 *             "tree_peak_rss", "worker_hwm", "worker_maxrss",
 *             "memory_samples" } ],
 *         "stats": { "wall", "cpu", "memory_pss", "memory_rss": { "n",
 *             "mean", "stddev", "median", "mad", "min", "max", "ci95_low",
 *             "ci95_high", "cv" } | null },
 *         "cpu_utilisation", "ideal", "ideal_basis", "efficiency",
 *         "speedup", "speedup_ci95_low", "speedup_ci95_high", "karp_flatt",
 *         "completion_time", "service_time": { "p50", "p90", "p99", "max" },
 *         "timer_overshoot": { "mean", "max" } | null,
 *         "outliers", "warnings": [ string ],
 *         "load" (version 2): { "rate", "arrivals", "offered_rate",
 *             "achieved_rate", "response", "service", "queueing": { "p50",
 *             "p90", "p99", "p99_9", "max" }, "response_q2_median",
 *             "response_q4_median", "growing", "verdict" } | null } ] }
 * Times are seconds, memory bytes.  Parameter values keep their type: uint
 * as integers, double as numbers, enum and string as strings.  64-bit
 * unsigned values above G_MAXINT64 (a seed, a uint parameter) are written as
 * decimal strings, since JSON-GLib integers are signed.  Under
 * "memory_method": "ru_maxrss" the memory_* stats are the worker's ru_maxrss.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CB_JSON_SCHEMA_VERSION 2
/* The oldest version compare still reads: 1 has no "load". */
#define CB_JSON_SCHEMA_VERSION_MIN 1

/* What compare keeps of an open-loop row (load-json.c). */
typedef struct {
  gboolean open; /* the file has a "load" object for the row */
  double rate, achieved_rate;
  double response_p99; /* seconds; NAN when the file says null */
  gboolean kept_up;
} CbLoadSummary;

/* Larger files are refused before they are read. */
#define CB_RESULTS_FILE_MAX_SIZE ((gsize) 256 * 1024 * 1024)
/* Deeper nesting of objects and arrays than this is refused before the JSON
 * parser sees the data (results files nest about 5 deep). */
#define CB_RESULTS_FILE_MAX_DEPTH 32
/* A run's wall time above this many seconds (about 32 years) is refused,
 * naming the benchmark, as are negative and non-finite ones. */
#define CB_RESULTS_MAX_WALL 1e9

/* One benchmark of a results file, as far as compare needs it. */
typedef struct {
  char *name;
  char *workload;     /* plugin name: "api" */
  char *workload_key; /* "api items=50 max-latency=0.05" */
  char *strategy;     /* name and parameters: "gthreadpool threads=8" */
  char *key;          /* name, workload_key and strategy: what matches */
  char *status;       /* "ok", "failed", "timed-out", "not-run" (as written) */
  char *error;        /* NULL: none */
  GArray *walls;      /* double, seconds: 0 to CB_RESULTS_MAX_WALL */
  CbLoadSummary load; /* version 2 open-loop rows; open FALSE otherwise */
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
/* That shape check alone: FALSE with the same error when data is not one
 * object as described, so anything read from a results file (a histogram)
 * can be held to it. */
gboolean cb_results_check_shape (const char *data, gsize length,
                                 const char *source, GError **error);
void cb_results_file_free (CbResultsFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbResultsFile, cb_results_file_free)

/* Sets the reader's CB_ERROR_USAGE error, one printable line
 * "PATH: what is wrong"; returns FALSE.  Also for what compare finds wrong
 * with a file as a whole (its workload scale). */
gboolean cb_results_file_error (GError **error, const char *path,
                                const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* Reads path and parses it with cb_results_file_load().  path must be a
 * regular file (or a symbolic link to one) of at most
 * CB_RESULTS_FILE_MAX_SIZE bytes: anything else (a FIFO, /dev/zero, a
 * directory) is refused before it is read.  Errors as
 * cb_results_file_load()'s, naming path. */
CbResultsFile *cb_results_file_read (const char *path, GError **error);

G_END_DECLS
