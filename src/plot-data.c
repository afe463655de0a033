/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data model of scaling charts: see plot-data.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "plot-data.h"

#include <math.h>
#include <string.h>

#include "params.h"

#define MIB (1024.0 * 1024.0)

static void
family_free (CbPlotFamily *f)
{
  g_free (f->label);
  g_array_unref (f->points);
  g_free (f);
}

static void
ref_free (CbPlotRef *r)
{
  g_free (r->label);
  g_free (r);
}

static void
block_free (CbPlotBlock *b)
{
  g_free (b->key);
  g_ptr_array_unref (b->families);
  g_ptr_array_unref (b->refs);
  g_free (b->workers_title);
  g_free (b);
}

static gboolean
result_usable (const CbResult *r)
{
  return r->status == CB_RESULT_OK && r->samples != NULL
         && r->samples->len > 0 && isfinite (r->wall.mean)
         && r->wall.mean > 0;
}

/* The index of the parameter the strategy declared as its worker count, or
 * -1: a strategy that declared none (a 1.0 plugin among them) gives
 * references, whatever its parameters are called. */
static int
workers_index (const CbBenchmark *bench)
{
  const char *name = cb_plugin_worker_param (bench->strategy);
  const CbParamSet *set = bench->strategy_params;
  for (guint i = 0; name != NULL && set != NULL && i < set->n; i++)
    if (set->specs[i].type == CB_PARAM_UINT
        && strcmp (set->specs[i].name, name) == 0)
      return (int) i;
  return -1;
}

static char *
family_label (const CbBenchmark *bench, int skip)
{
  GString *s = g_string_new (bench->strategy->desc->strategy->name);
  const CbParamSet *set = bench->strategy_params;
  for (guint i = 0; set != NULL && i < set->n; i++)
    if ((int) i != skip)
      g_string_append_printf (s, " %s=%s", set->specs[i].name, set->texts[i]);
  return g_string_free (s, FALSE);
}

static int
compare_points (gconstpointer a, gconstpointer b)
{
  double x = ((const CbPlotPoint *) a)->workers;
  double y = ((const CbPlotPoint *) b)->workers;
  return (x > y) - (x < y);
}

static CbPlotBlock *
block_for (GPtrArray *blocks, const char *key)
{
  for (guint b = 0; b < blocks->len; b++)
    if (strcmp (((CbPlotBlock *) blocks->pdata[b])->key, key) == 0)
      return blocks->pdata[b];
  CbPlotBlock *block = g_new0 (CbPlotBlock, 1);
  block->key = g_strdup (key);
  block->families
      = g_ptr_array_new_with_free_func ((GDestroyNotify) family_free);
  block->refs = g_ptr_array_new_with_free_func ((GDestroyNotify) ref_free);
  g_ptr_array_add (blocks, block);
  return block;
}

static CbPlotFamily *
family_for (CbPlotBlock *block, char *label, const char *worker_param)
{
  for (guint f = 0; f < block->families->len; f++)
    {
      CbPlotFamily *family = block->families->pdata[f];
      if (strcmp (family->label, label) == 0)
        {
          g_free (label);
          return family;
        }
    }
  CbPlotFamily *family = g_new0 (CbPlotFamily, 1);
  family->label = label;
  family->worker_param = worker_param;
  family->points = g_array_new (FALSE, TRUE, sizeof (CbPlotPoint));
  g_ptr_array_add (block->families, family);
  return family;
}

static void
add_result (CbPlotBlock *block, const CbResult *r)
{
  const CbBenchmark *bench = r->bench;
  int w = workers_index (bench);
  char *label = family_label (bench, w);
  double memory
      = isfinite (r->pss.mean) && r->pss.mean > 0 ? r->pss.mean / MIB : NAN;
  if (w < 0)
    {
      CbPlotRef *ref = g_new0 (CbPlotRef, 1);
      ref->label = label;
      ref->mean = r->wall.mean;
      ref->memory = memory;
      ref->baseline = (cb_plugin_strategy_flags (bench->strategy)
                       & CB_STRATEGY_BASELINE)
                      != 0;
      g_ptr_array_add (block->refs, ref);
      return;
    }
  CbPlotFamily *family
      = family_for (block, label, bench->strategy_params->specs[w].name);
  CbPlotPoint p = { (double) bench->strategy_params->values[w].u, r->wall.mean,
                    r->wall.ci95_low, r->wall.ci95_high, r->ideal, memory };
  g_array_append_val (family->points, p);
}

/* Sorts the points, hands out colours (baselines are black) and names the
 * worker axis after the parameters it shows. */
static void
finish_block (CbPlotBlock *block)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint color = 0;
  for (guint f = 0; f < block->families->len; f++)
    {
      CbPlotFamily *family = block->families->pdata[f];
      g_array_sort (family->points, compare_points);
      family->color = color++;
      if (!g_ptr_array_find_with_equal_func (names, family->worker_param,
                                             g_str_equal, NULL))
        g_ptr_array_add (names, (gpointer) family->worker_param);
    }
  for (guint f = 0; f < block->refs->len; f++)
    {
      CbPlotRef *ref = block->refs->pdata[f];
      ref->color = ref->baseline ? G_MAXUINT : color++;
    }
  g_ptr_array_add (names, NULL);
  block->workers_title = g_strjoinv (", ", (char **) names->pdata);
}

GPtrArray *
cb_plot_collect_blocks (const CbReport *report)
{
  GPtrArray *blocks
      = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      if (result_usable (r))
        add_result (block_for (blocks, r->bench->workload_key), r);
    }
  for (guint b = 0; b < blocks->len; b++)
    finish_block (blocks->pdata[b]);
  return blocks;
}

static void
grow (double *lo, double *hi, double v)
{
  if (!isfinite (v) || v <= 0)
    return;
  *lo = MIN (*lo, v);
  *hi = MAX (*hi, v);
}

void
cb_plot_x_range (const CbPlotBlock *b, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint f = 0; f < b->families->len; f++)
    {
      const CbPlotFamily *family = b->families->pdata[f];
      for (guint i = 0; i < family->points->len; i++)
        grow (lo, hi, g_array_index (family->points, CbPlotPoint, i).workers);
    }
  if (!isfinite (*lo))
    *lo = *hi = 1;
  /* Half a power of two of room on each side; at least 1..2. */
  *lo /= G_SQRT2;
  *hi *= G_SQRT2;
  if (*hi / *lo < 2.8)
    {
      *lo /= 1.4;
      *hi *= 1.4;
    }
}

static void
grow_by_data (const CbPlotBlock *b, CbPlotQuantity quantity, double *lo,
              double *hi)
{
  for (guint f = 0; f < b->families->len; f++)
    {
      const CbPlotFamily *family = b->families->pdata[f];
      for (guint i = 0; i < family->points->len; i++)
        {
          const CbPlotPoint *p = &g_array_index (family->points, CbPlotPoint, i);
          if (quantity == CB_PLOT_TIME)
            {
              grow (lo, hi, p->mean);
              grow (lo, hi, p->low);
              grow (lo, hi, p->high);
              grow (lo, hi, p->ideal);
            }
          else
            grow (lo, hi, p->memory);
        }
    }
  for (guint r = 0; r < b->refs->len; r++)
    {
      const CbPlotRef *ref = b->refs->pdata[r];
      grow (lo, hi, quantity == CB_PLOT_TIME ? ref->mean : ref->memory);
    }
}

void
cb_plot_y_range (const CbPlotBlock *b, CbPlotQuantity quantity, double *lo,
                 double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  grow_by_data (b, quantity, lo, hi);
  if (!isfinite (*lo))
    {
      *lo = quantity == CB_PLOT_TIME ? 0.1 : 0;
      *hi = 1;
      return;
    }
  if (quantity == CB_PLOT_MEMORY)
    {
      *lo = 0;
      *hi *= 1.12;
      return;
    }
  /* Log axis: some room, and at least a factor 2.5 so ticks exist. */
  *lo /= 1.25;
  *hi *= 1.25;
  if (*hi / *lo < 2.5)
    {
      double f = sqrt (2.5 / (*hi / *lo));
      *lo /= f;
      *hi *= f;
    }
}
