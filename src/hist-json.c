/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing and reading a histogram as JSON (hist-json.h); hist.c checks that
 * what is read is a histogram, this file only that it is well typed. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "hist-json.h"

#include "params.h"

void
cb_hist_to_json (const CbHist *hist, JsonBuilder *b)
{
  CbHistIter it = CB_HIST_ITER_INIT;
  gint64 lower;
  guint64 count;
  gboolean empty = cb_hist_count (hist) == 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, "ns");
  json_builder_set_member_name (b, "significant_digits");
  json_builder_add_int_value (b, CB_HIST_SIGNIFICANT_DIGITS);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) cb_hist_count (hist));
  json_builder_set_member_name (b, "clamped");
  json_builder_add_int_value (b, (gint64) cb_hist_clamped (hist));
  json_builder_set_member_name (b, "min");
  if (empty)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, cb_hist_min (hist));
  json_builder_set_member_name (b, "max");
  if (empty)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, cb_hist_max (hist));
  json_builder_set_member_name (b, "sum");
  json_builder_add_double_value (b, cb_hist_sum (hist));
  json_builder_set_member_name (b, "buckets");
  json_builder_begin_array (b);
  while (cb_hist_iter_next (hist, &it, &lower, &count))
    {
      json_builder_begin_array (b);
      json_builder_add_int_value (b, lower);
      json_builder_add_int_value (b, (gint64) count);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static gboolean
fail (GError **error, const char *what, const char *should_be)
{
  g_set_error (error, CB_ERROR, CB_ERROR_USAGE, "histogram: %s is not %s",
               what, should_be);
  return FALSE;
}

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

/* A non-negative integer; null too where nullable (then *is_null). */
static gboolean
read_count (JsonNode *node, const char *what, gboolean nullable,
            gboolean *is_null, gint64 *out, GError **error)
{
  if (nullable && node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *is_null = TRUE;
      *out = 0;
      return TRUE;
    }
  if (!is_integer (node) || json_node_get_int (node) < 0)
    return fail (error, what, "a non-negative integer");
  if (is_null != NULL)
    *is_null = FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_member_count (JsonObject *o, const char *name, gint64 *out,
                   GError **error)
{
  return read_count (json_object_get_member (o, name), name, FALSE, NULL, out,
                     error);
}

/* "unit" and "significant_digits": what this reader can take. */
static gboolean
read_format (JsonObject *o, GError **error)
{
  JsonNode *unit = json_object_get_member (o, "unit");
  JsonNode *digits = json_object_get_member (o, "significant_digits");

  if (unit == NULL || !JSON_NODE_HOLDS_VALUE (unit)
      || json_node_get_value_type (unit) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (unit), "ns") != 0)
    return fail (error, "unit", "\"ns\"");
  if (!is_integer (digits)
      || json_node_get_int (digits) != CB_HIST_SIGNIFICANT_DIGITS)
    return fail (error, "significant_digits", "3");
  return TRUE;
}

/* min and max: null together exactly when there are no values. */
static gboolean
read_extremes (JsonObject *o, CbHistParts *parts, GError **error)
{
  gboolean min_null, max_null;

  if (!read_count (json_object_get_member (o, "min"), "min", TRUE, &min_null,
                   &parts->min, error)
      || !read_count (json_object_get_member (o, "max"), "max", TRUE,
                      &max_null, &parts->max, error))
    return FALSE;
  if (min_null != (parts->count == 0) || max_null != (parts->count == 0))
    return fail (error, "min or max", "null exactly when count is 0");
  return TRUE;
}

static gboolean
read_sum (JsonObject *o, CbHistParts *parts, GError **error)
{
  JsonNode *sum = json_object_get_member (o, "sum");
  GType type;

  if (sum == NULL || !JSON_NODE_HOLDS_VALUE (sum))
    return fail (error, "sum", "a number");
  type = json_node_get_value_type (sum);
  if (type == G_TYPE_INT64)
    parts->sum = (double) json_node_get_int (sum);
  else if (type == G_TYPE_DOUBLE)
    parts->sum = json_node_get_double (sum);
  else
    return fail (error, "sum", "a number");
  return TRUE;
}

static gboolean
read_pair (JsonNode *pair, gint64 *lower, guint64 *count, GError **error)
{
  JsonArray *a;
  gint64 n;

  if (!JSON_NODE_HOLDS_ARRAY (pair)
      || json_array_get_length (a = json_node_get_array (pair)) != 2)
    return fail (error, "a bucket", "a [lower_bound, count] pair");
  if (!read_count (json_array_get_element (a, 0), "a bucket's lower bound",
                   FALSE, NULL, lower, error)
      || !read_count (json_array_get_element (a, 1), "a bucket's count",
                      FALSE, NULL, &n, error))
    return FALSE;
  *count = (guint64) n;
  return TRUE;
}

/* [lower_bound, count] pairs into lowers and counts. */
static gboolean
read_buckets (JsonObject *o, GArray *lowers, GArray *counts, GError **error)
{
  JsonNode *node = json_object_get_member (o, "buckets");
  JsonArray *buckets;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "buckets", "an array");
  buckets = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (buckets); i++)
    {
      gint64 lower;
      guint64 count;

      if (!read_pair (json_array_get_element (buckets, i), &lower, &count,
                      error))
        return FALSE;
      g_array_append_val (lowers, lower);
      g_array_append_val (counts, count);
    }
  return TRUE;
}

CbHist *
cb_hist_from_json (JsonNode *node, GError **error)
{
  g_autoptr (GArray) lowers = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint64));
  CbHistParts parts = { 0 };
  JsonObject *o;
  gint64 count, clamped;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, "the value", "an object");
      return NULL;
    }
  o = json_node_get_object (node);
  if (!read_format (o, error) || !read_member_count (o, "count", &count, error)
      || !read_member_count (o, "clamped", &clamped, error))
    return NULL;
  parts.count = (guint64) count;
  parts.clamped = (guint64) clamped;
  if (!read_extremes (o, &parts, error) || !read_sum (o, &parts, error)
      || !read_buckets (o, lowers, counts, error))
    return NULL;
  parts.lower_bounds = (const gint64 *) (gpointer) lowers->data;
  parts.counts = (const guint64 *) (gpointer) counts->data;
  parts.n_buckets = lowers->len;
  return cb_hist_new_from_parts (&parts, error);
}
