/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What of the environment is likely to distort a run's figures, each
 * warning with its fix as pyperf's "system tune" would apply it, and the
 * footer's sentence about the environment. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "environment.h"

#include <math.h>
#include <string.h>

#include "format.h"

static void
warning_free (CbEnvWarning *w)
{
  g_free (w->code);
  g_free (w->message);
  g_free (w->fix);
  g_free (w);
}

/* Takes message and fix. */
static void
add (GPtrArray *out, CbEnvSeverity severity, const char *code, char *message,
     char *fix)
{
  CbEnvWarning *w = g_new0 (CbEnvWarning, 1);
  w->severity = severity;
  w->code = g_strdup (code);
  w->message = message;
  w->fix = fix;
  g_ptr_array_add (out, w);
}

static void
warn_busy (const CbEnvironment *env, GPtrArray *out)
{
  if (!isfinite (env->load_start) || env->cpu_count == 0
      || env->load_start <= CB_ENV_BUSY_LOAD_PER_CPU * env->cpu_count)
    return;
  g_autofree char *load = cb_fmt_fixed (env->load_start, 2);
  add (out, CB_ENV_WARNING, "busy",
       g_strdup_printf ("the machine was busy when the suite started (load "
                        "average %s on %u CPU%s)",
                        load, env->cpu_count, env->cpu_count == 1 ? "" : "s"),
       g_strdup ("wait for it to be idle, or pin with --affinity"));
}

static void
warn_governor (const CbEnvironment *env, GPtrArray *out)
{
  if (env->governor == NULL || strcmp (env->governor, "performance") == 0)
    return;
  add (out, CB_ENV_WARNING, "governor",
       g_strdup_printf ("the CPU frequency governor is %s, not performance: "
                        "the clock follows the load",
                        env->governor),
       g_strdup ("cpupower frequency-set -g performance"));
}

static void
warn_turbo (const CbEnvironment *env, GPtrArray *out)
{
  if (g_strcmp0 (env->turbo, "on") != 0)
    return;
  gboolean pstate = env->turbo_control != NULL
                    && strstr (env->turbo_control, "no_turbo") != NULL;
  add (out, CB_ENV_WARNING, "turbo",
       g_strdup ("turbo boost is on: the clock depends on temperature and on "
                 "how many cores are busy"),
       g_strdup_printf ("echo %d | sudo tee %s", pstate ? 1 : 0,
                        env->turbo_control));
}

static void
warn_smt (const CbEnvironment *env, GPtrArray *out)
{
  if (g_strcmp0 (env->smt, "on") != 0)
    return;
  add (out, CB_ENV_WARNING, "smt",
       g_strdup ("SMT (hyper-threading) is on: two threads on one core share "
                 "its execution units"),
       g_strdup ("echo off | sudo tee /sys/devices/system/cpu/smt/control, "
                 "or pin with --affinity to one thread per core"));
}

static void
warn_quota (const CbEnvironment *env, GPtrArray *out)
{
  if (!isfinite (env->cpu_quota) || env->cpu_quota <= 0
      || env->cpu_quota >= env->cpu_count)
    return;
  g_autofree char *quota = cb_fmt_general (env->cpu_quota, 3);
  add (out, CB_ENV_WARNING, "cpu-quota",
       g_strdup_printf ("the cgroup's CPU quota is %s CPU%s of %u (%s): runs "
                        "using more are throttled",
                        quota, env->cpu_quota == 1 ? "" : "s", env->cpu_count,
                        env->cpu_quota_source),
       g_strdup ("raise the cgroup's cpu.max (cpu.cfs_quota_us), or run "
                 "outside it"));
}

static void
note_hypervisor (const CbEnvironment *env, GPtrArray *out)
{
  const char *name = cb_environment_hypervisor (env);
  if (name == NULL)
    return;
  add (out, CB_ENV_NOTE, "hypervisor",
       g_strdup_printf ("running under a hypervisor (%s): timings include "
                        "the hypervisor's scheduling",
                        name),
       NULL);
}

GPtrArray *
cb_environment_warnings (const CbEnvironment *env)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                       warning_free);
  warn_busy (env, out);
  warn_governor (env, out);
  warn_turbo (env, out);
  warn_smt (env, out);
  warn_quota (env, out);
  note_hypervisor (env, out);
  return out;
}

/* cpuid's vendor strings, as the hypervisors spell them. */
static const char *
vendor_name (const char *vendor)
{
  static const char *const names[][2] = {
    { "KVMKVMKVM", "KVM" },          { "Microsoft Hv", "Hyper-V" },
    { "VMwareVMware", "VMware" },    { "XenVMMXenVMM", "Xen" },
    { "TCGTCGTCGTCG", "QEMU (TCG)" }, { "bhyve bhyve", "bhyve" },
    { "ACRNACRNACRN", "ACRN" },      { "QNXQVMBSQG", "QNX" },
    { "VBoxVBoxVBox", "VirtualBox" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (vendor, names[i][0]) == 0)
      return names[i][1];
  return vendor;
}

const char *
cb_environment_hypervisor (const CbEnvironment *env)
{
  if (env->hypervisor_vendor != NULL)
    return vendor_name (env->hypervisor_vendor);
  if (env->hypervisor_type != NULL)
    return env->hypervisor_type;
  return env->hypervisor_flag ? "unknown" : NULL;
}

static char *
load_text (double load, gint runnable)
{
  if (!isfinite (load))
    return g_strdup ("unknown");
  g_autofree char *l = cb_fmt_fixed (load, 2);
  if (runnable < 0)
    return g_steal_pointer (&l);
  return g_strdup_printf ("%s (%d runnable)", l, runnable);
}

static void
append_quota (GString *s, const CbEnvironment *env)
{
  if (isnan (env->cpu_quota))
    g_string_append (s, "; CPU quota unknown");
  else if (env->cpu_quota == 0)
    g_string_append (s, "; no CPU quota");
  else
    {
      g_autofree char *q = cb_fmt_general (env->cpu_quota, 3);
      g_string_append_printf (s, "; CPU quota %s CPUs", q);
    }
}

char *
cb_environment_sentence (const CbEnvironment *env)
{
  GString *s = g_string_new ("Environment: ");
  const char *hv = cb_environment_hypervisor (env);
  g_autofree char *start = load_text (env->load_start, env->runnable_start);
  g_autofree char *end = load_text (env->load_end, env->runnable_end);
  g_string_append_printf (s, "governor %s; turbo %s; SMT %s",
                          env->governor ? env->governor : "not exposed",
                          env->turbo ? env->turbo : "not exposed",
                          env->smt ? env->smt : "unknown");
  g_string_append_printf (s, "; load %s at start, %s at the end on %u CPUs",
                          start, end, env->cpu_count);
  g_string_append_printf (s, "; hypervisor %s", hv ? hv : "none seen");
  if (env->timer_slack_ns >= 0)
    {
      g_autofree char *us = cb_fmt_general (env->timer_slack_ns / 1000.0, 6);
      g_string_append_printf (s, "; timer slack %s µs", us);
    }
  g_string_append_printf (s, "; THP %s; ASLR %s", env->thp ? env->thp
                                                           : "unknown",
                          env->aslr < 0    ? "unknown"
                          : env->aslr == 0 ? "off"
                                           : "on");
  g_string_append_printf (s, "; isolated CPUs %s",
                          env->isolated == NULL      ? "unknown"
                          : env->isolated[0] == '\0' ? "none"
                                                     : env->isolated);
  append_quota (s, env);
  return g_string_free (s, FALSE);
}
