/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parameter parsing: every malformed value is refused with a message that
 * names the parameter. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "params.h"

static const char *const modes[] = { "async", "blocking", NULL };
static const CbParamSpec specs[] = {
  { "threads", "pool size", "8", CB_PARAM_UINT, 1, 1048576, NULL },
  { "max-latency", "seconds", "0.66", CB_PARAM_DOUBLE, 0, 3600, NULL },
  { "mode", "how", "async", CB_PARAM_ENUM, 0, 0, modes },
  { "label", "free text", "x", CB_PARAM_STRING, 0, 0, NULL },
  { NULL }
};

static void
assert_refused (const char *name, const char *text, const char *needle)
{
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (cb_param_set_assign (set, name, text, &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, name));
  if (strstr (error->message, needle) == NULL)
    g_error ("'%s' for %s: message '%s' lacks '%s'", text, name,
             error->message, needle);
}

static void
test_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, &error);
  g_assert_no_error (error);
  CbParams p = cb_param_set_view (set);
  g_assert_cmpuint (cb_params_get_uint (&p, "threads"), ==, 8);
  g_assert_cmpfloat (cb_params_get_double (&p, "max-latency"), ==, 0.66);
  g_assert_cmpuint (cb_params_get_enum (&p, "mode"), ==, 0);
  g_assert_cmpstr (cb_params_get_string (&p, "label"), ==, "x");
  g_autofree char *desc = cb_param_set_describe (set);
  g_assert_cmpstr (desc, ==, "threads=8 max-latency=0.66 mode=async label=x");
}

static void
test_good_values (void)
{
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (cb_param_set_assign (set, "threads", "1_024", &error));
  g_assert_true (cb_param_set_assign (set, "max-latency", "1e-3", &error));
  g_assert_true (cb_param_set_assign (set, "mode", "blocking", &error));
  g_assert_true (cb_param_set_assign (set, "label", "hello world", &error));
  g_assert_no_error (error);
  CbParams p = cb_param_set_view (set);
  g_assert_cmpuint (cb_params_get_uint (&p, "threads"), ==, 1024);
  g_assert_cmpfloat (cb_params_get_double (&p, "max-latency"), ==, 0.001);
  g_assert_cmpuint (cb_params_get_enum (&p, "mode"), ==, 1);
  g_assert_cmpstr (cb_params_get_string (&p, "label"), ==, "hello world");
}

static void
test_bad_values (void)
{
  assert_refused ("threads", "0", "below the minimum 1");
  assert_refused ("threads", "abc", "not a whole number");
  assert_refused ("threads", "-3", "negative");
  assert_refused ("threads", "", "empty");
  assert_refused ("threads", "2.5", "not a whole number");
  /* Found by fuzz-param: doubled underscores were accepted. */
  assert_refused ("threads", "1__024", "not a whole number");
  assert_refused ("threads", "_1", "not a whole number");
  assert_refused ("threads", "1_", "not a whole number");
  assert_refused ("threads", "99999999999999999999999", "overflows 64 bits");
  assert_refused ("threads", "2000000", "above the maximum");
  assert_refused ("max-latency", "fast", "not a number");
  assert_refused ("max-latency", "-1", "below the minimum");
  assert_refused ("max-latency", "nan", "out of range");
  assert_refused ("max-latency", "1e999", "out of range");
  assert_refused ("mode", "sideways", "not one of async|blocking");
}

/* Found by fuzz-param: a value with a control character made the message
 * span lines (or drive the terminal); it is quoted escaped instead. */
/* Found by fuzz-param: bounds above 2^53 were compared in double
 * precision, so one more than the maximum was accepted. */
static void
test_uint_bounds_exact (void)
{
  static const CbParamSpec big[] = {
    { "bytes", NULL, "0", CB_PARAM_UINT, 0, 1e18, NULL },
    { "any", NULL, "0", CB_PARAM_UINT, 0, 18446744073709551615.0, NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  CbValue v;
  g_assert_true (cb_param_parse (&big[0], "1000000000000000000", &v, &error));
  g_assert_cmpuint (v.u, ==, G_GUINT64_CONSTANT (1000000000000000000));
  g_assert_false (cb_param_parse (&big[0], "1000000000000000001", &v, &error));
  g_assert_nonnull (strstr (error->message, "above the maximum"));
  g_clear_error (&error);
  g_assert_true (cb_param_parse (&big[1], "18446744073709551615", &v, &error));
  g_assert_cmpuint (v.u, ==, G_MAXUINT64);
  g_assert_false (cb_param_parse (&big[1], "18446744073709551616", &v, &error));
  g_assert_nonnull (strstr (error->message, "overflows 64 bits"));
}

static void
test_message_is_one_line (void)
{
  assert_refused ("threads", "1\n2", "'1\\n2' is not a whole number");
  assert_refused ("threads", "1\x14" "000", "'1\\x14000' is not");
  assert_refused ("mode", "a\tb\x1b[2J", "'a\\tb\\x1b[2J' is not one of");
  g_autoptr (GError) error = NULL;
  g_assert_null (cb_param_split_list ("x\ny", "1,,\r", &error));
  g_assert_cmpstr (error->message, ==,
                   "parameter 'x\\ny': empty value in list '1,,\\r'");
  g_autofree char *p = cb_text_printable ("caf\xc3\xa9 \x7f\\");
  g_assert_cmpstr (p, ==, "caf\xc3\xa9 \\x7f\\");
}

static void
test_unknown_name (void)
{
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (cb_param_set_assign (set, "bogus", "1", &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "bogus"));
}

static void
test_lists (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ok = cb_param_split_list ("threads", "1,2,8", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ok), ==, 3);
  g_assert_cmpstr (ok[2], ==, "8");
  g_assert_null (cb_param_split_list ("threads", "", &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_clear_error (&error);
  g_assert_null (cb_param_split_list ("threads", "1,,2", &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
}

static void
test_copy_is_independent (void)
{
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, NULL);
  g_assert_true (cb_param_set_assign (set, "label", "one", NULL));
  g_autoptr (CbParamSet) copy = cb_param_set_copy (set);
  g_assert_true (cb_param_set_assign (set, "label", "two", NULL));
  CbParams p = cb_param_set_view (copy);
  g_assert_cmpstr (cb_params_get_string (&p, "label"), ==, "one");
}

/* Ranges expand where lists are split, so they work on the command line
 * and in suite files alike. */
static void
assert_expands (const char *list, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) values = cb_param_split_list ("threads", list, &error);
  g_assert_no_error (error);
  g_autofree char *joined = g_strjoinv (",", values);
  if (strcmp (joined, expected) != 0)
    g_error ("'%s' expanded to '%s', not '%s'", list, joined, expected);
}

static void
test_ranges (void)
{
  assert_expands ("1..64*2", "1,2,4,8,16,32,64");
  assert_expands ("1..8", "1,2,3,4,5,6,7,8");
  assert_expands ("1..100*3", "1,3,9,27,81");
  assert_expands ("2..11+3", "2,5,8,11");
  assert_expands ("3..3", "3");
  /* Float-safe: start + k * step, the end included within an epsilon. */
  assert_expands ("0.01..0.05+0.01", "0.01,0.02,0.03,0.04,0.05");
  assert_expands ("0.1..0.7+0.1", "0.1,0.2,0.3,0.4,0.5,0.6,0.7");
  assert_expands ("0.5..2*2", "0.5,1,2");
  assert_expands ("1e-3..3e-3+1e-3", "0.001,0.002,0.003");
  /* Mixed with plain values, and a string value with dots left alone. */
  assert_expands ("1,4..6,32", "1,4,5,6,32");
  assert_expands ("../data,a..b", "../data,a..b");

  /* The expanded values are what the parameter then parses. */
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) values = cb_param_split_list ("max-latency", "0.01..0.05+0.01",
                                               &error);
  g_autoptr (CbParamSet) set = cb_param_set_new (specs, NULL);
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_assert_true (cb_param_set_assign (set, "max-latency", values[i], &error));
      CbParams p = cb_param_set_view (set);
      g_assert_cmpfloat_with_epsilon (cb_params_get_double (&p, "max-latency"),
                                      0.01 * (i + 1), 1e-12);
    }
}

static void
assert_bad_range (const char *list, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) values = cb_param_split_list ("threads", list, &error);
  if (values != NULL)
    g_error ("'%s' accepted", list);
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_assert_true (g_str_has_prefix (error->message, "parameter 'threads': "));
  g_assert_null (strchr (error->message, '\n'));
  if (strstr (error->message, needle) == NULL)
    g_error ("'%s': message '%s' lacks '%s'", list, error->message, needle);
}

static void
test_bad_ranges (void)
{
  assert_bad_range ("1..", "no end");
  assert_bad_range ("..8", "no start");
  assert_bad_range ("1..8+", "no step");
  assert_bad_range ("1..8*", "no factor");
  assert_bad_range ("8..1", "ends below its start");
  assert_bad_range ("1..8+0", "step must be above 0");
  assert_bad_range ("1..8+-1", "step must be above 0");
  assert_bad_range ("1..8*1", "factor must be above 1");
  assert_bad_range ("1..8*0.5", "factor must be above 1");
  assert_bad_range ("0..8*2", "must start above 0");
  assert_bad_range ("1..2..3", "is not a number");
  assert_bad_range ("1.2.3..4", "is not a number");
  /* The sweep cap, naming the count. */
  assert_bad_range ("1..20000", "makes 20000 values, more than the 10000");
  assert_bad_range ("1..1e300", "more than the 10000");
  assert_bad_range ("0..1+1e-300", "more than the 10000");
  assert_bad_range ("1,2,3..10002", "more than the 10000");
  /* At the cap exactly is fine. */
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) most = cb_param_split_list ("threads", "1..10000", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (most), ==, 10000);
  g_assert_cmpstr (most[9999], ==, "10000");
}

static void
test_range_on_non_numeric (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (cb_param_check_range_use (&specs[0], "1..8", &error));
  g_assert_true (cb_param_check_range_use (&specs[1], "0.1..0.2+0.1", &error));
  g_assert_true (cb_param_check_range_use (&specs[2], "async", &error));
  g_assert_false (cb_param_check_range_use (&specs[2], "1..3", &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "parameter 'mode'"));
  g_assert_nonnull (strstr (error->message, "needs a numeric parameter"));
  g_clear_error (&error);
  g_assert_false (cb_param_check_range_use (&specs[3], "x,1..3", &error));
  g_assert_nonnull (strstr (error->message, "a string"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/params/defaults", test_defaults);
  g_test_add_func ("/params/good-values", test_good_values);
  g_test_add_func ("/params/bad-values", test_bad_values);
  g_test_add_func ("/params/message-is-one-line", test_message_is_one_line);
  g_test_add_func ("/params/uint-bounds-exact", test_uint_bounds_exact);
  g_test_add_func ("/params/unknown-name", test_unknown_name);
  g_test_add_func ("/params/lists", test_lists);
  g_test_add_func ("/params/copy-is-independent", test_copy_is_independent);
  g_test_add_func ("/params/ranges", test_ranges);
  g_test_add_func ("/params/bad-ranges", test_bad_ranges);
  g_test_add_func ("/params/range-on-non-numeric", test_range_on_non_numeric);
  return g_test_run ();
}
