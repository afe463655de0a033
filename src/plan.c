/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "plan.h"

#include <math.h>
#include <string.h>

#include "load-plan.h"
#include "params.h"

/* Before a benchmark's first run nothing is known of its length: long
 * enough for the seed preset's slowest first run (about 20 s) on a slow
 * machine, short enough that a plugin hanging at once costs a minute. */
#define TIMEOUT_UNKNOWN 60.0
#define TIMEOUT_BASE 60.0
#define TIMEOUT_FACTOR 10.0

static gboolean
check_plugins_found (const CbRegistry *registry, GError **error)
{
  g_autofree char *workloads = cb_registry_list_names (registry, TRUE);
  g_autofree char *strategies = cb_registry_list_names (registry, FALSE);
  if (*workloads != '\0' && *strategies != '\0')
    return TRUE;
  g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
               "no %s plugin found (see --list-plugins for the search "
               "path and any problems)",
               *workloads == '\0' ? "workload" : "strategy");
  return FALSE;
}

/* -w and -s: every named workload with every named strategy, and without
 * one of the two, every plugin of that kind; on the preset's scale. */
static CbSuite *
build_adhoc (const CbRegistry *registry, const CbOptions *o,
             const CbSuite *preset, GError **error)
{
  g_autofree char *all_w = cb_registry_list_names (registry, TRUE);
  g_autofree char *all_s = cb_registry_list_names (registry, FALSE);
  g_auto (GStrv) ws = o->workloads ? g_strdupv (o->workloads)
                                   : g_strsplit (all_w, ", ", -1);
  g_auto (GStrv) ss = o->strategies ? g_strdupv (o->strategies)
                                    : g_strsplit (all_s, ", ", -1);
  CbSuite *suite = cb_suite_new_adhoc (
      registry, (const char *const *) ws, (const char *const *) ss,
      (const char *const *) o->params, preset, error);
  if (suite != NULL)
    {
      suite->warmups = preset->warmups;
      suite->has_warmups = preset->has_warmups;
      suite->runs = preset->runs;
      suite->rate = g_strdup (preset->rate);
      suite->arrivals = g_strdup (preset->arrivals);
    }
  return suite;
}

static gboolean
is_adhoc (const CbOptions *o)
{
  return o->workloads != NULL || o->strategies != NULL;
}

/* The rows asked for: a suite file, a preset, or -w/-s on a preset's scale. */
static CbSuite *
load_requested (const CbRegistry *registry, const CbOptions *o,
                GError **error)
{
  gboolean adhoc = is_adhoc (o);
  if (o->suite_file != NULL && (adhoc || o->preset != NULL))
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "--suite cannot be combined with -w, -s or --preset");
      return NULL;
    }
  if (o->suite_file != NULL)
    return cb_suite_load_file (registry, o->suite_file, FALSE, error);
  g_autoptr (CbSuite) preset = cb_suite_load_preset (
      registry, o->preset ? o->preset : "default", adhoc, error);
  if (preset == NULL || !adhoc)
    return g_steal_pointer (&preset);
  return build_adhoc (registry, o, preset, error);
}

/* Item counts at which a strategy's slots are compared with and without an
 * asynchronous form: any count above 1 shows a difference. */
static const guint probe_items[] = { 2, 64 };

/* Whether b's strategy would run items differently if its workload had an
 * asynchronous form, which it has not: its slots (items in flight) depend
 * on having one.  slots() is, by the ABI, a pure function of the
 * parameters, which makes it the one plugin call safe outside a worker. */
static gboolean
runs_blocking_unasked (const CbBenchmark *b)
{
  const CbStrategyClass *st = b->strategy->desc->strategy;
  if (b->workload->desc->workload->run_async != NULL
      || cb_plugin_workload_has_steps (b->workload))
    return FALSE;
  CbParams params = cb_param_set_view (b->strategy_params);
  for (guint i = 0; i < G_N_ELEMENTS (probe_items); i++)
    if (st->slots (&params, probe_items[i], TRUE)
        != st->slots (&params, probe_items[i], FALSE))
      return TRUE;
  return FALSE;
}

/* A row asked to run asynchronously (gmainloop mode=async) on a workload
 * without an asynchronous form runs blocking; its name says so, rather
 * than a label it did not run under. */
static void
label_blocking_rows (CbSuite *suite)
{
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      CbBenchmark *b = suite->benchmarks->pdata[i];
      if (!runs_blocking_unasked (b))
        continue;
      char *labelled
          = g_strdup_printf ("%s (blocking: %s has no asynchronous form)",
                             b->name, b->workload->desc->workload->name);
      g_free (b->name);
      b->name = labelled;
    }
}

static CbSuite *
build_suite (const CbRegistry *registry, const CbOptions *o, GError **error)
{
  if (!check_plugins_found (registry, error))
    return NULL;
  g_autoptr (CbSuite) suite = load_requested (registry, o, error);
  if (suite == NULL)
    return NULL;
  /* -w/-s took -p already, as the sweep that builds their rows. */
  if (!is_adhoc (o) && o->params != NULL
      && !cb_suite_override_params (suite, (const char *const *) o->params,
                                    error))
    return NULL;
  label_blocking_rows (suite);
  if (o->filter != NULL && !cb_suite_filter (suite, o->filter, error))
    return NULL;
  if (suite->benchmarks->len == 0)
    {
      cb_set_usage_error (error, "no benchmark matches --filter '%s'",
                          o->filter);
      return NULL;
    }
  return g_steal_pointer (&suite);
}

static gboolean
has_baseline_row (const CbSuite *suite, const char *workload_key)
{
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      const CbBenchmark *b = suite->benchmarks->pdata[i];
      if ((cb_plugin_strategy_flags (b->strategy) & CB_STRATEGY_BASELINE)
          && b->rate == 0 && strcmp (b->workload_key, workload_key) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A CPU-bound row's ideal time is its workload's baseline time over the
 * workers: where the suite has no baseline row for a CPU-bound workload
 * (one without item_wait), one is appended, in the order the workloads first
 * appear.  A latency-bound row's ideal comes from its waits instead. */
static void
add_baselines (CbSuite *suite, const CbRegistry *registry)
{
  const CbPlugin *baseline = cb_registry_find_baseline (registry);
  guint n = suite->benchmarks->len;
  for (guint i = 0; baseline != NULL && i < n; i++)
    {
      const CbBenchmark *b = suite->benchmarks->pdata[i];
      if (b->workload->desc->workload->item_wait != NULL || b->rate > 0
          || has_baseline_row (suite, b->workload_key))
        continue;
      /* A row that cannot be built (its name would hold a control
       * character) is left out: the rows it serves merely lack an
       * efficiency, as they would without a baseline plugin. */
      cb_suite_add_baseline (suite, b, baseline, NULL);
    }
}

static void
settle_settings (const CbOptions *o, const CbSuite *suite,
                 CbPlanSettings *s)
{
  s->warmups = o->warmups >= 0   ? (guint) o->warmups
               : suite->has_warmups ? suite->warmups
                                    : CB_PLAN_DEFAULT_WARMUPS;
  s->runs = o->runs >= 0 ? (guint) o->runs
            : suite->runs ? suite->runs
                          : CB_PLAN_DEFAULT_RUNS;
  s->runs_text = s->runs ? g_strdup_printf ("%u", s->runs) : g_strdup ("auto");
  s->max_time = o->max_time;
  s->interleave = !o->no_interleave;
  s->memory_sampled
      = o->memory_interval_ms > 0 && cb_runner_can_sample_memory ();
  s->run.seed = o->seed;
  s->run.timeout = o->timeout;
  s->run.memory_interval
      = s->memory_sampled ? o->memory_interval_ms / 1000.0 : 0;
  s->run.timer_slack = o->timer_slack_ns;
  s->run.placement.cpus = g_strdup (o->affinity);
  s->run.placement.has_nice = o->has_nice;
  s->run.placement.nice = o->nice;
  s->run.counters = o->counters_given ? o->counters : CB_COUNTERS_SOFTWARE;
  s->run.counter_columns = o->counters_given ? o->counters : 0;
  s->run.keep_items = o->items;
  s->run.memory_limit = o->memory_limit;
}

/* --rate (over the suite's rate=): a list makes one row per rate of every
 * requested row; auto leaves them closed for the session to measure. */
static gboolean
plan_load (const CbOptions *o, CbSuite *suite, CbPlanSettings *s,
           GError **error)
{
  CbLoadRequest request;
  cb_load_request_init (&request, o->rate ? o->rate : suite->rate,
                        o->arrivals ? o->arrivals : suite->arrivals);
  s->rate_auto = request.is_auto;
  s->arrivals = request.arrivals;
  if (request.rates != NULL
      && suite->benchmarks->len
             > CB_SUITE_MAX_BENCHMARKS / request.rates->len)
    {
      cb_set_usage_error (error, "sweeping --rate would make more than %d "
                          "benchmarks", CB_SUITE_MAX_BENCHMARKS);
      cb_load_request_clear (&request);
      return FALSE;
    }
  if (request.rates != NULL)
    cb_load_expand (suite, suite->benchmarks->len,
                    (const double *) request.rates->data, request.rates->len,
                    request.arrivals);
  cb_load_request_clear (&request);
  return TRUE;
}

CbPlan *
cb_plan_new (const CbRegistry *registry, const CbOptions *options,
             GError **error)
{
  CbSuite *suite = build_suite (registry, options, error);
  CbPlanSettings load = { 0 };
  if (suite == NULL)
    return NULL;
  if (!plan_load (options, suite, &load, error))
    {
      cb_suite_free (suite);
      return NULL;
    }
  CbPlan *plan = g_new0 (CbPlan, 1);
  plan->n_requested = suite->benchmarks->len;
  add_baselines (suite, registry);
  settle_settings (options, suite, &plan->settings);
  plan->settings.rate_auto = load.rate_auto;
  plan->settings.arrivals = load.arrivals;
  plan->suite = suite;
  return plan;
}

void
cb_plan_free (CbPlan *plan)
{
  if (plan == NULL)
    return;
  /* The plan owns the suite it hands out read-only. */
  cb_suite_free ((CbSuite *) plan->suite);
  g_free (plan->settings.runs_text);
  cb_placement_clear (&plan->settings.run.placement);
  g_free (plan);
}

gboolean
cb_plan_row_is_added (const CbPlan *plan, guint i)
{
  return i >= plan->n_requested && i < plan->suite->benchmarks->len;
}

double
cb_plan_run_estimate (const CbBenchInfo *info, double longest_run)
{
  if (info->latency_bound && info->item_waits != NULL)
    {
      double total = 0;
      /* Items that also compute take that long in sequence too. */
      for (guint i = 0; i < info->n_items; i++)
        total += info->item_waits[i]
                 + (info->item_compute ? info->item_compute[i] : 0.0);
      return total;
    }
  return longest_run > 0 ? longest_run : NAN;
}

/* Generous: a run may take many times its sequential estimate on a loaded
 * machine, but a hung plugin must not hold the suite for ever. */
double
cb_plan_run_timeout (const CbPlan *plan, const CbBenchInfo *info,
                     double longest_run)
{
  if (plan->settings.run.timeout > 0)
    return plan->settings.run.timeout;
  if (info->latency_bound && info->item_waits != NULL)
    return TIMEOUT_BASE
           + TIMEOUT_FACTOR * cb_plan_run_estimate (info, longest_run);
  if (longest_run > 0)
    /* The slowest CPU-bound strategy is about sequential: n_cpus x. */
    return TIMEOUT_BASE
           + TIMEOUT_FACTOR * longest_run * g_get_num_processors ();
  return TIMEOUT_UNKNOWN;
}
