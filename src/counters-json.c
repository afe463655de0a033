/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The perf counters in the results JSON; see counters-json.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "counters-json.h"

#include <math.h>

#include "counters-report.h"

static void
add_value (JsonBuilder *b, const char *name, guint counter, double v)
{
  json_builder_set_member_name (b, name);
  if (!isfinite (v))
    json_builder_add_null_value (b);
  else if (counter == CB_COUNTER_TASK_CLOCK || counter == CB_N_COUNTERS)
    json_builder_add_double_value (b, v);
  else
    json_builder_add_int_value (b, (gint64) llround (v));
}

static void
add_names (JsonBuilder *b, const char *name, guint32 bits)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    if (bits & CB_COUNTER_BIT (c))
      json_builder_add_string_value (b, cb_counter_name (c));
  json_builder_end_array (b);
}

void
cb_json_add_run_counters (JsonBuilder *b, const CbRunSample *s)
{
  const CbCounterReading *r = &s->counters;
  if (r->requested == 0)
    return;
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    if (r->counted & CB_COUNTER_BIT (c))
      add_value (b, cb_counter_name (c), c,
                 c == CB_COUNTER_TASK_CLOCK ? r->values[c] / 1e9
                                            : (double) r->values[c]);
  json_builder_end_object (b);
  if (r->scaled != 0)
    add_names (b, "counters_scaled", r->scaled);
}

static gboolean
row_requested_counters (const CbResult *r)
{
  for (guint k = 0; r->samples != NULL && k < r->samples->len; k++)
    if (g_array_index (r->samples, CbRunSample, k).counters.requested != 0)
      return TRUE;
  return FALSE;
}

void
cb_json_add_row_counters (JsonBuilder *b, const CbResult *r)
{
  const CbCounterMeans *m = &r->counters;
  if (!row_requested_counters (r))
    return;
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    if (m->counted & CB_COUNTER_BIT (c))
      {
        /* a mean of counts need not be whole */
        json_builder_set_member_name (b, cb_counter_name (c));
        json_builder_add_double_value (b, m->mean[c]);
      }
  if (isfinite (m->ipc))
    add_value (b, "ipc", CB_N_COUNTERS, m->ipc);
  json_builder_end_object (b);
  add_names (b, "counters_scaled", m->scaled);
}

void
cb_json_add_report_counters (JsonBuilder *b, const CbReport *report)
{
  CbCounterReading state;
  cb_report_counter_state (report, &state);
  if (state.requested == 0)
    return;
  g_auto (GStrv) notes = cb_counters_notes (&state, CB_COUNTERS_ALL);
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "perf_event_open, inherited");
  add_names (b, "requested", state.requested);
  add_names (b, "counted", state.counted);
  add_names (b, "user_space_only", state.user_only & state.counted);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; notes[i] != NULL; i++)
    json_builder_add_string_value (b, notes[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}
