/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reports: the results of a suite rendered as a terminal table, JSON, CSV or
 * Markdown, and the plugin listings of --list-plugins and shell completion.
 *
 * Every function returns a newly allocated string (free with g_free) and
 * prints nothing: the caller decides where the text goes.
 *
 * Figures that are unknown (NAN, infinite, or rows that never completed a
 * measured run) are written as "-" in the table and Markdown, null in JSON
 * and an empty field in CSV.
 *
 * JSON schema (CB_JSON_SCHEMA_VERSION), pretty-printed:
 *   { "schema_version": 1,
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
 *         "outliers", "warnings": [ string ] } ] }
 * Times are seconds, memory bytes.  Parameter values keep their type: uint
 * as integers, double as numbers, enum and string as strings.  64-bit
 * unsigned values above G_MAXINT64 (a seed, a uint parameter) are written as
 * decimal strings, since JSON-GLib integers are signed.  Under
 * "memory_method": "ru_maxrss" the memory_* stats are the worker's ru_maxrss.
 *
 * cb_report_list_plugin_names() output, for shell completion: one record
 * per line, fields separated by single spaces, no header:
 *   workload NAME
 *   strategy NAME
 *   param OWNER PARAM TYPE [CHOICE|CHOICE|...]
 * NAME and OWNER are workload/strategy names as given to --workload,
 * --strategy and "OWNER.PARAM=VALUE"; TYPE is uint, double, enum or string;
 * the fifth field lists an enum's choices joined with '|'.  A plugin providing
 * both a workload and a strategy gives both records, each followed by its own
 * param lines.  Whitespace and control characters inside a field are replaced
 * by '_', so `read -r kind owner name type choices` splits every line.
 */
#pragma once

#include <glib.h>

#include "platform.h"
#include "registry.h"
#include "results.h"
#include "runner.h"
#include "suite.h"

G_BEGIN_DECLS

#define CB_JSON_SCHEMA_VERSION 1

typedef enum {
  CB_FORMAT_TABLE,
  CB_FORMAT_JSON,
  CB_FORMAT_CSV,
  CB_FORMAT_MARKDOWN,
} CbFormat;

/* "table", "json", "csv", "markdown" or "md", in any case. */
gboolean cb_format_parse (const char *name, CbFormat *out);
/* By extension, in any case: .json, .csv, .md or .markdown, .txt (table).
 * FALSE when the extension is missing or unknown. */
gboolean cb_format_from_filename (const char *path, CbFormat *out);

typedef struct {
  const CbSuite *suite;
  GPtrArray *results;          /* CbResult*, suite order, already analysed */
  const CbPlatform *platform;  /* may be NULL: no platform footer */
  const CbRunOptions *options; /* seed, timeout, memory_interval */
  guint warmups;               /* requested */
  const char *runs;            /* requested, as text: "3" or "auto" */
  gboolean memory_sampled;     /* FALSE: memory figures are the worker's
                                * ru_maxrss (no /proc) */
  gboolean complete;           /* FALSE when interrupted */
  int interrupted_by;          /* signal number or 0 */
  gboolean color;              /* table only: ANSI colour allowed */
} CbReport;

char *cb_report_render (const CbReport *report, CbFormat format);

/* Whether a table may use ANSI colour: only on a terminal, never when
 * NO_COLOR is set (to anything, even empty), never when TERM is unset or
 * "dumb".  cb_report_color_wanted() asks about fd and the environment. */
gboolean cb_report_color_decide (gboolean is_tty, const char *no_color,
                                 const char *term);
gboolean cb_report_color_wanted (int fd);

/* Human-readable: every plugin with its kind, version, licence, file and
 * description, each parameter with type, default, range or choices and help;
 * then the search path and the problems met while scanning it.  search_path
 * may be NULL. */
char *cb_report_list_plugins (const CbRegistry *registry,
                              const char *const *search_path);
/* Machine-readable, for shell completion; see the format above. */
char *cb_report_list_plugin_names (const CbRegistry *registry);

G_END_DECLS
