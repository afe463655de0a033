/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "platform.h"

#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <concbench/plugin.h>

static char *
read_os_release (void)
{
  g_autofree char *data = NULL;
  if (!g_file_get_contents ("/etc/os-release", &data, NULL, NULL)
      && !g_file_get_contents ("/usr/lib/os-release", &data, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "PRETTY_NAME="))
      {
        const char *v = lines[i] + strlen ("PRETTY_NAME=");
        return g_shell_unquote (v, NULL);
      }
  return NULL;
}

static char *
read_cpu_model (void)
{
  g_autofree char *data = NULL;
  if (!g_file_get_contents ("/proc/cpuinfo", &data, NULL, NULL))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* x86 says "model name", many ARM kernels only "Hardware" or "Model". */
      if (g_str_has_prefix (lines[i], "model name")
          || g_str_has_prefix (lines[i], "Hardware")
          || g_str_has_prefix (lines[i], "Model"))
        {
          const char *colon = strchr (lines[i], ':');
          if (colon != NULL)
            return g_strstrip (g_strdup (colon + 1));
        }
    }
  return NULL;
}

CbPlatform *
cb_platform_detect (void)
{
  CbPlatform *p = g_new0 (CbPlatform, 1);
  struct utsname u;
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  p->os = read_os_release ();
  if (p->os == NULL)
    p->os = g_strdup ("unknown");
  if (uname (&u) == 0)
    p->kernel = g_strdup_printf ("%s %s %s", u.sysname, u.release, u.machine);
  else
    p->kernel = g_strdup ("unknown");
  p->cpu_model = read_cpu_model ();
  if (p->cpu_model == NULL)
    p->cpu_model = g_strdup ("unknown");
  p->cpu_count = ncpu > 0 ? (guint) ncpu : 1;
  p->concbench_version = g_strdup (PACKAGE_VERSION);
  p->plugin_abi_major = CB_PLUGIN_ABI_MAJOR;
  p->plugin_abi_minor = CB_PLUGIN_ABI_MINOR;
  p->glib_version = g_strdup_printf ("%u.%u.%u", glib_major_version,
                                     glib_minor_version, glib_micro_version);
#if defined(__clang__)
  p->compiler = g_strdup_printf ("clang %s", __clang_version__);
#elif defined(__GNUC__)
  p->compiler = g_strdup_printf ("gcc %s", __VERSION__);
#else
  p->compiler = g_strdup ("unknown");
#endif
  p->hostname = g_strdup (g_get_host_name ());
  p->date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  return p;
}

void
cb_platform_free (CbPlatform *p)
{
  if (p == NULL)
    return;
  g_free (p->os);
  g_free (p->kernel);
  g_free (p->cpu_model);
  g_free (p->concbench_version);
  g_free (p->glib_version);
  g_free (p->compiler);
  g_free (p->hostname);
  g_free (p->date);
  g_free (p);
}

char *
cb_platform_summary (const CbPlatform *p)
{
  return g_strdup_printf ("Platform: %s, %s\n"
                          "CPU: %u x %s\n"
                          "concbench %s (plugin ABI %u.%u), GLib %s, %s",
                          p->os, p->kernel, p->cpu_count, p->cpu_model,
                          p->concbench_version, p->plugin_abi_major,
                          p->plugin_abi_minor, p->glib_version, p->compiler);
}
