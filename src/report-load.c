/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "report-load.h"

#include <math.h>
#include <string.h>

#include "format.h"

enum {
  COL_NAME,
  COL_TARGET,
  COL_ACHIEVED,
  COL_RESP_P50,
  COL_RESP_P99,
  COL_RESP_P999,
  COL_RESP_MAX,
  COL_SERV_P99,
  COL_VERDICT,
  N_COLS
};

static gboolean
is_open (const CbResult *r)
{
  return cb_result_measured (r) && r->load.open;
}

static double
largest_latency (const CbReport *report)
{
  double largest = 0;
  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      if (is_open (r))
        largest = MAX (largest, MAX (r->load.response.max,
                                     r->load.service.p99));
    }
  return largest;
}

static void
set_rate (CbTable *table, guint row, guint col, double rate)
{
  cb_table_set_cell (table, row, col,
                     cb_fmt_fixed_or_dash (rate, rate >= 100 ? 0 : 2),
                     CB_TONE_NONE);
}

static void
add_row (CbTable *table, const CbResult *r, CbTimeUnit unit)
{
  const CbLoadResult *l = &r->load;
  guint row = cb_table_add_row (table, CB_TONE_NONE);
  const double latencies[] = { l->response.p50, l->response.p99,
                               l->response.p999, l->response.max,
                               l->service.p99 };

  cb_table_set_cell (table, row, COL_NAME, cb_text_display (r->bench->name),
                     CB_TONE_NONE);
  set_rate (table, row, COL_TARGET, l->target_rate);
  set_rate (table, row, COL_ACHIEVED, l->achieved_rate);
  for (guint i = 0; i < G_N_ELEMENTS (latencies); i++)
    cb_table_set_cell (table, row, COL_RESP_P50 + i,
                       cb_fmt_time (latencies[i], unit), CB_TONE_NONE);
  cb_table_set_cell (table, row, COL_VERDICT,
                     g_strdup (cb_load_verdict (l)),
                     l->kept_up ? CB_TONE_GOOD : CB_TONE_BAD);
}

CbTable *
cb_report_load_table (const CbReport *report)
{
  static const char *const headers[N_COLS] = {
    "Open loop", "Rate (/s)", "Achieved (/s)", "Resp p50", "Resp p99",
    "Resp p99.9", "Resp max", "Serv p99", "Verdict",
  };
  CbTimeUnit unit = cb_time_unit_for (largest_latency (report));
  CbTable *table = NULL;

  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      if (!is_open (r))
        continue;
      if (table == NULL)
        {
          table = cb_table_new (N_COLS);
          for (guint c = 0; c < N_COLS; c++)
            cb_table_set_column (
                table, c,
                c >= COL_RESP_P50 && c <= COL_SERV_P99
                    ? g_strdup_printf ("%s (%s)", headers[c], unit.name)
                    : g_strdup (headers[c]),
                c != COL_NAME && c != COL_VERDICT);
        }
      add_row (table, r, unit);
    }
  return table;
}

/* The row's name without its " @ R/s..." suffix: the strategy's row. */
static char *
row_family (const CbResult *r)
{
  const char *at = strstr (r->bench->name, " @ ");
  return at ? g_strndup (r->bench->name, at - r->bench->name)
            : g_strdup (r->bench->name);
}

static char *
family_line (const char *family, const CbResult *best, double lowest)
{
  g_autofree char *resp = NULL;
  if (best == NULL)
    return g_strdup_printf ("%s kept up with none of its rates (the lowest "
                            "was %.0f/s)", family, lowest);
  resp = cb_fmt_general (best->load.response.p99 * 1e3, 3);
  return g_strdup_printf ("%s kept up with up to %.0f/s (achieved %.0f/s, "
                          "p99 response %s ms)", family,
                          best->load.target_rate, best->load.achieved_rate,
                          resp);
}

GPtrArray *
cb_report_load_summary (const CbReport *report)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) families = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      g_autofree char *family = NULL;
      if (!is_open (r))
        continue;
      family = row_family (r);
      if (g_ptr_array_find_with_equal_func (families, family, g_str_equal,
                                            NULL))
        continue;
      const CbResult *best = NULL;
      double lowest = INFINITY;
      for (guint j = i; j < report->results->len; j++)
        {
          const CbResult *o = report->results->pdata[j];
          g_autofree char *of = is_open (o) ? row_family (o) : NULL;
          if (of == NULL || strcmp (of, family) != 0)
            continue;
          lowest = MIN (lowest, o->load.target_rate);
          if (o->load.kept_up
              && (best == NULL
                  || o->load.target_rate > best->load.target_rate))
            best = o;
        }
      g_ptr_array_add (lines, family_line (family, best, lowest));
      g_ptr_array_add (families, g_steal_pointer (&family));
    }
  return lines;
}
