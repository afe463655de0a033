/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The recipe the runner hands the worker program on its command line: what
 * it needs to rebuild one benchmark in a fresh process, as text that
 * round-trips exactly. */
#pragma once

#include "placement.h"
#include "registry.h"
#include "suite.h"

typedef struct {
  int result_fd;
  guint64 seed;
  guint64 timer_slack; /* ns to set in the worker; 0: leave the system's */
  CbPlacement placement; /* --affinity, --nice */
  guint64 counters;    /* CB_COUNTER_BIT()s to count; absent: software */
  char *workload, *workload_file;
  char *strategy, *strategy_file;
  GPtrArray *workload_params, *strategy_params; /* "name=text" */
  double rate; /* items per second; 0: closed */
  CbArrivals arrivals;
} CbRecipe;

/* The worker program's argv, program first, for one run of bench. */
GStrv cb_recipe_argv (const char *program, const CbBenchmark *bench,
                      guint64 seed, guint64 timer_slack,
                      const CbPlacement *placement, guint32 counters,
                      int result_fd);

CbRecipe *cb_recipe_parse (int argc, char **argv, GError **error);
void cb_recipe_free (CbRecipe *recipe);
/* Loads the recipe's two plugins into registry, with its checks, and
 * builds the benchmark they name; bench borrows from registry. */
gboolean cb_recipe_build (const CbRecipe *recipe, CbRegistry *registry,
                          CbBenchmark *bench, GError **error);
void cb_recipe_benchmark_clear (CbBenchmark *bench);
/* The workload half of cb_recipe_build, for the item server: loads file,
 * which must provide the workload name, and returns params ("name=text")
 * parsed against its specs. */
CbParamSet *cb_recipe_build_workload (CbRegistry *registry, const char *file,
                                      const char *name,
                                      const GPtrArray *params,
                                      const CbPlugin **plugin, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbRecipe, cb_recipe_free)
