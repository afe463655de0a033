/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measurement: process-tree memory, CPU use, ideal time and item latencies
 * come out of real runs with the values they must have. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <string.h>

#include "plan.h"
#include "results.h"
#include "runner.h"
#include "session.h"
#include "testutil.h"

#define MIB (1024.0 * 1024.0)

static CbRegistry *registry;

static void
run_one (const char *workload, const char *strategy,
         const char *const *params, CbBenchInfo *info, CbRunSample *sample)
{
  CbRunOptions options = { .seed = 1, .timeout = 120, .memory_interval = 0.01 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = test_make_suite (registry, workload, strategy, params);
  g_autoptr (GError) error = NULL;
  if (!cb_runner_run (runner, suite->benchmarks->pdata[0], info, sample,
                      &error))
    g_error ("%s/%s: %s", workload, strategy, error->message);
}

/* Four pool processes each hold M MiB at once: the tree's PSS sees all of
 * it, the worker's own RSS none of it. */
static void
test_tree_memory (void)
{
  const guint mib = 48;
  g_autofree char *mib_param = g_strdup_printf ("mib=%u", mib);
  const char *params[] = { "items=4", mib_param, "hold=1.0", "processes=4",
                           NULL };
  CbBenchInfo info = { 0 };
  CbRunSample s;

  if (test_skip_if_static ())
    return;
  if (!cb_runner_can_sample_memory ())
    {
      g_test_skip ("no /proc/PID/smaps_rollup on this system");
      return;
    }
  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") != NULL)
    {
      /* valgrind's own memory swamps the worker's. */
      g_test_skip ("memory sizes are not meaningful under valgrind");
      return;
    }
  run_one ("memhog", "procpool", params, &info, &s);
  g_test_message ("tree peak PSS %.1f MiB, RSS %.1f MiB; worker maxrss %.1f "
                  "MiB, HWM %.1f MiB; %u samples",
                  s.tree_peak_pss / MIB, s.tree_peak_rss / MIB,
                  s.worker_maxrss / MIB, s.worker_hwm / MIB, s.n_samples);
  g_assert_cmpfloat (s.tree_peak_pss, >=, 4.0 * mib * MIB);
  g_assert_cmpfloat (s.tree_peak_rss, >=, s.tree_peak_pss);
  g_assert_cmpfloat (s.worker_maxrss, <, 2.0 * mib * MIB);
  g_assert_cmpfloat (s.worker_hwm, <, 2.0 * mib * MIB);
  g_assert_cmpfloat (s.worker_hwm, >, 0);
  g_assert_cmpuint (s.n_samples, >=, 10);
  cb_run_sample_clear (&s);
  cb_bench_info_clear (&info);
}

/* CPU time is load-independent: the work of eight items is there whether
 * threads or forked children did it (wait4 must count reaped children), and
 * no run can use more than the machine's cores. */
static void
test_cpu_use (gconstpointer data)
{
  const char *strategy = data;
  const char *pool = strcmp (strategy, "gthreadpool") == 0 ? "threads=2"
                                                           : "processes=2";
  const char *p[] = { "items=8", "complexity=300000", pool, NULL };
  CbBenchInfo info = { 0 };
  CbRunSample s;
  run_one ("sieve", strategy, p, &info, &s);
  double cpu = s.cpu_user + s.cpu_sys;
  g_test_message ("%s: wall %.3f s, cpu %.3f s", strategy, s.wall, cpu);
  g_assert_cmpfloat (cpu, >, 0.05);
  g_assert_cmpfloat (cpu, <, g_get_num_processors () * s.wall * 1.2 + 0.05);
  g_assert_cmpuint (s.ctx_voluntary + s.ctx_involuntary, >, 0);
  cb_run_sample_clear (&s);
  cb_bench_info_clear (&info);
}

/* The api workload reports its waits; completion times cannot beat them,
 * and an all-in-flight loop ends at about the longest item. */
static void
test_latency_bound_info (void)
{
  const char *params[] = { "items=10", "max-latency=0.02", "mode=async",
                           NULL };
  CbBenchInfo info = { 0 };
  CbRunSample s;
  run_one ("api", "gmainloop", params, &info, &s);
  g_assert_true (info.latency_bound);
  g_assert_true (info.can_async);
  g_assert_cmpuint (info.n_items, ==, 10);
  g_assert_cmpuint (info.slots, ==, 10);
  double longest = 0;
  for (guint i = 0; i < info.n_items; i++)
    {
      g_assert_cmpfloat (info.item_waits[i], >=, 0);
      g_assert_cmpfloat (info.item_waits[i], <=, 2 * 0.02);
      /* A timer never fires early. */
      g_assert_cmpfloat (s.service[i], >=, info.item_waits[i] - 1e-4);
      g_assert_cmpfloat (s.completion[i], >=, info.item_waits[i] - 1e-4);
      longest = MAX (longest, info.item_waits[i]);
    }
  double ideal = cb_ideal_makespan (info.item_waits, info.n_items,
                                    info.slots, info.chunk);
  g_assert_cmpfloat_with_epsilon (ideal, longest, 1e-12);
  g_assert_cmpfloat (s.wall, >=, longest - 1e-4);
  cb_run_sample_clear (&s);
  cb_bench_info_clear (&info);
}

/* cb_results_analyse ties it together: speedup against the sequential row,
 * efficiency, percentiles, overshoot. */
static void
test_analysis (void)
{
  const char *params[] = { "items=8", "max-latency=0.01", "threads=8", NULL };
  const char *ss[] = { "sequential", "gthreadpool", NULL };
  const char *ws[] = { "api", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite
      = cb_suite_new_adhoc (registry, ws, ss, params, NULL, &error);
  g_assert_no_error (error);
  CbRunOptions options = { .seed = 3, .timeout = 120, .memory_interval = 0.01 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (GPtrArray) results
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);

  for (guint b = 0; b < suite->benchmarks->len; b++)
    {
      CbResult *r = cb_result_new (suite->benchmarks->pdata[b], b);
      g_ptr_array_add (results, r);
      for (guint run = 0; run < 3; run++)
        {
          CbRunSample s;
          g_assert_true (cb_runner_run (runner, r->bench, &r->info, &s, NULL));
          g_array_append_val (r->samples, s);
        }
      r->status = CB_RESULT_OK;
    }
  cb_results_analyse (results, 2, TRUE);
  const CbResult *seq = results->pdata[0], *pool = results->pdata[1];
  g_assert_cmpfloat_with_epsilon (seq->speedup, 1.0, 1e-9);
  /* valgrind runs one thread at a time, and slowly. */
  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") == NULL)
    g_assert_cmpfloat (pool->speedup, >, 1.5);
  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") == NULL)
    g_assert_cmpfloat (seq->efficiency, >, 0.2); /* generous: a loaded machine */
  g_assert_cmpfloat (seq->efficiency, <=, 1.0 + 1e-6);
  g_assert_true (isnan (seq->karp_flatt)); /* latency-bound */
  g_assert_true (seq->has_overshoot);
  g_assert_cmpfloat (seq->overshoot_mean, >=, -1e-4);
  g_assert_cmpfloat (seq->completion.p50, <=, seq->completion.p90);
  g_assert_cmpfloat (seq->completion.p90, <=, seq->completion.max);
  g_assert_cmpfloat (seq->completion.max, <=, seq->wall.max + 1e-3);
  g_assert_cmpfloat (pool->cpu_util, >=, 0);
}

static CbPlan *
plan_for (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_ptr_array_add (argv, (gpointer) "concbench");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  int argc = (int) argv->len - 1;
  char **v = (char **) argv->pdata;
  g_autoptr (CbOptions) options = cb_options_parse (&argc, &v, &error);
  g_assert_no_error (error);
  CbPlan *plan = cb_plan_new (registry, options, &error);
  g_assert_no_error (error);
  return plan;
}

/* A CPU-bound workload without a sequential row: the session measures the
 * planned one after the requested rows, named for what it is, and the
 * other rows' speedup and efficiency come from it. */
static void
test_added_baseline (void)
{
  const char *args[] = { "-w", "sieve", "-s", "gthreadpool", "-p", "items=4",
                         "-p", "complexity=20000", "-p", "threads=2",
                         "--warmups", "0", "--runs", "2", NULL };
  g_autoptr (CbPlan) plan = plan_for (args);
  g_autoptr (CbRunner) runner = cb_runner_new (&plan->settings.run);
  g_autoptr (GPtrArray) results = cb_session_run (runner, plan, FALSE);
  cb_results_analyse (results, 2, plan->settings.memory_sampled);

  g_assert_cmpuint (results->len, ==, 2);
  const CbResult *pool = results->pdata[0], *base = results->pdata[1];
  /* Whichever strategy is flagged first (sequential, here). */
  const CbPlugin *flagged = cb_registry_find_baseline (registry);
  g_autofree char *name = g_strdup_printf (
      "sieve items=4 complexity=20000 / %s (baseline added for efficiency)",
      flagged->desc->strategy->name);
  g_assert_cmpstr (pool->bench->strategy->desc->name, ==, "gthreadpool");
  g_assert_true (base->bench->strategy == flagged);
  g_assert_cmpstr (base->bench->name, ==, name);
  g_assert_cmpuint (base->index, ==, 1);
  g_assert_cmpint (base->status, ==, CB_RESULT_OK);
  g_assert_cmpuint (base->samples->len, ==, 2);
  g_assert_true (cb_results_find_baseline (results, pool) == base);
  g_assert_cmpfloat_with_epsilon (base->speedup, 1.0, 1e-9);
  g_assert_true (isfinite (pool->speedup) && pool->speedup > 0);
  g_assert_true (isfinite (pool->efficiency));
  g_assert_cmpstr (pool->ideal_basis, ==, "sequential time / min(slots, CPUs)");
}

/* A planned baseline whose workload never ran successfully is not run,
 * and has no row: nothing would be measured against it. */
static void
test_added_baseline_not_wanted (void)
{
  if (test_skip_if_static ())
    return;
  const char *args[] = { "-w", "crashy", "-s", "gthreadpool", "-p",
                         "how=error", "--warmups", "0", "--runs", "1",
                         NULL };
  g_autoptr (CbPlan) plan = plan_for (args);
  g_assert_cmpuint (plan->suite->benchmarks->len, ==, 2);
  g_autoptr (CbRunner) runner = cb_runner_new (&plan->settings.run);
  g_autoptr (GPtrArray) results = cb_session_run (runner, plan, FALSE);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_cmpint (((CbResult *) results->pdata[0])->status, ==,
                   CB_RESULT_FAILED);
}

/* The wall-time statistics are those of the runs there are, recomputed
 * after each new run. */
static void
test_wall_stats_follow_runs (void)
{
  g_autoptr (CbSuite) suite = test_make_suite (registry, "sieve", "sequential",
                                               NULL);
  g_autoptr (CbResult) r = cb_result_new (suite->benchmarks->pdata[0], 0);
  g_assert_cmpuint (cb_result_wall_stats (r)->n, ==, 0);
  g_assert_cmpfloat (cb_result_wall_stats (r)->mean, ==, 0);
  const double walls[] = { 1.0, 3.0 };
  for (guint i = 0; i < G_N_ELEMENTS (walls); i++)
    {
      CbRunSample s = { .wall = walls[i] };
      g_array_append_val (r->samples, s);
      const CbStats *st = cb_result_wall_stats (r);
      g_assert_cmpuint (st->n, ==, i + 1);
      g_assert_cmpfloat (st->max, ==, walls[i]);
    }
  g_assert_cmpfloat (cb_result_wall_stats (r)->mean, ==, 2.0);
  g_assert_true (cb_result_wall_stats (r) == &r->wall);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_func ("/measure/tree-memory", test_tree_memory);
  g_test_add_data_func ("/measure/cpu-use/threads", "gthreadpool",
                        test_cpu_use);
  g_test_add_data_func ("/measure/cpu-use/processes", "procpool",
                        test_cpu_use);
  g_test_add_func ("/measure/latency-bound-info", test_latency_bound_info);
  g_test_add_func ("/measure/analysis", test_analysis);
  g_test_add_func ("/measure/added-baseline", test_added_baseline);
  g_test_add_func ("/measure/added-baseline-not-wanted",
                   test_added_baseline_not_wanted);
  g_test_add_func ("/measure/wall-stats-follow-runs",
                   test_wall_stats_follow_runs);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
