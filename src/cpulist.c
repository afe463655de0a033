/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CPU lists: parsing, the canonical spelling, and the online set. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "cpulist.h"

#include <string.h>

#include "params.h"

/* One "N" or "N-M" element into set; FALSE if malformed. */
static gboolean
add_element (const char *element, cpu_set_t *set)
{
  char *end = NULL;
  if (!g_ascii_isdigit (element[0]))
    return FALSE;
  guint64 first = g_ascii_strtoull (element, &end, 10);
  guint64 last = first;
  if (*end == '-')
    {
      if (!g_ascii_isdigit (end[1]))
        return FALSE;
      last = g_ascii_strtoull (end + 1, &end, 10);
    }
  if (*end != '\0' || last < first || last >= CPU_SETSIZE)
    return FALSE;
  for (guint64 cpu = first; cpu <= last; cpu++)
    CPU_SET ((int) cpu, set);
  return TRUE;
}

gboolean
cb_cpu_list_parse (const char *text, cpu_set_t *set, GError **error)
{
  CPU_ZERO (set);
  g_autofree char *copy = g_strstrip (g_strdup (text));
  if (copy[0] == '\0')
    return TRUE;
  g_auto (GStrv) elements = g_strsplit (copy, ",", -1);
  for (guint i = 0; elements[i] != NULL; i++)
    if (!add_element (elements[i], set))
      {
        cb_set_usage_error (error,
                            "'%s' is not a CPU list such as 0, 0-1 or 0,2-3 "
                            "(CPUs 0 to %d)",
                            text, CPU_SETSIZE - 1);
        return FALSE;
      }
  return TRUE;
}

char *
cb_cpu_list_format (const cpu_set_t *set)
{
  GString *out = g_string_new (NULL);
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
    {
      if (!CPU_ISSET (cpu, set))
        continue;
      int last = cpu;
      while (last + 1 < CPU_SETSIZE && CPU_ISSET (last + 1, set))
        last++;
      if (out->len > 0)
        g_string_append_c (out, ',');
      if (last == cpu)
        g_string_append_printf (out, "%d", cpu);
      else
        g_string_append_printf (out, "%d-%d", cpu, last);
      cpu = last;
    }
  return g_string_free (out, FALSE);
}

gboolean
cb_cpu_list_online (const char *root, cpu_set_t *set)
{
  g_autofree char *path
      = g_build_filename (root, "sys/devices/system/cpu/online", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  return cb_cpu_list_parse (text, set, NULL);
}

/* The machine's online CPUs; without sysfs, the first as many as are
 * online. */
static void
online_here (cpu_set_t *set)
{
  if (cb_cpu_list_online ("/", set))
    return;
  CPU_ZERO (set);
  for (guint cpu = 0; cpu < g_get_num_processors () && cpu < CPU_SETSIZE;
       cpu++)
    CPU_SET ((int) cpu, set);
}

char *
cb_cpu_list_for_affinity (const char *text, GError **error)
{
  cpu_set_t want, online, outside;
  g_autoptr (GError) local = NULL;
  if (!cb_cpu_list_parse (text, &want, &local))
    {
      cb_set_usage_error (error, "--affinity: %s", local->message);
      return NULL;
    }
  online_here (&online);
  g_autofree char *online_text = cb_cpu_list_format (&online);
  if (CPU_COUNT (&want) == 0)
    {
      cb_set_usage_error (error, "--affinity: '%s' names no CPU (online: %s)",
                          text, online_text);
      return NULL;
    }
  CPU_XOR (&outside, &want, &online);
  CPU_AND (&outside, &outside, &want);
  if (CPU_COUNT (&outside) > 0)
    {
      g_autofree char *bad = cb_cpu_list_format (&outside);
      cb_set_usage_error (error, "--affinity: CPU %s is not online here "
                          "(online: %s)",
                          bad, online_text);
      return NULL;
    }
  return cb_cpu_list_format (&want);
}
