/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "plot-load.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "plot-draw.h"

#define MARGIN 24
#define TITLE_H 64
#define PANEL_H 520
#define PAD_LEFT 84
#define PAD_BOTTOM 52
#define LEGEND_ROW_H 22
#define LEGEND_COL_W 400
#define FOOTER_H 24
#define FONT "Sans"

typedef struct {
  double achieved, p50, p99;
} LoadPoint;

typedef struct {
  char *label; /* the row's name without " @ RATE/s" */
  GArray *points; /* LoadPoint, by target rate as the rows came */
} LoadLine;

static void
load_line_free (LoadLine *line)
{
  g_free (line->label);
  g_array_unref (line->points);
  g_free (line);
}

static gboolean
drawable (const CbResult *r)
{
  return cb_result_measured (r) && r->load.open
         && r->load.achieved_rate > 0 && r->load.response.p50 > 0
         && r->load.response.p99 > 0;
}

static GPtrArray *
collect_lines (const CbReport *report)
{
  GPtrArray *lines
      = g_ptr_array_new_with_free_func ((GDestroyNotify) load_line_free);
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      if (!drawable (r))
        continue;
      const char *at = strstr (r->bench->name, " @ ");
      g_autofree char *label = at ? g_strndup (r->bench->name,
                                               at - r->bench->name)
                                  : g_strdup (r->bench->name);
      LoadLine *line = NULL;
      for (guint k = 0; k < lines->len && line == NULL; k++)
        if (strcmp (((LoadLine *) lines->pdata[k])->label, label) == 0)
          line = lines->pdata[k];
      if (line == NULL)
        {
          line = g_new0 (LoadLine, 1);
          line->label = g_steal_pointer (&label);
          line->points = g_array_new (FALSE, FALSE, sizeof (LoadPoint));
          g_ptr_array_add (lines, line);
        }
      LoadPoint p = { r->load.achieved_rate, r->load.response.p50,
                      r->load.response.p99 };
      g_array_append_val (line->points, p);
    }
  return lines;
}

gboolean
cb_plot_load_wanted (const CbReport *report)
{
  for (guint i = 0; i < report->results->len; i++)
    if (drawable (report->results->pdata[i]))
      return TRUE;
  return FALSE;
}

static guint
legend_rows (guint n_lines, double width)
{
  guint cols = MAX (1, (guint) ((width - 2 * MARGIN) / LEGEND_COL_W));
  return (n_lines + 1 + cols - 1) / cols; /* lines and the p50/p99 key */
}

double
cb_plot_load_height (const CbReport *report)
{
  g_autoptr (GPtrArray) lines = collect_lines (report);
  return TITLE_H + PANEL_H + 12 + legend_rows (lines->len, CB_PLOT_WIDTH) * LEGEND_ROW_H
         + FOOTER_H;
}

/* ---- drawing ---- */

static void
set_color (cairo_t *cr, guint index)
{
  /* The scaling chart's palette (Okabe-Ito), in its order. */
  static const double palette[][3] = {
    { 0.000, 0.447, 0.698 }, { 0.835, 0.369, 0.000 }, { 0.000, 0.620, 0.451 },
    { 0.800, 0.475, 0.655 }, { 0.902, 0.624, 0.000 }, { 0.337, 0.706, 0.914 },
    { 0.549, 0.337, 0.294 }, { 0.498, 0.498, 0.498 },
  };
  const double *c = palette[index % G_N_ELEMENTS (palette)];
  cairo_set_source_rgb (cr, c[0], c[1], c[2]);
}

/* Text with its left (or, centered, middle) edge at x and its middle at y;
 * rotated for the y axis's title. */
static void
text_at (cairo_t *cr, const char *text, double x, double y, double size,
         gboolean centered, gboolean right, gboolean rotate)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT);
  int w, h;
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (rotate)
    cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, centered ? -w / 2.0 : right ? -w : 0, -h / 2.0);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (font);
  g_object_unref (layout);
}

typedef struct {
  double x0, y0, w, h;          /* the plot area */
  double rate_min, rate_max;    /* x: from 0 linear, or log */
  gboolean log_x;
  double lat_min, lat_max;      /* y: log */
} Panel;

/* Rows whose capacities are decades apart (sequential code and an event
 * loop) share the chart only on a log axis. */
#define LOG_X_SPAN 20

static double
px (const Panel *p, double rate)
{
  if (p->log_x)
    return p->x0 + (log (rate) - log (p->rate_min))
                       / (log (p->rate_max) - log (p->rate_min)) * p->w;
  return p->x0 + rate / p->rate_max * p->w;
}

static double
py (const Panel *p, double latency)
{
  double t = (log (latency) - log (p->lat_min))
             / (log (p->lat_max) - log (p->lat_min));
  return p->y0 + p->h - t * p->h;
}

static void
panel_ranges (Panel *p, GPtrArray *lines)
{
  p->rate_max = 0;
  p->rate_min = INFINITY;
  p->lat_min = INFINITY;
  p->lat_max = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      GArray *pts = ((LoadLine *) lines->pdata[i])->points;
      for (guint k = 0; k < pts->len; k++)
        {
          const LoadPoint *q = &g_array_index (pts, LoadPoint, k);
          p->rate_max = MAX (p->rate_max, q->achieved);
          p->rate_min = MIN (p->rate_min, q->achieved);
          p->lat_min = MIN (p->lat_min, q->p50);
          p->lat_max = MAX (p->lat_max, q->p99);
        }
    }
  p->log_x = p->rate_max > LOG_X_SPAN * p->rate_min;
  if (p->log_x)
    {
      p->rate_min = pow (10, floor (log10 (p->rate_min)));
      p->rate_max = pow (10, ceil (log10 (p->rate_max)));
    }
  else
    p->rate_max *= 1.08;
  /* Whole decades, so the log axis reads at a glance. */
  p->lat_min = pow (10, floor (log10 (p->lat_min)));
  p->lat_max = pow (10, ceil (log10 (p->lat_max * 1.01)));
}

static char *
latency_label (double seconds)
{
  if (seconds >= 1)
    return g_strdup_printf ("%g s", seconds);
  if (seconds >= 1e-3)
    return g_strdup_printf ("%g ms", seconds * 1e3);
  return g_strdup_printf ("%g µs", seconds * 1e6);
}

/* Ticks at every decade and its 2 and 5 on a log axis, else at a round
 * step from 0. */
static GArray *
rate_ticks (const Panel *p)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (double));
  if (p->log_x)
    {
      for (double d = p->rate_min; d <= p->rate_max * 1.0001; d *= 10)
        for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
          if (d * m <= p->rate_max * 1.0001)
            {
              double v = d * m;
              g_array_append_val (ticks, v);
            }
      return ticks;
    }
  double step = pow (10, floor (log10 (p->rate_max / 5)));
  if (p->rate_max / step > 10)
    step *= p->rate_max / step > 25 ? 5 : 2;
  for (double v = 0; v <= p->rate_max; v += step)
    g_array_append_val (ticks, v);
  return ticks;
}

static void
draw_axes (cairo_t *cr, const Panel *p)
{
  g_autoptr (GArray) ticks = rate_ticks (p);
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < ticks->len; i++)
    {
      double v = g_array_index (ticks, double, i);
      g_autofree char *label = g_strdup_printf ("%g", v);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.13);
      cairo_move_to (cr, px (p, v), p->y0);
      cairo_line_to (cr, px (p, v), p->y0 + p->h);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      text_at (cr, label, px (p, v), p->y0 + p->h + 12, 12, TRUE, FALSE,
               FALSE);
    }
  /* Labels at 1, 2 and 5 of each decade: a chart one decade high still
   * reads. */
  for (double d = p->lat_min, v = d; d <= p->lat_max * 1.0001;
       v = v < 1.5 * d ? 2 * d : v < 3 * d ? 5 * d : (d *= 10))
    {
      if (v > p->lat_max * 1.0001)
        break;
      g_autofree char *label = latency_label (v);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.13);
      cairo_move_to (cr, p->x0, py (p, v));
      cairo_line_to (cr, p->x0 + p->w, py (p, v));
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      text_at (cr, label, p->x0 - 6, py (p, v), 12, FALSE, TRUE, FALSE);
    }
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_rectangle (cr, p->x0, p->y0, p->w, p->h);
  cairo_stroke (cr);
  text_at (cr, p->log_x ? "achieved throughput (items/s, log)"
                       : "achieved throughput (items/s)",
           p->x0 + p->w / 2,
           p->y0 + p->h + 36, 13, TRUE, FALSE, FALSE);
  text_at (cr, "response latency (log)", p->x0 - PAD_LEFT + 12,
           p->y0 + p->h / 2, 13, TRUE, FALSE, TRUE);
}

/* A circle, then once the palette has come round a square, then a
 * triangle: lines of the same colour stay apart. */
static void
marker (cairo_t *cr, double x, double y, guint color)
{
  guint shape = (color / 8) % 3;
  cairo_new_sub_path (cr);
  if (shape == 0)
    cairo_arc (cr, x, y, 3.5, 0, 2 * G_PI);
  else if (shape == 1)
    cairo_rectangle (cr, x - 3.5, y - 3.5, 7, 7);
  else
    {
      cairo_move_to (cr, x, y - 4.5);
      cairo_line_to (cr, x + 4.5, y + 3.5);
      cairo_line_to (cr, x - 4.5, y + 3.5);
      cairo_close_path (cr);
    }
  cairo_fill (cr);
}

/* p99 solid with markers, p50 dashed. */
static void
draw_line (cairo_t *cr, const Panel *p, const LoadLine *line, guint color)
{
  for (int pass = 0; pass < 2; pass++)
    {
      double dash = 6;
      set_color (cr, color);
      cairo_set_line_width (cr, pass == 0 ? 2.2 : 1.6);
      cairo_set_dash (cr, &dash, pass == 0 ? 0 : 1, 0);
      for (guint k = 0; k < line->points->len; k++)
        {
          const LoadPoint *q = &g_array_index (line->points, LoadPoint, k);
          double y = py (p, pass == 0 ? q->p99 : q->p50);
          if (k == 0)
            cairo_move_to (cr, px (p, q->achieved), y);
          else
            cairo_line_to (cr, px (p, q->achieved), y);
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      for (guint k = 0; pass == 0 && k < line->points->len; k++)
        {
          const LoadPoint *q = &g_array_index (line->points, LoadPoint, k);
          marker (cr, px (p, q->achieved), py (p, q->p99), color);
        }
    }
}

static void
draw_legend (cairo_t *cr, GPtrArray *lines, double width, double top)
{
  guint cols = MAX (1, (guint) ((width - 2 * MARGIN) / LEGEND_COL_W));
  for (guint i = 0; i <= lines->len; i++)
    {
      double x = MARGIN + (i % cols) * LEGEND_COL_W;
      double y = top + (i / cols) * LEGEND_ROW_H + LEGEND_ROW_H / 2.0;
      if (i == lines->len)
        {
          cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
          text_at (cr, "solid: p99 response; dashed: p50", x, y, 12, FALSE,
                   FALSE, FALSE);
          break;
        }
      set_color (cr, i);
      cairo_set_line_width (cr, 2.2);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 22, y);
      cairo_stroke (cr);
      marker (cr, x + 11, y, i);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      text_at (cr, ((LoadLine *) lines->pdata[i])->label, x + 28, y, 12,
               FALSE, FALSE, FALSE);
    }
}

void
cb_plot_load_draw (cairo_t *cr, const CbReport *report, double width,
                   double height)
{
  g_autoptr (GPtrArray) lines = collect_lines (report);
  Panel p = { MARGIN + PAD_LEFT, TITLE_H, width - 2 * MARGIN - PAD_LEFT,
              PANEL_H - PAD_BOTTOM, 0, 0, FALSE, 0, 0 };
  g_autofree char *title = g_strdup_printf (
      "Response latency against throughput: %s",
      report->suite && report->suite->name ? report->suite->name : "");

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  text_at (cr, title, MARGIN, TITLE_H / 2.0 - 8, 20, FALSE, FALSE, FALSE);
  if (lines->len == 0)
    return;
  panel_ranges (&p, lines);
  draw_axes (cr, &p);
  cairo_save (cr);
  cairo_rectangle (cr, p.x0, p.y0, p.w, p.h);
  cairo_clip (cr);
  for (guint i = 0; i < lines->len; i++)
    draw_line (cr, &p, lines->pdata[i], i);
  cairo_restore (cr);
  draw_legend (cr, lines, width, TITLE_H + PANEL_H + 12);
  (void) height;
}
