/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scaling charts: see plot.h.  This file writes them out; plot-data.c
 * gathers what they show and plot-draw.c draws it. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "plot.h"

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

void
cb_plot_size (const CbReport *report, int *width, int *height)
{
  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (report);
  *width = CB_PLOT_WIDTH;
  *height = (int) cb_plot_draw_height (blocks);
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
write_to_file (void *closure, const unsigned char *data, unsigned int length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                     : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
cb_plot_write (const CbReport *report, const char *path, GError **error)
{
  CbPlotFormat format;
  if (!cb_plot_format_from_filename (path, &format, error))
    return FALSE;

  g_autoptr (GPtrArray) blocks = cb_plot_collect_blocks (report);
  double height = cb_plot_draw_height (blocks);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp = g_build_filename (dir, tmp_name, NULL);
  int fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "cannot write %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  fchmod (fd, 0644);
  FILE *fp = fdopen (fd, "wb");

  cairo_surface_t *surface
      = format == CB_PLOT_SVG
            ? cairo_svg_surface_create_for_stream (write_to_file, fp, CB_PLOT_WIDTH,
                                                   height)
            : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, CB_PLOT_WIDTH,
                                          (int) height);
  cairo_t *cr = cairo_create (surface);
  cb_plot_draw_chart (cr, report, blocks, height);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == CB_PLOT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_to_file, fp);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  gboolean ok = status == CAIRO_STATUS_SUCCESS;
  const char *why = ok ? NULL : cairo_status_to_string (status);
  if (fflush (fp) != 0 || fsync (fileno (fp)) != 0)
    {
      ok = FALSE;
      why = why ? why : g_strerror (errno);
    }
  if (fclose (fp) != 0 && ok)
    {
      ok = FALSE;
      why = g_strerror (errno);
    }
  if (ok && rename (tmp, path) != 0)
    {
      ok = FALSE;
      why = g_strerror (errno);
    }
  if (!ok)
    {
      unlink (tmp);
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "cannot write %s: %s",
                   path, why);
    }
  return ok;
}
