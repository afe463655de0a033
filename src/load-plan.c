/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "load-plan.h"

#include <math.h>
#include <string.h>

static gboolean
parse_rates (const char *text, GArray *out)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  if (parts[0] == NULL)
    return FALSE;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      const char *p = parts[i];
      /* strtod would take " 1", "nan", "inf" and hex: a rate is digits. */
      if (!g_ascii_isdigit (p[0]) && p[0] != '.')
        return FALSE;
      double rate = g_ascii_strtod (p, &end);
      if (*end != '\0' || !isfinite (rate) || rate <= 0 || rate > CB_RATE_MAX
          || strchr (p, 'x') != NULL || strchr (p, 'X') != NULL)
        return FALSE;
      if (out != NULL)
        g_array_append_val (out, rate);
    }
  return TRUE;
}

gboolean
cb_load_check_rate (const char *option, const char *text, GError **error)
{
  if (strcmp (text, "auto") == 0 || parse_rates (text, NULL))
    return TRUE;
  cb_set_usage_error (error,
                      "%s: '%s' must be auto or items per second above 0 "
                      "and up to 1e9 (several, comma-separated, sweep it)",
                      option, text);
  return FALSE;
}

gboolean
cb_load_check_arrivals (const char *option, const char *text, GError **error)
{
  CbArrivals arrivals;
  if (cb_arrivals_parse (text, &arrivals))
    return TRUE;
  cb_set_usage_error (error, "%s: '%s' is not constant or poisson", option,
                      text);
  return FALSE;
}

void
cb_load_request_init (CbLoadRequest *request, const char *rate,
                      const char *arrivals)
{
  memset (request, 0, sizeof *request);
  if (arrivals == NULL || !cb_arrivals_parse (arrivals, &request->arrivals))
    request->arrivals = CB_ARRIVALS_CONSTANT;
  if (rate == NULL)
    return;
  if (strcmp (rate, "auto") == 0)
    {
      request->is_auto = TRUE;
      return;
    }
  request->rates = g_array_new (FALSE, FALSE, sizeof (double));
  if (!parse_rates (rate, request->rates))
    g_clear_pointer (&request->rates, g_array_unref);
}

void
cb_load_request_clear (CbLoadRequest *request)
{
  g_clear_pointer (&request->rates, g_array_unref);
}

/* Whole numbers where the rate is large enough for them to say all. */
static char *
rate_text (double rate)
{
  return rate >= 100 ? g_strdup_printf ("%.0f", rate)
                     : g_strdup_printf ("%.3g", rate);
}

CbBenchmark *
cb_load_open_row (const CbBenchmark *bench, double rate, CbArrivals arrivals)
{
  CbBenchmark *copy = g_new0 (CbBenchmark, 1);
  g_autofree char *shown = rate_text (rate);
  copy->name = g_strdup_printf ("%s @ %s/s%s", bench->name, shown,
                                arrivals == CB_ARRIVALS_POISSON ? " poisson"
                                                                : "");
  copy->name_template = g_strdup (bench->name_template);
  copy->workload = bench->workload;
  copy->strategy = bench->strategy;
  copy->workload_params = cb_param_set_copy (bench->workload_params);
  copy->strategy_params = cb_param_set_copy (bench->strategy_params);
  copy->workload_key = g_strdup (bench->workload_key);
  copy->rate = rate;
  copy->arrivals = arrivals;
  return copy;
}

guint
cb_load_expand (CbSuite *suite, guint n_rows, const double *rates,
                guint n_rates, CbArrivals arrivals)
{
  g_autoptr (GPtrArray) rows
      = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_benchmark_free);
  GPtrArray *all = suite->benchmarks;

  for (guint i = 0; i < n_rows && i < all->len; i++)
    for (guint r = 0; r < n_rates; r++)
      g_ptr_array_add (rows, cb_load_open_row (all->pdata[i], rates[r],
                                               arrivals));
  guint made = rows->len;
  g_ptr_array_remove_range (all, 0, MIN (n_rows, all->len));
  for (guint i = 0; i < made; i++)
    g_ptr_array_insert (all, i, g_ptr_array_steal_index (rows, 0));
  return made;
}
