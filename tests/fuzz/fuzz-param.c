/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the -p value parser (cb_param_parse, the parameter
 * sets built on it, and cb_param_split_list).
 *
 * Input: "SELECTOR\nVALUE" (or SELECTOR NUL VALUE).  VALUE is parsed against
 * every spec below; SELECTOR (a spec name, or else any bytes, which pick one)
 * chooses the spec for a sweep: VALUE split as a "V1,V2,..." list, each
 * element assigned in a parameter set (a range element, "1..8", "1..64*2",
 * "0.01..0.05+0.01", expanded first).  Without a separator the whole input
 * is VALUE.  Invariants: an accepted value is exactly within its spec's
 * range and means what its text says; a refused one gets a one-line usage
 * error naming the parameter; nothing reads past the value or leaks. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>

#include "fuzz.h"
#include "params.h"

static const char *const methods[] = { "trial", "eratosthenes", NULL };
/* The bundled plugins' kinds of parameter, plus the ranges a third-party
 * plugin may declare: a bound above 2^53 and the full 64-bit range. */
static const CbParamSpec specs[] = {
  { "items", "count", "50", CB_PARAM_UINT, 1, 1000000, NULL },
  { "complexity", "bound", "1000000", CB_PARAM_UINT, 1, 1e12, NULL },
  { "bytes", "large bound", "0", CB_PARAM_UINT, 0, 1e18, NULL },
  { "any", "full range", "0", CB_PARAM_UINT, 0, 18446744073709551615.0, NULL },
  { "max-latency", "seconds", "0.66", CB_PARAM_DOUBLE, 0, 3600, NULL },
  { "ratio", "signed", "0", CB_PARAM_DOUBLE, -1, 1, NULL },
  { "method", "enum", "trial", CB_PARAM_ENUM, 0, 0, methods },
  { "label", "free text", "x", CB_PARAM_STRING, 0, 0, NULL },
  { NULL }
};

/* Compares an integer with a double exactly: -1, 0 or 1. */
static int
cmp_u64_double (guint64 v, double d)
{
  if (d < 0)
    return 1;
  if (d >= 18446744073709551616.0)
    return -1;
  guint64 f = (guint64) d; /* exact: d is below 2^64 */
  if (v != f)
    return v < f ? -1 : 1;
  return (double) f == d ? 0 : -1;
}

/* Digits, optionally grouped by single underscores: "1_000_000". */
static gboolean
is_grouped_number (const char *s)
{
  if (!g_ascii_isdigit (*s))
    return FALSE;
  for (; *s != '\0'; s++)
    if (*s == '_' ? !g_ascii_isdigit (s[1]) : !g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static void
check_message (const CbParamSpec *spec, const GError *error)
{
  FUZZ_CHECK (error != NULL, "refused without an error");
  FUZZ_CHECK (error->domain == CB_ERROR && error->code == CB_ERROR_USAGE,
              "error is not a usage error: %s", error->message);
  g_autofree char *prefix = g_strdup_printf ("parameter '%s': ", spec->name);
  FUZZ_CHECK (g_str_has_prefix (error->message, prefix),
              "message does not name the parameter: %s", error->message);
  for (const char *p = error->message; *p != '\0'; p++)
    FUZZ_CHECK ((guchar) *p >= 0x20 && *p != 0x7f,
                "message is not one printable line: byte 0x%02x in '%s'",
                (guchar) *p, error->message);
}

static void
check_parse (const CbParamSpec *spec, const char *text)
{
  g_autoptr (GError) error = NULL;
  CbValue value;

  memset (&value, 0xa5, sizeof value);
  if (!cb_param_parse (spec, text, &value, &error))
    {
      check_message (spec, error);
      return;
    }
  FUZZ_CHECK (error == NULL, "accepted with an error set");
  switch (spec->type)
    {
    case CB_PARAM_UINT:
      {
        FUZZ_CHECK (cmp_u64_double (value.u, spec->min) >= 0
                        && cmp_u64_double (value.u, spec->max) <= 0,
                    "%s: '%s' accepted as %" G_GUINT64_FORMAT
                    ", outside [%.17g, %.17g]",
                    spec->name, text, value.u, spec->min, spec->max);
        FUZZ_CHECK (is_grouped_number (text),
                    "%s: '%s' accepted but is not digits grouped by single "
                    "underscores", spec->name, text);
        g_autofree char *digits = g_strdup (text);
        char *w = digits;
        for (const char *r = text; *r != '\0'; r++)
          if (*r != '_')
            *w++ = *r;
        *w = '\0';
        FUZZ_CHECK (g_ascii_strtoull (digits, NULL, 10) == value.u,
                    "%s: '%s' parsed as %" G_GUINT64_FORMAT, spec->name, text,
                    value.u);
        break;
      }
    case CB_PARAM_DOUBLE:
      FUZZ_CHECK (isfinite (value.d) && value.d >= spec->min
                      && value.d <= spec->max,
                  "%s: '%s' accepted as %.17g, outside [%.17g, %.17g]",
                  spec->name, text, value.d, spec->min, spec->max);
      FUZZ_CHECK (g_ascii_strtod (text, NULL) == value.d,
                  "%s: '%s' parsed as %.17g", spec->name, text, value.d);
      break;
    case CB_PARAM_ENUM:
      FUZZ_CHECK (value.e < g_strv_length ((char **) spec->choices)
                      && strcmp (spec->choices[value.e], text) == 0,
                  "%s: '%s' accepted as choice %u", spec->name, text, value.e);
      break;
    case CB_PARAM_STRING:
      FUZZ_CHECK (value.s == text, "string value is not the text");
      break;
    }
}

/* A sweep as the command line and suite files do it: split, then assign each
 * value in a parameter set, copy it and describe it. */
static void
check_sweep (const CbParamSpec *spec, const char *list)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) values = cb_param_split_list (spec->name, list, &error);

  if (values == NULL)
    {
      check_message (spec, error);
      return;
    }
  FUZZ_CHECK (error == NULL, "split with an error set");
  FUZZ_CHECK (values[0] != NULL, "empty list accepted: '%s'", list);
  g_autofree char *joined = g_strjoinv (",", values);
  /* A range ("1..64*2") expands in place; anything else splits as given. */
  if (!cb_param_list_has_range (list))
    FUZZ_CHECK (strcmp (joined, list) == 0, "split '%s' rejoins as '%s'",
                list, joined);
  else
    FUZZ_CHECK (g_strv_length (values) <= CB_PARAM_MAX_LIST_VALUES,
                "'%s' expanded past the sweep cap: %u values", list,
                g_strv_length (values));

  g_autoptr (CbParamSet) set = cb_param_set_new (specs, &error);
  FUZZ_CHECK (set != NULL, "defaults refused: %s", error->message);
  for (guint i = 0; values[i] != NULL; i++)
    {
      FUZZ_CHECK (values[i][0] != '\0', "empty element accepted in '%s'",
                  list);
      g_autoptr (GError) local = NULL;
      g_autofree char *before = cb_param_set_describe (set);
      if (!cb_param_set_assign (set, spec->name, values[i], &local))
        {
          check_message (spec, local);
          g_autofree char *after = cb_param_set_describe (set);
          FUZZ_CHECK (strcmp (before, after) == 0,
                      "a refused value changed the set: '%s' -> '%s'", before,
                      after);
          continue;
        }
      g_autoptr (CbParamSet) copy = cb_param_set_copy (set);
      g_autofree char *a = cb_param_set_describe (set);
      g_autofree char *b = cb_param_set_describe (copy);
      FUZZ_CHECK (strcmp (a, b) == 0, "copy differs: '%s' vs '%s'", a, b);
      CbParams view = cb_param_set_view (copy);
      if (spec->type == CB_PARAM_STRING)
        FUZZ_CHECK (strcmp (cb_params_get_string (&view, spec->name),
                            values[i])
                        == 0,
                    "string value lost in the copy");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *sep = NULL;
  for (size_t i = 0; i < size && sep == NULL; i++)
    if (data[i] == '\0' || data[i] == '\n')
      sep = data + i;

  size_t sel_len = sep ? (size_t) (sep - data) : 0;
  const uint8_t *vdata = sep ? sep + 1 : data;
  size_t vlen = size - (size_t) (vdata - data);
  g_autofree char *value = fuzz_strndup_exact (vdata, vlen);
  g_autofree char *selector = fuzz_strndup_exact (data, sel_len);

  for (guint i = 0; specs[i].name != NULL; i++)
    check_parse (&specs[i], value);

  const CbParamSpec *spec = cb_param_specs_find (specs, selector);
  if (spec == NULL)
    {
      guint sum = 0;
      for (size_t i = 0; i < sel_len; i++)
        sum += data[i];
      spec = &specs[sum % cb_param_specs_count (specs)];
    }
  check_sweep (spec, value);
  return 0;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_abort_on_glib_warnings ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, &error);
  FUZZ_CHECK (set != NULL, "defaults refused: %s", error->message);
  return 0;
}
