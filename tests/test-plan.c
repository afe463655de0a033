/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The run plan: settings precedence (command line over suite file over the
 * defaults) and the baseline rows added for CPU-bound workloads, found by
 * the strategy's CB_STRATEGY_BASELINE flag. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <glib/gstdio.h>
#include <string.h>

#include "params.h"
#include "plan.h"
#include "testutil.h"

#define ADDED " (baseline added for efficiency)"

static CbRegistry *bundled;

/* The plan for command-line arguments args (NULL-terminated, no argv[0]). */
static CbPlan *
plan_for (const CbRegistry *registry, const char *const *args,
          GError **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) "concbench");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  int argc = (int) argv->len - 1;
  char **v = (char **) argv->pdata;
  g_autoptr (CbOptions) options = cb_options_parse (&argc, &v, error);
  if (options == NULL)
    return NULL;
  g_assert_cmpint (argc, ==, 1);
  return cb_plan_new (registry, options, error);
}

static CbPlan *
plan_ok (const CbRegistry *registry, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  CbPlan *plan = plan_for (registry, args, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static const CbBenchmark *
row (const CbPlan *plan, guint i)
{
  g_assert_cmpuint (i, <, plan->suite->benchmarks->len);
  return plan->suite->benchmarks->pdata[i];
}

/* A suite file of one sieve row with the given [suite] lines; its path. */
static char *
write_suite (const char *dir, const char *name, const char *suite_lines)
{
  g_autofree char *text = g_strdup_printf (
      "[suite]\nname=t\n%s\n[row]\nname=Row\nworkload=sieve\n"
      "workload.items=2\nworkload.complexity=100\nstrategy=sequential\n",
      suite_lines);
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
assert_settings (const CbPlan *plan, guint warmups, guint runs,
                 const char *runs_text)
{
  g_assert_cmpuint (plan->settings.warmups, ==, warmups);
  g_assert_cmpuint (plan->settings.runs, ==, runs);
  g_assert_cmpstr (plan->settings.runs_text, ==, runs_text);
}

static void
test_settings_precedence (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-plan-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *bare = write_suite (dir, "bare.suite", "");
  g_autofree char *set = write_suite (dir, "set.suite", "warmups=0\nruns=5");

  const char *defaults[] = { "--suite", bare, NULL };
  g_autoptr (CbPlan) p1 = plan_ok (bundled, defaults);
  assert_settings (p1, 1, 3, "3");
  g_assert_cmpuint (p1->settings.run.seed, ==, 1);
  g_assert_true (p1->settings.interleave);
  g_assert_cmpfloat (p1->settings.run.timeout, <=, 0);

  const char *from_file[] = { "--suite", set, NULL };
  g_autoptr (CbPlan) p2 = plan_ok (bundled, from_file);
  assert_settings (p2, 0, 5, "5");

  const char *over[] = { "--suite", set, "--warmups", "2", "--runs", "7",
                         "--seed", "9", "--timeout", "4", "--no-interleave",
                         "--memory-interval", "0", NULL };
  g_autoptr (CbPlan) p3 = plan_ok (bundled, over);
  assert_settings (p3, 2, 7, "7");
  g_assert_cmpuint (p3->settings.run.seed, ==, 9);
  g_assert_cmpfloat (p3->settings.run.timeout, ==, 4);
  g_assert_false (p3->settings.interleave);
  g_assert_false (p3->settings.memory_sampled);
  g_assert_cmpfloat (p3->settings.run.memory_interval, ==, 0);

  const char *autoruns[] = { "--suite", set, "--runs", "auto", "--max-time",
                             "2.5", NULL };
  g_autoptr (CbPlan) p4 = plan_ok (bundled, autoruns);
  assert_settings (p4, 0, 0, "auto");
  g_assert_cmpfloat (p4->settings.max_time, ==, 2.5);

  g_unlink (bare);
  g_unlink (set);
  g_rmdir (dir);
}

/* sieve is CPU-bound: each of its workload keys gets one sequential row,
 * appended in the order the keys first appear; api, which knows its waits,
 * gets none. */
static void
test_baseline_added_for_cpu_bound (void)
{
  const char *args[] = { "-w", "sieve", "-w", "api", "-s", "gthreadpool",
                         "-p", "complexity=1000,2000", "-p", "threads=1,2",
                         "-p", "items=2", NULL };
  g_autoptr (CbPlan) plan = plan_ok (bundled, args);
  const CbPlugin *sequential = cb_registry_find_strategy (bundled, "sequential");

  g_assert_cmpuint (plan->n_requested, ==, 6);
  g_assert_cmpuint (plan->suite->benchmarks->len, ==, 8);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_false (cb_plan_row_is_added (plan, i));
      g_assert_null (strstr (row (plan, i)->name, ADDED));
    }
  for (guint i = 6; i < 8; i++)
    {
      g_assert_true (cb_plan_row_is_added (plan, i));
      g_assert_true (row (plan, i)->strategy == sequential);
      g_assert_true (g_str_has_suffix (row (plan, i)->name, ADDED));
      g_assert_cmpstr (row (plan, i)->workload->desc->name, ==, "sieve");
    }
  g_assert_cmpstr (row (plan, 6)->workload_key, ==, row (plan, 0)->workload_key);
  g_assert_cmpstr (row (plan, 7)->workload_key, !=, row (plan, 6)->workload_key);
  g_assert_cmpstr (row (plan, 6)->name, ==,
                   "sieve items=2 complexity=1000 / sequential" ADDED);
  g_assert_false (cb_plan_row_is_added (plan, 8));
}

static void
test_no_baseline_for_latency_bound (void)
{
  const char *args[] = { "-w", "api", "-s", "gthreadpool", "-s", "gmainloop",
                         NULL };
  g_autoptr (CbPlan) plan = plan_ok (bundled, args);
  g_assert_cmpuint (plan->n_requested, ==, 2);
  g_assert_cmpuint (plan->suite->benchmarks->len, ==, 2);
}

/* The suite's own baseline row serves its workload: nothing is added, and
 * --list-benchmarks shows the same rows as the default suite. */
static void
test_no_baseline_when_present (void)
{
  const char *args[] = { "-w", "sieve", "-s", "gthreadpool", "-s",
                         "sequential", NULL };
  g_autoptr (CbPlan) plan = plan_ok (bundled, args);
  g_assert_cmpuint (plan->suite->benchmarks->len, ==, 2);

  const char *none[] = { NULL };
  g_autoptr (CbPlan) preset = plan_ok (bundled, none);
  g_assert_cmpuint (preset->suite->benchmarks->len, ==, 28);
  g_assert_cmpuint (preset->n_requested, ==, 28);
}

/* Only the test plugins and serial: no "sequential" anywhere, but serial
 * declares CB_STRATEGY_BASELINE and is used as the baseline. */
static void
test_baseline_by_flag (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (CbRegistry) registry = cb_registry_new ();
  const char *dirs[] = { test_env ("CONCBENCH_TEST_PLUGINS"),
                         test_env ("CONCBENCH_BASELINE_PLUGIN"), NULL };
  cb_registry_scan (registry, dirs);
  g_assert_null (cb_registry_find_strategy (registry, "sequential"));
  const CbPlugin *serial = cb_registry_find_strategy (registry, "serial");
  g_assert_nonnull (serial);

  const char *args[] = { "-w", "crashy", "-s", "weird", "-p", "how=none",
                         NULL };
  g_autoptr (CbPlan) plan = plan_ok (registry, args);
  g_assert_cmpuint (plan->suite->benchmarks->len, ==, 2);
  g_assert_true (row (plan, 1)->strategy == serial);
  g_assert_cmpstr (row (plan, 1)->name, ==,
                   "crashy how=none / serial" ADDED);

  /* A row of serial is a baseline row: nothing more is needed. */
  const char *with[] = { "-w", "crashy", "-s", "weird", "-s", "serial",
                         "-p", "how=none", NULL };
  g_autoptr (CbPlan) present = plan_ok (registry, with);
  g_assert_cmpuint (present->suite->benchmarks->len, ==, 2);
  g_assert_cmpuint (present->n_requested, ==, 2);
}

/* gmainloop mode=async on sieve, which has no asynchronous form, runs its
 * items blocking: the row's name says so.  A strategy whose concurrency does
 * not depend on the asynchronous form, or a workload that has one, keeps
 * its name. */
static void
test_blocking_label (void)
{
  const char *args[] = { "-w", "sieve", "-w", "api", "-s", "gmainloop",
                         "-s", "gthreadpool", "-p", "gmainloop.mode=async,blocking",
                         "-p", "items=2", NULL };
  g_autoptr (CbPlan) plan = plan_ok (bundled, args);
  guint labelled = 0;
  for (guint i = 0; i < plan->n_requested; i++)
    {
      const CbBenchmark *b = row (plan, i);
      g_autofree char *sp = cb_param_set_describe (b->strategy_params);
      gboolean blocking_async
          = strcmp (b->workload->desc->name, "sieve") == 0
            && g_str_has_prefix (sp, "mode=async ");
      gboolean has_label = g_str_has_suffix (
          b->name, " (blocking: sieve has no asynchronous form)");
      g_test_message ("%s", b->name);
      g_assert_cmpint (has_label, ==, blocking_async);
      labelled += has_label;
    }
  g_assert_cmpuint (labelled, ==, 1);

  /* --filter sees the label, as --list-benchmarks shows it. */
  const char *filtered[] = { "-w", "sieve", "-s", "gmainloop", "--filter",
                             "blocking: sieve", NULL };
  g_autoptr (CbPlan) only = plan_ok (bundled, filtered);
  g_assert_cmpuint (only->n_requested, ==, 1);
}

/* Without --timeout a run gets 60 s plus ten times what is known of it; a
 * first run, of which nothing is known, 60 s (not 600: a plugin that hangs
 * at once must not hold the suite for ten minutes). */
static void
test_run_timeout (void)
{
  const char *none[] = { "-w", "sieve", "-s", "sequential", NULL };
  const char *given[] = { "-w", "sieve", "-s", "sequential", "--timeout",
                          "4", NULL };
  g_autoptr (CbPlan) plan = plan_ok (bundled, none);
  g_autoptr (CbPlan) fixed = plan_ok (bundled, given);
  CbBenchInfo unknown = { 0 };
  double waits[] = { 1.0, 2.0 };
  CbBenchInfo latency = { .n_items = 2, .latency_bound = TRUE,
                          .item_waits = waits };
  CbBenchInfo cpu = { .n_items = 2 };

  g_assert_cmpfloat (cb_plan_run_timeout (plan, &unknown, 0), ==, 60);
  g_assert_cmpfloat (cb_plan_run_timeout (plan, &latency, 0), ==, 90);
  g_assert_cmpfloat (cb_plan_run_timeout (plan, &latency, 5), ==, 90);
  g_assert_cmpfloat (cb_plan_run_timeout (plan, &cpu, 2), ==,
                     60 + 20.0 * g_get_num_processors ());
  g_assert_cmpfloat (cb_plan_run_timeout (fixed, &unknown, 0), ==, 4);
  g_assert_cmpfloat (cb_plan_run_timeout (fixed, &cpu, 100), ==, 4);
}

static void
test_refusals (void)
{
  static const struct {
    const char *args[6];
    const char *message;
  } cases[] = {
    { { "--suite", "x.suite", "-w", "api" },
      "--suite cannot be combined with -w, -s or --preset" },
    { { "--filter", "^nothing$" }, "no benchmark matches --filter '^nothing$'" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CbPlan) plan = plan_for (bundled, cases[i].args, &error);
      g_assert_null (plan);
      g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  bundled = test_registry (NULL);
  g_test_add_func ("/plan/settings-precedence", test_settings_precedence);
  g_test_add_func ("/plan/baseline-added-for-cpu-bound",
                   test_baseline_added_for_cpu_bound);
  g_test_add_func ("/plan/no-baseline-for-latency-bound",
                   test_no_baseline_for_latency_bound);
  g_test_add_func ("/plan/no-baseline-when-present",
                   test_no_baseline_when_present);
  g_test_add_func ("/plan/baseline-by-flag", test_baseline_by_flag);
  g_test_add_func ("/plan/run-timeout", test_run_timeout);
  g_test_add_func ("/plan/blocking-label", test_blocking_label);
  g_test_add_func ("/plan/refusals", test_refusals);
  int status = g_test_run ();
  cb_registry_free (bundled);
  return status;
}
