/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin listings: --list-plugins for people, and
 * --list-plugins=names for shell completion.  Both return a newly allocated
 * string and print nothing.
 *
 * cb_listing_plugin_names() output, for shell completion: one record
 * per line, fields separated by single spaces, no header:
 *   workload NAME
 *   strategy NAME
 *   param OWNER PARAM TYPE [CHOICE|CHOICE|...]
 * NAME and OWNER are workload/strategy names as given to --workload,
 * --strategy and "OWNER.PARAM=VALUE"; TYPE is uint, double, enum or string;
 * the fifth field lists an enum's choices joined with '|'.  A plugin providing
 * both a workload and a strategy gives both records, each followed by its own
 * param lines.  Whitespace and control characters inside a field are replaced
 * by '_', so `read -r kind owner name type choices` splits every line.
 */
#pragma once

#include <glib.h>

#include "registry.h"

G_BEGIN_DECLS

/* Human-readable: every plugin with its kind, version, licence, file and
 * description, each parameter with type, default, range or choices and help;
 * then the search path and the problems met while scanning it.  search_path
 * may be NULL. */
char *cb_listing_plugins (const CbRegistry *registry,
                          const char *const *search_path);
/* Machine-readable, for shell completion; see the format above. */
char *cb_listing_plugin_names (const CbRegistry *registry);

G_END_DECLS
