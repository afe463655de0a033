/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Throughput beside time, for workloads that move bytes. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "throughput.h"

#include <math.h>

#include "format.h"
#include "report.h"

#define GIGA 1e9
#define MEBI 1048576.0

gboolean
cb_throughput_stats (const CbResult *result, CbStats *out)
{
  guint n = result->samples != NULL ? result->samples->len : 0;
  g_autofree double *rates = g_new0 (double, n + 1);
  guint known = 0;

  cb_stats_compute (NULL, 0, out);
  if (result->info.total_bytes == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const CbRunSample *s = &g_array_index (result->samples, CbRunSample, i);
      /* A zero wall (a clock that did not move) has no rate to show. */
      if (s->wall > 0)
        rates[known++] = (double) result->info.total_bytes / s->wall;
    }
  if (known == 0)
    return FALSE;
  cb_stats_compute (rates, known, out);
  return TRUE;
}

gboolean
cb_throughput_any (GPtrArray *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (r->has_throughput && cb_result_measured (r))
        return TRUE;
    }
  return FALSE;
}

CbThroughputUnit
cb_throughput_unit_for (GPtrArray *results)
{
  double largest = 0;

  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (r->has_throughput && isfinite (r->throughput.mean))
        largest = MAX (largest, r->throughput.mean);
    }
  if (largest >= GIGA)
    return (CbThroughputUnit){ "GB/s", GIGA };
  return (CbThroughputUnit){ "MiB/s", MEBI };
}

char *
cb_throughput_cell (const CbResult *result, CbThroughputUnit unit)
{
  if (!result->has_throughput || !cb_result_measured (result)
      || !isfinite (result->throughput.mean))
    return g_strdup ("-");
  double v = result->throughput.mean / unit.scale;
  return cb_fmt_fixed (v, v >= 100 ? 0 : v >= 10 ? 1 : 2);
}
