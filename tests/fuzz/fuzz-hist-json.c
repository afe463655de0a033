/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for reading a histogram's JSON form: json-glib's parser
 * and then cb_hist_from_json() in src/hist-json.c (format:
 * doc/results-json.md, "Histograms"), what a results reader does with each
 * histogram of a row.
 *
 * Invariants: a refused histogram gets one printable line starting
 * "histogram: "; an accepted one has buckets adding up to its count, exact
 * extremes at p0 and p100, percentiles between them, and writes back to
 * the same JSON it reads back from; nothing leaks, warns (GLib criticals
 * are fatal here) or reads past the data (the copy has no terminating
 * NUL). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "fuzz.h"
#include "hist-json.h"
#include "read-json.h"
#include "params.h"

static char *
to_text (const CbHist *hist)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  cb_hist_to_json (hist, b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
check_accepted (const CbHist *hist)
{
  CbHistIter it = CB_HIST_ITER_INIT;
  gint64 lower, previous = -1;
  guint64 count, total = 0;

  while (cb_hist_iter_next (hist, &it, &lower, &count))
    {
      FUZZ_CHECK (lower > previous && count > 0, "bucket %" G_GINT64_FORMAT,
                  lower);
      previous = lower;
      total += count;
    }
  FUZZ_CHECK (total == cb_hist_count (hist), "buckets hold %" G_GUINT64_FORMAT,
              total);
  FUZZ_CHECK (cb_hist_min (hist) <= cb_hist_max (hist), "min > max");
  FUZZ_CHECK (cb_hist_percentile (hist, 0) == cb_hist_min (hist), "p0");
  FUZZ_CHECK (cb_hist_percentile (hist, 100) == cb_hist_max (hist), "p100");
  for (double p = 0; p <= 100; p += 12.5)
    {
      gint64 v = cb_hist_percentile (hist, p);

      FUZZ_CHECK (cb_hist_count (hist) == 0
                      || (v >= cb_hist_min (hist)
                          && (v <= cb_hist_max (hist)
                              || v == CB_HIST_CLAMP_NS)),
                  "p%g = %" G_GINT64_FORMAT, p, v);
    }
}

/* What is written reads back as the same histogram. */
static void
check_round_trip (const CbHist *hist)
{
  g_autofree char *text = to_text (hist);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CbHist) back = NULL;
  g_autofree char *again = NULL;

  FUZZ_CHECK (json_parser_load_from_data (parser, text, -1, &error),
              "written JSON does not parse: %s", error->message);
  back = cb_hist_from_json (json_parser_get_root (parser), &error);
  FUZZ_CHECK (back != NULL, "written JSON refused: %s", error->message);
  again = to_text (back);
  FUZZ_CHECK (strcmp (text, again) == 0, "round trip: %s became %s", text,
              again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CbHist) hist = NULL;
  /* Exact size, no terminating NUL: the parser is given a length. */
  g_autofree char *copy = g_malloc (size > 0 ? size : 1);

  if (size > 0)
    memcpy (copy, data, size);
  /* A histogram is read from a results file, which must pass the
   * reader's shape check first (json-glib 1.6 leaks the second of two
   * top-level values, and recurses without bound). */
  if (!cb_results_check_shape (copy, size, "fuzz", NULL))
    return 0;
  if (!json_parser_load_from_data (parser, copy, (gssize) size, NULL))
    return 0;
  hist = cb_hist_from_json (json_parser_get_root (parser), &error);
  if (g_getenv ("FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "%s\n", hist ? "accepted" : error->message);
  if (hist == NULL)
    fuzz_check_refusal (error, CB_ERROR, CB_ERROR_USAGE, "histogram: ", TRUE);
  else
    {
      FUZZ_CHECK (error == NULL, "accepted with an error set");
      check_accepted (hist);
      check_round_trip (hist);
    }
  return 0;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* Misuse of a json-glib accessor is a g_return_if_fail critical. */
  fuzz_abort_on_glib_warnings ();
  return 0;
}
