/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where results go: -o, --export and stdout, shared by a benchmark run and
 * by compare, and in which format.  Every file is checked before anything is
 * measured and written atomically afterwards.  What goes into a file is the
 * writers' business (writer.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CB_FORMAT_TABLE,
  CB_FORMAT_JSON,
  CB_FORMAT_CSV,
  CB_FORMAT_MARKDOWN,
} CbFormat;

/* "table", "json", "csv", "markdown" or "md", in any case. */
gboolean cb_format_parse (const char *name, CbFormat *out);
/* By extension, in any case: .json, .csv, .md or .markdown, .txt (table).
 * FALSE when the extension is missing or unknown. */
gboolean cb_format_from_filename (const char *path, CbFormat *out);

typedef struct {
  char *path;
  CbFormat format;
} CbOutput;

/* Refuses a path that cannot be written (a directory, a missing or
 * read-only directory, a device or pipe without write permission) before
 * anything is measured: a typo in -o must not cost an hour of benchmarking.
 * Errors are CB_ERROR_USAGE. */
gboolean cb_output_check_writable (const char *path, GError **error);

/* The files a run writes: "-o output" in format (or the format its
 * extension names), and each "--export" file in the format its extension
 * names.  stdout_format is the table unless --format is given without -o.
 * Returns an array of CbOutput*, or NULL with a usage error. */
GPtrArray *cb_outputs_collect (const char *output, const char *format,
                               const char *const *exports,
                               CbFormat *stdout_format, GError **error);

/* A regular file (or a new one) is written through a temporary file
 * renamed over it, so an interrupted run never leaves half a file; a
 * symbolic link is followed first, so the rename replaces its target, not
 * the link.  Anything else that is there (a terminal, a pipe, a device such
 * as /dev/stdout) is opened and written in place, never replaced. */
gboolean cb_output_write (const char *path, const char *text, GError **error);
/* The same for binary data, such as a chart. */
gboolean cb_output_write_bytes (const char *path, const void *data, gsize len,
                                GError **error);

/* path with its symbolic links followed as far as they go: what a
 * temporary-file-and-rename write must replace.  A dangling link gives the
 * file it names; a path that is no link is returned as it is. */
char *cb_output_target (const char *path);

G_END_DECLS
