/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "openmp": the items in an `omp parallel for`, the way most
 * CPU-parallel C is written, with the thread count, schedule and chunk as
 * parameters.
 *
 * Fork safety: libgomp keeps its threads alive after the parallel region,
 * and fork() in a process with threads copies only the caller.  Nothing
 * forks after execute starts OpenMP: each run is its own worker process,
 * which _exit()s once execute returns; a run has one strategy, so no
 * procpool-like strategy runs in the same process; and no bundled workload
 * forks. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <omp.h>

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef enum {
  SCHEDULE_STATIC,
  SCHEDULE_DYNAMIC,
  SCHEDULE_GUIDED,
} Schedule;

static const char *const schedule_choices[] = {
  "static", "dynamic", "guided", NULL,
};

static guint
param_threads (const CbParams *params)
{
  return (guint) MIN (cb_params_get_uint (params, "threads"), G_MAXINT);
}

static int
param_chunk (const CbParams *params)
{
  return (int) MIN (cb_params_get_uint (params, "chunk"), G_MAXINT);
}

static omp_sched_t
omp_kind (Schedule schedule)
{
  switch (schedule)
    {
    case SCHEDULE_DYNAMIC:
      return omp_sched_dynamic;
    case SCHEDULE_GUIDED:
      return omp_sched_guided;
    case SCHEDULE_STATIC:
    default:
      return omp_sched_static;
    }
}

/* An OpenMP loop cannot be left early: after a failure the remaining
 * iterations only check the flag. */
static void
run_items (const CbJob *job, int n_threads, GError **first_error)
{
  int failed = 0;
  long n_items = job->n_items;

#pragma omp parallel for num_threads (n_threads) schedule (runtime)
  for (long i = 0; i < n_items; i++)
    {
      GError *error = NULL;
      guint64 digest;
      int stop;

#pragma omp atomic read
      stop = failed;
      if (stop)
        continue;
      if (job->run_item (job, (guint) i, &digest, &error))
        {
          job->complete (job, (guint) i, digest);
          continue;
        }
#pragma omp critical (openmp_first_error)
      {
        if (*first_error == NULL)
          *first_error = error;
        else
          g_error_free (error);
      }
#pragma omp atomic write
      failed = 1;
    }
}

static gboolean
openmp_execute (const CbJob *job, GError **error)
{
  const CbParams *params = job->params;
  Schedule schedule = cb_params_get_enum (params, "schedule");
  int n_threads = (int) MAX (MIN (param_threads (params), job->n_items), 1);
  GError *first_error = NULL;

  /* schedule (runtime) takes the kind and chunk set here. */
  omp_set_schedule (omp_kind (schedule), param_chunk (params));
  /* Exactly n_threads, not fewer when OMP_DYNAMIC would let libgomp
   * choose, so the row measures what it says. */
  omp_set_dynamic (0);
  run_items (job, n_threads, &first_error);
  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }
  return TRUE;
}

static guint
openmp_slots (const CbParams *params, guint n_items,
              gboolean can_async G_GNUC_UNUSED)
{
  return MIN (param_threads (params), n_items);
}

static guint
openmp_chunk (const CbParams *params)
{
  return (guint) param_chunk (params);
}

static void
openmp_resources (const CbParams *params, guint n_items, CbResources *out)
{
  /* The calling thread is one of the team. */
  guint team = MIN (param_threads (params), n_items);
  out->threads = team > 0 ? team - 1 : 0;
}

static const CbParamSpec openmp_params[] = {
  {
      .name = "threads",
      .help = "threads in the OpenMP team (num_threads)",
      .default_value = "8",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 4096,
  },
  {
      .name = "schedule",
      .help = "how the loop's iterations are shared out: static (fixed "
              "chunks in turn), dynamic (the next chunk to the next free "
              "thread), guided (dynamic with shrinking chunks)",
      .default_value = "static",
      .type = CB_PARAM_ENUM,
      .choices = schedule_choices,
  },
  {
      .name = "chunk",
      .help = "iterations per chunk (for guided, the smallest chunk)",
      .default_value = "1",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1000000,
  },
  { .name = NULL },
};

static const CbStrategyClass openmp_class = {
  .name = "openmp",
  .summary = "run the items in an OpenMP parallel for loop",
  .params = openmp_params,
  .execute = openmp_execute,
  .slots = openmp_slots,
  .chunk = openmp_chunk,
  .resources = openmp_resources,
  .worker_param = "threads",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "openmp",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "OpenMP parallel-for strategy",
  .strategy = &openmp_class,
};

CB_PLUGIN_DEFINE (openmp, desc)
