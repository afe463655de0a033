/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing scaling charts with cairo and pango: see plot-draw.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "plot-draw.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "usl.h"

/* Layout, in pixels (PNG) or points (SVG). */
#define WIDTH CB_PLOT_WIDTH
#define MARGIN 24
#define TITLE_H 74
#define BLOCK_HEAD_H 34
#define PANEL_H 380
#define PANEL_GAP 36
#define LEGEND_ROW_H 22
#define LEGEND_COL_W 300
#define BLOCK_GAP 26
#define FOOTER_H 30
/* Inside a panel: room for tick labels and axis titles. */
#define PAD_LEFT 78
#define PAD_RIGHT 16
#define PAD_TOP 30
#define PAD_BOTTOM 52

#define FONT "Sans"

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */

static guint
legend_entries (const CbPlotBlock *b)
{
  /* families, references, and the "dashed: ideal" key */
  return b->families->len + b->refs->len + (b->families->len > 0 ? 1 : 0);
}

static guint
legend_columns (void)
{
  return (WIDTH - 2 * MARGIN) / LEGEND_COL_W;
}

static double
block_height (const CbPlotBlock *b)
{
  guint rows = (legend_entries (b) + legend_columns () - 1) / legend_columns ();
  return BLOCK_HEAD_H + PANEL_H + 10 + rows * LEGEND_ROW_H + BLOCK_GAP;
}

double
cb_plot_draw_height (GPtrArray *blocks)
{
  double h = TITLE_H + FOOTER_H;
  for (guint i = 0; i < blocks->len; i++)
    h += block_height (blocks->pdata[i]);
  if (blocks->len == 0)
    h += 60;
  return ceil (h);
}

/* ------------------------------------------------------------------------ */
/* Drawing helpers                                                           */

/* Colour-blind-friendly (Okabe–Ito, then Tableau) palette. */
static void
set_color (cairo_t *cr, guint index, double alpha)
{
  static const double palette[][3] = {
    { 0.000, 0.447, 0.698 }, /* blue */
    { 0.835, 0.369, 0.000 }, /* vermillion */
    { 0.000, 0.620, 0.451 }, /* bluish green */
    { 0.800, 0.475, 0.655 }, /* reddish purple */
    { 0.902, 0.624, 0.000 }, /* orange */
    { 0.337, 0.706, 0.914 }, /* sky blue */
    { 0.549, 0.337, 0.294 }, /* brown */
    { 0.498, 0.498, 0.498 }, /* grey */
  };
  if (index == G_MAXUINT)
    {
      cairo_set_source_rgba (cr, 0, 0, 0, alpha);
      return;
    }
  const double *c = palette[index % G_N_ELEMENTS (palette)];
  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

typedef enum { ALIGN_START, ALIGN_CENTER, ALIGN_END } Align;

/* Draws text with its box's (halign, valign) corner at (x, y); returns its
 * width.  rotate: -90 degrees for a y-axis title. */
static double
draw_text (cairo_t *cr, const char *text, double x, double y, Align halign,
           Align valign, double size, gboolean bold, gboolean rotate)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT);
  int w, h;

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD
                                                : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  if (rotate)
    cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, halign == ALIGN_START ? 0 : halign == ALIGN_CENTER ? -w / 2.0 : -w,
                 valign == ALIGN_START ? 0 : valign == ALIGN_CENTER ? -h / 2.0 : -h);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  pango_font_description_free (font);
  g_object_unref (layout);
  return w;
}

static double
text_width (cairo_t *cr, const char *text, double size)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT);
  int w, h;
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  pango_font_description_free (font);
  g_object_unref (layout);
  return w;
}

static char *
fmt_number (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3g", v));
}

static char *
fmt_time (double seconds)
{
  g_autofree char *n = NULL;
  if (seconds >= 1)
    {
      n = fmt_number (seconds);
      return g_strconcat (n, " s", NULL);
    }
  if (seconds >= 1e-3)
    {
      n = fmt_number (seconds * 1e3);
      return g_strconcat (n, " ms", NULL);
    }
  n = fmt_number (seconds * 1e6);
  return g_strconcat (n, " µs", NULL);
}

/* ------------------------------------------------------------------------ */
/* Axes                                                                      */

typedef struct {
  gboolean log;
  double min, max;     /* data units */
  double p0, p1;       /* pixels for min and max */
} Axis;

static double
axis_map (const Axis *a, double v)
{
  double t = a->log ? (log (v) - log (a->min)) / (log (a->max) - log (a->min))
                    : (v - a->min) / (a->max - a->min);
  return a->p0 + t * (a->p1 - a->p0);
}
/* Log ticks at m × 10^k for the first mantissa set that gives at least 3
 * ticks in range. */
static GArray *
log_ticks (double lo, double hi)
{
  static const double sets[][10] = {
    { 1, 0 }, { 1, 2, 5, 0 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 },
  };
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_array_set_size (ticks, 0);
      for (int k = (int) floor (log10 (lo)) - 1; k <= (int) ceil (log10 (hi));
           k++)
        for (guint m = 0; sets[s][m] != 0; m++)
          {
            double v = sets[s][m] * pow (10, k);
            if (v >= lo * 0.9999 && v <= hi * 1.0001)
              g_array_append_val (ticks, v);
          }
      if (ticks->len >= 3)
        break;
    }
  return ticks;
}

/* Powers of two, every other one when there would be too many. */
static GArray *
log2_ticks (double lo, double hi)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (double));
  int k0 = (int) ceil (log2 (lo) - 1e-9), k1 = (int) floor (log2 (hi) + 1e-9);
  int step = k1 - k0 > 11 ? 2 : 1;
  for (int k = k0; k <= k1; k += step)
    {
      double v = ldexp (1, k);
      g_array_append_val (ticks, v);
    }
  return ticks;
}

static GArray *
linear_ticks (double lo, double hi, double *step_out)
{
  double raw = (hi - lo) / 5, mag = pow (10, floor (log10 (raw)));
  double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag
                                      : raw / mag < 7.5 ? 5 * mag
                                                        : 10 * mag;
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (double));
  for (double v = ceil (lo / step) * step; v <= hi + step * 1e-6; v += step)
    {
      double t = fabs (v) < step * 1e-6 ? 0 : v;
      g_array_append_val (ticks, t);
    }
  *step_out = step;
  return ticks;
}

typedef struct {
  double x, y, w, h; /* the plot area, inside the padding */
} Rect;

static void
draw_frame (cairo_t *cr, const Rect *area)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, area->x, area->y, area->w, area->h);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
grid_line (cairo_t *cr, double x0, double y0, double x1, double y1,
           gboolean major)
{
  cairo_set_source_rgba (cr, 0, 0, 0, major ? 0.13 : 0.05);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
}

static void
draw_x_axis (cairo_t *cr, const Rect *area, const Axis *x, const char *title)
{
  g_autoptr (GArray) ticks = log2_ticks (x->min, x->max);
  for (guint i = 0; i < ticks->len; i++)
    {
      double v = g_array_index (ticks, double, i), px = axis_map (x, v);
      g_autofree char *label = g_strdup_printf ("%.0f", v);
      grid_line (cr, px, area->y, px, area->y + area->h, TRUE);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      draw_text (cr, label, px, area->y + area->h + 5, ALIGN_CENTER,
                 ALIGN_START, 12, FALSE, FALSE);
    }
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  draw_text (cr, title, area->x + area->w / 2, area->y + area->h + 26,
             ALIGN_CENTER, ALIGN_START, 13, FALSE, FALSE);
}

static void
draw_y_axis (cairo_t *cr, const Rect *area, const Axis *y, const char *title,
             gboolean time)
{
  double step = 0;
  g_autoptr (GArray) ticks = y->log ? log_ticks (y->min, y->max)
                                    : linear_ticks (y->min, y->max, &step);
  if (y->log)
    {
      /* Faint minor lines at every m × 10^k. */
      for (int k = (int) floor (log10 (y->min)); k <= (int) ceil (log10 (y->max));
           k++)
        for (int m = 1; m <= 9; m++)
          {
            double v = m * pow (10, k);
            if (v > y->min && v < y->max)
              grid_line (cr, area->x, axis_map (y, v), area->x + area->w,
                         axis_map (y, v), FALSE);
          }
    }
  for (guint i = 0; i < ticks->len; i++)
    {
      double v = g_array_index (ticks, double, i), py = axis_map (y, v);
      g_autofree char *label = time ? fmt_time (v) : fmt_number (v);
      grid_line (cr, area->x, py, area->x + area->w, py, TRUE);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      draw_text (cr, label, area->x - 6, py, ALIGN_END, ALIGN_CENTER, 12,
                 FALSE, FALSE);
    }
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  draw_text (cr, title, area->x - PAD_LEFT + 4, area->y + area->h / 2,
             ALIGN_CENTER, ALIGN_START, 13, FALSE, TRUE);
}

static void
marker (cairo_t *cr, double x, double y)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, 4, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* ------------------------------------------------------------------------ */
/* Panels                                                                    */

static void
path_clip (cairo_t *cr, const Rect *area)
{
  cairo_rectangle (cr, area->x, area->y, area->w, area->h);
  cairo_clip (cr);
}

typedef struct {
  double y;
  char *text;
  guint color;
} RefLabel;

static int
compare_ref_labels (gconstpointer a, gconstpointer b)
{
  double x = ((const RefLabel *) a)->y, y = ((const RefLabel *) b)->y;
  return (x > y) - (x < y);
}

/* Lines first (under the families), labels last (over everything). */
static void
draw_references (cairo_t *cr, const Rect *area, const CbPlotBlock *b,
                 const Axis *y, CbPlotQuantity kind, gboolean label_pass)
{
  g_autoptr (GArray) labels = g_array_new (FALSE, TRUE, sizeof (RefLabel));
  cairo_save (cr);
  path_clip (cr, area);
  for (guint r = 0; r < b->refs->len; r++)
    {
      const CbPlotRef *ref = b->refs->pdata[r];
      double v = kind == CB_PLOT_TIME ? ref->mean : ref->memory;
      if (!isfinite (v) || (y->log && v <= 0))
        continue;
      double py = axis_map (y, v);
      static const double dots[] = { 2, 4 };
      if (!label_pass)
        {
          set_color (cr, ref->color, 0.9);
          cairo_set_line_width (cr, ref->baseline ? 2 : 1.5);
          cairo_set_dash (cr, dots, ref->baseline ? 0 : 2, 0);
          cairo_move_to (cr, area->x, py);
          cairo_line_to (cr, area->x + area->w, py);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          continue;
        }
      g_autofree char *value = kind == CB_PLOT_TIME ? fmt_time (v)
                                                  : fmt_number (v);
      RefLabel l = { py, g_strdup_printf ("%s: %s%s", ref->label, value,
                                          kind == CB_PLOT_TIME ? "" : " MiB"),
                     ref->color };
      g_array_append_val (labels, l);
    }
  /* Labels above their lines at the right end, pushed apart so that close
   * lines (a blocking event loop is as slow as sequential code) stay
   * readable. */
  g_array_sort (labels, compare_ref_labels);
  double last = -INFINITY;
  for (guint i = 0; i < labels->len; i++)
    {
      RefLabel *l = &g_array_index (labels, RefLabel, i);
      double top = MAX (l->y - 17, last + 15);
      top = MAX (top, area->y + 2);
      double w = text_width (cr, l->text, 11.5);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
      cairo_rectangle (cr, area->x + area->w - w - 8, top, w + 4, 15);
      cairo_fill (cr);
      set_color (cr, l->color, 1);
      draw_text (cr, l->text, area->x + area->w - 6, top, ALIGN_END,
                 ALIGN_START, 11.5, l->color == G_MAXUINT, FALSE);
      last = top;
      g_free (l->text);
    }
  cairo_restore (cr);
}

/* The fitted USL curve (usl.h) in time, items / X(N), thin and solid, over
 * the family's range of workers. */
static void
draw_fitted_curve (cairo_t *cr, const CbPlotFamily *family, const Axis *x,
                   const Axis *y)
{
  CbUslFit fit;
  GArray *pts = family->points;
  if (!cb_usl_fit_family (family, 1, &fit))
    return;
  double lo = g_array_index (pts, CbPlotPoint, 0).workers;
  double hi = g_array_index (pts, CbPlotPoint, pts->len - 1).workers;
  set_color (cr, family->color, 0.5);
  cairo_set_line_width (cr, 1.2);
  for (guint i = 0; i <= 64; i++)
    {
      double n = lo * pow (hi / lo, i / 64.0);
      double t = 1 / cb_usl_throughput (&fit, n);
      if (i == 0)
        cairo_move_to (cr, axis_map (x, n), axis_map (y, t));
      else
        cairo_line_to (cr, axis_map (x, n), axis_map (y, t));
    }
  cairo_stroke (cr);
}

static void
draw_families (cairo_t *cr, const Rect *area, const CbPlotBlock *b, const Axis *x,
               const Axis *y, CbPlotQuantity kind)
{
  static const double dashes[] = { 7, 4 };
  cairo_save (cr);
  path_clip (cr, area);
  for (guint f = 0; f < b->families->len; f++)
    {
      const CbPlotFamily *family = b->families->pdata[f];
      GArray *pts = family->points;
      /* The ideal time, dashed. */
      if (kind == CB_PLOT_TIME)
        {
          gboolean started = FALSE;
          set_color (cr, family->color, 0.75);
          cairo_set_line_width (cr, 1.5);
          cairo_set_dash (cr, dashes, 2, 0);
          for (guint i = 0; i < pts->len; i++)
            {
              const CbPlotPoint *p = &g_array_index (pts, CbPlotPoint, i);
              if (!isfinite (p->ideal) || p->ideal <= 0)
                continue;
              if (started)
                cairo_line_to (cr, axis_map (x, p->workers), axis_map (y, p->ideal));
              else
                cairo_move_to (cr, axis_map (x, p->workers), axis_map (y, p->ideal));
              started = TRUE;
            }
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          draw_fitted_curve (cr, family, x, y);
        }
      /* The measured line, error bars and markers. */
      set_color (cr, family->color, 1);
      cairo_set_line_width (cr, 2.2);
      gboolean started = FALSE;
      for (guint i = 0; i < pts->len; i++)
        {
          const CbPlotPoint *p = &g_array_index (pts, CbPlotPoint, i);
          double v = kind == CB_PLOT_TIME ? p->mean : p->memory;
          if (!isfinite (v) || (y->log && v <= 0))
            continue;
          if (started)
            cairo_line_to (cr, axis_map (x, p->workers), axis_map (y, v));
          else
            cairo_move_to (cr, axis_map (x, p->workers), axis_map (y, v));
          started = TRUE;
        }
      cairo_stroke (cr);
      for (guint i = 0; i < pts->len; i++)
        {
          const CbPlotPoint *p = &g_array_index (pts, CbPlotPoint, i);
          double v = kind == CB_PLOT_TIME ? p->mean : p->memory;
          double px = axis_map (x, p->workers);
          if (!isfinite (v) || (y->log && v <= 0))
            continue;
          if (kind == CB_PLOT_TIME && isfinite (p->low) && isfinite (p->high)
              && p->high > p->low && p->low > 0)
            {
              double y0 = axis_map (y, p->low), y1 = axis_map (y, p->high);
              cairo_set_line_width (cr, 1.4);
              cairo_move_to (cr, px, y0);
              cairo_line_to (cr, px, y1);
              cairo_move_to (cr, px - 4, y0);
              cairo_line_to (cr, px + 4, y0);
              cairo_move_to (cr, px - 4, y1);
              cairo_line_to (cr, px + 4, y1);
              cairo_stroke (cr);
            }
          marker (cr, px, axis_map (y, v));
        }
    }
  cairo_restore (cr);
}

static void
draw_panel (cairo_t *cr, const CbPlotBlock *b, CbPlotQuantity kind, double x0, double y0,
            double w, double h, gboolean memory_sampled)
{
  Rect area = { x0 + PAD_LEFT, y0 + PAD_TOP, w - PAD_LEFT - PAD_RIGHT,
                h - PAD_TOP - PAD_BOTTOM };
  Axis x = { TRUE, 0, 0, area.x, area.x + area.w };
  Axis y = { kind == CB_PLOT_TIME, 0, 0, area.y + area.h, area.y };

  cb_plot_x_range (b, &x.min, &x.max);
  cb_plot_y_range (b, kind, &y.min, &y.max);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  draw_text (cr,
             kind == CB_PLOT_TIME
                 ? "Mean wall time (error bars: 95% CI; dashed: ideal; "
                   "thin: USL fit)"
                 : (memory_sampled ? "Peak memory (summed PSS of the process tree)"
                                   : "Peak memory (worker's maxrss)"),
             area.x + area.w / 2, y0 + 4, ALIGN_CENTER, ALIGN_START, 14, TRUE,
             FALSE);
  draw_frame (cr, &area);
  g_autofree char *x_title
      = b->families->len > 0
            ? g_strdup_printf ("Workers: %s (log scale)", b->workers_title)
            : g_strdup ("Workers (log scale)");
  draw_x_axis (cr, &area, &x, x_title);
  draw_y_axis (cr, &area, &y,
               kind == CB_PLOT_TIME ? "Time (log scale)" : "Memory (MiB)",
               kind == CB_PLOT_TIME);
  draw_references (cr, &area, b, &y, kind, FALSE);
  draw_families (cr, &area, b, &x, &y, kind);
  draw_references (cr, &area, b, &y, kind, TRUE);
  if (b->families->len == 0)
    {
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      draw_text (cr, "no row with a worker-count parameter",
                 area.x + area.w / 2, area.y + area.h / 2 + 20, ALIGN_CENTER,
                 ALIGN_CENTER, 12, FALSE, FALSE);
    }
}

static void
legend_entry (cairo_t *cr, double x, double y, guint color, int style,
              const char *text)
{
  static const double dashes[] = { 7, 4 }, dots[] = { 2, 4 };
  double mid = y + LEGEND_ROW_H / 2.0;
  set_color (cr, color, 1);
  cairo_set_line_width (cr, style == 0 ? 2.2 : style == 3 ? 2 : 1.5);
  if (style == 1)
    cairo_set_dash (cr, dashes, 2, 0);
  else if (style == 2)
    cairo_set_dash (cr, dots, 2, 0);
  cairo_move_to (cr, x, mid);
  cairo_line_to (cr, x + 30, mid);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (style == 0)
    marker (cr, x + 15, mid);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  draw_text (cr, text, x + 38, mid, ALIGN_START, ALIGN_CENTER, 12.5, FALSE,
             FALSE);
}

static void
draw_legend (cairo_t *cr, const CbPlotBlock *b, double y)
{
  guint cols = legend_columns (), n = 0;
  double x0 = MARGIN + PAD_LEFT / 2.0;
#define NEXT_X (x0 + (n % cols) * LEGEND_COL_W)
#define NEXT_Y (y + (n / cols) * LEGEND_ROW_H)
  for (guint f = 0; f < b->families->len; f++, n++)
    {
      const CbPlotFamily *family = b->families->pdata[f];
      legend_entry (cr, NEXT_X, NEXT_Y, family->color, 0, family->label);
    }
  if (b->families->len > 0)
    {
      legend_entry (cr, NEXT_X, NEXT_Y, 7, 1, "ideal time (dashed, per family)");
      n++;
    }
  for (guint r = 0; r < b->refs->len; r++, n++)
    {
      const CbPlotRef *ref = b->refs->pdata[r];
      g_autofree char *text = g_strdup_printf ("%s (reference)", ref->label);
      legend_entry (cr, NEXT_X, NEXT_Y, ref->color, ref->baseline ? 3 : 2,
                    text);
    }
#undef NEXT_X
#undef NEXT_Y
}

void
cb_plot_draw_chart (cairo_t *cr, const CbReport *report, GPtrArray *blocks,
            double height)
{
  double panel_w = (WIDTH - 2 * MARGIN - PANEL_GAP) / 2.0;
  double y = TITLE_H;
  const char *suite = report->suite && report->suite->name ? report->suite->name
                                                           : "concbench";
  g_autofree char *title
      = g_strdup_printf ("concbench — %s suite: time and memory against workers",
                         suite);
  GString *sub = g_string_new (NULL);

  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  draw_text (cr, title, WIDTH / 2.0, 14, ALIGN_CENTER, ALIGN_START, 20, TRUE,
             FALSE);
  if (report->platform != NULL)
    g_string_append_printf (sub, "%u × %s, %s, %s", report->platform->cpu_count,
                            report->platform->cpu_model, report->platform->os,
                            report->platform->kernel);
  if (report->runs != NULL)
    g_string_append_printf (sub, "%s%s measured runs per benchmark",
                            sub->len ? " — " : "", report->runs);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  draw_text (cr, sub->str, WIDTH / 2.0, 44, ALIGN_CENTER, ALIGN_START, 13,
             FALSE, FALSE);
  g_string_free (sub, TRUE);

  for (guint i = 0; i < blocks->len; i++)
    {
      const CbPlotBlock *b = blocks->pdata[i];
      cairo_set_source_rgb (cr, 0, 0, 0);
      draw_text (cr, b->key, MARGIN, y + 6, ALIGN_START, ALIGN_START, 16, TRUE,
                 FALSE);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, MARGIN, y + BLOCK_HEAD_H - 4);
      cairo_line_to (cr, WIDTH - MARGIN, y + BLOCK_HEAD_H - 4);
      cairo_stroke (cr);
      y += BLOCK_HEAD_H;
      draw_panel (cr, b, CB_PLOT_TIME, MARGIN, y, panel_w, PANEL_H,
                  report->memory_sampled);
      draw_panel (cr, b, CB_PLOT_MEMORY, MARGIN + panel_w + PANEL_GAP, y, panel_w,
                  PANEL_H, report->memory_sampled);
      y += PANEL_H + 10;
      draw_legend (cr, b, y);
      y += block_height (b) - BLOCK_HEAD_H - PANEL_H - 10;
    }
  if (blocks->len == 0)
    {
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      draw_text (cr, "No benchmark succeeded: nothing to draw.", WIDTH / 2.0,
                 y + 30, ALIGN_CENTER, ALIGN_CENTER, 14, FALSE, FALSE);
    }
  cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
  draw_text (cr,
             "Lines: mean over the measured runs. Horizontal lines: rows "
             "without workers (the baseline solid). Drawn by concbench "
             PACKAGE_VERSION ".",
             WIDTH / 2.0, height - 8, ALIGN_CENTER, ALIGN_END, 11.5, FALSE,
             FALSE);
}

