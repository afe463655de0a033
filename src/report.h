/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's report: the results of a suite with the settings and platform
 * they were measured with (CbReport), rendered by one writer per format
 * (writer.h; the JSON schema is in read-json.h), and what the table and
 * Markdown writers both say about it: the results table, the summary
 * sentences and the footer.
 *
 * Every function returns a newly allocated string (free with g_free) and
 * prints nothing: the caller decides where the text goes.
 */
#pragma once

#include <glib.h>

#include "environment.h"
#include "list.h"
#include "output.h"
#include "platform.h"
#include "registry.h"
#include "results.h"
#include "runner.h"
#include "suite.h"
#include "table.h"

G_BEGIN_DECLS

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
  const CbEnvironment *environment; /* NULL: not read */
} CbReport;

/* The report in format, by that format's writer (writer.c). */
char *cb_report_render (const CbReport *report, CbFormat format);

/* Whether a table may use ANSI colour: only on a terminal, never when
 * NO_COLOR is set (to anything, even empty), never when TERM is unset or
 * "dumb".  cb_report_color_wanted() asks about fd and the environment. */
gboolean cb_report_color_decide (gboolean is_tty, const char *no_color,
                                 const char *term);
gboolean cb_report_color_wanted (int fd);

/* ---- for the writers ---- */

/* "ok", "failed", "timed-out", "not-run". */
const char *cb_report_status_name (CbResultStatus status);
const char *cb_report_workload_name (const CbBenchmark *bench);
const char *cb_report_strategy_name (const CbBenchmark *bench);

/* The results as a table of display text: name, mean, spread, memory,
 * speedup, efficiency, CPU; a row without figures spans its reason, in red
 * unless it merely did not run. */
CbTable *cb_report_table (const CbReport *report);

/* The summary: per workload (the item) hyperfine's sentence about its
 * fastest strategy against the baseline (the detail), in the order the
 * workloads first appear; texts made by text(), benchmark names by name(). */
CbList *cb_report_summary (const CbReport *report, CbTextFunc text,
                           CbTextFunc name);
/* The environment's warnings and notes (each with its fix as the detail),
 * then "[BENCHMARK] WARNING" items, all made by text(). */
CbList *cb_report_warnings (const CbReport *report, CbTextFunc text);

/* Footer sentences, display text without a final full stop. */
char *cb_report_title (const CbReport *report);
char *cb_report_settings_sentence (const CbReport *report);
char *cb_report_memory_sentence (const CbReport *report);
char *cb_report_incomplete_sentence (const CbReport *report);

G_END_DECLS
