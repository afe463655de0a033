/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The results JSON's "environment" object (environment.h). */
#pragma once

#include <json-glib/json-glib.h>

#include "environment.h"

/* Adds the member "environment" to the object b is building. */
void cb_json_add_environment (JsonBuilder *b, const CbEnvironment *env);
