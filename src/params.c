/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "params.h"

#include <errno.h>
#include <math.h>
#include <string.h>

guint
cb_param_specs_count (const CbParamSpec *specs)
{
  guint n = 0;
  while (specs != NULL && specs[n].name != NULL)
    n++;
  return n;
}

const CbParamSpec *
cb_param_specs_find (const CbParamSpec *specs, const char *name)
{
  for (guint i = 0; specs != NULL && specs[i].name != NULL; i++)
    if (strcmp (specs[i].name, name) == 0)
      return &specs[i];
  return NULL;
}

const char *
cb_param_type_name (CbParamType type)
{
  switch (type)
    {
    case CB_PARAM_UINT: return "uint";
    case CB_PARAM_DOUBLE: return "double";
    case CB_PARAM_ENUM: return "enum";
    case CB_PARAM_STRING: return "string";
    }
  return "unknown";
}

char *
cb_text_printable (const char *text)
{
  GString *s = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", c);
      else
        g_string_append_c (s, (char) c);
    }
  return g_string_free (s, FALSE);
}

void
cb_set_usage_error (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *raw = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_autofree char *message = cb_text_printable (raw);
  g_set_error_literal (error, CB_ERROR, CB_ERROR_USAGE, message);
}

static gboolean
usage_error (GError **error, const char *name, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

static gboolean
usage_error (GError **error, const char *name, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  cb_set_usage_error (error, "parameter '%s': %s", name, what);
  return FALSE;
}

static gboolean
check_range (const CbParamSpec *spec, const char *text, double v,
             GError **error)
{
  if (v < spec->min)
    return usage_error (error, spec->name, "%s is below the minimum %.15g",
                        text, spec->min);
  if (v > spec->max)
    return usage_error (error, spec->name, "%s is above the maximum %.15g",
                        text, spec->max);
  return TRUE;
}

/* Compares v with a spec bound exactly, -1, 0 or 1: (double) v rounds
 * above 2^53, which let 1000000000000000001 pass a maximum of 1e18. */
static int
compare_uint_bound (guint64 v, double bound)
{
  if (bound < 0)
    return 1;
  if (bound >= 18446744073709551616.0) /* 2^64 */
    return -1;
  guint64 whole = (guint64) bound; /* exact: below 2^64 */
  if (v != whole)
    return v < whole ? -1 : 1;
  return (double) whole == bound ? 0 : -1;
}

static gboolean
parse_uint (const CbParamSpec *spec, const char *text, CbValue *value,
            GError **error)
{
  const char *p = text;
  guint64 v = 0;

  if (*p == '\0')
    return usage_error (error, spec->name, "empty value");
  if (*p == '-')
    return usage_error (error, spec->name,
                        "'%s' is negative; a whole number >= %.15g is needed",
                        text, spec->min);
  for (; *p != '\0'; p++)
    {
      /* Underscores group digits, as in the seed's "1_000_000": one at a
       * time, between two digits. */
      if (*p == '_' && p != text && g_ascii_isdigit (p[-1])
          && g_ascii_isdigit (p[1]))
        continue;
      if (!g_ascii_isdigit (*p))
        return usage_error (error, spec->name, "'%s' is not a whole number",
                            text);
      guint digit = *p - '0';
      if (v > (G_MAXUINT64 - digit) / 10)
        return usage_error (error, spec->name, "'%s' overflows 64 bits",
                            text);
      v = v * 10 + digit;
    }
  if (compare_uint_bound (v, spec->min) < 0)
    return usage_error (error, spec->name, "%s is below the minimum %.15g",
                        text, spec->min);
  if (compare_uint_bound (v, spec->max) > 0)
    return usage_error (error, spec->name, "%s is above the maximum %.15g",
                        text, spec->max);
  value->u = v;
  return TRUE;
}

static gboolean
parse_double (const CbParamSpec *spec, const char *text, CbValue *value,
              GError **error)
{
  char *end = NULL;
  double v;

  if (*text == '\0')
    return usage_error (error, spec->name, "empty value");
  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || g_ascii_isspace (*text))
    return usage_error (error, spec->name, "'%s' is not a number", text);
  if (errno == ERANGE || !isfinite (v))
    return usage_error (error, spec->name, "'%s' is out of range", text);
  if (!check_range (spec, text, v, error))
    return FALSE;
  value->d = v;
  return TRUE;
}

static gboolean
parse_enum (const CbParamSpec *spec, const char *text, CbValue *value,
            GError **error)
{
  for (guint i = 0; spec->choices != NULL && spec->choices[i] != NULL; i++)
    if (strcmp (spec->choices[i], text) == 0)
      {
        value->e = i;
        return TRUE;
      }
  g_autofree char *choices = spec->choices != NULL
                                 ? g_strjoinv ("|", (char **) spec->choices)
                                 : g_strdup ("");
  return usage_error (error, spec->name, "'%s' is not one of %s", text,
                      choices);
}

gboolean
cb_param_parse (const CbParamSpec *spec, const char *text, CbValue *value,
                GError **error)
{
  if (text == NULL)
    return usage_error (error, spec->name, "no value");
  switch (spec->type)
    {
    case CB_PARAM_UINT: return parse_uint (spec, text, value, error);
    case CB_PARAM_DOUBLE: return parse_double (spec, text, value, error);
    case CB_PARAM_ENUM: return parse_enum (spec, text, value, error);
    case CB_PARAM_STRING: value->s = text; return TRUE;
    }
  return usage_error (error, spec->name, "unknown parameter type %d",
                      (int) spec->type);
}

static CbParamSet *
param_set_alloc (const CbParamSpec *specs)
{
  CbParamSet *set = g_new0 (CbParamSet, 1);
  set->specs = specs;
  set->n = cb_param_specs_count (specs);
  set->values = g_new0 (CbValue, set->n + 1);
  set->texts = g_new0 (char *, set->n + 1);
  set->assigned = g_new0 (gboolean, set->n + 1);
  return set;
}

CbParamSet *
cb_param_set_new (const CbParamSpec *specs, GError **error)
{
  g_autoptr (CbParamSet) set = param_set_alloc (specs);

  for (guint i = 0; i < set->n; i++)
    {
      const char *def = specs[i].default_value ? specs[i].default_value : "";
      g_autoptr (GError) local = NULL;
      if (!cb_param_set_assign (set, specs[i].name, def, &local))
        {
          g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
                       "bad default value: %s", local->message);
          return NULL;
        }
      set->assigned[i] = FALSE;
    }
  return g_steal_pointer (&set);
}

CbParamSet *
cb_param_set_copy (const CbParamSet *set)
{
  CbParamSet *copy = param_set_alloc (set->specs);
  for (guint i = 0; i < set->n; i++)
    {
      copy->texts[i] = g_strdup (set->texts[i]);
      copy->values[i] = set->values[i];
      copy->assigned[i] = set->assigned[i];
      if (set->specs[i].type == CB_PARAM_STRING)
        copy->values[i].s = copy->texts[i];
    }
  return copy;
}

void
cb_param_set_free (CbParamSet *set)
{
  if (set == NULL)
    return;
  g_strfreev (set->texts);
  g_free (set->values);
  g_free (set->assigned);
  g_free (set);
}

gboolean
cb_param_set_assign (CbParamSet *set, const char *name, const char *text,
                     GError **error)
{
  for (guint i = 0; i < set->n; i++)
    {
      if (strcmp (set->specs[i].name, name) != 0)
        continue;
      g_autofree char *copy = g_strdup (text);
      CbValue value;
      if (!cb_param_parse (&set->specs[i], copy, &value, error))
        return FALSE;
      g_free (set->texts[i]);
      set->texts[i] = g_steal_pointer (&copy);
      if (set->specs[i].type == CB_PARAM_STRING)
        value.s = set->texts[i];
      set->values[i] = value;
      set->assigned[i] = TRUE;
      return TRUE;
    }
  cb_set_usage_error (error, "unknown parameter '%s'", name);
  return FALSE;
}

CbParams
cb_param_set_view (const CbParamSet *set)
{
  CbParams params = { set->specs, set->values, set->n };
  return params;
}

char *
cb_param_set_describe (const CbParamSet *set)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < set->n; i++)
    g_string_append_printf (s, "%s%s=%s", i ? " " : "", set->specs[i].name,
                            set->texts[i]);
  return g_string_free (s, FALSE);
}

GStrv
cb_param_split_list (const char *name, const char *list, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);

  if (parts[0] == NULL)
    {
      cb_set_usage_error (error, "parameter '%s': empty list of values", name);
      return NULL;
    }
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '\0')
      {
        cb_set_usage_error (error, "parameter '%s': empty value in list '%s'",
                         name, list);
        return NULL;
      }
  return g_steal_pointer (&parts);
}
