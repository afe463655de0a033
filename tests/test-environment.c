/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The environment check read from fake sysfs and procfs trees (a tuned
 * machine, a badly set one, cgroup v1, acpi-cpufreq, none at all), its
 * warnings and where they are shown; CPU lists; the progress line. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cpulist.h"
#include "environment.h"
#include "progress.h"
#include "report.h"

/* Writes root/relative, making its directories. */
static void
put (const char *root, const char *relative, const char *text)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
new_root (void)
{
  char *root = g_dir_make_tmp ("concbench-env-XXXXXX", NULL);
  g_assert_nonnull (root);
  put (root, "sys/devices/system/cpu/online", "0-1\n");
  return root;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static char *
tuned_root (void)
{
  char *root = new_root ();
  put (root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
       "performance\n");
  put (root, "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
       "performance\n");
  put (root, "sys/devices/system/cpu/intel_pstate/no_turbo", "1\n");
  put (root, "sys/devices/system/cpu/smt/control", "off\n");
  put (root, "sys/devices/system/cpu/smt/active", "0\n");
  put (root, "sys/devices/system/cpu/isolated", "1\n");
  put (root, "proc/loadavg", "0.10 0.20 0.30 1/100 999\n");
  put (root, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme sse2\n");
  put (root, "sys/kernel/mm/transparent_hugepage/enabled",
       "always madvise [never]\n");
  put (root, "proc/sys/kernel/randomize_va_space", "2\n");
  put (root, "proc/self/cgroup", "0::/bench.slice\n");
  put (root, "sys/fs/cgroup/cpu.max", "max 100000\n");
  put (root, "sys/fs/cgroup/bench.slice/cpu.max", "max 100000\n");
  return root;
}

static char *
bad_root (void)
{
  char *root = new_root ();
  put (root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
       "powersave\n");
  put (root, "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
       "performance\n");
  put (root, "sys/devices/system/cpu/intel_pstate/no_turbo", "0\n");
  put (root, "sys/devices/system/cpu/smt/control", "on\n");
  put (root, "sys/devices/system/cpu/smt/active", "1\n");
  put (root, "sys/devices/system/cpu/isolated", "\n");
  put (root, "proc/loadavg", "3.20 2.00 1.00 5/300 4242\n");
  put (root, "proc/cpuinfo",
       "processor\t: 0\nflags\t\t: fpu hypervisor sse2\n");
  put (root, "sys/hypervisor/type", "xen\n");
  put (root, "sys/kernel/mm/transparent_hugepage/enabled",
       "[always] madvise never\n");
  put (root, "proc/sys/kernel/randomize_va_space", "0\n");
  put (root, "proc/self/cgroup", "0::/user.slice/box\n");
  put (root, "sys/fs/cgroup/cpu.max", "max 100000\n");
  put (root, "sys/fs/cgroup/user.slice/cpu.max", "300000 100000\n");
  put (root, "sys/fs/cgroup/user.slice/box/cpu.max", "150000 100000\n");
  return root;
}

static const CbEnvWarning *
find_warning (const CbEnvironment *env, const char *code)
{
  for (guint i = 0; i < env->warnings->len; i++)
    {
      const CbEnvWarning *w = env->warnings->pdata[i];
      if (strcmp (w->code, code) == 0)
        return w;
    }
  return NULL;
}

static void
test_tuned (void)
{
  g_autofree char *root = tuned_root ();
  g_autoptr (CbEnvironment) env = cb_environment_read (root);
  put (root, "proc/loadavg", "1.50 0.20 0.30 3/101 1000\n");
  cb_environment_finish (env, root);

  g_assert_cmpuint (env->cpu_count, ==, 2);
  g_assert_cmpstr (env->governor, ==, "performance");
  g_assert_cmpstr (env->turbo, ==, "off");
  g_assert_cmpstr (env->smt, ==, "off");
  g_assert_cmpfloat (env->load_start, ==, 0.10);
  g_assert_cmpint (env->runnable_start, ==, 1);
  /* The end is read again: the suite's own load shows there. */
  g_assert_cmpfloat (env->load_end, ==, 1.50);
  g_assert_cmpint (env->runnable_end, ==, 3);
  g_assert_false (env->hypervisor_flag);
  g_assert_null (env->hypervisor_type);
  g_assert_null (cb_environment_hypervisor (env));
  g_assert_cmpstr (env->thp, ==, "never");
  g_assert_cmpint (env->aslr, ==, 2);
  g_assert_cmpstr (env->isolated, ==, "1");
  g_assert_cmpfloat (env->cpu_quota, ==, 0);
  g_assert_cmpuint (env->warnings->len, ==, 0);
  remove_tree (root);
}

static void
test_bad (void)
{
  g_autofree char *root = bad_root ();
  g_autoptr (CbEnvironment) env = cb_environment_read (root);
  cb_environment_finish (env, root);

  g_assert_cmpstr (env->governor, ==, "performance,powersave");
  g_assert_cmpstr (env->turbo, ==, "on");
  g_assert_cmpstr (env->smt, ==, "on");
  g_assert_cmpfloat (env->load_start, ==, 3.20);
  g_assert_cmpint (env->runnable_start, ==, 5);
  g_assert_true (env->hypervisor_flag);
  g_assert_cmpstr (cb_environment_hypervisor (env), ==, "xen");
  g_assert_cmpstr (env->thp, ==, "always");
  g_assert_cmpint (env->aslr, ==, 0);
  g_assert_cmpstr (env->isolated, ==, "");
  /* The tightest quota on the way up, not the process's own alone. */
  g_assert_cmpfloat (env->cpu_quota, ==, 1.5);
  g_assert_cmpstr (env->cpu_quota_source, ==,
                   "/sys/fs/cgroup/user.slice/box/cpu.max");

  const CbEnvWarning *busy = find_warning (env, "busy");
  g_assert_nonnull (busy);
  g_assert_cmpint (busy->severity, ==, CB_ENV_WARNING);
  g_assert_nonnull (strstr (busy->message, "load average 3.20 on 2 CPUs"));
  g_assert_cmpstr (busy->fix, ==,
                   "wait for it to be idle, or pin with --affinity");
  const CbEnvWarning *gov = find_warning (env, "governor");
  g_assert_nonnull (gov);
  g_assert_cmpstr (gov->fix, ==, "cpupower frequency-set -g performance");
  const CbEnvWarning *turbo = find_warning (env, "turbo");
  g_assert_nonnull (turbo);
  g_assert_nonnull (strstr (turbo->fix, "echo 1"));
  g_assert_nonnull (strstr (turbo->fix, "intel_pstate/no_turbo"));
  g_assert_nonnull (find_warning (env, "smt"));
  const CbEnvWarning *quota = find_warning (env, "cpu-quota");
  g_assert_nonnull (quota);
  g_assert_nonnull (strstr (quota->message, "1.5 CPUs of 2"));
  const CbEnvWarning *hv = find_warning (env, "hypervisor");
  g_assert_nonnull (hv);
  g_assert_cmpint (hv->severity, ==, CB_ENV_NOTE);
  g_assert_nonnull (strstr (hv->message, "timings include the hypervisor's "
                                         "scheduling"));
  g_assert_cmpuint (env->warnings->len, ==, 6);
  remove_tree (root);
}

/* The busy threshold is half the CPUs: 1.0 on 2 is not busy, 1.01 is. */
static void
test_busy_threshold (void)
{
  g_autofree char *root = tuned_root ();
  put (root, "proc/loadavg", "1.00 0.20 0.30 1/100 999\n");
  g_autoptr (CbEnvironment) at = cb_environment_read (root);
  cb_environment_finish (at, root);
  g_assert_null (find_warning (at, "busy"));
  put (root, "proc/loadavg", "1.01 0.20 0.30 1/100 999\n");
  g_autoptr (CbEnvironment) above = cb_environment_read (root);
  cb_environment_finish (above, root);
  g_assert_nonnull (find_warning (above, "busy"));
  remove_tree (root);
}

/* acpi-cpufreq's boost, cgroup v1's quota, SMT from thread siblings. */
static void
test_other_kernels (void)
{
  g_autofree char *root = new_root ();
  put (root, "sys/devices/system/cpu/cpufreq/boost", "1\n");
  put (root, "sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
       "0,2\n");
  put (root, "proc/self/cgroup",
       "5:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n");
  put (root, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us",
       "50000\n");
  put (root, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us",
       "100000\n");
  g_autoptr (CbEnvironment) env = cb_environment_read (root);
  cb_environment_finish (env, root);
  g_assert_cmpstr (env->turbo, ==, "on");
  g_assert_nonnull (strstr (find_warning (env, "turbo")->fix,
                            "echo 0 | sudo tee /sys/devices/system/cpu/"
                            "cpufreq/boost"));
  g_assert_cmpstr (env->smt, ==, "on");
  g_assert_cmpfloat (env->cpu_quota, ==, 0.5);
  g_assert_nonnull (find_warning (env, "cpu-quota"));
  remove_tree (root);
}

/* A VM without cpufreq, or no sysfs at all: nothing is made up. */
static void
test_nothing_exposed (void)
{
  g_autofree char *root = g_dir_make_tmp ("concbench-env-XXXXXX", NULL);
  g_autoptr (CbEnvironment) env = cb_environment_read (root);
  cb_environment_finish (env, root);
  g_assert_null (env->governor);
  g_assert_null (env->turbo);
  g_assert_null (env->smt);
  g_assert_true (isnan (env->load_start));
  g_assert_cmpint (env->runnable_start, ==, -1);
  g_assert_cmpint (env->aslr, ==, -1);
  g_assert_true (isnan (env->cpu_quota));
  g_assert_cmpuint (env->cpu_count, ==, g_get_num_processors ());
  g_assert_cmpuint (env->warnings->len, ==, 0);
  g_autofree char *sentence = cb_environment_sentence (env);
  g_assert_nonnull (strstr (sentence, "governor not exposed; turbo not "
                                      "exposed"));
  remove_tree (root);
}

/* The warnings head the table's and Markdown's warnings, each with its
 * fix; the footer has the sentence; JSON has the object. */
static void
test_report_shows_warnings (void)
{
  g_autofree char *root = bad_root ();
  g_autoptr (CbEnvironment) env = cb_environment_read (root);
  cb_environment_finish (env, root);
  g_autoptr (GPtrArray) results = g_ptr_array_new ();
  CbReport report = { .results = results, .runs = "3", .complete = TRUE,
                      .memory_sampled = TRUE, .environment = env };
  const CbFormat formats[] = { CB_FORMAT_TABLE, CB_FORMAT_MARKDOWN };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *text = cb_report_render (&report, formats[i]);
      g_assert_nonnull (strstr (text, "the machine was busy when the suite "
                                      "started (load average 3.20 on 2 "
                                      "CPUs)"));
      g_assert_nonnull (strstr (text, "cpupower frequency-set -g "
                                      "performance"));
      g_assert_nonnull (strstr (text, "Environment: governor "
                                      "performance,powersave"));
    }
  g_autofree char *json = cb_report_render (&report, CB_FORMAT_JSON);
  g_assert_nonnull (strstr (json, "\"environment\" : {"));
  g_assert_nonnull (strstr (json, "\"code\" : \"cpu-quota\""));
  g_assert_nonnull (strstr (json, "\"fix\" : \"cpupower frequency-set -g "
                                  "performance\""));
  remove_tree (root);
}

static void
assert_cpu_list (const char *text, const char *canonical)
{
  cpu_set_t set;
  g_autoptr (GError) error = NULL;
  g_assert_true (cb_cpu_list_parse (text, &set, &error));
  g_assert_no_error (error);
  g_autofree char *out = cb_cpu_list_format (&set);
  g_assert_cmpstr (out, ==, canonical);
}

static void
test_cpu_lists (void)
{
  assert_cpu_list ("0", "0");
  assert_cpu_list ("0-1", "0-1");
  assert_cpu_list ("0,2-3", "0,2-3");
  assert_cpu_list (" 3,1,2\n", "1-3");
  assert_cpu_list ("", "");
  const char *const bad[] = { "1-0", "a", "0,,1", "-1", "1-", "0-1x",
                              "4096", NULL };
  for (guint i = 0; bad[i] != NULL; i++)
    {
      cpu_set_t set;
      g_autoptr (GError) error = NULL;
      g_assert_false (cb_cpu_list_parse (bad[i], &set, &error));
      g_assert_nonnull (strstr (error->message, "is not a CPU list"));
    }
}

static void
test_progress_line (void)
{
  g_autofree char *half = cb_progress_line ("[1/2] run 1/3: x", 0.5, 83, 80);
  g_assert_cmpstr (half, ==,
                   "[##########----------]  50% ETA 1:23 [1/2] run 1/3: x");
  g_autofree char *unknown = cb_progress_line ("x", 0, NAN, 80);
  g_assert_cmpstr (unknown, ==, "[--------------------]   0% ETA --:-- x");
  g_autofree char *hours = cb_progress_line ("x", 1, 3725, 80);
  g_assert_nonnull (strstr (hours, "] 100% ETA 1:02:05 x"));
  /* Cut to the width, so that the next "\r" can clear it. */
  g_autofree char *cut = cb_progress_line ("a long name é é é é é", 0.1, 5,
                                           45);
  g_assert_cmpint (g_utf8_strlen (cut, -1), ==, 44);
  g_assert_true (g_str_has_suffix (cut, "…"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/environment/tuned", test_tuned);
  g_test_add_func ("/environment/bad", test_bad);
  g_test_add_func ("/environment/busy-threshold", test_busy_threshold);
  g_test_add_func ("/environment/other-kernels", test_other_kernels);
  g_test_add_func ("/environment/nothing-exposed", test_nothing_exposed);
  g_test_add_func ("/environment/report", test_report_shows_warnings);
  g_test_add_func ("/environment/cpu-lists", test_cpu_lists);
  g_test_add_func ("/environment/progress-line", test_progress_line);
  return g_test_run ();
}
