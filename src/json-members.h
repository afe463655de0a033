/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON writers' members: NAN and infinity as null (JSON has neither),
 * strings made valid UTF-8 (names and messages come from files and
 * plugins), NULL as null. */
#pragma once

#include <json-glib/json-glib.h>

void cb_json_add_double (JsonBuilder *b, const char *name, double v);
void cb_json_add_int (JsonBuilder *b, const char *name, gint64 v);
void cb_json_add_string (JsonBuilder *b, const char *name, const char *s);
void cb_json_add_string_value (JsonBuilder *b, const char *s);
