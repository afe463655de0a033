/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Suites: ordered benchmarks built from a suite file, a preset, or the
 * command line, with parameter sweeps expanded. */
#pragma once

#include "arrivals.h"
#include "params.h"
#include "registry.h"

typedef struct {
  char *name;          /* rendered from name_template */
  char *name_template; /* "{threads}", "{complexity:_}", "{n|item|items}" */
  const CbPlugin *workload;
  CbParamSet *workload_params;
  const CbPlugin *strategy;
  CbParamSet *strategy_params;
  char *workload_key; /* workload name and all its parameter values */
  /* Open loop (issue 16): items arrive at rate per second, spaced by
   * arrivals; 0: a closed batch, every item ready at the start. */
  double rate;
  CbArrivals arrivals;
} CbBenchmark;

typedef struct {
  char *name;   /* "default", "seed", a file's basename, "command line" */
  char *source; /* file path or "built-in" */
  char *description;
  guint warmups; /* 0 when the suite does not say: 0 warm-ups is legal */
  gboolean has_warmups;
  guint runs; /* 0 when the suite does not say */
  GPtrArray *benchmarks; /* CbBenchmark* */
  /* "workload.param" -> value text: the suite's scale, also used as defaults
   * for benchmarks built on the command line with this suite as preset. */
  GHashTable *workload_defaults;
  /* char*: the optional groups left out because their plugin is not
   * loaded, one line each saying so. */
  GPtrArray *left_out;
  /* rate= and arrivals= of the [suite] group, checked; NULL: not said. */
  char *rate, *arrivals;
} CbSuite;

#define CB_SUITE_FILE_MAX (1024 * 1024)
/* Sweeps multiply rows: a suite (or command line) that would expand to more
 * benchmarks than this is refused rather than built. */
#define CB_SUITE_MAX_BENCHMARKS 10000
/* The command line's bounds for --runs and --warmups, to which a suite
 * file's runs and warmups are held too. */
#define CB_RUNS_MAX 100000
#define CB_WARMUPS_MAX 1000

void cb_benchmark_free (CbBenchmark *bench);
void cb_suite_free (CbSuite *suite);

/* scale_only: read just the [suite] group (warm-ups, runs and workload
 * defaults), as a preset for benchmarks built on the command line. */
CbSuite *cb_suite_load_data (const CbRegistry *registry, const char *data,
                             gsize length, const char *source,
                             gboolean scale_only, GError **error);
CbSuite *cb_suite_load_file (const CbRegistry *registry, const char *path,
                             gboolean scale_only, GError **error);
/* A preset is a suite file: the installed one in $(pkgdatadir)/suites, or the
 * copy built into the executable. */
CbSuite *cb_suite_load_preset (const CbRegistry *registry, const char *name,
                               gboolean scale_only, GError **error);
GStrv cb_suite_preset_names (void);

/* One benchmark per workload x strategy x swept value; params are
 * "NAME=V1,V2" or "PLUGIN.NAME=V1,V2". */
CbSuite *cb_suite_new_adhoc (const CbRegistry *registry,
                             const char *const *workloads,
                             const char *const *strategies,
                             const char *const *params,
                             const CbSuite *preset, GError **error);
/* Sets (and with lists, sweeps) parameters in every benchmark that has them;
 * a parameter no benchmark has is an error. */
gboolean cb_suite_override_params (CbSuite *suite, const char *const *params,
                                   GError **error);
/* Keeps the benchmarks whose name matches the regular expression. */
gboolean cb_suite_filter (CbSuite *suite, const char *pattern, GError **error);

/* Appends the sequential run of like's workload, for rows whose ideal time
 * needs one; returns it (owned by the suite). */
CbBenchmark *cb_suite_add_baseline (CbSuite *suite, const CbBenchmark *like,
                                    const CbPlugin *sequential,
                                    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSuite, cb_suite_free)
