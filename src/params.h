/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parameter values: parsing command-line text against a plugin's specs. */
#pragma once

#include <concbench/plugin.h>

#define CB_ERROR (g_quark_from_static_string ("concbench-error"))
typedef enum {
  CB_ERROR_USAGE,   /* bad input: exit status 2 */
  CB_ERROR_FAILED,  /* failure while running: exit status 1 */
} CbErrorCode;

/* Owns one value per spec of a plugin, kept as both text and parsed value. */
typedef struct {
  const CbParamSpec *specs;
  guint n;
  CbValue *values;
  char **texts; /* canonical text of each value; strings point into these */
  gboolean *assigned; /* set by cb_param_set_assign, not by the defaults */
} CbParamSet;

guint cb_param_specs_count (const CbParamSpec *specs);
const CbParamSpec *cb_param_specs_find (const CbParamSpec *specs,
                                        const char *name);
const char *cb_param_type_name (CbParamType type);

gboolean cb_param_parse (const CbParamSpec *spec, const char *text,
                         CbValue *value, GError **error);

CbParamSet *cb_param_set_new (const CbParamSpec *specs, GError **error);
CbParamSet *cb_param_set_copy (const CbParamSet *set);
void cb_param_set_free (CbParamSet *set);
gboolean cb_param_set_assign (CbParamSet *set, const char *name,
                              const char *text, GError **error);
CbParams cb_param_set_view (const CbParamSet *set);
/* "name=value name=value" in spec order, for keys and reports. */
char *cb_param_set_describe (const CbParamSet *set);

/* text with control characters (newlines, tabs, escapes, DEL) written as
 * \n, \t, \xNN: messages quote user input and must stay one printable
 * line. */
char *cb_text_printable (const char *text);
/* Sets a CB_ERROR_USAGE error whose message is made one printable line. */
void cb_set_usage_error (GError **error, const char *fmt, ...)
    G_GNUC_PRINTF (2, 3);

/* Splits "V1,V2,..." into values; an empty list or empty element is an
 * error naming the parameter.  An element may be a range, expanded in
 * place: "A..B" (each integer), "A..B+S" (A, A+S, ... up to B) or "A..B*F"
 * (A, A*F, A*F*F, ... up to B); a bad range, or one that would give more
 * than CB_PARAM_MAX_LIST_VALUES values, is an error naming the parameter. */
GStrv cb_param_split_list (const char *name, const char *list, GError **error);
/* The sweep cap, CB_SUITE_MAX_BENCHMARKS, seen from one list. */
#define CB_PARAM_MAX_LIST_VALUES 10000
/* Whether an element of list is a range. */
gboolean cb_param_list_has_range (const char *list);
/* A range only makes sense for a number: an error naming the parameter when
 * list has one and spec is an enum or a string. */
gboolean cb_param_check_range_use (const CbParamSpec *spec, const char *list,
                                   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbParamSet, cb_param_set_free)
