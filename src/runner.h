/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs one benchmark once, in a fresh worker process, and checks it. */
#pragma once

#include "placement.h"
#include "counters.h"
#include "suite.h"

/* One timed execution of a benchmark. */
typedef struct {
  double wall; /* seconds around execute */
  /* CPU seconds while execute ran: the worker's threads and the children it
   * reaped meanwhile; what utilisation is computed from. */
  double cpu_user, cpu_sys;
  /* The whole worker's life from wait4(), children included: adds fork,
   * workload creation and exit to the above. */
  double worker_cpu_user, worker_cpu_sys;
  guint64 ctx_voluntary, ctx_involuntary;
  /* bytes, summed over the tree: the larger of the sampled peak and the
   * worker's final reading, its high-water marks a floor under RSS */
  guint64 tree_peak_pss, tree_peak_rss;
  /* TRUE when neither a sample nor the final reading saw the tree: then
   * tree_peak_* are unknown, not 0, and must not be averaged in */
  gboolean memory_unknown;
  guint64 worker_hwm, worker_maxrss;    /* bytes, the worker alone */
  guint n_samples; /* memory samples taken */
  guint64 timer_slack; /* ns, the worker's PR_GET_TIMERSLACK; 0: unknown */
  CbCounterReading counters; /* over execute, the worker's whole tree */
  guint64 faults; /* page faults over execute by getrusage, as cpu_user */
  /* What the worker's processes wrote to stdout and stderr: the first
   * CB_OUTPUT_KEEP bytes (NULL: nothing) and how many in all (at least:
   * output beyond the pipe's buffer is refused to the writer, not counted) */
  char *plugin_output;
  guint64 plugin_output_bytes;
  double sampler_cpu; /* CPU seconds the runner spent taking them */
  /* Processes of the worker's tree still alive once the worker had exited,
   * killed by the runner. */
  guint n_leftovers;
  /* What the strategy told the core (CbJobReports, ABI 1.4; run-reports.h):
   * has_startup when it called started(), startup the seconds from
   * execute's start to that call (the items' time is wall - startup);
   * workers its CbWorkerRecord list (NULL: none reported), and how many
   * records were beyond the result area's bound. */
  gboolean has_startup;
  double startup;
  GArray *workers;
  guint workers_dropped;
  guint n_items;
  double *completion; /* per item: seconds from start of execute */
  double *service;    /* per item: seconds inside the workload's run */
  guint64 *digests;   /* per item, as completed; only with keep_items */
  /* Open-loop rows: per item, the intended arrival in seconds from start
   * of execute, the schedule the worker waited on; NULL when closed. */
  double *intended;
} CbRunSample;

/* Facts the worker learns about a benchmark, the same for every run. */
typedef struct {
  guint n_items;
  guint slots, chunk;
  gboolean latency_bound; /* the workload knows its waits */
  gboolean can_async;
  double *item_waits; /* n_items, when latency_bound */
  /* n_items computing seconds, when latency_bound and the workload declares
   * item_compute (ABI 1.4); else NULL */
  double *item_compute;
  guint64 total_bytes; /* item_bytes over every item of a run; 0: none */
} CbBenchInfo;

typedef struct {
  guint64 seed;
  double timeout; /* seconds per run; <= 0: none */
  double memory_interval; /* seconds between samples; <= 0: no sampling */
  guint64 timer_slack; /* ns set in the workers; 0: the system's */
  CbPlacement placement; /* --affinity, --nice; cpus borrowed */
  guint32 counters;        /* CB_COUNTER_BIT()s the workers count; 0: none */
  guint32 counter_columns; /* those the table shows (--counters); 0: none */
  gboolean keep_items; /* fill CbRunSample.digests (--items) */
  guint64 memory_limit; /* bytes for the worker's tree; 0: none */
  /* Do not put workers in a cgroup of their own even where one can be
   * made: find what they leave behind as the subreaper (tests). */
  gboolean no_cgroup;
} CbRunOptions;

typedef enum {
  CB_RUN_ERROR_FAILED,      /* the row failed: crash, error, wrong result */
  CB_RUN_ERROR_TIMEOUT,
  CB_RUN_ERROR_INTERRUPTED, /* SIGINT/SIGTERM reached concbench */
  CB_RUN_ERROR_REFUSED,     /* the workload refused its parameters */
} CbRunError;
#define CB_RUN_ERROR (g_quark_from_static_string ("concbench-run-error"))

typedef struct CbRunner CbRunner;

CbRunner *cb_runner_new (const CbRunOptions *options);
void cb_runner_free (CbRunner *runner);
/* Seconds allowed to the next runs; <= 0: none. */
void cb_runner_set_timeout (CbRunner *runner, double timeout);
/* Runs bench once.  info is filled from the first run of each benchmark
 * (pass the same struct every time; zero-initialise it first). */
gboolean cb_runner_run (CbRunner *runner, const CbBenchmark *bench,
                        CbBenchInfo *info, CbRunSample *sample,
                        GError **error);
void cb_run_sample_clear (CbRunSample *sample);
void cb_bench_info_clear (CbBenchInfo *info);

/* Set from a signal handler: the running worker is stopped and
 * cb_runner_run fails with CB_RUN_ERROR_INTERRUPTED. */
void cb_runner_interrupt (int signum);
int cb_runner_interrupted (void);
/* Kills the worker's process group at once; async-signal-safe. */
void cb_runner_kill_now (void);

/* Whether this system lets the runner read the memory of a process tree. */
gboolean cb_runner_can_sample_memory (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbRunner, cb_runner_free)
