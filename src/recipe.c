/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing the benchmark of one run as the worker program's arguments, and
 * reading it back there.  Parameter values travel as their canonical text,
 * which the same parser then reads: a double's value is the one its text
 * gave on the command line, with no printf in between. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "recipe.h"

#include <string.h>

#include "counters.h"
#include "params.h"

static void
add_arg (GPtrArray *argv, const char *key, const char *value)
{
  g_ptr_array_add (argv, g_strdup_printf ("--%s=%s", key, value));
}

static void
add_params (GPtrArray *argv, const char *key, const CbParamSet *set)
{
  for (guint i = 0; i < set->n; i++)
    {
      g_autofree char *pair
          = g_strdup_printf ("%s=%s", set->specs[i].name, set->texts[i]);
      add_arg (argv, key, pair);
    }
}

/* The rate as the shortest text that reads back to the same double. */
static void
add_load (GPtrArray *argv, const CbBenchmark *bench)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  add_arg (argv, "rate", g_ascii_dtostr (number, sizeof number, bench->rate));
  add_arg (argv, "arrivals", cb_arrivals_name (bench->arrivals));
}

GStrv
cb_recipe_argv (const char *program, const CbBenchmark *bench, guint64 seed,
                guint64 timer_slack, const CbPlacement *placement,
                guint32 counters, int result_fd)
{
  GPtrArray *argv = g_ptr_array_new ();
  char number[32];

  g_ptr_array_add (argv, g_strdup (program));
  g_snprintf (number, sizeof number, "%d", result_fd);
  add_arg (argv, "result-fd", number);
  g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, seed);
  add_arg (argv, "seed", number);
  g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, timer_slack);
  add_arg (argv, "timer-slack", number);
  if (placement->cpus != NULL)
    add_arg (argv, "affinity", placement->cpus);
  if (placement->has_nice)
    {
      g_snprintf (number, sizeof number, "%d", placement->nice);
      add_arg (argv, "nice", number);
    }
  g_snprintf (number, sizeof number, "%u", counters);
  add_arg (argv, "counters", number);
  add_arg (argv, "workload", bench->workload->desc->workload->name);
  add_arg (argv, "workload-file", bench->workload->path);
  add_arg (argv, "strategy", bench->strategy->desc->strategy->name);
  add_arg (argv, "strategy-file", bench->strategy->path);
  add_params (argv, "workload-param", bench->workload_params);
  add_params (argv, "strategy-param", bench->strategy_params);
  if (bench->rate > 0)
    add_load (argv, bench);
  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (argv, FALSE);
}

void
cb_recipe_free (CbRecipe *recipe)
{
  if (recipe == NULL)
    return;
  cb_placement_clear (&recipe->placement);
  g_free (recipe->workload);
  g_free (recipe->workload_file);
  g_free (recipe->strategy);
  g_free (recipe->strategy_file);
  g_ptr_array_unref (recipe->workload_params);
  g_ptr_array_unref (recipe->strategy_params);
  g_free (recipe);
}

static gboolean
parse_number (const char *key, const char *text, guint64 max, guint64 *out,
              GError **error)
{
  char *end = NULL;
  guint64 v = g_ascii_strtoull (text, &end, 10);
  if (*text == '\0' || *end != '\0' || v > max)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "recipe: --%s=%s is not a number up to %" G_GUINT64_FORMAT,
                   key, text, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static void
set_text (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static gboolean
parse_load (CbRecipe *recipe, const char *key, const char *value,
            GError **error)
{
  char *end = NULL;
  if (strcmp (key, "arrivals") == 0)
    {
      if (cb_arrivals_parse (value, &recipe->arrivals))
        return TRUE;
    }
  else
    {
      recipe->rate = g_ascii_strtod (value, &end);
      if (*value != '\0' && *end == '\0' && recipe->rate > 0
          && recipe->rate <= CB_RATE_MAX)
        return TRUE;
    }
  g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "recipe: bad --%s=%s", key,
               value);
  return FALSE;
}

static gboolean
parse_nice (const char *text, CbPlacement *placement, GError **error)
{
  gint64 v;
  if (!g_ascii_string_to_signed (text, 10, CB_NICE_MIN, CB_NICE_MAX, &v,
                                 error))
    {
      g_prefix_error (error, "recipe: --nice: ");
      return FALSE;
    }
  placement->has_nice = TRUE;
  placement->nice = (int) v;
  return TRUE;
}

/* Stores one "--key=value"; FALSE for a key the recipe does not have. */
static gboolean
parse_arg (CbRecipe *recipe, const char *key, const char *value,
           GError **error)
{
  guint64 n;
  if (strcmp (key, "result-fd") == 0)
    {
      if (!parse_number (key, value, G_MAXINT, &n, error))
        return FALSE;
      recipe->result_fd = (int) n;
    }
  else if (strcmp (key, "seed") == 0)
    return parse_number (key, value, G_MAXUINT64, &recipe->seed, error);
  else if (strcmp (key, "timer-slack") == 0)
    return parse_number (key, value, G_MAXUINT64, &recipe->timer_slack,
                         error);
  else if (strcmp (key, "affinity") == 0)
    set_text (&recipe->placement.cpus, value);
  else if (strcmp (key, "nice") == 0)
    return parse_nice (value, &recipe->placement, error);
  else if (strcmp (key, "counters") == 0)
    return parse_number (key, value, CB_COUNTERS_ALL, &recipe->counters,
                         error);
  else if (strcmp (key, "workload") == 0)
    set_text (&recipe->workload, value);
  else if (strcmp (key, "workload-file") == 0)
    set_text (&recipe->workload_file, value);
  else if (strcmp (key, "strategy") == 0)
    set_text (&recipe->strategy, value);
  else if (strcmp (key, "strategy-file") == 0)
    set_text (&recipe->strategy_file, value);
  else if (strcmp (key, "workload-param") == 0)
    g_ptr_array_add (recipe->workload_params, g_strdup (value));
  else if (strcmp (key, "strategy-param") == 0)
    g_ptr_array_add (recipe->strategy_params, g_strdup (value));
  else if (strcmp (key, "rate") == 0 || strcmp (key, "arrivals") == 0)
    return parse_load (recipe, key, value, error);
  else
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "recipe: unknown argument --%s", key);
      return FALSE;
    }
  return TRUE;
}

CbRecipe *
cb_recipe_parse (int argc, char **argv, GError **error)
{
  g_autoptr (CbRecipe) recipe = g_new0 (CbRecipe, 1);
  recipe->result_fd = -1;
  recipe->counters = CB_COUNTERS_SOFTWARE;
  recipe->workload_params = g_ptr_array_new_with_free_func (g_free);
  recipe->strategy_params = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      if (!g_str_has_prefix (argv[i], "--") || eq == NULL)
        {
          g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                       "recipe: '%s' is not --key=value", argv[i]);
          return NULL;
        }
      g_autofree char *key = g_strndup (argv[i] + 2, eq - argv[i] - 2);
      if (!parse_arg (recipe, key, eq + 1, error))
        return NULL;
    }
  if (recipe->result_fd < 0 || recipe->workload == NULL
      || recipe->workload_file == NULL || recipe->strategy == NULL
      || recipe->strategy_file == NULL)
    {
      g_set_error_literal (error, CB_ERROR, CB_ERROR_USAGE,
                           "recipe: --result-fd, --workload, --workload-file, "
                           "--strategy and --strategy-file are needed");
      return NULL;
    }
  return g_steal_pointer (&recipe);
}

/* The plugin at file, which must be the one providing name. */
static const CbPlugin *
load_plugin (CbRegistry *registry, const char *file, const char *name,
             gboolean workload, GError **error)
{
  const CbPlugin *plugin = cb_registry_load_file (registry, file, error);
  if (plugin == NULL)
    return NULL;
  const CbPlugin *named = workload ? cb_registry_find_workload (registry, name)
                                   : cb_registry_find_strategy (registry, name);
  if (named != plugin)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
                   "%s does not provide the %s '%s'", file,
                   workload ? "workload" : "strategy", name);
      return NULL;
    }
  return plugin;
}

static CbParamSet *
build_params (const CbParamSpec *specs, const GPtrArray *pairs, GError **error)
{
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, error);
  if (set == NULL)
    return NULL;
  for (guint i = 0; i < pairs->len; i++)
    {
      const char *pair = pairs->pdata[i];
      const char *eq = strchr (pair, '=');
      g_autofree char *name
          = eq ? g_strndup (pair, eq - pair) : g_strdup (pair);
      if (!cb_param_set_assign (set, name, eq ? eq + 1 : NULL, error))
        return NULL;
    }
  return g_steal_pointer (&set);
}

gboolean
cb_recipe_build (const CbRecipe *recipe, CbRegistry *registry,
                 CbBenchmark *bench, GError **error)
{
  memset (bench, 0, sizeof *bench);
  bench->rate = recipe->rate;
  bench->arrivals = recipe->arrivals;
  bench->workload = load_plugin (registry, recipe->workload_file,
                                 recipe->workload, TRUE, error);
  if (bench->workload == NULL)
    return FALSE;
  bench->strategy = load_plugin (registry, recipe->strategy_file,
                                 recipe->strategy, FALSE, error);
  if (bench->strategy == NULL)
    return FALSE;
  bench->workload_params = build_params (
      bench->workload->desc->workload->params, recipe->workload_params, error);
  if (bench->workload_params == NULL)
    return FALSE;
  bench->strategy_params = build_params (
      bench->strategy->desc->strategy->params, recipe->strategy_params, error);
  return bench->strategy_params != NULL;
}

CbParamSet *
cb_recipe_build_workload (CbRegistry *registry, const char *file,
                          const char *name, const GPtrArray *params,
                          const CbPlugin **plugin, GError **error)
{
  *plugin = load_plugin (registry, file, name, TRUE, error);
  if (*plugin == NULL)
    return NULL;
  return build_params ((*plugin)->desc->workload->params, params, error);
}

void
cb_recipe_benchmark_clear (CbBenchmark *bench)
{
  g_clear_pointer (&bench->workload_params, cb_param_set_free);
  g_clear_pointer (&bench->strategy_params, cb_param_set_free);
}
