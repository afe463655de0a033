/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The perf counters in a run's report; see counters-report.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "counters-report.h"

#include <math.h>
#include <string.h>

#include "format.h"

/* The IPC column stands after instructions, where both it and cycles are
 * shown. */
#define IPC_BITS                                                             \
  (CB_COUNTER_BIT (CB_COUNTER_CYCLES) | CB_COUNTER_BIT (CB_COUNTER_INSTRUCTIONS))

void
cb_report_counter_state (const CbReport *report, CbCounterReading *state)
{
  memset (state, 0, sizeof *state);
  for (guint i = 0; report->results != NULL && i < report->results->len; i++)
    {
      const CbResult *r = report->results->pdata[i];
      for (guint k = 0; r->samples != NULL && k < r->samples->len; k++)
        cb_counters_merge_state (
            state, &g_array_index (r->samples, CbRunSample, k).counters);
    }
}

GStrv
cb_report_counter_notes (const CbReport *report)
{
  CbCounterReading state;
  cb_report_counter_state (report, &state);
  return cb_counters_notes (&state, CB_COUNTERS_ALL);
}

static guint32
shown_counters (const CbReport *report)
{
  return report->options ? report->options->counter_columns : 0;
}

static gboolean
shows_ipc (guint32 shown)
{
  return (shown & IPC_BITS) == IPC_BITS;
}

guint
cb_report_counter_columns (const CbReport *report)
{
  guint32 shown = shown_counters (report);
  guint n = shows_ipc (shown) ? 1 : 0;
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    n += (shown & CB_COUNTER_BIT (c)) != 0;
  return n;
}

void
cb_report_counter_headers (CbTable *table, guint first,
                           const CbReport *report)
{
  guint32 shown = shown_counters (report);
  guint col = first;
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    {
      if ((shown & CB_COUNTER_BIT (c)) == 0)
        continue;
      cb_table_set_column (table, col++,
                           c == CB_COUNTER_TASK_CLOCK
                               ? g_strdup ("task-clock (ms)")
                               : g_strdup (cb_counter_name (c)),
                           TRUE);
      if (c == CB_COUNTER_INSTRUCTIONS && shows_ipc (shown))
        cb_table_set_column (table, col++, g_strdup ("IPC"), TRUE);
    }
}

/* Counts to three significant digits with K, M, G: a column of cycle
 * counts reads at a glance. */
static char *
cell_count (double v)
{
  static const char suffixes[] = " KMGTP";
  guint k = 0;
  if (!isfinite (v))
    return g_strdup ("-");
  if (v < 10000)
    return cb_fmt_fixed (v, 0);
  while (v >= 1000 && k + 1 < sizeof suffixes - 1)
    {
      v /= 1000;
      k++;
    }
  g_autofree char *n = cb_fmt_fixed (v, v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return g_strdup_printf ("%s%c", n, suffixes[k]);
}

static char *
counter_cell (const CbResult *r, guint c)
{
  const CbCounterMeans *m = &r->counters;
  if (!cb_result_measured (r) || (m->counted & CB_COUNTER_BIT (c)) == 0)
    return g_strdup ("-");
  if (c == CB_COUNTER_TASK_CLOCK)
    return cb_fmt_fixed (m->mean[c] * 1000, 1);
  return cell_count (m->mean[c]);
}

void
cb_report_counter_cells (CbTable *table, guint row, guint first,
                         const CbReport *report, const CbResult *r)
{
  guint32 shown = shown_counters (report);
  guint col = first;
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    {
      if ((shown & CB_COUNTER_BIT (c)) == 0)
        continue;
      cb_table_set_cell (table, row, col++, counter_cell (r, c), CB_TONE_NONE);
      if (c == CB_COUNTER_INSTRUCTIONS && shows_ipc (shown))
        cb_table_set_cell (table, row, col++,
                           cb_result_measured (r)
                               ? cb_fmt_fixed_or_dash (r->counters.ipc, 2)
                               : g_strdup ("-"),
                           CB_TONE_NONE);
    }
}

char *
cb_report_counters_sentence (const CbReport *report)
{
  guint32 shown = shown_counters (report);
  if (shown == 0)
    return NULL;
  CbCounterReading state;
  cb_report_counter_state (report, &state);
  g_auto (GStrv) notes = cb_counters_notes (&state, shown);
  GString *s = g_string_new ("Counters: perf_event_open on each worker, "
                             "inherited by its threads and children; means "
                             "over the runs");
  for (guint i = 0; notes[i] != NULL; i++)
    g_string_append_printf (s, "; %s", notes[i]);
  return g_string_free (s, FALSE);
}

/* The counters requested in any run, with the IPC slot where both of its
 * counters were. */
static guint32
requested_counters (const CbReport *report)
{
  CbCounterReading state;
  cb_report_counter_state (report, &state);
  return state.requested;
}

static char *
csv_value (const CbResult *r, guint c)
{
  const CbCounterMeans *m = &r->counters;
  double v = c == CB_N_COUNTERS ? m->ipc : m->mean[c];
  if (!cb_result_measured (r) || !isfinite (v)
      || (c < CB_N_COUNTERS && (m->counted & CB_COUNTER_BIT (c)) == 0))
    return NULL;
  return cb_fmt_general (v, 9);
}

GPtrArray *
cb_report_counter_fields (const CbReport *report, const CbResult *r)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  guint32 requested = requested_counters (report);
  for (guint c = 0; c <= CB_N_COUNTERS; c++)
    {
      gboolean ipc = c == CB_N_COUNTERS;
      if (ipc ? (requested & IPC_BITS) != IPC_BITS
              : (requested & CB_COUNTER_BIT (c)) == 0)
        continue;
      if (r == NULL)
        g_ptr_array_add (fields,
                         g_strdup_printf ("counter_%s",
                                          ipc ? "ipc" : cb_counter_name (c)));
      else
        g_ptr_array_add (fields, csv_value (r, c));
    }
  return fields;
}
