/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Performance counters: the --counters names, the software counters of real
 * runs against getrusage's figures for the same worker tree (threads and
 * reaped children included through inherit), and the one note a machine
 * without a PMU gets. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "counters-report.h"
#include "counters.h"
#include "params.h"
#include "runner.h"
#include "testutil.h"

#define BIT(c) CB_COUNTER_BIT (CB_COUNTER_##c)

static CbRegistry *registry;

static void
test_parse_names (void)
{
  guint32 mask = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (cb_counters_parse ("task-clock", &mask, &error));
  g_assert_cmphex (mask, ==, BIT (TASK_CLOCK));
  g_assert_true (cb_counters_parse ("page-faults,cycles", &mask, &error));
  g_assert_cmphex (mask, ==, BIT (PAGE_FAULTS) | BIT (CYCLES));
  g_assert_true (cb_counters_parse ("software", &mask, &error));
  g_assert_cmphex (mask, ==, CB_COUNTERS_SOFTWARE);
  g_assert_true (cb_counters_parse ("all", &mask, &error));
  g_assert_cmphex (mask, ==, CB_COUNTERS_ALL);
  g_assert_true (cb_counters_parse ("ipc,branch-misses", &mask, &error));
  g_assert_cmphex (mask, ==,
                   BIT (CYCLES) | BIT (INSTRUCTIONS) | BIT (BRANCH_MISSES));
  g_assert_true (cb_counters_parse ("none", &mask, &error));
  g_assert_cmphex (mask, ==, 0);
  g_assert_no_error (error);

  const char *bad[] = { "", "cycles,", "Cycles", "task_clock", "cpu-clock",
                        "cycles,,instructions" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      mask = 0x55;
      g_assert_false (cb_counters_parse (bad[i], &mask, &error));
      g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
      g_assert_cmphex (mask, ==, 0x55);
      g_clear_error (&error);
    }
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    {
      g_assert_true (cb_counters_parse (cb_counter_name (c), &mask, NULL));
      g_assert_cmphex (mask, ==, CB_COUNTER_BIT (c));
    }
}

static gboolean
notes_equal (const CbCounterReading *r, guint32 shown, const char *expected)
{
  g_auto (GStrv) notes = cb_counters_notes (r, shown);
  g_autofree char *joined = g_strjoinv ("|", notes);
  g_test_message ("notes: %s", joined);
  return g_strcmp0 (joined, expected) == 0;
}

/* The notes from readings made up for what this machine cannot show: a
 * refused perf_event_open, a non-root worker under paranoid 2, a busy PMU
 * that multiplexed. */
static void
test_notes (void)
{
  CbCounterReading r = { .requested = CB_COUNTERS_SOFTWARE, .paranoid = 3 };
  for (guint c = 0; c < 4; c++)
    r.errnos[c] = EACCES;
  g_autofree char *refused = g_strdup_printf (
      "software counters: not available: perf_event_open refused (%s; "
      "perf_event_paranoid 3, or a sandbox)",
      g_strerror (EACCES));
  g_assert_true (notes_equal (&r, CB_COUNTERS_ALL, refused));
  /* Only what is shown is spoken of. */
  g_assert_true (notes_equal (&r, CB_COUNTERS_HARDWARE, ""));

  CbCounterReading u = { .requested = CB_COUNTERS_ALL, .paranoid = 2 };
  u.counted = BIT (TASK_CLOCK) | BIT (PAGE_FAULTS) | BIT (CYCLES)
              | BIT (INSTRUCTIONS);
  u.user_only = BIT (PAGE_FAULTS) | BIT (CYCLES) | BIT (INSTRUCTIONS);
  u.scaled = BIT (CYCLES);
  u.errnos[CB_COUNTER_CONTEXT_SWITCHES] = CB_COUNTER_ERRNO_KERNEL_ONLY;
  u.errnos[CB_COUNTER_CPU_MIGRATIONS] = CB_COUNTER_ERRNO_KERNEL_ONLY;
  u.errnos[CB_COUNTER_CACHE_MISSES] = ENOENT;
  u.errnos[CB_COUNTER_BRANCH_MISSES] = ENOENT;
  g_assert_true (notes_equal (
      &u, CB_COUNTERS_ALL,
      "context-switches, cpu-migrations: not available: counted in the "
      "kernel, which perf_event_paranoid 2 keeps from a worker that is not "
      "root|cache-misses, branch-misses: not exposed by this machine|"
      "page-faults, cycles, instructions: user space only (kernel profiling "
      "refused by perf_event_paranoid 2)|cycles: multiplexed, scaled by time "
      "enabled / running"));

  /* Means: over the runs that counted, and IPC as a ratio of means. */
  CbCounterReading runs[2] = { u, u };
  runs[0].values[CB_COUNTER_TASK_CLOCK] = 1000000000;
  runs[1].values[CB_COUNTER_TASK_CLOCK] = 3000000000;
  runs[0].values[CB_COUNTER_CYCLES] = 100;
  runs[1].values[CB_COUNTER_CYCLES] = 300;
  runs[0].values[CB_COUNTER_INSTRUCTIONS] = 300;
  runs[1].values[CB_COUNTER_INSTRUCTIONS] = 500;
  runs[1].counted &= ~BIT (PAGE_FAULTS);
  runs[0].values[CB_COUNTER_PAGE_FAULTS] = 7;
  CbCounterMeans m;
  cb_counter_means_compute (runs, 2, &m);
  g_assert_cmpfloat_with_epsilon (m.mean[CB_COUNTER_TASK_CLOCK], 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (m.mean[CB_COUNTER_PAGE_FAULTS], 7, 1e-12);
  g_assert_cmpfloat_with_epsilon (m.ipc, 2.0, 1e-12);
  g_assert_true (isnan (m.mean[CB_COUNTER_CACHE_MISSES]));
  g_assert_cmphex (m.counted, ==, u.counted);
  g_assert_cmphex (m.scaled, ==, BIT (CYCLES));
}

static void
test_unknown_name_is_usage_error (void)
{
  g_autoptr (TestExec) e = test_exec ("--counters=cycles,bogus", NULL);
  test_assert_usage_error (e, "'bogus' is not a counter");
}

static void
run_one (const char *workload, const char *strategy,
         const char *const *params, guint32 counters, CbRunSample *sample)
{
  CbRunOptions options = { .seed = 1, .timeout = 120, .counters = counters };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, workload, strategy, params);
  g_autoptr (GError) error = NULL;
  CbBenchInfo info = { 0 };
  if (!cb_runner_run (runner, suite->benchmarks->pdata[0], &info, sample,
                      &error))
    g_error ("%s/%s: %s", workload, strategy, error->message);
  cb_bench_info_clear (&info);
}

static gboolean
counted (const CbRunSample *s, CbCounter c)
{
  if (s->counters.counted & CB_COUNTER_BIT (c))
    return TRUE;
  g_test_message ("%s not counted (errno %d)", cb_counter_name (c),
                  s->counters.errnos[c]);
  return FALSE;
}

/* Generous: the two clocks sample differently, and a loaded machine adds
 * noise to both; a tree the counters missed (no inherit) would be off by
 * the whole factor of its threads or children. */
static void
assert_close (double counter, double rusage, double slack)
{
  g_assert_cmpfloat (fabs (counter - rusage), <=, 0.3 * rusage + slack);
}

/* task-clock is CPU time: that of several threads, or of child processes
 * the strategy forked and reaped, must equal getrusage's over execute. */
static void
test_task_clock (gconstpointer data)
{
  const char *strategy = data;
  const char *pool = strcmp (strategy, "pthread") == 0 ? "threads=2"
                                                       : "processes=2";
  const char *p[] = { "items=8", "complexity=300000", pool, NULL };
  CbRunSample s;
  run_one ("sieve", strategy, p, CB_COUNTERS_SOFTWARE, &s);
  if (!counted (&s, CB_COUNTER_TASK_CLOCK))
    {
      g_test_skip ("perf_event_open refused on this system");
      cb_run_sample_clear (&s);
      return;
    }
  double task = s.counters.values[CB_COUNTER_TASK_CLOCK] / 1e9;
  double cpu = s.cpu_user + s.cpu_sys;
  g_test_message ("%s: task-clock %.3f s, getrusage %.3f s, wall %.3f s",
                  strategy, task, cpu, s.wall);
  g_assert_cmpfloat (cpu, >, 0.05);
  assert_close (task, cpu, 0.02);
  cb_run_sample_clear (&s);
}

/* Four pool processes each touch 8 MiB: their faults happen in children,
 * which only an inherited counter sees. */
static void
test_page_faults (void)
{
  const char *p[] = { "items=4", "mib=8", "hold=0", "processes=4", NULL };
  CbRunSample s;
  if (test_skip_if_static ())
    return;
  run_one ("memhog", "procpool", p, CB_COUNTERS_SOFTWARE, &s);
  if (!counted (&s, CB_COUNTER_PAGE_FAULTS))
    {
      g_test_skip ("perf_event_open refused on this system");
      cb_run_sample_clear (&s);
      return;
    }
  double faults = (double) s.counters.values[CB_COUNTER_PAGE_FAULTS];
  g_test_message ("page-faults %.0f, getrusage %" G_GUINT64_FORMAT, faults,
                  s.faults);
  g_assert_cmpuint (s.faults, >, 0);
  assert_close (faults, (double) s.faults, 200);
  cb_run_sample_clear (&s);
}

/* Sequentially, every timer item is a sleep: the worker must switch out
 * at least once per item. */
static void
test_context_switches (void)
{
  const guint items = 20;
  g_autofree char *n = g_strdup_printf ("items=%u", items);
  const char *p[] = { n, "max-latency=0.005", NULL };
  CbRunSample s;
  run_one ("api", "sequential", p, CB_COUNTERS_SOFTWARE, &s);
  if (!counted (&s, CB_COUNTER_CONTEXT_SWITCHES))
    {
      /* Only the kernel counts them: refused to a non-root worker under
       * perf_event_paranoid >= 2, and then said so, not shown as 0. */
      g_assert_cmpint (s.counters.errnos[CB_COUNTER_CONTEXT_SWITCHES], !=, 0);
      g_test_skip ("context switches cannot be counted here");
      cb_run_sample_clear (&s);
      return;
    }
  g_test_message ("context-switches %" G_GUINT64_FORMAT " for %u sleeps",
                  s.counters.values[CB_COUNTER_CONTEXT_SWITCHES], items);
  g_assert_cmpuint (s.counters.values[CB_COUNTER_CONTEXT_SWITCHES], >=,
                    items);
  cb_run_sample_clear (&s);
}

static gboolean
machine_has_pmu (void)
{
  return g_file_test ("/sys/bus/event_source/devices/cpu", G_FILE_TEST_EXISTS)
         || g_file_test ("/sys/bus/event_source/devices/cpu_core",
                         G_FILE_TEST_EXISTS);
}

/* Every hardware counter of every row fails alike on a machine without a
 * PMU: one note for them all, in the footer and in the JSON. */
static void
test_hardware_not_exposed (void)
{
  const char *p[] = { "items=4", "complexity=10000", NULL };
  CbRunSample s;
  run_one ("sieve", "sequential", p, CB_COUNTERS_ALL, &s);
  if (machine_has_pmu ())
    {
      g_test_message ("this machine has a PMU: %s",
                      s.counters.counted & CB_COUNTERS_HARDWARE ? "counted"
                                                                : "refused");
      cb_run_sample_clear (&s);
      g_test_skip ("a PMU exists here: hardware counters may be counted");
      return;
    }
  g_assert_cmphex (s.counters.counted & CB_COUNTERS_HARDWARE, ==, 0);
  CbCounterReading state = { 0 };
  for (guint k = 0; k < 3; k++)
    cb_counters_merge_state (&state, &s.counters);
  g_auto (GStrv) notes = cb_counters_notes (&state, CB_COUNTERS_ALL);
  guint hardware = 0;
  for (guint i = 0; notes[i] != NULL; i++)
    {
      g_test_message ("note: %s", notes[i]);
      hardware += strstr (notes[i], "cycles") != NULL
                  || g_str_has_prefix (notes[i], "hardware");
    }
  g_assert_cmpuint (hardware, ==, 1);
  g_assert_true (g_strv_contains ((const char *const *) notes,
                                  "hardware counters: not exposed by this "
                                  "machine"));
  cb_run_sample_clear (&s);
}

/* The same through the program: the table's footer says it once for a
 * suite of several rows, and the JSON carries it. */

/* g_strsplit rather than strstr from a match: gcc's sanitizer build reads
 * strstr (match + 1, ...) as an overread. */
static guint
count_occurrences (const char *haystack, const char *needle)
{
  g_auto (GStrv) parts = g_strsplit (haystack, needle, -1);
  return g_strv_length (parts) - 1;
}

static void
test_note_once_in_outputs (void)
{
  if (machine_has_pmu ())
    {
      g_test_skip ("a PMU exists here");
      return;
    }
  g_autofree char *json
      = g_build_filename (g_get_tmp_dir (), "cb-counters-XXXXXX.json", NULL);
  int fd = g_mkstemp (json);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_autofree char *export = g_strconcat ("--export=", json, NULL);
  g_autoptr (TestExec) e
      = test_exec ("-w", "sieve", "-s", "pthread", "-p", "items=4",
                   "-p", "complexity=10000", "-p", "threads=1,2",
                   "--runs", "2", "--warmups", "0", "--counters=all", export,
                   NULL);
  g_assert_cmpint (e->status, ==, 0);
  const char *note = "hardware counters: not exposed by this machine";
  g_assert_cmpuint (count_occurrences (e->out, note), ==, 1);
  g_assert_nonnull (strstr (e->out, "task-clock (ms)"));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  g_assert_cmpuint (count_occurrences (text, note), ==, 1);
  g_assert_nonnull (strstr (text, "\"counters_scaled\""));
  g_unlink (json);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_func ("/counters/parse-names", test_parse_names);
  g_test_add_func ("/counters/unknown-name", test_unknown_name_is_usage_error);
  g_test_add_func ("/counters/notes", test_notes);
  g_test_add_data_func ("/counters/task-clock/threads", "pthread",
                        test_task_clock);
  g_test_add_data_func ("/counters/task-clock/processes", "procpool",
                        test_task_clock);
  g_test_add_func ("/counters/page-faults/processes", test_page_faults);
  g_test_add_func ("/counters/context-switches", test_context_switches);
  g_test_add_func ("/counters/hardware-not-exposed",
                   test_hardware_not_exposed);
  g_test_add_func ("/counters/note-once", test_note_once_in_outputs);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
