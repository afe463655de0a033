/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The open-loop load (issue 16) measures what it says: arrivals on
 * schedule, a single queue below and above its capacity, latency counted
 * from the intended arrival so that a stall is not hidden (coordinated
 * omission), and --rate/--arrivals refused when wrong. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "arrivals.h"
#include "load.h"
#include "load-auto.h"
#include "plan.h"
#include "results.h"
#include "runner.h"
#include "stats-dist.h"
#include "testutil.h"

static CbRegistry *registry;

/* One analysed row of workload x strategy at rate, run n_runs times. */
static CbResult *
run_row (const char *workload, const char *strategy,
         const char *const *params, double rate, guint n_runs,
         CbSuite **suite_out)
{
  CbSuite *suite = test_make_suite (registry, workload, strategy, params);
  CbBenchmark *bench = suite->benchmarks->pdata[0];
  CbRunOptions options = { .seed = 7, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (GPtrArray) results = g_ptr_array_new ();

  bench->rate = rate;
  bench->arrivals = CB_ARRIVALS_CONSTANT;
  CbResult *r = cb_result_new (bench, 0);
  for (guint run = 0; run < n_runs; run++)
    {
      CbRunSample s;
      g_autoptr (GError) error = NULL;
      gboolean ok = cb_runner_run (runner, bench, &r->info, &s, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_array_append_val (r->samples, s);
    }
  r->status = CB_RESULT_OK;
  g_ptr_array_add (results, r);
  cb_results_analyse (results, 2, FALSE);
  *suite_out = suite;
  return r;
}

static void
test_constant_arrivals (void)
{
  const double rates[] = { 1000, 300, 7.5 };
  for (guint k = 0; k < G_N_ELEMENTS (rates); k++)
    {
      g_autofree gint64 *at
          = cb_arrivals_schedule (CB_ARRIVALS_CONSTANT, rates[k], 1, 1000);
      double gap = 1e9 / rates[k];
      g_assert_cmpint (at[0], ==, 0);
      for (guint i = 1; i < 1000; i++)
        {
          /* Exactly 1/R apart, to the nanosecond the clock counts in, and
           * never drifting: each is its index over R, rounded once. */
          g_assert_cmpfloat (fabs (at[i] - i * gap), <=, 0.5);
          g_assert_cmpfloat (fabs ((at[i] - at[i - 1]) - gap), <=, 1.0);
        }
    }
  g_autofree gint64 *ms
      = cb_arrivals_schedule (CB_ARRIVALS_CONSTANT, 1000, 1, 10);
  for (guint i = 1; i < 10; i++)
    g_assert_cmpint (ms[i] - ms[i - 1], ==, 1000000);
}

static void
test_poisson_reproducible (void)
{
  g_autofree gint64 *a = cb_arrivals_schedule (CB_ARRIVALS_POISSON, 500, 3, 200);
  g_autofree gint64 *b = cb_arrivals_schedule (CB_ARRIVALS_POISSON, 500, 3, 200);
  g_autofree gint64 *c = cb_arrivals_schedule (CB_ARRIVALS_POISSON, 500, 4, 200);
  g_assert_cmpmem (a, 200 * sizeof (gint64), b, 200 * sizeof (gint64));
  g_assert_true (memcmp (a, c, 200 * sizeof (gint64)) != 0);
  g_assert_cmpint (a[0], ==, 0);
  for (guint i = 1; i < 200; i++)
    g_assert_cmpint (a[i], >=, a[i - 1]);
}

/* The gaps of a seeded Poisson schedule are exponential at the set rate
 * (Kolmogorov-Smirnov), for several seeds and rates; constant gaps, and
 * Poisson gaps tested against the wrong rate, are refused: the test has
 * the power to tell. */
static void
test_poisson_exponential (void)
{
  const double rates[] = { 50, 1000, 25000 };
  const guint n = 2000;
  g_autofree double *gaps = g_new (double, n - 1);
  for (guint k = 0; k < G_N_ELEMENTS (rates); k++)
    for (guint64 seed = 1; seed <= 3; seed++)
      {
        g_autofree gint64 *at
            = cb_arrivals_schedule (CB_ARRIVALS_POISSON, rates[k], seed, n);
        double p = NAN, p_wrong = NAN;
        for (guint i = 1; i < n; i++)
          gaps[i - 1] = (at[i] - at[i - 1]) / 1e9;
        cb_ks_exponential (gaps, n - 1, rates[k], &p);
        /* 9 tests at 0.001: a false alarm about once in a hundred runs
         * of the suite would still be too many; the seeds are fixed. */
        g_assert_cmpfloat (p, >, 0.001);
        cb_ks_exponential (gaps, n - 1, rates[k] * 1.2, &p_wrong);
        g_assert_cmpfloat (p_wrong, <, 1e-6);
      }
  g_autofree gint64 *even
      = cb_arrivals_schedule (CB_ARRIVALS_CONSTANT, 1000, 1, n);
  double p_even = NAN;
  for (guint i = 1; i < n; i++)
    gaps[i - 1] = (even[i] - even[i - 1]) / 1e9;
  cb_ks_exponential (gaps, n - 1, 1000, &p_even);
  g_assert_cmpfloat (p_even, <, 1e-6);
}

/* Below capacity a single queue never queues: response is service (plus
 * the wake-up from the core's sleep, generous on a loaded machine), and
 * the row kept up. */
static void
test_queue_below_capacity (void)
{
  const char *params[] = { "items=100", "max-latency=0.001", NULL };
  /* 2 runs of 1 s each. */
  g_autoptr (CbSuite) suite = NULL;
  g_autoptr (CbResult) r = run_row ("api", "sequential", params, 100, 2,
                                    &suite);
  const CbLoadResult *l = &r->load;

  /* Both runs' items, merged. */
  g_assert_cmpuint (cb_hist_count (l->response_hist), ==, 200);
  g_assert_cmpuint (cb_hist_count (l->queueing_hist), ==, 200);
  g_assert_true (l->open);
  g_assert_cmpfloat (l->target_rate, ==, 100);
  g_assert_cmpfloat (fabs (l->offered_rate - 100), <, 1e-6);
  g_assert_true (l->kept_up);
  g_assert_false (l->growing);
  g_assert_cmpfloat (l->response.p99, >=, l->service.p99 - 1e-6);
  g_assert_cmpfloat (l->response.p99, <=, l->service.p99 + 0.025);
  g_assert_cmpfloat (l->response.p50, <=, l->service.p50 + 0.010);
  g_assert_cmpfloat (l->queueing.p50, <, 0.010);
  g_assert_cmpfloat (fabs (l->achieved_rate - 100), <, 10);
}

/* No item starts before its intended arrival, whichever way the strategy
 * runs it: the blocking run_item (sequential, a thread pool, a process
 * pool, the item server of a spawned pool), the state machine (gmainloop
 * async and epoll on api) and GLib's run_async (asynconly on gmainloop). */
static void
test_no_early_start (void)
{
  static const char *const rows[][3] = {
    { "api", "sequential", "items=20" },
    { "api", "gthreadpool", "items=20" },
    { "api", "procpool", "items=20" },
    { "api", "spawnpool", "items=20" },
    { "api", "gmainloop", "items=20" },
    { "api", "epoll", "items=20" },
    { "asynconly", "gmainloop", "items=20" },
  };
  for (guint k = 0; k < G_N_ELEMENTS (rows); k++)
    {
#ifdef CB_STATIC_PLUGINS
      /* --disable-shared: the test plugins cannot be dlopened. */
      if (strcmp (rows[k][0], "asynconly") == 0)
        continue;
#endif
      const char *params[] = { rows[k][2], NULL, NULL };
      if (strcmp (rows[k][0], "api") == 0)
        params[1] = "max-latency=0.001";
      g_autoptr (CbSuite) suite = NULL;
      g_autoptr (CbResult) r
          = run_row (rows[k][0], rows[k][1], params, 200, 1, &suite);
      const CbRunSample *s = &g_array_index (r->samples, CbRunSample, 0);
      for (guint i = 0; i < s->n_items; i++)
        /* The service time is a float: 0.1 ppm of it. */
        g_assert_cmpfloat (s->completion[i] - s->service[i], >=,
                           s->intended[i] - 1e-6);
      /* The last of 20 items arrives at 19/200 s. */
      g_assert_cmpfloat (s->wall, >=, 0.095);
      g_assert_true (r->load.open);
    }
}

/* A strategy that relays digests (mpi) runs items where the core cannot
 * hold them: its open-loop row fails, saying why, and the others run. */
static void
test_relayed_refused (void)
{
  if (cb_registry_find_strategy (registry, "mpi") == NULL)
    {
      g_test_skip ("the mpi strategy is not built");
      return;
    }
  g_autoptr (TestExec) e = test_exec (
      "-w", "api", "-s", "mpi", "-s", "sequential", "-p", "items=4", "-p",
      "max-latency=0.001", "--rate", "400", "--warmups", "0", "--runs", "1",
      NULL);
  g_assert_cmpint (e->status, ==, 1);
  g_assert_nonnull (strstr (e->out, "no open-loop rows (--rate)"));
  g_assert_nonnull (strstr (e->out, "/ sequential @ 400/s"));
}

/* Least squares slope and R^2 of y against the index. */
static void
fit_line (const double *y, guint n, double *slope, double *r2)
{
  double mx = (n - 1) / 2.0, my = 0, sxy = 0, sxx = 0, syy = 0;
  for (guint i = 0; i < n; i++)
    my += y[i] / n;
  for (guint i = 0; i < n; i++)
    {
      sxy += (i - mx) * (y[i] - my);
      sxx += (i - mx) * (i - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
  *slope = sxy / sxx;
  *r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 0;
}

/* Above capacity (10 ms items arriving every 5 ms) the queue grows by the
 * difference with every item: response latency is a line in the item's
 * index of slope about 5 ms, and the row fell behind. */
static void
test_queue_above_capacity (void)
{
  if (test_skip_if_static ())
    return;
  const char *params[] = { "items=60", "service=0.01", NULL };
  g_autoptr (CbSuite) suite = NULL;
  g_autoptr (CbResult) r = run_row ("stall", "sequential", params, 200, 1,
                                    &suite);
  const CbRunSample *s = &g_array_index (r->samples, CbRunSample, 0);
  double response[60], slope, r2;

  g_assert_cmpuint (s->n_items, ==, 60);
  for (guint i = 0; i < 60; i++)
    response[i] = s->completion[i] - s->intended[i];
  fit_line (response, 60, &slope, &r2);
  g_assert_cmpfloat (slope, >=, 0.004);
  g_assert_cmpfloat (slope, <=, 0.030);
  g_assert_cmpfloat (r2, >, 0.9);
  g_assert_true (r->load.growing);
  g_assert_false (r->load.kept_up);
  g_assert_cmpstr (cb_load_verdict (&r->load), ==, "fell behind");
  g_assert_cmpfloat (r->load.achieved_rate, <, 0.98 * 200);
  /* Service stays the item's own 10 ms however long the queue. */
  g_assert_cmpfloat (r->load.service.p99, <, 0.1);
  g_assert_cmpfloat (r->load.response.max, >, 0.2);
}

typedef enum { RESPONSE_OF, SERVICE_OF } LatencyOf;

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* hist holds exactly the run's latencies: its count, min and max, and its
 * nearest-rank percentiles within 0.05 % (and the nanosecond each latency
 * was rounded to) of the exact ones from the sorted items. */
static void
assert_histogram (const CbHist *hist, const CbRunSample *s, LatencyOf of)
{
  g_autofree double *v = g_new (double, s->n_items);
  for (guint i = 0; i < s->n_items; i++)
    v[i] = (of == RESPONSE_OF ? s->completion[i] - s->intended[i]
                              : s->service[i]) * 1e9;
  qsort (v, s->n_items, sizeof (double), compare_doubles);
  g_assert_cmpuint (cb_hist_count (hist), ==, s->n_items);
  g_assert_cmpfloat (fabs (cb_hist_min (hist) - v[0]), <=, 1);
  g_assert_cmpfloat (fabs (cb_hist_max (hist) - v[s->n_items - 1]), <=, 1);
  const double ps[] = { 50, 90, 99, 99.9 };
  for (guint k = 0; k < G_N_ELEMENTS (ps); k++)
    {
      guint rank = MAX (1, (guint) ceil (ps[k] / 100 * s->n_items));
      double exact = v[rank - 1];
      g_assert_cmpfloat (fabs (cb_hist_percentile (hist, ps[k]) - exact), <=,
                         exact / 2048 + 1);
    }
}

/* One 200 ms stall in the middle of a constant 200/s run of 1 ms items:
 * every item that arrived during it waited for its end, and the response
 * percentiles show that; service does not.  Timed from the actual start
 * (response = service), this fails. */
static void
test_coordinated_omission (void)
{
  if (test_skip_if_static ())
    return;
  const char *params[] = { "items=200", "service=0.001", "stall=0.2", NULL };
  g_autoptr (CbSuite) suite = NULL;
  g_autoptr (CbResult) r = run_row ("stall", "sequential", params, 200, 1,
                                    &suite);
  const CbRunSample *s = &g_array_index (r->samples, CbRunSample, 0);
  guint stalled = 100; /* the middle item */
  guint during = 0;

  double stall_end = s->completion[stalled];
  g_assert_cmpfloat (s->service[stalled], >=, 0.2 - 1e-3);
  for (guint i = stalled + 1; i < s->n_items; i++)
    {
      if (s->intended[i] >= stall_end)
        break;
      during++;
      /* It waited for the stall to end, and its response says so. */
      g_assert_cmpfloat (s->completion[i] - s->intended[i], >=,
                         stall_end - s->intended[i]);
      g_assert_cmpfloat (s->service[i], <, 0.1);
    }
  /* About 40 items arrive in 200 ms at 200/s. */
  g_assert_cmpuint (during, >=, 30);
  g_assert_cmpfloat (r->load.response.p99, >, 0.15);
  g_assert_cmpfloat (r->load.response.p90, >, 0.02);
  g_assert_cmpfloat (r->load.service.p99, <, 0.05);
  g_assert_cmpfloat (r->load.queueing.p99, >, 0.15);
  assert_histogram (r->load.response_hist, s, RESPONSE_OF);
  assert_histogram (r->load.service_hist, s, SERVICE_OF);
}

/* The verdict's growth rule on made-up runs: a flat response with one
 * late outlier is not growing, a queue that keeps lengthening is. */
static void
test_growth_rule (void)
{
  double intended[100], completion[100], service[100];
  CbLoadRun run = { 100, intended, completion, service };
  CbLoadResult l;

  for (guint i = 0; i < 100; i++)
    {
      intended[i] = i * 0.01;
      service[i] = 0.002;
      completion[i] = intended[i] + 0.002;
    }
  /* The last item is slow itself: it did not wait, and one outlier is
   * no growing queue. */
  service[99] += 1.0;
  completion[99] += 1.0;
  cb_load_analyse (&run, 1, 100, &l);
  g_assert_false (l.growing);
  g_assert_true (l.kept_up);
  g_assert_cmpuint (cb_hist_count (l.response_hist), ==, 100);
  cb_load_result_clear (&l);
  for (guint i = 0; i < 100; i++)
    completion[i] = intended[i] + 0.002 + i * 0.0002;
  cb_load_analyse (&run, 1, 100, &l);
  /* The last quarter's median is over twice the second's: growing. */
  g_assert_true (l.growing);
  g_assert_false (l.kept_up);
  cb_load_result_clear (&l);
  /* Closed runs have no schedule: nothing to judge. */
  CbLoadRun closed = { 100, NULL, completion, service };
  cb_load_analyse (&closed, 1, 0, &l);
  g_assert_false (l.open);
  g_assert_null (l.response_hist);
}

static void
test_bad_input (void)
{
  const char *const cases[][2] = {
    { "--rate", "0" },     { "--rate", "-1" },       { "--rate", "abc" },
    { "--rate", "100,0" }, { "--rate", "nan" },      { "--rate", "" },
    { "--arrivals", "foo" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) e
          = test_exec ("-w", "api", "-s", "sequential", cases[i][0],
                       cases[i][1], NULL);
      test_assert_usage_error (e, cases[i][0]);
    }
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

/* --rate sweeps like a parameter: one row per rate of every row. */
static void
test_rate_sweep_rows (void)
{
  const char *args[] = { "-w", "api", "-s", "sequential", "-s", "gthreadpool",
                         "--rate", "100,200,400", "--arrivals", "poisson",
                         NULL };
  g_autoptr (CbPlan) plan = plan_for (args);
  const GPtrArray *rows = plan->suite->benchmarks;
  const double want[] = { 100, 200, 400 };

  g_assert_cmpuint (plan->n_requested, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      const CbBenchmark *b = rows->pdata[i];
      g_assert_cmpfloat (b->rate, ==, want[i % 3]);
      g_assert_cmpint (b->arrivals, ==, CB_ARRIVALS_POISSON);
      g_assert_nonnull (strstr (b->name, " @ "));
    }
  const char *closed[] = { "-w", "api", "-s", "sequential", NULL };
  g_autoptr (CbPlan) plain = plan_for (closed);
  g_assert_cmpfloat (((CbBenchmark *) plain->suite->benchmarks->pdata[0])->rate,
                     ==, 0);
}

/* A suite file sets rate and arrivals in its [suite] group. */
static void
test_suite_file_rate (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  int fd = g_file_open_tmp ("load-XXXXXX.suite", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (
      path,
      "[suite]\nrate=50,60\narrivals=poisson\n"
      "[a]\nworkload=api\nstrategy=sequential\n",
      -1, &error));
  const char *args[] = { "--suite", path, NULL };
  g_autoptr (CbPlan) plan = plan_for (args);
  g_assert_cmpuint (plan->n_requested, ==, 2);
  g_assert_cmpfloat (((CbBenchmark *) plan->suite->benchmarks->pdata[1])->rate,
                     ==, 60);
  g_assert_true (g_file_set_contents (
      path, "[suite]\nrate=fast\n[a]\nworkload=api\nstrategy=sequential\n",
      -1, &error));
  g_autoptr (TestExec) e = test_exec ("--suite", path, NULL);
  test_assert_usage_error (e, "rate");
  g_unlink (path);
}

/* path's JSON with every benchmark's "load" removed and schema_version
 * set to 1: what the same run wrote before issue 16. */
static void
write_version_1 (const char *from, const char *to)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, from, &error));
  JsonObject *top = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (top, "schema_version", 1);
  JsonArray *benches = json_object_get_array_member (top, "benchmarks");
  for (guint i = 0; i < json_array_get_length (benches); i++)
    json_object_remove_member (json_array_get_object_element (benches, i),
                               "load");
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, to, &error));
}

/* compare reads version 2 (with open-loop rows) and version 1 files, and
 * refuses a malformed "load". */
static void
test_compare_versions (void)
{
  g_autofree char *dir = g_dir_make_tmp ("load-XXXXXX", NULL);
  g_autofree char *v2 = g_build_filename (dir, "v2.json", NULL);
  g_autofree char *v1 = g_build_filename (dir, "v1.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autoptr (TestExec) run = test_exec (
      "-w", "api", "-s", "sequential", "-p", "items=20", "-p",
      "max-latency=0.001", "--rate", "1000", "--warmups", "0", "--runs", "2",
      "-o", v2, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (v2, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"schema_version\" : 2"));
  g_assert_nonnull (strstr (text, "\"verdict\" : "));
  write_version_1 (v2, v1);

  const char *pairs[][2] = { { v1, v2 }, { v2, v1 }, { v2, v2 } };
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr (TestExec) cmp
          = test_exec ("compare", pairs[i][0], pairs[i][1], NULL);
      g_assert_cmpint (cmp->status, ==, 0);
      g_assert_nonnull (strstr (cmp->out, "@ 1000/s"));
      /* Only two version 2 files both have the latencies to compare. */
      g_assert_true ((strstr (cmp->out, "Open loop:") != NULL)
                     == (pairs[i][0] == v2 && pairs[i][1] == v2));
    }
  char *verdict = strstr (text, "\"verdict\" : \"");
  memcpy (verdict + strlen ("\"verdict\" : \""), "maybe", 5);
  g_assert_true (g_file_set_contents (bad, text, -1, NULL));
  g_autoptr (TestExec) refused = test_exec ("compare", v1, bad, NULL);
  test_assert_usage_error (refused, "benchmarks[0].load: verdict");
  g_unlink (v1);
  g_unlink (v2);
  g_unlink (bad);
  g_rmdir (dir);
}

/* --rate auto: one closed row, then its sweep at the factors of the
 * capacity that closed run measured, and the summary names the highest
 * rate kept up with. */
static void
test_rate_auto (void)
{
  g_autoptr (TestExec) e = test_exec (
      "-w", "api", "-s", "sequential", "-p", "items=16", "-p",
      "max-latency=0.002", "--rate", "auto", "--warmups", "0", "--runs", "1",
      "--format", "json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_cmpint (e->status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, e->out, -1, NULL));
  JsonObject *top = json_node_get_object (json_parser_get_root (parser));
  JsonArray *rows = json_object_get_array_member (top, "benchmarks");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1 + CB_LOAD_AUTO_POINTS);
  JsonObject *closed = json_array_get_object_element (rows, 0);
  g_assert_true (json_object_get_null_member (closed, "load"));
  JsonObject *wall = json_object_get_object_member (
      json_object_get_object_member (closed, "stats"), "wall");
  double capacity = 16 / json_object_get_double_member (wall, "mean");
  for (guint k = 0; k < CB_LOAD_AUTO_POINTS; k++)
    {
      JsonObject *row = json_array_get_object_element (rows, 1 + k);
      JsonObject *load = json_object_get_object_member (row, "load");
      double rate = json_object_get_double_member (load, "rate");
      g_assert_cmpfloat (fabs (rate / capacity - cb_load_auto_factors[k]),
                         <, 1e-6);
    }
  g_autofree char *dir = g_dir_make_tmp ("load-XXXXXX", NULL);
  g_autofree char *svg = g_build_filename (dir, "load.svg", NULL);
  g_autoptr (TestExec) table = test_exec (
      "-w", "api", "-s", "sequential", "-p", "items=16", "-p",
      "max-latency=0.002", "--rate", "auto", "--warmups", "0", "--runs", "1",
      "--plot", svg, NULL);
  g_assert_cmpint (table->status, ==, 0);
  g_assert_nonnull (strstr (table->out, "Open loop"));
  g_assert_nonnull (strstr (table->out, "/ sequential kept up with"));
  /* The sweep's chart is latency against throughput, not scaling. */
  g_autofree char *chart = NULL;
  g_assert_true (g_file_get_contents (svg, &chart, NULL, NULL));
  g_assert_nonnull (strstr (chart, "<svg"));
  g_unlink (svg);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_func ("/load/arrivals/constant", test_constant_arrivals);
  g_test_add_func ("/load/arrivals/poisson-reproducible",
                   test_poisson_reproducible);
  g_test_add_func ("/load/arrivals/poisson-exponential",
                   test_poisson_exponential);
  g_test_add_func ("/load/growth-rule", test_growth_rule);
  g_test_add_func ("/load/no-early-start", test_no_early_start);
  g_test_add_func ("/load/relayed-refused", test_relayed_refused);
  g_test_add_func ("/load/queue/below-capacity", test_queue_below_capacity);
  g_test_add_func ("/load/queue/above-capacity", test_queue_above_capacity);
  g_test_add_func ("/load/coordinated-omission", test_coordinated_omission);
  g_test_add_func ("/load/bad-input", test_bad_input);
  g_test_add_func ("/load/rate-sweep-rows", test_rate_sweep_rows);
  g_test_add_func ("/load/suite-file-rate", test_suite_file_rate);
  g_test_add_func ("/load/compare-versions", test_compare_versions);
  g_test_add_func ("/load/rate-auto", test_rate_auto);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
