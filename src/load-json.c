/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "load-json.h"
#include "json-members.h"

#include <math.h>

#include "hist-json.h"
#include "read-json.h"
#include "report.h"

static void
add_latency (JsonBuilder *b, const char *name, const CbLatency *l)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_double (b, "p50", l->p50);
  cb_json_add_double (b, "p90", l->p90);
  cb_json_add_double (b, "p99", l->p99);
  cb_json_add_double (b, "p99_9", l->p999);
  cb_json_add_double (b, "max", l->max);
  json_builder_end_object (b);
}

/* Every run's items, merged: what a later reader can merge further, across
 * files too. */
static void
add_histograms (JsonBuilder *b, const CbLoadResult *l)
{
  const struct {
    const char *name;
    const CbHist *hist;
  } hists[] = { { "response", l->response_hist },
                { "service", l->service_hist },
                { "queueing", l->queueing_hist } };
  json_builder_set_member_name (b, "histograms");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (hists); i++)
    if (hists[i].hist != NULL)
      {
        json_builder_set_member_name (b, hists[i].name);
        cb_hist_to_json (hists[i].hist, b);
      }
  json_builder_end_object (b);
}

void
cb_load_json_add (JsonBuilder *b, const CbResult *r)
{
  const CbLoadResult *l = &r->load;
  json_builder_set_member_name (b, "load");
  if (!cb_result_measured (r) || !l->open)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  cb_json_add_double (b, "rate", l->target_rate);
  json_builder_set_member_name (b, "arrivals");
  json_builder_add_string_value (b, cb_arrivals_name (r->bench->arrivals));
  cb_json_add_double (b, "offered_rate", l->offered_rate);
  cb_json_add_double (b, "achieved_rate", l->achieved_rate);
  cb_json_add_double (b, "unqueued_rate", l->unqueued_rate);
  add_latency (b, "response", &l->response);
  add_latency (b, "service", &l->service);
  add_latency (b, "queueing", &l->queueing);
  cb_json_add_double (b, "response_q2_median", l->q2_median);
  cb_json_add_double (b, "response_q4_median", l->q4_median);
  json_builder_set_member_name (b, "growing");
  json_builder_add_boolean_value (b, l->growing);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, cb_load_verdict (l));
  add_histograms (b, l);
  json_builder_end_object (b);
}

static gboolean
bad_load (GError **error, const char *path, const char *where,
          const char *what)
{
  return cb_results_file_error (error, path, "%s.load: %s", where, what);
}

/* A number, or null for NAN; FALSE for anything else or when missing. */
static gboolean
number_member (JsonObject *obj, const char *name, double *out)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType t = json_node_get_value_type (node);
  if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
cb_load_json_read (JsonObject *obj, const char *path, const char *where,
                   CbLoadSummary *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "load");
  out->open = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return bad_load (error, path, where, "not an object or null");
  JsonObject *load = json_node_get_object (node);
  JsonNode *r_node = json_object_get_member (load, "response");
  JsonObject *response = r_node && JSON_NODE_HOLDS_OBJECT (r_node)
                             ? json_node_get_object (r_node)
                             : NULL;
  JsonNode *v_node = json_object_get_member (load, "verdict");
  const char *verdict = v_node && JSON_NODE_HOLDS_VALUE (v_node)
                                && json_node_get_value_type (v_node)
                                       == G_TYPE_STRING
                            ? json_node_get_string (v_node)
                            : NULL;
  if (!number_member (load, "rate", &out->rate)
      || !number_member (load, "achieved_rate", &out->achieved_rate)
      || response == NULL
      || !number_member (response, "p99", &out->response_p99))
    return bad_load (error, path, where, "rate, achieved_rate and response.p99 "
                     "must be numbers");
  if (g_strcmp0 (verdict, "kept up") != 0
      && g_strcmp0 (verdict, "fell behind") != 0)
    return bad_load (error, path, where, "verdict is not 'kept up' or "
                     "'fell behind'");
  out->kept_up = g_strcmp0 (verdict, "kept up") == 0;
  out->open = TRUE;
  return TRUE;
}
