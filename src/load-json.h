/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "load" member of a benchmark in the results JSON (schema_version 2,
 * issue 16): written for every benchmark (null for a closed row), read back
 * by compare, which also reads version 1 files, which have none. */
#pragma once

#include <json-glib/json-glib.h>

#include "read-json.h"
#include "results.h"

/* Adds "load": { ... } or "load": null to the object being built. */
void cb_load_json_add (JsonBuilder *b, const CbResult *r);
/* Reads obj's "load" member into out (out->open FALSE when absent or
 * null).  A "load" that is there but malformed is an error naming where. */
gboolean cb_load_json_read (JsonObject *obj, const char *path,
                            const char *where, CbLoadSummary *out,
                            GError **error);
