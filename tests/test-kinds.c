/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kinds of work of issue 15, mixed and memory: through the real runner
 * under every strategy that is built, with digests equal to sequential's
 * (the runner fails a row whose digests differ from the first run of the
 * same workload parameters) and nothing left open; what the worker learns
 * of their items (waits, computing, bytes); their ideal times and
 * throughput; and their bad parameters, refused by the parser (exit 2) or,
 * across parameters, by create (the row fails with the reason). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>
#include <unistd.h>

#include "results.h"
#include "runner.h"
#include "testutil.h"

#define REFUSED "io_uring refused by the kernel or a sandbox"

static CbRegistry *registry;

/* Strategy, then up to two swept parameters. */
typedef struct {
  const char *strategy;
  const char *params[3];
} Model;

static const char *const loop_plugins[] = { CB_LOOP_PLUGINS NULL };

static const Model models[] = {
  { "gthreadpool", { "threads=1,3" } },
  { "procpool", { "processes=2", "chunk=1,3" } },
  { "gmainloop", { "mode=async,blocking", "loops=1,2" } },
  { "epoll", { "loops=1,2" } },
  { "pthread", { "threads=2", "distribution=static,queue" } },
#ifdef HAVE_OPENMP
  { "openmp", { "threads=2" } },
#endif
  { "forkeach", { "processes=2" } },
  { "spawnpool", { "processes=2", "chunk=1,2" } },
};

static const char *const mixed_params[] = { "items=6", "cpu=2",
                                            "max-latency=0.004",
                                            "transport=timer,tcp", NULL };
/* cpu-fraction's unit count comes from each worker's own calibration: the
 * digests must not follow it. */
static const char *const fraction_params[] = { "items=5", "cpu-fraction=0.3",
                                               "max-latency=0.004", NULL };
static const char *const memory_params[] = { "items=4", "size=16384",
                                             "passes=2", NULL };

/* Runs bench once; FALSE with *refused set when io_uring is refused here. */
static gboolean
run_one (CbRunner *runner, const CbBenchmark *bench, gboolean *refused)
{
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  guint fds = test_count_fds ();

  if (!cb_runner_run (runner, bench, &info, &sample, &error))
    {
      if (strstr (error->message, REFUSED) == NULL)
        g_error ("%s failed: %s", bench->name, error->message);
      *refused = TRUE;
      cb_bench_info_clear (&info);
      return FALSE;
    }
  g_assert_cmpuint (sample.n_items, ==, info.n_items);
  g_assert_cmpuint (info.n_items, >, 0);
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_true (test_no_children ());
  cb_run_sample_clear (&sample);
  cb_bench_info_clear (&info);
  return TRUE;
}

static void
run_model (CbRunner *runner, const char *workload,
           const char *const *wparams, const char *strategy,
           const char *const *sparams, gboolean *refused)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new ();

  for (guint i = 0; wparams[i] != NULL; i++)
    g_ptr_array_add (params, (gpointer) wparams[i]);
  for (guint i = 0; sparams != NULL && i < 2 && sparams[i] != NULL; i++)
    g_ptr_array_add (params, (gpointer) sparams[i]);
  g_ptr_array_add (params, NULL);
  g_autoptr (CbSuite) suite = test_make_suite (
      registry, workload, strategy, (const char *const *) params->pdata);
  for (guint i = 0; i < suite->benchmarks->len; i++)
    if (!run_one (runner, suite->benchmarks->pdata[i], refused))
      return;
}

/* Sequential first: every later run is checked against its digests. */
static void
run_everywhere (const char *workload, const char *const *wparams)
{
  const char *const loops[] = { "loops=1,2", NULL };
  CbRunOptions options = { .seed = 11, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  gboolean refused = FALSE;

  run_model (runner, workload, wparams, "sequential", NULL, &refused);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    run_model (runner, workload, wparams, models[m].strategy,
               models[m].params, &refused);
  for (guint l = 0; loop_plugins[l] != NULL; l++)
    run_model (runner, workload, wparams, loop_plugins[l], loops, &refused);
  if (refused)
    g_test_skip (REFUSED ": its rows were not run");
}

static void
test_mixed_everywhere (void)
{
  run_everywhere ("mixed", mixed_params);
  run_everywhere ("mixed", fraction_params);
}

static void
test_memory_everywhere (void)
{
  run_everywhere ("memory", memory_params);
}

/* ---- what the worker learns of the items ---- */

static void
first_info (const char *workload, const char *const *params,
            CbBenchInfo *info, CbRunSample *sample)
{
  CbRunOptions options = { .seed = 5, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, workload, "sequential", params);
  g_autoptr (GError) error = NULL;

  if (!cb_runner_run (runner, suite->benchmarks->pdata[0], info, sample,
                      &error))
    g_error ("%s failed: %s", workload, error->message);
}

/* mixed's waits are api's GET latencies for the same seed: api's wait for
 * an item without a PUT (record id not 1 mod 3) is its GET alone. */
static void
test_mixed_info (void)
{
  const char *mixed[] = { "items=9", "cpu=4", "max-latency=0.003", NULL };
  const char *api[] = { "items=9", "max-latency=0.003", NULL };
  CbBenchInfo mi = { 0 }, ai = { 0 };
  CbRunSample ms, as;

  first_info ("mixed", mixed, &mi, &ms);
  first_info ("api", api, &ai, &as);
  g_assert_true (mi.latency_bound);
  g_assert_nonnull (mi.item_waits);
  g_assert_nonnull (mi.item_compute);
  g_assert_null (ai.item_compute);
  g_assert_cmpuint (mi.total_bytes, ==, 0);
  for (guint i = 0; i < mi.n_items; i++)
    {
      g_assert_cmpfloat (mi.item_waits[i], >=, 0);
      g_assert_cmpfloat (mi.item_waits[i], <=, 0.003);
      /* Four units are some computing, and far below a second. */
      g_assert_cmpfloat (mi.item_compute[i], >, 0);
      g_assert_cmpfloat (mi.item_compute[i], <, 1);
      if (i % 3 != 0)
        g_assert_cmpfloat (mi.item_waits[i], ==, ai.item_waits[i]);
    }
  cb_run_sample_clear (&ms);
  cb_run_sample_clear (&as);
  cb_bench_info_clear (&mi);
  cb_bench_info_clear (&ai);
}

static void
test_memory_info (void)
{
  CbBenchInfo info = { 0 };
  CbRunSample sample;

  first_info ("memory", memory_params, &info, &sample);
  g_assert_false (info.latency_bound);
  g_assert_null (info.item_compute);
  /* 3 arrays x 16384 bytes x 2 passes per item, 4 items. */
  g_assert_cmpuint (info.total_bytes, ==, 4 * 3 * 16384 * 2);
  cb_run_sample_clear (&sample);
  cb_bench_info_clear (&info);
}

/* ---- figures: ideal time with computing, throughput ---- */

static CbResult *
measured_row (const char *workload, const char *const *params, guint runs)
{
  CbRunOptions options = { .seed = 2, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  CbSuite *suite = test_make_suite (registry, workload, "sequential", params);
  CbResult *result = cb_result_new (suite->benchmarks->pdata[0], 0);

  for (guint r = 0; r < runs; r++)
    {
      CbRunSample sample;
      g_autoptr (GError) error = NULL;

      if (!cb_runner_run (runner, result->bench, &result->info, &sample,
                          &error))
        g_error ("%s failed: %s", workload, error->message);
      g_array_append_val (result->samples, sample);
    }
  result->status = CB_RESULT_OK;
  g_test_queue_destroy ((GDestroyNotify) cb_suite_free, suite);
  return result;
}

static void
test_mixed_ideal (void)
{
  g_autoptr (CbResult) r = measured_row ("mixed", mixed_params, 2);
  g_autoptr (GPtrArray) results = g_ptr_array_new ();
  double waits = 0, both = 0;

  g_ptr_array_add (results, r);
  cb_results_analyse (results, 2, FALSE);
  g_assert_nonnull (r->info.item_compute);
  for (guint i = 0; i < r->info.n_items; i++)
    {
      waits += r->info.item_waits[i];
      both += r->info.item_waits[i] + r->info.item_compute[i];
    }
  /* One slot: every wait and every computing in sequence. */
  g_assert_cmpuint (r->info.slots, ==, 1);
  g_assert_cmpfloat (r->ideal, >, waits);
  g_assert_cmpfloat_with_epsilon (r->ideal, both, 1e-12);
  g_assert_nonnull (strstr (r->ideal_basis, "computing"));
  g_assert_false (r->has_throughput);
}

static void
test_memory_throughput (void)
{
  g_autoptr (CbResult) r = measured_row ("memory", memory_params, 3);
  g_autoptr (GPtrArray) results = g_ptr_array_new ();
  double sum = 0;

  g_ptr_array_add (results, r);
  cb_results_analyse (results, 2, FALSE);
  g_assert_true (r->has_throughput);
  g_assert_cmpuint (r->throughput.n, ==, 3);
  for (guint i = 0; i < r->samples->len; i++)
    sum += r->info.total_bytes
           / g_array_index (r->samples, CbRunSample, i).wall;
  g_assert_cmpfloat_with_epsilon (r->throughput.mean, sum / 3,
                                  1e-9 * r->throughput.mean);
  g_assert_cmpfloat (r->throughput.min, <=, r->throughput.max);
}

/* ---- bad parameters ---- */

/* A value out of a parameter's range: exit 2, one line, nothing run. */
static void
test_bad_params (void)
{
  static const struct {
    const char *args[5]; /* NULL-terminated */
    const char *needle;
  } cases[] = {
    { { "-w", "mixed", "-p", "items=0" }, "parameter 'items': 0 is below" },
    { { "-w", "mixed", "-p", "cpu=1000001" }, "parameter 'cpu': 1000001 is above" },
    { { "-w", "mixed", "-p", "cpu-fraction=0.96" }, "parameter 'cpu-fraction'" },
    { { "-w", "mixed", "-p", "cpu-fraction=-0.1" }, "parameter 'cpu-fraction'" },
    { { "-w", "mixed", "-p", "max-latency=3601" }, "parameter 'max-latency'" },
    { { "-w", "mixed", "-p", "transport=udp" }, "'udp' is not one of timer" },
    { { "-w", "memory", "-p", "size=1000" }, "parameter 'size': 1000 is below" },
    { { "-w", "memory", "-p", "size=68719476737" }, "parameter 'size'" },
    { { "-w", "memory", "-p", "passes=0" }, "parameter 'passes': 0 is below" },
    { { "-w", "memory", "-p", "items=1000001" }, "parameter 'items'" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec = test_execv (cases[i].args);
      test_assert_usage_error (exec, cases[i].needle);
      g_assert_cmpstr (exec->out, ==, "");
    }
}

static void
assert_create_refuses (const char *workload, const char *const *params,
                       const char *needle)
{
  CbRunOptions options = { .seed = 1, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, workload, "sequential", params);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  guint fds = test_count_fds ();

  g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                                 &sample, &error));
  if (strstr (error->message, needle) == NULL)
    g_error ("expected '%s' in '%s'", needle, error->message);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_true (test_no_children ());
  cb_bench_info_clear (&info);
}

/* What only holds across parameters is create's to check: the row fails
 * with the numbers, and concbench makes it a usage error. */
static void
test_create_refusals (void)
{
  const char *both[] = { "cpu=3", "cpu-fraction=0.5", NULL };
  const char *no_wait[] = { "cpu-fraction=0.5", "max-latency=0", NULL };
  const char *ragged[] = { "size=1028", NULL };
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);
  /* One item in flight: three arrays just over half the memory. */
  guint64 half = (guint64) pages * (guint64) page / 2;
  g_autofree char *size
      = g_strdup_printf ("size=%" G_GUINT64_FORMAT, (half / 3 + 8) / 8 * 8);
  const char *huge[] = { "items=1", size, NULL };

  assert_create_refuses ("mixed", both,
                         "give cpu or cpu-fraction, not both (cpu=3 "
                         "cpu-fraction=0.5)");
  assert_create_refuses ("mixed", no_wait, "needs waits, but max-latency is 0");
  assert_create_refuses ("memory", ragged,
                         "size must be a whole number of 8-byte doubles");
  if (pages > 0 && page > 0 && (half / 3 + 8) <= G_GUINT64_CONSTANT (68719476736))
    assert_create_refuses ("memory", huge, "above half the");

  /* Through concbench: a usage error of one line (exit 2), and the reason
   * on the failed row. */
  g_autoptr (TestExec) exec
      = test_exec ("-w", "memory", "-s", "sequential", "-p", "size=1028",
                   "--runs", "1", "--warmups", "0", NULL);
  test_assert_usage_error (exec, "memory: size must be a whole number");
  g_assert_nonnull (strstr (exec->out, "memory: size must be a whole number"));
}

/* Both are listed with their parameters. */
static void
test_listed (void)
{
  g_autoptr (TestExec) exec = test_exec ("--list-plugins", NULL);
  const char *needles[] = { "workload mixed:", "cpu-fraction  double",
                            "max-latency", "workload memory:",
                            "passes  uint", "size    uint" };

  g_assert_cmpint (exec->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    if (strstr (exec->out, needles[i]) == NULL)
      g_error ("--list-plugins lacks '%s'", needles[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (NULL);
  /* The runner's checks first: they count this process's descriptors, and
   * GLib closes a finished subprocess's pipes from a thread of its own,
   * maybe while a later test counts. */
  g_test_add_func ("/kinds/mixed/info", test_mixed_info);
  g_test_add_func ("/kinds/memory/info", test_memory_info);
  g_test_add_func ("/kinds/mixed/ideal", test_mixed_ideal);
  g_test_add_func ("/kinds/memory/throughput", test_memory_throughput);
  g_test_add_func ("/kinds/mixed/everywhere", test_mixed_everywhere);
  g_test_add_func ("/kinds/memory/everywhere", test_memory_everywhere);
  g_test_add_func ("/kinds/params/create-refusals", test_create_refusals);
  g_test_add_func ("/kinds/params/listed", test_listed);
  g_test_add_func ("/kinds/params/bad", test_bad_params);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
