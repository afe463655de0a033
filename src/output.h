/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where results go: -o, --export and stdout, shared by a benchmark run and
 * by compare.  Every file is checked before anything is measured and
 * written atomically afterwards. */
#pragma once

#include <json-glib/json-glib.h>

#include "report.h"

typedef struct {
  char *path;
  CbFormat format;
} CbOutput;

/* Refuses a path that cannot be written (a directory, a missing or
 * read-only directory) before anything is measured: a typo in -o must not
 * cost an hour of benchmarking.  Errors are CB_ERROR_USAGE. */
gboolean cb_output_check_writable (const char *path, GError **error);

/* The files a run writes: "-o output" in format (or the format its
 * extension names), and each "--export" file in the format its extension
 * names.  stdout_format is the table unless --format is given without -o.
 * Returns an array of CbOutput*, or NULL with a usage error. */
GPtrArray *cb_outputs_collect (const char *output, const char *format,
                               const char *const *exports,
                               CbFormat *stdout_format, GError **error);

/* Writes through a temporary file renamed over path, so an interrupted run
 * never leaves half a file. */
gboolean cb_output_write (const char *path, const char *text, GError **error);

/* Appends one RFC 4180 field (comma-separated from what line holds). */
void cb_csv_append_field (GString *line, const char *field);

/* JSON members: NAN and infinity as null (JSON has neither), strings made
 * valid UTF-8 (names and messages come from files and plugins), NULL as
 * null. */
void cb_json_add_double (JsonBuilder *b, const char *name, double v);
void cb_json_add_string_value (JsonBuilder *b, const char *s);
void cb_json_add_string (JsonBuilder *b, const char *name, const char *s);
