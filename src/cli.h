/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Command-line options of a benchmark run. */
#pragma once

#include <glib.h>

typedef struct {
  char *list_plugins;   /* NULL, "full" or "names" */
  gboolean list_benchmarks;
  gboolean version;
  GStrv plugin_dirs;
  char *preset;
  char *suite_file;
  GStrv workloads;
  GStrv strategies;
  GStrv params;
  char *filter;
  gint64 warmups;       /* -1: the suite's */
  gint64 runs;          /* -1: the suite's; 0: auto */
  double max_time;
  gboolean no_interleave;
  guint64 seed;
  double timeout;       /* < 0: default */
  double memory_interval_ms;
  guint64 timer_slack_ns; /* 0: leave the workers' at the system's */
  gboolean items;         /* --items: per-item evidence in the JSON */
  char *affinity;         /* canonical CPU list; NULL: workers not pinned */
  gboolean has_nice;
  int nice;               /* the workers' nice value, when has_nice */
  guint64 memory_limit; /* bytes; 0: none */
  guint32 counters;       /* --counters: CB_COUNTER_BIT()s */
  gboolean counters_given;
  char *format;
  char *output;
  GStrv exports;
  char *plot;
  char *rate;     /* --rate as given (checked): NULL, "auto" or a list */
  char *arrivals; /* --arrivals: NULL, "constant" or "poisson" */
} CbOptions;

/* Parses argv (without argv[0]'s subcommand handling); usage errors are
 * CB_ERROR_USAGE. */
CbOptions *cb_options_parse (int *argc, char ***argv, GError **error);
void cb_options_free (CbOptions *options);
/* The --help text, for the man page test. */
char *cb_options_help (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbOptions, cb_options_free)
