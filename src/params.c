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

/* ---- Ranges: "1..8", "1..64*2", "0.01..0.05+0.01" ---- */

/* Only elements made of number characters are ranges, so that a string
 * value such as "../data" is still a value. */
static gboolean
element_is_range (const char *element)
{
  if (strstr (element, "..") == NULL)
    return FALSE;
  for (const char *p = element; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && strchr (".+-*eE_", *p) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
cb_param_list_has_range (const char *list)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (element_is_range (parts[i]))
      return TRUE;
  return FALSE;
}

static gboolean
range_number (const char *name, const char *range, const char *text,
              const char *what, double *out, GError **error)
{
  char *end = NULL;
  if (*text == '\0')
    return usage_error (error, name, "range '%s' has no %s", range, what);
  errno = 0;
  *out = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || !isfinite (*out))
    return usage_error (error, name, "range '%s': %s '%s' is not a number",
                        range, what, text);
  return TRUE;
}

/* Integers stay integers in the values' text: "8", never "8.0". */
static gboolean
text_is_integer (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '-' && *p != '+')
      return FALSE;
  return TRUE;
}

typedef struct {
  double start, end, step;
  gboolean geometric, integer;
} Range;

/* The '+' or '*' after the end, skipping a '+' that belongs to an
 * exponent ("1..8+1e+2"); NULL without one. */
static char *
find_step_operator (char *end)
{
  for (char *p = end; *p != '\0'; p++)
    if (*p == '*' || (*p == '+' && p > end && p[-1] != 'e' && p[-1] != 'E'))
      return p;
  return NULL;
}

static gboolean
range_check (const char *name, const char *text, const Range *r,
             GError **error)
{
  if (r->end < r->start)
    return usage_error (error, name, "range '%s' ends below its start", text);
  if (r->geometric && !(r->step > 1))
    return usage_error (error, name, "range '%s': the factor must be above 1",
                        text);
  if (r->geometric && !(r->start > 0))
    return usage_error (error, name,
                        "range '%s': a geometric range must start above 0",
                        text);
  if (!r->geometric && !(r->step > 0))
    return usage_error (error, name, "range '%s': the step must be above 0",
                        text);
  return TRUE;
}

static gboolean
range_parse (const char *name, const char *text, Range *r, GError **error)
{
  const char *dots = strstr (text, "..");
  g_autofree char *start = g_strndup (text, dots - text);
  g_autofree char *end = g_strdup (dots + 2);
  char *op = find_step_operator (end);
  const char *step = op != NULL ? op + 1 : "1";

  r->geometric = op != NULL && *op == '*';
  if (op != NULL)
    *op = '\0';
  if (!range_number (name, text, start, "start", &r->start, error)
      || !range_number (name, text, end, "end", &r->end, error)
      || !range_number (name, text, step, r->geometric ? "factor" : "step",
                        &r->step, error))
    return FALSE;
  r->integer = text_is_integer (start) && text_is_integer (end)
               && text_is_integer (step);
  return range_check (name, text, r, error);
}

/* Tolerance for the end: 0.01 + 4 * 0.01 is 0.05000000000000001. */
#define RANGE_EPSILON 1e-9

static double
range_value (const Range *r, guint64 k)
{
  return r->geometric ? r->start * pow (r->step, (double) k)
                      : r->start + (double) k * r->step;
}

/* How many values: a double, as "1..1e300" has more than 64 bits count. */
static double
range_count (const Range *r)
{
  double slack = RANGE_EPSILON * MAX (1.0, fabs (r->end));
  double n = r->geometric ? floor (log (r->end / r->start) / log (r->step)
                                   + RANGE_EPSILON)
                          : floor ((r->end - r->start) / r->step
                                   + RANGE_EPSILON);
  if (!(n < 2.0 * CB_PARAM_MAX_LIST_VALUES))
    return n + 1; /* too many anyway, or NaN */
  guint64 count = (guint64) n + 1;
  /* The logarithm or the division may land one off: the values decide. */
  while (count > 1 && range_value (r, count - 1) > r->end + slack)
    count--;
  while (range_value (r, count) <= r->end + slack
         && count <= 2 * CB_PARAM_MAX_LIST_VALUES)
    count++;
  return (double) count;
}

static char *
range_value_text (const Range *r, guint64 k)
{
  double v = range_value (r, k);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (r->integer)
    return g_strdup_printf ("%.0f", v);
  /* 15 digits: 0.01 + 2 * 0.01 is written 0.03. */
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", v));
}

static gboolean
range_expand (const char *name, const char *text, GPtrArray *out,
              GError **error)
{
  Range r;
  if (!range_parse (name, text, &r, error))
    return FALSE;
  double count = range_count (&r);
  if (!(count + out->len <= CB_PARAM_MAX_LIST_VALUES))
    return usage_error (error, name,
                        "range '%s' makes %.15g values, more than the %d a "
                        "sweep may have",
                        text, count, CB_PARAM_MAX_LIST_VALUES);
  for (guint64 k = 0; k < (guint64) count; k++)
    g_ptr_array_add (out, range_value_text (&r, k));
  return TRUE;
}

GStrv
cb_param_split_list (const char *name, const char *list, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (parts[0] == NULL)
    {
      cb_set_usage_error (error, "parameter '%s': empty list of values", name);
      return NULL;
    }
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        {
          cb_set_usage_error (error,
                              "parameter '%s': empty value in list '%s'",
                              name, list);
          return NULL;
        }
      if (!element_is_range (parts[i]))
        g_ptr_array_add (values, g_strdup (parts[i]));
      else if (!range_expand (name, parts[i], values, error))
        return NULL;
    }
  g_ptr_array_add (values, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&values), FALSE);
}

gboolean
cb_param_check_range_use (const CbParamSpec *spec, const char *list,
                          GError **error)
{
  if (spec->type == CB_PARAM_UINT || spec->type == CB_PARAM_DOUBLE
      || !cb_param_list_has_range (list))
    return TRUE;
  return usage_error (error, spec->name,
                      "a range ('%s') needs a numeric parameter, and this "
                      "one is %s %s",
                      list, spec->type == CB_PARAM_ENUM ? "an" : "a",
                      cb_param_type_name (spec->type));
}
