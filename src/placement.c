/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --affinity and --nice in the worker, and whether --nice is allowed. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "placement.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "cpulist.h"
#include "params.h"

#define CAP_SYS_NICE_BIT 23

static gboolean
apply_affinity (const char *cpus, GError **error)
{
  cpu_set_t set;
  if (!cb_cpu_list_parse (cpus, &set, error))
    return FALSE;
  if (sched_setaffinity (0, sizeof set, &set) < 0)
    {
      /* EINVAL: none of them is allowed here, e.g. by a cpuset cgroup. */
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
                   "--affinity %s: cannot pin the worker: %s", cpus,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_nice (int nice, GError **error)
{
  if (setpriority (PRIO_PROCESS, 0, nice) < 0)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
                   "--nice %d: cannot set the worker's priority: %s", nice,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
cb_placement_apply (const CbPlacement *placement, GError **error)
{
  if (placement->cpus != NULL && !apply_affinity (placement->cpus, error))
    return FALSE;
  return !placement->has_nice || apply_nice (placement->nice, error);
}

/* Whether the effective capabilities hold CAP_SYS_NICE. */
static gboolean
has_cap_sys_nice (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return FALSE;
  const char *line = strstr (status, "\nCapEff:");
  if (line == NULL)
    return FALSE;
  guint64 caps = g_ascii_strtoull (line + strlen ("\nCapEff:"), NULL, 16);
  return (caps >> CAP_SYS_NICE_BIT) & 1;
}

gboolean
cb_placement_check_nice (int nice, GError **error)
{
  errno = 0;
  int current = getpriority (PRIO_PROCESS, 0);
  if (current == -1 && errno != 0)
    current = 0;
  if (nice >= current || has_cap_sys_nice ())
    return TRUE;
  /* RLIMIT_NICE's ceiling is 20 - limit, as nice values go. */
  struct rlimit lim;
  if (getrlimit (RLIMIT_NICE, &lim) == 0
      && (lim.rlim_cur == RLIM_INFINITY || 20 - (long) lim.rlim_cur <= nice))
    return TRUE;
  g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
               "--nice %d: raising the workers' priority above concbench's "
               "(nice %d) needs root (CAP_SYS_NICE) or a larger RLIMIT_NICE",
               nice, current);
  return FALSE;
}

void
cb_placement_clear (CbPlacement *placement)
{
  g_clear_pointer (&placement->cpus, g_free);
}
