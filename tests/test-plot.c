/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --plot: a tiny suite drawn to PNG loads back with the expected size, an
 * SVG is an SVG document, no temporary file is left behind, and bad paths
 * are refused before anything runs. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>

#include "plot.h"
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
  int status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
