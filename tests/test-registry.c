/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plugin discovery: the bundled plugins load; every broken candidate is
 * skipped with its path and reason, never a crash. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <glib/gstdio.h>
#include <unistd.h>

#include "testutil.h"

static const CbProblem *
problem_for (const CbRegistry *registry, const char *file_part)
{
  for (guint i = 0; i < registry->problems->len; i++)
    {
      const CbProblem *p = registry->problems->pdata[i];
      if (strstr (p->path, file_part) != NULL)
        return p;
    }
  return NULL;
}

static void
assert_problem (const CbRegistry *registry, const char *file_part,
                const char *reason_part)
{
  const CbProblem *p = problem_for (registry, file_part);
  if (p == NULL)
    g_error ("no problem recorded for %s", file_part);
  if (strstr (p->reason, reason_part) == NULL)
    g_error ("problem for %s is '%s', expected it to mention '%s'", p->path,
             p->reason, reason_part);
}

static void
test_bundled (void)
{
  g_autoptr (CbRegistry) registry = test_registry (NULL);
  const char *workloads[] = { "api", "sieve" };
  const char *strategies[] = { "sequential", "gmainloop", "gthreadpool",
                               "procpool" };
  for (guint i = 0; i < G_N_ELEMENTS (workloads); i++)
    g_assert_nonnull (cb_registry_find_workload (registry, workloads[i]));
  for (guint i = 0; i < G_N_ELEMENTS (strategies); i++)
    g_assert_nonnull (cb_registry_find_strategy (registry, strategies[i]));
  g_assert_cmpuint (registry->plugins->len, ==, 6);
  g_assert_cmpuint (registry->problems->len, ==, 0);
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
#ifdef CB_STATIC_PLUGINS
      g_assert_true (g_str_has_prefix (p->path, "(built in) "));
#else
      g_assert_true (g_path_is_absolute (p->path));
#endif
      g_assert_cmpuint (p->desc->magic, ==, CB_PLUGIN_MAGIC);
    }
}

static void
test_bad_plugins (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (CbRegistry) registry
      = test_registry (test_env ("CONCBENCH_BAD_PLUGINS"));
  assert_problem (registry, "badmagic", "bad magic");
  assert_problem (registry, "abimajor", "major versions differ");
  assert_problem (registry, "abiminor", "newer than concbench");
  assert_problem (registry, "noentry", "no entry point");
  /* The bad-plugins directory is searched first, so its "sequential" wins
   * and the bundled one is the duplicate. */
  assert_problem (registry, "sequential", "duplicates a name");
  g_assert_cmpuint (registry->problems->len, ==, 5);
  /* Everything else still loaded. */
  g_assert_nonnull (cb_registry_find_workload (registry, "api"));
  g_assert_nonnull (cb_registry_find_strategy (registry, "procpool"));
}

static void
test_not_a_library (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *junk = g_build_filename (dir, "junk.so", NULL);
  g_autofree char *readme = g_build_filename (dir, "README", NULL);
  g_assert_true (g_file_set_contents (junk, "not an ELF file", -1, NULL));
  g_assert_true (g_file_set_contents (readme, "notes", -1, NULL));

  g_autoptr (CbRegistry) registry = test_registry (dir);
  assert_problem (registry, "junk.so", "cannot open");
  /* The loader's reason, not libltdl's "file not found" for a file that is
   * plainly there. */
  g_assert_null (strstr (problem_for (registry, "junk.so")->reason,
                         "file not found"));
  g_assert_null (problem_for (registry, "README"));
  g_assert_cmpuint (registry->plugins->len, ==, 6);

  g_unlink (junk);
  g_unlink (readme);
  g_rmdir (dir);
}

static void
test_relative_env_entry (void)
{
  const char *saved = test_env ("CONCBENCH_PLUGIN_PATH");
  g_autofree char *copy = g_strdup (saved);
  g_autofree char *with_relative = g_strconcat ("relative/dir::", saved, NULL);
  g_setenv ("CONCBENCH_PLUGIN_PATH", with_relative, TRUE);
  g_autoptr (CbRegistry) registry = test_registry (NULL);
  g_setenv ("CONCBENCH_PLUGIN_PATH", copy, TRUE);
  assert_problem (registry, "relative/dir", "not an absolute path");
  g_assert_cmpuint (registry->plugins->len, ==, 6);
}

static void
test_world_writable_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0777), ==, 0);
  g_autoptr (CbRegistry) registry = test_registry (dir);
  assert_problem (registry, dir, "writable by all users");
  g_rmdir (dir);
}

static void
test_group_writable_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0775), ==, 0);
  /* A group that is not the owner's own: nobody knows who is in it. */
  if (chown (dir, getuid (), 54321) != 0)
    {
      g_test_skip ("cannot give the directory to another group");
      g_rmdir (dir);
      return;
    }
  g_autoptr (CbRegistry) registry = test_registry (dir);
  assert_problem (registry, dir, "writable by group 54321");
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registry/bundled", test_bundled);
  g_test_add_func ("/registry/bad-plugins", test_bad_plugins);
  g_test_add_func ("/registry/not-a-library", test_not_a_library);
  g_test_add_func ("/registry/relative-env-entry", test_relative_env_entry);
  g_test_add_func ("/registry/world-writable-dir", test_world_writable_dir);
  g_test_add_func ("/registry/group-writable-dir", test_group_writable_dir);
  return g_test_run ();
}
