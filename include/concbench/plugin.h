/* SPDX-License-Identifier: MIT */
/* Copyright (C) 2025-2026 The concbench authors; licence text: COPYING.MIT */
/* concbench plugin ABI.
 *
 * Header-only: a plugin includes <concbench/plugin.h>, links GLib and
 * nothing else, and needs no symbol from the concbench executable.  All the
 * core offers a strategy travels in the CbJob it is handed.
 *
 * Versioning: CB_PLUGIN_ABI_MAJOR changes when an existing field changes
 * meaning or position; the core refuses a plugin whose major differs.
 * CB_PLUGIN_ABI_MINOR grows when fields are appended (taken from the
 * reserved padding); the core refuses a plugin built against a newer minor
 * than its own, since it cannot honour fields it does not know.
 *
 * Threading: libltdl is not thread-safe, so the core loads every plugin before
 * any benchmark starts a thread.  Workload functions other than create and
 * destroy may be called from any thread and any forked process at once.
 *
 * Plugins never call exit() and never print: they return a GError.
 */
#ifndef CONCBENCH_PLUGIN_H
#define CONCBENCH_PLUGIN_H

#include <glib.h>

G_BEGIN_DECLS

#define CB_PLUGIN_MAGIC 0x43425031u /* "CBP1": guards against a stray symbol */
#define CB_PLUGIN_ABI_MAJOR 1
#define CB_PLUGIN_ABI_MINOR 4

/* Upper bounds the core enforces on descriptor strings, so a broken plugin
 * cannot flood the terminal. */
#define CB_PLUGIN_NAME_MAX 64
#define CB_PLUGIN_TEXT_MAX 1024

typedef enum {
  CB_PARAM_UINT,   /* 64-bit unsigned; min/max bound it */
  CB_PARAM_DOUBLE, /* min/max bound it */
  CB_PARAM_ENUM,   /* one of choices */
  CB_PARAM_STRING,
} CbParamType;

/* One parameter.  Arrays of specs end with an entry whose name is NULL. */
typedef struct CbParamSpec {
  const char *name;
  const char *help;
  const char *default_value; /* parsed like a command-line value */
  CbParamType type;
  double min, max;             /* inclusive, for numbers */
  const char *const *choices;  /* NULL-terminated, for enums */
} CbParamSpec;

typedef union CbValue {
  guint64 u;       /* CB_PARAM_UINT */
  double d;        /* CB_PARAM_DOUBLE */
  guint e;         /* CB_PARAM_ENUM: index into choices */
  const char *s;   /* CB_PARAM_STRING */
} CbValue;

/* Parameter values, one per spec, in spec order. */
typedef struct CbParams {
  const CbParamSpec *specs;
  const CbValue *values;
  guint n_values;
} CbParams;

/* Index of a parameter by name; aborts on a name the plugin did not declare,
 * which is a bug in the plugin caught by its first test. */
static inline guint
cb_params_index (const CbParams *params, const char *name)
{
  for (guint i = 0; i < params->n_values; i++)
    if (g_strcmp0 (params->specs[i].name, name) == 0)
      return i;
  g_error ("concbench plugin asked for undeclared parameter '%s'", name);
  return 0;
}

static inline guint64
cb_params_get_uint (const CbParams *params, const char *name)
{
  return params->values[cb_params_index (params, name)].u;
}

static inline double
cb_params_get_double (const CbParams *params, const char *name)
{
  return params->values[cb_params_index (params, name)].d;
}

static inline guint
cb_params_get_enum (const CbParams *params, const char *name)
{
  return params->values[cb_params_index (params, name)].e;
}

static inline const char *
cb_params_get_string (const CbParams *params, const char *name)
{
  return params->values[cb_params_index (params, name)].s;
}

/* Called once when an item started asynchronously has finished: either with
 * its digest, or with error set (the callee does not take ownership). */
typedef void (*CbItemDone) (guint item, guint64 digest, const GError *error,
                            gpointer user_data);

/* What a strategy (or, since 1.2, a workload) asks of the operating system
 * at most, so the core can check it against resource limits before running.
 * Unknown: 0. */
typedef struct CbResources {
  guint64 threads;   /* threads it starts */
  guint64 processes; /* processes it forks */
  guint64 fds;       /* file descriptors it holds open at once */
  guint64 reserved[5];
} CbResources;

/* ---- Since ABI 1.2: the loop-neutral asynchronous item ----
 *
 * A workload may describe each item as a state machine of IO operations, in
 * completion style: it names the next operation, the strategy's loop performs
 * it however that loop waits (a readiness loop waits for readiness and then
 * makes the call; a completion loop such as io_uring submits it), and hands
 * the outcome back.  So every loop runs the same item code, and what differs
 * between rows is the loop. */
typedef enum {
  CB_OP_SLEEP,   /* until deadline; result 0 */
  CB_OP_CONNECT, /* fd to addr/addrlen; result 0 or -errno */
  CB_OP_SEND,    /* up to len bytes of buf on fd; result bytes sent (maybe
                  * fewer than len) or -errno */
  CB_OP_RECV,    /* up to len bytes into buf from fd; result bytes received,
                  * 0 at the end of the stream, or -errno */
  CB_OP_CLOSE,   /* fd; result 0 or -errno, and the fd is gone either way */
  CB_OP_READ,    /* pread of len bytes at offset of a regular file; result
                  * bytes read or -errno.  Readiness loops run it blocking:
                  * a regular file is always "ready". */
} CbOpKind;

/* One operation.  Sockets are non-blocking ones the workload created: a
 * readiness loop that meets EAGAIN waits and retries, and never hands
 * EAGAIN back.  buf and addr stay valid until the item is resumed. */
typedef struct CbOp {
  CbOpKind kind;
  int fd;
  gint64 deadline;  /* SLEEP: CLOCK_MONOTONIC, nanoseconds */
  const void *addr; /* CONNECT: a struct sockaddr */
  guint32 addrlen;
  gpointer buf;     /* SEND, RECV, READ */
  gsize len;
  gint64 offset;    /* READ */
  gpointer reserved[4];
} CbOp;

typedef enum {
  CB_STEP_OP,     /* *op holds the next operation */
  CB_STEP_DONE,   /* the item has finished; *digest holds its digest */
  CB_STEP_FAILED, /* error is set; the item has finished */
} CbStep;

typedef struct CbWorkloadClass {
  const char *name;
  const char *summary;
  const CbParamSpec *params;
  /* Builds the workload; its items must not depend on anything but params and
   * seed.  Called in the process that will run the items, before execute. */
  gpointer (*create) (const CbParams *params, guint64 seed, GError **error);
  void (*destroy) (gpointer workload);
  guint (*n_items) (gpointer workload);
  /* Runs one item to completion, blocking.  Thread-safe. */
  gboolean (*run) (gpointer workload, guint item, guint64 *digest,
                   GError **error);
  /* Optional: starts one item on ctx and returns at once; done is called
   * from ctx exactly once.  NULL: the workload has no asynchronous form. */
  void (*run_async) (gpointer workload, guint item, GMainContext *ctx,
                     CbItemDone done, gpointer user_data);
  /* Optional: seconds of pure waiting item needs.  A workload that has it is
   * latency-bound and the core computes its ideal time from these waits;
   * NULL means CPU-bound. */
  double (*item_wait) (gpointer workload, guint item);
  /* Since ABI 1.2, all optional.  item_start begins item: it sets *state
   * (which the core hands back to item_resume and, once the item has
   * finished or is abandoned, to item_free exactly once) and returns its
   * first step.  item_resume is handed the result of the last operation and
   * returns the next step.  Thread-safe across items; one item's calls never
   * overlap.  item_free closes whatever descriptors the item still holds. */
  CbStep (*item_start) (gpointer workload, guint item, gpointer *state,
                        CbOp *op, guint64 *digest, GError **error);
  CbStep (*item_resume) (gpointer workload, gpointer state, gint64 result,
                         CbOp *op, guint64 *digest, GError **error);
  void (*item_free) (gpointer workload, gpointer state);
  /* What the workload holds open: fixed (its own, e.g. a server) and
   * per_item (for each item in flight), both zeroed by the core, which adds
   * them to the strategy's needs times its slots. */
  void (*resources) (gpointer workload, CbResources *fixed,
                     CbResources *per_item);
  /* Since ABI 1.4, both optional.  item_bytes: the bytes item reads or
   * moves (a file's blocks, a memory pass), so the core can report
   * throughput beside time; NULL or 0: not a byte-moving workload.
   * item_compute: the seconds of computing item needs besides its
   * item_wait waits (an estimate from the workload's own calibration), so
   * the ideal time of a mixed item counts both; NULL: all waiting. */
  guint64 (*item_bytes) (gpointer workload, guint item);
  double (*item_compute) (gpointer workload, guint item);
  gpointer reserved[2];
} CbWorkloadClass;

typedef struct CbJob CbJob;

/* Since ABI 1.3: how to rebuild the job's workload in another process, one
 * that did not inherit it by fork() (a spawned helper, an MPI rank).  A
 * process that loads plugin_file with the core's checks, finds workload in
 * it, parses params against its specs and calls create with seed has the
 * same items, with the same digests.  item_server is the command line
 * (program first, NULL-terminated) of the core's program that does exactly
 * that and then runs the items it is sent on its standard input, answering
 * on its standard output (the item protocol, concbench-plugin(7)).  Start it
 * with the descriptors that are not close-on-exec left open: it records
 * each item's run where the core's checks look, as run_item does. */
typedef struct CbWorkloadRecipe {
  const char *plugin_file;   /* the path the workload's plugin was loaded from */
  const char *workload;      /* the workload's name */
  const char *const *params; /* "name=text", every parameter, NULL-terminated */
  guint64 seed;
  const char *const *item_server;
  gpointer reserved[4];
} CbWorkloadRecipe;

/* The core's side of the loop-neutral item (ABI 1.2): the workload's
 * item_start/item_resume/item_free, with the core's timing around them.
 * start sets *state whatever it returns, and the strategy hands that state
 * to free() exactly once, whether the item finished or is abandoned.  On
 * CB_STEP_DONE the strategy calls complete() with *digest, as for
 * run_item. */
typedef struct CbJobSteps {
  CbStep (*start) (const CbJob *job, guint item, gpointer *state, CbOp *op,
                   guint64 *digest, GError **error);
  CbStep (*resume) (const CbJob *job, gpointer state, gint64 result,
                    CbOp *op, guint64 *digest, GError **error);
  void (*free) (const CbJob *job, gpointer state);
  gpointer reserved[4];
} CbJobSteps;

/* Since ABI 1.4: what one worker the core cannot see used (a process on
 * another host, an MPI rank), as that worker measured it. */
typedef struct CbWorkerUsage {
  const char *host; /* the host it ran on, as that host names itself */
  guint rank;       /* the strategy's own index of the worker */
  guint64 peak_rss; /* bytes; 0: unknown */
  double user_cpu;  /* seconds */
  double system_cpu;
  gpointer reserved[4];
} CbWorkerUsage;

/* Since ABI 1.4: what a strategy tells the core about its own run.  Call
 * these in the process execute was called in, from any thread. */
typedef struct CbJobReports {
  /* The strategy's workers are up and items are about to be handed out:
   * the time from execute's start to the first call is the row's start-up
   * (launching ranks, MPI_Init), reported apart from the items' time.
   * Later calls are ignored. */
  void (*started) (const CbJob *job);
  /* One worker's usage; the core copies it. */
  void (*worker_usage) (const CbJob *job, const CbWorkerUsage *usage);
  gpointer reserved[4];
} CbJobReports;

/* What the core hands a strategy: N items to get done. */
struct CbJob {
  guint n_items;
  const CbParams *params; /* the strategy's own parameters */
  /* Runs item blocking; may be called from any thread or forked child. */
  gboolean (*run_item) (const CbJob *job, guint item, guint64 *digest,
                        GError **error);
  gboolean can_run_async;
  /* Starts item on ctx; only when can_run_async. */
  void (*run_item_async) (const CbJob *job, guint item, GMainContext *ctx,
                          CbItemDone done, gpointer user_data);
  /* Reports that item finished with digest.  Call it exactly once per item,
   * from any thread, but in the process execute was called in: a strategy
   * that runs items elsewhere brings the digests back first. */
  void (*complete) (const CbJob *job, guint item, guint64 digest);
  gpointer core; /* private to the core */
  /* Since ABI 1.2: the workload's items as state machines, or NULL when it
   * has no such form (then run_item, and run_item_async if can_run_async). */
  const CbJobSteps *steps;
  /* Since ABI 1.3: the recipe of the workload; NULL from an older core. */
  const CbWorkloadRecipe *recipe;
  /* Since ABI 1.4: where to report start-up and workers' usage; NULL from
   * an older core. */
  const CbJobReports *reports;
  gpointer reserved[1];
};


/* What a strategy declares of itself (CbStrategyClass.flags, ABI 1.1). */
typedef enum {
  /* Runs the items one after another in the calling thread: the reference
   * the core measures speedup and CPU-bound efficiency against.  The core
   * adds a row of the first strategy so flagged where a CPU-bound workload
   * has none. */
  CB_STRATEGY_BASELINE = 1 << 0,
  /* The items run where the core cannot see them (another host's process):
   * the core takes the digest passed to complete() as the workload's, and
   * checks it only against the reference run's.  Since ABI 1.3. */
  CB_STRATEGY_RELAYS_DIGESTS = 1 << 1,
} CbStrategyFlags;

typedef struct CbStrategyClass {
  const char *name;
  const char *summary;
  const CbParamSpec *params;
  /* Returns once every item has been completed, or with error set. */
  gboolean (*execute) (const CbJob *job, GError **error);
  /* Items in flight at most (for the ideal time); can_async tells whether the
   * workload has an asynchronous form. */
  guint (*slots) (const CbParams *params, guint n_items, gboolean can_async);
  /* Items handed out together, in order, to one slot; NULL means 1. */
  guint (*chunk) (const CbParams *params);
  /* Optional: fills out (zeroed by the core) with what execute will need. */
  void (*resources) (const CbParams *params, guint n_items, CbResources *out);
  /* Since ABI 1.1 (taken from reserved; the core reads neither field of a
   * 1.0 plugin, whose reserved space is zero anyway). */
  gsize flags;              /* CbStrategyFlags; other bits: refused */
  /* The name of the parameter that sets how many workers run at once
   * ("threads", "processes", "ranks", "loops"): the worker axis of speedup
   * plots and sweeps.  It must be one of params and CB_PARAM_UINT, or the
   * plugin is refused.  NULL: the strategy has none. */
  const char *worker_param;
  gpointer reserved[5];
} CbStrategyClass;

typedef struct CbPluginDesc {
  guint32 magic;       /* CB_PLUGIN_MAGIC */
  guint32 struct_size; /* sizeof (CbPluginDesc) as the plugin saw it */
  guint16 abi_major, abi_minor;
  const char *name;
  const char *version;
  const char *license; /* SPDX identifier */
  const char *description;
  const CbWorkloadClass *workload; /* either or both may be set */
  const CbStrategyClass *strategy;
  gpointer reserved[8];
} CbPluginDesc;

/* The error domain plugins should use for their own failures. */
#define CB_PLUGIN_ERROR (g_quark_from_static_string ("concbench-plugin-error"))
typedef enum {
  CB_PLUGIN_ERROR_FAILED,
  CB_PLUGIN_ERROR_INVALID,
  CB_PLUGIN_ERROR_RESOURCE,
} CbPluginError;

/* Initialiser for the fields every descriptor shares. */
#define CB_PLUGIN_DESC_HEADER                                                \
  .magic = CB_PLUGIN_MAGIC, .struct_size = sizeof (CbPluginDesc),           \
  .abi_major = CB_PLUGIN_ABI_MAJOR, .abi_minor = CB_PLUGIN_ABI_MINOR

/* Exports module_LTX_concbench_plugin_get_desc(), the one symbol the core
 * looks up; the LTX prefix lets libltdl find it in a dlopen'd module and
 * among modules preloaded together in a static build. */
#define CB_PLUGIN_EXPORT __attribute__ ((visibility ("default")))
#define CB_PLUGIN_DEFINE(module, desc)                                       \
  CB_PLUGIN_EXPORT const CbPluginDesc *                                      \
      module##_LTX_concbench_plugin_get_desc (void);                         \
  CB_PLUGIN_EXPORT const CbPluginDesc *                                      \
      module##_LTX_concbench_plugin_get_desc (void)                          \
  {                                                                          \
    return &(desc);                                                          \
  }

G_END_DECLS

#endif /* CONCBENCH_PLUGIN_H */
