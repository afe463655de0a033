/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scaling charts: see plot.h.  This file writes them out; plot-data.c
 * gathers what they show and plot-draw.c draws it. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "plot.h"

#include "output.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "params.h"
#include "plot-data.h"
#include "plot-draw.h"
#include "plot-load.h"

void
cb_plot_size (const CbReport *report, int *width, int *height)
{
  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (report);
  *width = CB_PLOT_WIDTH;
  *height = cb_plot_load_wanted (report)
                ? (int) cb_plot_load_height (report)
                : (int) cb_plot_draw_height (blocks);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

gboolean
cb_plot_format_from_filename (const char *path, CbPlotFormat *out,
                              GError **error)
{
  g_autofree char *base = path ? g_path_get_basename (path) : NULL;
  const char *dot = base ? strrchr (base, '.') : NULL;
  if (path != NULL && g_str_has_suffix (path, G_DIR_SEPARATOR_S))
    dot = NULL;
  if (dot != NULL && dot != base && g_ascii_strcasecmp (dot, ".svg") == 0)
    *out = CB_PLOT_SVG;
  else if (dot != NULL && dot != base && g_ascii_strcasecmp (dot, ".png") == 0)
    *out = CB_PLOT_PNG;
  else
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "--plot %s: the chart's file name must end in .svg or .png",
                   path ? path : "");
      return FALSE;
    }
  return TRUE;
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Draws the chart into memory; cairo's error text, or NULL. */
static const char *
render_chart (const CbReport *report, CbPlotFormat format, GByteArray *out)
{
  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (report);
  /* A rate sweep's question is latency under load, not scaling. */
  gboolean load = cb_plot_load_wanted (report);
  double height = load ? cb_plot_load_height (report)
                       : cb_plot_draw_height (blocks);
  cairo_surface_t *surface
      = format == CB_PLOT_SVG
            ? cairo_svg_surface_create_for_stream (append_bytes, out,
                                                   CB_PLOT_WIDTH, height)
            : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, CB_PLOT_WIDTH,
                                          (int) height);
  cairo_t *cr = cairo_create (surface);
  if (load)
    cb_plot_load_draw (cr, report, CB_PLOT_WIDTH, height);
  else
    cb_plot_draw_chart (cr, report, blocks, height);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == CB_PLOT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, out);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return status == CAIRO_STATUS_SUCCESS ? NULL : cairo_status_to_string (status);
}

/* The chart goes through the same writer as every other output, so a
 * symbolic link, a pipe or a device is treated as -o treats it. */
gboolean
cb_plot_write (const CbReport *report, const char *path, GError **error)
{
  CbPlotFormat format;
  if (!cb_plot_format_from_filename (path, &format, error))
    return FALSE;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  const char *why = render_chart (report, format, bytes);
  if (why != NULL)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "cannot write %s: %s",
                   path, why);
      return FALSE;
    }
  return cb_output_write_bytes (path, bytes->data, bytes->len, error);
}
