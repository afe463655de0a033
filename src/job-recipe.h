/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The recipe a CbJob carries (ABI 1.3): what another process needs to
 * rebuild the job's workload, and where the item server is. */
#pragma once

#include "suite.h"

/* The item server: the worker program, $CONCBENCH_WORKER when set and not
 * empty (the build tree's, for the tests), else the installed one; it
 * serves items when run with --serve. */
const char *cb_item_server_path (void);

/* The recipe of bench's workload with seed, for a worker whose result area
 * is result_fd; free with cb_job_recipe_free. */
CbWorkloadRecipe *cb_job_recipe_new (const CbBenchmark *bench, guint64 seed,
                                     int result_fd);
void cb_job_recipe_free (CbWorkloadRecipe *recipe);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbWorkloadRecipe, cb_job_recipe_free)
