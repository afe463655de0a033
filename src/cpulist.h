/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CPU lists as the kernel writes them ("0", "0-1", "0,2-3"): --affinity,
 * the online and isolated CPUs in sysfs. */
#pragma once

#include <glib.h>
#include <sched.h>

/* Parses text into set (cleared first).  A malformed list, a reversed
 * range or a CPU number of CPU_SETSIZE or more is CB_ERROR_USAGE, the
 * message naming the list; an empty text is an empty set. */
gboolean cb_cpu_list_parse (const char *text, cpu_set_t *set, GError **error);

/* The canonical spelling of set: ascending, ranges joined ("0,2-3"); ""
 * for an empty set. */
char *cb_cpu_list_format (const cpu_set_t *set);

/* The online CPUs, from root's /sys/devices/system/cpu/online (root: "/"
 * for this machine, a fake tree in tests); FALSE when it cannot be read. */
gboolean cb_cpu_list_online (const char *root, cpu_set_t *set);

/* Parses an --affinity list and checks that every CPU in it is online
 * here; the canonical list, or NULL with a CB_ERROR_USAGE error. */
char *cb_cpu_list_for_affinity (const char *text, GError **error);
