/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The recipe a CbJob carries: the workload's plugin file, name, parameter
 * values as the text they round-trip through, and the seed. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "job-recipe.h"

/* The public struct first, so a CbWorkloadRecipe * is one of these. */
typedef struct {
  CbWorkloadRecipe recipe;
  char *plugin_file, *workload;
  GStrv params, item_server;
} OwnedRecipe;

const char *
cb_item_server_path (void)
{
  /* The worker program is the item server too (its --serve mode), found as
   * the runner finds it: this process was exec'd with the runner's
   * environment. */
  const char *env = g_getenv ("CONCBENCH_WORKER");

  return env != NULL && *env != '\0' ? env : CB_WORKER_PROGRAM;
}

static GStrv
param_texts (const CbParamSet *set)
{
  GStrv texts = g_new0 (char *, set->n + 1);

  for (guint i = 0; i < set->n; i++)
    texts[i] = g_strdup_printf ("%s=%s", set->specs[i].name, set->texts[i]);
  return texts;
}

/* The result area stays open across exec (the worker got it so), and its
 * number tells the server where to record each item's run. */
static GStrv
item_server_argv (int result_fd, const CbBenchmark *bench, guint64 seed)
{
  GStrv argv = g_new0 (char *, 7);
  char rate[G_ASCII_DTOSTR_BUF_SIZE];

  argv[0] = g_strdup (cb_item_server_path ());
  argv[1] = g_strdup ("--serve");
  argv[2] = g_strdup_printf ("--result-fd=%d", result_fd);
  /* An open-loop row's items wait for their arrival in the server too,
   * on the same schedule, from the run's start in the result area. */
  if (bench->rate > 0)
    {
      g_ascii_dtostr (rate, sizeof rate, bench->rate);
      argv[3] = g_strdup_printf ("--rate=%s", rate);
      argv[4] = g_strdup_printf ("--arrivals=%s",
                                 cb_arrivals_name (bench->arrivals));
      argv[5] = g_strdup_printf ("--arrival-seed=%" G_GUINT64_FORMAT, seed);
    }
  return argv;
}

CbWorkloadRecipe *
cb_job_recipe_new (const CbBenchmark *bench, guint64 seed, int result_fd)
{
  OwnedRecipe *owned = g_new0 (OwnedRecipe, 1);

  owned->plugin_file = g_strdup (bench->workload->path);
  owned->workload = g_strdup (bench->workload->desc->workload->name);
  owned->item_server = item_server_argv (result_fd, bench, seed);
  owned->params = param_texts (bench->workload_params);
  owned->recipe = (CbWorkloadRecipe){
    .plugin_file = owned->plugin_file,
    .workload = owned->workload,
    .params = (const char *const *) owned->params,
    .seed = seed,
    .item_server = (const char *const *) owned->item_server,
  };
  return &owned->recipe;
}

void
cb_job_recipe_free (CbWorkloadRecipe *recipe)
{
  OwnedRecipe *owned = (OwnedRecipe *) recipe;

  if (owned == NULL)
    return;
  g_free (owned->plugin_file);
  g_free (owned->workload);
  g_strfreev (owned->item_server);
  g_strfreev (owned->params);
  g_free (owned);
}
