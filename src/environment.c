/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading the environment a suite runs in from sysfs, procfs, cpuid and
 * prctl; the warnings are in environment-warnings.c. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "environment.h"

#include <math.h>
#include <string.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "cpulist.h"

#define CPU_DIR "sys/devices/system/cpu"

/* The stripped contents of root/relative, or NULL. */
static char *
read_text (const char *root, const char *relative)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

static gint64
read_integer (const char *root, const char *relative, gint64 unknown)
{
  g_autofree char *text = read_text (root, relative);
  gint64 v;
  if (text == NULL || !g_ascii_string_to_signed (text, 10, G_MININT64,
                                                 G_MAXINT64, &v, NULL))
    return unknown;
  return v;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every CPU's governor, each value once, sorted; NULL without cpufreq. */
static char *
read_governors (const char *root)
{
  g_autofree char *dir_path = g_build_filename (root, CPU_DIR, NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_prefix (name, "cpu") || !g_ascii_isdigit (name[3]))
        continue;
      g_autofree char *rel = g_build_filename (
          CPU_DIR, name, "cpufreq/scaling_governor", NULL);
      char *governor = read_text (root, rel);
      if (governor != NULL && governor[0] != '\0'
          && !g_ptr_array_find_with_equal_func (seen, governor, g_str_equal,
                                                NULL))
        g_ptr_array_add (seen, governor);
      else
        g_free (governor);
    }
  if (seen->len == 0)
    return NULL;
  g_ptr_array_sort (seen, compare_strings);
  g_ptr_array_add (seen, NULL);
  return g_strjoinv (",", (char **) seen->pdata);
}

/* intel_pstate says whether turbo is forbidden, acpi-cpufreq whether boost
 * is allowed. */
static void
read_turbo (CbEnvironment *env, const char *root)
{
  gint64 no_turbo = read_integer (root, CPU_DIR "/intel_pstate/no_turbo", -1);
  gint64 boost = read_integer (root, CPU_DIR "/cpufreq/boost", -1);
  if (no_turbo >= 0)
    {
      env->turbo = g_strdup (no_turbo ? "off" : "on");
      env->turbo_control = g_strdup ("/" CPU_DIR "/intel_pstate/no_turbo");
    }
  else if (boost >= 0)
    {
      env->turbo = g_strdup (boost ? "on" : "off");
      env->turbo_control = g_strdup ("/" CPU_DIR "/cpufreq/boost");
    }
}

/* smt/active where the kernel has it, else whether cpu0 has a sibling. */
static char *
read_smt (const char *root)
{
  g_autofree char *control = read_text (root, CPU_DIR "/smt/control");
  gint64 active = read_integer (root, CPU_DIR "/smt/active", -1);
  if (control != NULL && (strcmp (control, "notsupported") == 0
                          || strcmp (control, "notimplemented") == 0))
    return g_strdup ("not supported");
  if (active >= 0)
    return g_strdup (active ? "on" : "off");
  g_autofree char *siblings
      = read_text (root, CPU_DIR "/cpu0/topology/thread_siblings_list");
  if (siblings == NULL)
    return NULL;
  cpu_set_t set;
  if (!cb_cpu_list_parse (siblings, &set, NULL))
    return NULL;
  return g_strdup (CPU_COUNT (&set) > 1 ? "on" : "off");
}

/* /proc/loadavg: "0.52 0.58 0.59 1/234 5678". */
static void
read_load (const char *root, double *load, gint *runnable)
{
  g_autofree char *text = read_text (root, "proc/loadavg");
  *load = NAN;
  *runnable = -1;
  if (text == NULL)
    return;
  g_auto (GStrv) fields = g_strsplit_set (text, " \t", -1);
  if (g_strv_length (fields) < 4)
    return;
  char *end = NULL;
  double v = g_ascii_strtod (fields[0], &end);
  if (end != fields[0] && *end == '\0')
    *load = v;
  guint64 n;
  g_auto (GStrv) tasks = g_strsplit (fields[3], "/", 2);
  if (g_ascii_string_to_unsigned (tasks[0], 10, 0, G_MAXINT, &n, NULL))
    *runnable = (gint) n;
}

static gboolean
cpuinfo_has_hypervisor_flag (const char *root)
{
  g_autofree char *text = read_text (root, "proc/cpuinfo");
  if (text == NULL)
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "flags"))
      {
        g_auto (GStrv) flags = g_strsplit_set (lines[i], " \t", -1);
        return g_strv_contains ((const char *const *) flags, "hypervisor");
      }
  return FALSE;
}

/* "always [madvise] never": the bracketed one is in force. */
static char *
read_thp (const char *root)
{
  g_autofree char *text
      = read_text (root, "sys/kernel/mm/transparent_hugepage/enabled");
  const char *open = text ? strchr (text, '[') : NULL;
  const char *close = open ? strchr (open, ']') : NULL;
  if (close == NULL)
    return NULL;
  return g_strndup (open + 1, close - open - 1);
}

/* "max 100000" (none) or "QUOTA PERIOD" in microseconds; NAN if not one. */
static double
quota_of_cpu_max (const char *text)
{
  g_auto (GStrv) f = g_strsplit (text, " ", -1);
  if (g_strv_length (f) != 2)
    return NAN;
  if (strcmp (f[0], "max") == 0)
    return 0;
  double quota = g_ascii_strtod (f[0], NULL);
  double period = g_ascii_strtod (f[1], NULL);
  return quota > 0 && period > 0 ? quota / period : NAN;
}

/* The tightest cpu.max from the process's cgroup v2 up to the root. */
static void
read_quota_v2 (CbEnvironment *env, const char *root, const char *path)
{
  g_autofree char *dir = g_strdup (path);
  for (;;)
    {
      g_autofree char *rel = g_build_filename ("sys/fs/cgroup", dir,
                                               "cpu.max", NULL);
      g_autofree char *text = read_text (root, rel);
      double q = text ? quota_of_cpu_max (text) : NAN;
      if (isfinite (q) && isnan (env->cpu_quota))
        env->cpu_quota = 0; /* readable: no quota unless one is found */
      if (isfinite (q) && q > 0
          && (env->cpu_quota == 0 || q < env->cpu_quota))
        {
          env->cpu_quota = q;
          g_free (env->cpu_quota_source);
          env->cpu_quota_source = g_strconcat ("/", rel, NULL);
        }
      if (strcmp (dir, "/") == 0 || dir[0] == '\0' || strcmp (dir, ".") == 0)
        break;
      char *parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
}

static void
read_quota_v1 (CbEnvironment *env, const char *root, const char *controllers,
               const char *path)
{
  g_autofree char *base = g_build_filename ("sys/fs/cgroup", controllers,
                                            path, NULL);
  g_autofree char *q_rel = g_build_filename (base, "cpu.cfs_quota_us", NULL);
  g_autofree char *p_rel = g_build_filename (base, "cpu.cfs_period_us", NULL);
  gint64 quota = read_integer (root, q_rel, G_MININT64);
  gint64 period = read_integer (root, p_rel, 0);
  if (quota == G_MININT64)
    return;
  /* -1: no quota */
  env->cpu_quota = quota > 0 && period > 0 ? (double) quota / period : 0;
  if (env->cpu_quota > 0)
    env->cpu_quota_source = g_strconcat ("/", q_rel, NULL);
}

/* /proc/self/cgroup: "0::/path" (v2) or "N:cpu,cpuacct:/path" (v1). */
static void
read_cpu_quota (CbEnvironment *env, const char *root)
{
  g_autofree char *text = read_text (root, "proc/self/cgroup");
  env->cpu_quota = NAN;
  if (text == NULL)
    return;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ":", 3);
      if (g_strv_length (f) != 3)
        continue;
      g_auto (GStrv) controllers = g_strsplit (f[1], ",", -1);
      if (strcmp (f[0], "0") == 0 && f[1][0] == '\0')
        read_quota_v2 (env, root, f[2]);
      else if (g_strv_contains ((const char *const *) controllers, "cpu"))
        read_quota_v1 (env, root, f[1], f[2]);
    }
}

static guint
read_cpu_count (const char *root)
{
  cpu_set_t online;
  if (cb_cpu_list_online (root, &online) && CPU_COUNT (&online) > 0)
    return (guint) CPU_COUNT (&online);
  return g_get_num_processors ();
}

CbEnvironment *
cb_environment_read (const char *root)
{
  CbEnvironment *env = g_new0 (CbEnvironment, 1);
  env->cpu_count = read_cpu_count (root);
  env->governor = read_governors (root);
  read_turbo (env, root);
  env->smt = read_smt (root);
  read_load (root, &env->load_start, &env->runnable_start);
  env->load_end = NAN;
  env->runnable_end = -1;
  env->hypervisor_flag = cpuinfo_has_hypervisor_flag (root);
  env->hypervisor_type = read_text (root, "sys/hypervisor/type");
  if (env->hypervisor_type != NULL && env->hypervisor_type[0] == '\0')
    g_clear_pointer (&env->hypervisor_type, g_free);
  env->timer_slack_ns = -1;
  env->thp = read_thp (root);
  env->aslr = (gint) read_integer (root, "proc/sys/kernel/randomize_va_space",
                                   -1);
  env->isolated = read_text (root, CPU_DIR "/isolated");
  read_cpu_quota (env, root);
  env->warnings = g_ptr_array_new ();
  return env;
}

/* The vendor string of cpuid's hypervisor leaf, when a hypervisor says it
 * is there (the hypervisor bit of leaf 1's ECX). */
static char *
cpuid_hypervisor_vendor (void)
{
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid (1, &a, &b, &c, &d) || !(c & (1u << 31)))
    return NULL;
  __cpuid (0x40000000, a, b, c, d);
  char vendor[13];
  memcpy (vendor, &b, 4);
  memcpy (vendor + 4, &c, 4);
  memcpy (vendor + 8, &d, 4);
  vendor[12] = '\0';
  g_strstrip (vendor);
  return vendor[0] != '\0' ? g_strdup (vendor) : NULL;
#else
  return NULL;
#endif
}

CbEnvironment *
cb_environment_detect (void)
{
  CbEnvironment *env = cb_environment_read ("/");
  env->hypervisor_vendor = cpuid_hypervisor_vendor ();
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_GET_TIMERSLACK)
  int slack = prctl (PR_GET_TIMERSLACK, 0, 0, 0, 0);
  if (slack >= 0)
    env->timer_slack_ns = slack;
#endif
  return env;
}

void
cb_environment_finish (CbEnvironment *env, const char *root)
{
  read_load (root, &env->load_end, &env->runnable_end);
  g_ptr_array_unref (env->warnings);
  env->warnings = cb_environment_warnings (env);
}

void
cb_environment_free (CbEnvironment *env)
{
  if (env == NULL)
    return;
  g_free (env->governor);
  g_free (env->turbo);
  g_free (env->turbo_control);
  g_free (env->smt);
  g_free (env->hypervisor_type);
  g_free (env->hypervisor_vendor);
  g_free (env->thp);
  g_free (env->isolated);
  g_free (env->cpu_quota_source);
  g_ptr_array_unref (env->warnings);
  g_free (env);
}
