/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for reading results JSON: cb_results_file_load() in
 * src/read-json.c, what `concbench compare` reads (format:
 * doc/results-json.md, schema_version 1).  read-json.c is built into
 * libcbfuzz with what it needs (tests/fuzz/fuzz.am).
 *
 * Invariants: a refused document gets one printable line starting with the
 * file's name; an accepted one has every row named and keyed (keys unique,
 * strings valid UTF-8), and finite, non-negative wall times; nothing reads
 * past the data (the copy has no terminating NUL), leaks, warns (GLib
 * criticals are fatal here) or takes more than a few seconds. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>

#include "fuzz.h"
#include "params.h"
#include "read-json.h"

#define SOURCE "fuzz.json"

static void
check_text (guint i, const char *what, const char *s, gboolean nullable)
{
  FUZZ_CHECK (s != NULL || nullable, "row %u: no %s", i, what);
  if (s != NULL)
    FUZZ_CHECK (g_utf8_validate (s, -1, NULL), "row %u: %s is not UTF-8", i,
                what);
}

static void
check_rows (const CbResultsFile *results)
{
  FUZZ_CHECK (results->benches != NULL, "no rows array");
  FUZZ_CHECK (g_strcmp0 (results->path, SOURCE) == 0, "path '%s'",
              results->path);
  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < results->benches->len; i++)
    {
      const CbResultsBench *b = results->benches->pdata[i];
      FUZZ_CHECK (b != NULL, "row %u is NULL", i);
      check_text (i, "name", b->name, FALSE);
      check_text (i, "workload", b->workload, FALSE);
      check_text (i, "workload_key", b->workload_key, FALSE);
      check_text (i, "strategy", b->strategy, FALSE);
      check_text (i, "status", b->status, FALSE);
      check_text (i, "error", b->error, TRUE);
      FUZZ_CHECK (b->key != NULL, "row %u: no key", i);
      g_autofree char *key = g_strdup_printf ("%s\n%s\n%s", b->name,
                                              b->workload_key, b->strategy);
      FUZZ_CHECK (strcmp (key, b->key) == 0, "row %u: key '%s'", i, b->key);
      FUZZ_CHECK (g_hash_table_add (keys, b->key), "row %u: key twice", i);
      FUZZ_CHECK (b->walls != NULL, "row %u: no walls", i);
      for (guint r = 0; r < b->walls->len; r++)
        {
          double w = g_array_index (b->walls, double, r);
          FUZZ_CHECK (isfinite (w) && w >= 0, "row %u: run %u: wall %g", i,
                      r, w);
        }
    }
  /* Metadata is text or absent. */
  check_text (0, "suite", results->suite, TRUE);
  check_text (0, "date", results->date, TRUE);
  check_text (0, "seed", results->seed, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  /* Exact size, no terminating NUL: the reader is given a length. */
  g_autofree char *copy = g_malloc (size > 0 ? size : 1);
  if (size > 0)
    memcpy (copy, data, size);
  g_autoptr (CbResultsFile) results
      = cb_results_file_load (copy, size, SOURCE, &error);
  if (g_getenv ("FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "%s\n", results ? "accepted" : error->message);
  if (results == NULL)
    fuzz_check_refusal (error, CB_ERROR, CB_ERROR_USAGE, SOURCE ": ", TRUE);
  else
    {
      FUZZ_CHECK (error == NULL, "accepted with an error set");
      check_rows (results);
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
