/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --plot: a tiny suite drawn to PNG loads back with the expected size, an
 * SVG is an SVG document, no temporary file is left behind, and bad paths
 * are refused before anything runs.  The chart's worker axis and baseline
 * come from what strategies declare, not from their names. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "plot-data.h"
#include "plot.h"
#include "results.h"
#include "testutil.h"

static char *tmpdir;

static void
run_with_plot (const char *plot)
{
  g_autoptr (TestExec) exec = test_exec (
      "-w", "api", "-w", "sieve", "-s", "sequential", "-s", "gmainloop", "-s",
      "gthreadpool", "-s", "procpool", "-p", "max-latency=0.002", "-p",
      "items=4", "-p", "complexity=2000", "-p", "threads=1,2,4", "-p",
      "processes=1,2", "--runs", "2", "--warmups", "0", "--plot", plot, NULL);
  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
}

static guint
count_files (void)
{
  g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_png (void)
{
  g_autofree char *png = g_build_filename (tmpdir, "s.png", NULL);
  run_with_plot (png);
  cairo_surface_t *image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  /* Two workloads: two rows of panels, each with its legend. */
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1280);
  g_assert_cmpint (cairo_image_surface_get_height (image), >=, 2 * 380 + 74);
  g_assert_cmpint (cairo_image_surface_get_height (image), <=, 1400);
  cairo_surface_destroy (image);
  g_assert_cmpuint (count_files (), ==, 1); /* no temporary file left */
  g_unlink (png);
}

static void
test_svg (void)
{
  g_autofree char *svg = g_build_filename (tmpdir, "s.SVG", NULL);
  g_autofree char *text = NULL;
  run_with_plot (svg);
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "width=\"1280"));
  g_assert_cmpuint (count_files (), ==, 1);
  g_unlink (svg);
}

static void
test_format_from_filename (void)
{
  CbPlotFormat f;
  g_assert_true (cb_plot_format_from_filename ("a/b.svg", &f, NULL));
  g_assert_cmpint (f, ==, CB_PLOT_SVG);
  g_assert_true (cb_plot_format_from_filename ("B.PNG", &f, NULL));
  g_assert_cmpint (f, ==, CB_PLOT_PNG);
  const char *bad[] = { "chart", "chart.pdf", ".png", "dir.png/", "x.svgz" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (cb_plot_format_from_filename (bad[i], &f, &error));
      g_assert_nonnull (error);
    }
}

static void
test_bad_paths (void)
{
  g_autoptr (TestExec) ext = test_exec ("--plot", "chart.pdf", NULL);
  test_assert_usage_error (ext, "must end in .svg or .png");
  g_autoptr (TestExec) dir = test_exec (
      "-w", "api", "-s", "sequential", "-p", "max-latency=10", "--plot",
      "/nonexistent/dir/s.svg", NULL);
  test_assert_usage_error (dir, "/nonexistent/dir/s.svg");
  g_assert_cmpstr (dir->out, ==, "");
}

/* A measured row, as the session leaves it: only what the chart reads. */
static CbResult *
fake_result (const CbBenchmark *bench, double mean)
{
  CbResult *r = cb_result_new (bench, 0);
  CbRunSample sample = { .wall = mean };
  g_array_append_val (r->samples, sample);
  r->status = CB_RESULT_OK;
  r->wall.mean = mean;
  r->wall.ci95_low = mean * 0.9;
  r->wall.ci95_high = mean * 1.1;
  r->pss.mean = 4 * 1024 * 1024;
  r->ideal = NAN;
  return r;
}

/* Rows of strategy on api, one per value of the swept params. */
static void
add_rows (GPtrArray *suites, GPtrArray *results, const CbRegistry *registry,
          const char *strategy, const char *const *params)
{
  CbSuite *suite = test_make_suite (registry, "api", strategy, params);
  for (guint i = 0; i < suite->benchmarks->len; i++)
    g_ptr_array_add (results, fake_result (suite->benchmarks->pdata[i],
                                           0.01 / (i + 1)));
  g_ptr_array_add (suites, suite);
}

static const CbPlotFamily *
family_named (const CbPlotBlock *block, const char *label)
{
  for (guint f = 0; f < block->families->len; f++)
    {
      const CbPlotFamily *family = block->families->pdata[f];
      if (strcmp (family->label, label) == 0)
        return family;
    }
  return NULL;
}

static const CbPlotRef *
ref_named (const CbPlotBlock *block, const char *label)
{
  for (guint r = 0; r < block->refs->len; r++)
    {
      const CbPlotRef *ref = block->refs->pdata[r];
      if (strcmp (ref->label, label) == 0)
        return ref;
    }
  g_error ("no reference line '%s'", label);
  return NULL;
}

/* loops declares worker_param "loops": a family on a worker axis titled
 * after it, and so does gmainloop (its loops=N).  abi10-threads (ABI 1.0)
 * has a "threads" parameter but declared nothing: a reference line.
 * sequential is flagged baseline: the black one. */
static void
test_declared_worker_axis (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (CbRegistry) registry
      = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_autoptr (GPtrArray) suites
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_suite_free);
  g_autoptr (GPtrArray) results
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);
  const char *loops[] = { "loops=4,1,2", NULL };
  const char *threads[] = { "threads=2", NULL };
  const char *none[] = { NULL };
  add_rows (suites, results, registry, "loops", loops);
  add_rows (suites, results, registry, "gthreadpool", threads);
  add_rows (suites, results, registry, "abi10-threads", threads);
  add_rows (suites, results, registry, "sequential", none);
  add_rows (suites, results, registry, "gmainloop", none);
  CbReport report = { .results = results };

  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (&report);
  g_assert_cmpuint (blocks->len, ==, 1);
  const CbPlotBlock *block = blocks->pdata[0];
  g_assert_cmpuint (block->families->len, ==, 3);
  const CbPlotFamily *family = family_named (block, "loops");
  g_assert_nonnull (family);
  g_assert_cmpstr (family->worker_param, ==, "loops");
  g_assert_cmpuint (family->points->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (g_array_index (family->points, CbPlotPoint, i).workers,
                       ==, 1 << i);
  g_assert_nonnull (family_named (block, "gthreadpool"));
  g_assert_cmpstr (family_named (block, "gmainloop mode=async "
                                 "timers=per-item")->worker_param, ==,
                   "loops");
  g_assert_cmpstr (block->workers_title, ==, "loops, threads");
  double lo, hi;
  cb_plot_x_range (block, &lo, &hi);
  g_assert_cmpfloat (lo, <, 1);
  g_assert_cmpfloat (hi, >, 4);

  g_assert_cmpuint (block->refs->len, ==, 2);
  g_assert_false (ref_named (block, "abi10-threads threads=2")->baseline);
  const CbPlotRef *seq = ref_named (block, "sequential");
  g_assert_true (seq->baseline);
  g_assert_cmpuint (seq->color, ==, G_MAXUINT);
}

/* The flag decides, not the name: a "sequential" without it is an ordinary
 * reference, a strategy of another name with it is the baseline. */
static void
test_baseline_from_flag (void)
{
  g_autoptr (CbRegistry) registry = test_registry (NULL);
  const char *none[] = { NULL };
  g_autoptr (CbSuite) seq_suite
      = test_make_suite (registry, "api", "sequential", none);
  g_autoptr (CbSuite) loop_suite
      = test_make_suite (registry, "api", "gmainloop", none);
  CbBenchmark seq = *(CbBenchmark *) seq_suite->benchmarks->pdata[0];
  CbBenchmark loop = *(CbBenchmark *) loop_suite->benchmarks->pdata[0];
  CbStrategyClass seq_class = *seq.strategy->desc->strategy;
  CbStrategyClass loop_class = *loop.strategy->desc->strategy;
  CbPluginDesc seq_desc = *seq.strategy->desc, loop_desc = *loop.strategy->desc;
  seq_class.flags = 0;
  loop_class.flags = CB_STRATEGY_BASELINE;
  loop_class.worker_param = NULL; /* a baseline runs on no worker axis */
  seq_desc.strategy = &seq_class;
  loop_desc.strategy = &loop_class;
  CbPlugin seq_plugin = { &seq_desc, NULL, NULL };
  CbPlugin loop_plugin = { &loop_desc, NULL, NULL };
  seq.strategy = &seq_plugin;
  loop.strategy = &loop_plugin;
  g_autoptr (GPtrArray) results
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_result_free);
  g_ptr_array_add (results, fake_result (&seq, 0.01));
  g_ptr_array_add (results, fake_result (&loop, 0.02));
  CbReport report = { .results = results };

  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (&report);
  g_assert_cmpuint (blocks->len, ==, 1);
  const CbPlotBlock *block = blocks->pdata[0];
  g_assert_cmpuint (block->families->len, ==, 0);
  g_assert_false (ref_named (block, "sequential")->baseline);
  const char *loop_label = "gmainloop mode=async loops=1 timers=per-item";
  g_assert_true (ref_named (block, loop_label)->baseline);
  g_assert_cmpuint (ref_named (block, loop_label)->color, ==, G_MAXUINT);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("concbench-plot-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/plot/png", test_png);
  g_test_add_func ("/plot/svg", test_svg);
  g_test_add_func ("/plot/format-from-filename", test_format_from_filename);
  g_test_add_func ("/plot/bad-paths", test_bad_paths);
  g_test_add_func ("/plot/declared-worker-axis", test_declared_worker_axis);
  g_test_add_func ("/plot/baseline-from-flag", test_baseline_from_flag);
  int status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
