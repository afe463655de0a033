/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "json-members.h"

#include <math.h>

void
cb_json_add_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

void
cb_json_add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

void
cb_json_add_string_value (JsonBuilder *b, const char *s)
{
  if (s == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  g_autofree char *valid = g_utf8_make_valid (s, -1);
  json_builder_add_string_value (b, valid);
}

void
cb_json_add_string (JsonBuilder *b, const char *name, const char *s)
{
  json_builder_set_member_name (b, name);
  cb_json_add_string_value (b, s);
}
