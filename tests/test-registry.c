/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plugin discovery: the bundled plugins load; every broken candidate is
 * skipped with its path and reason, never a crash. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include "params.h"
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

/* The event-loop strategies configure found a library for are bundled
 * too. */
static const char *const loop_plugins[] = { CB_LOOP_PLUGINS NULL };
#define N_BUNDLED (7 + G_N_ELEMENTS (loop_plugins) - 1)

static void
test_bundled (void)
{
  g_autoptr (CbRegistry) registry = test_registry (NULL);
  const char *workloads[] = { "api", "sieve" };
  const char *strategies[] = { "sequential", "gmainloop", "gthreadpool",
                               "procpool", "epoll" };
  for (guint i = 0; i < G_N_ELEMENTS (workloads); i++)
    g_assert_nonnull (cb_registry_find_workload (registry, workloads[i]));
  for (guint i = 0; i < G_N_ELEMENTS (strategies); i++)
    g_assert_nonnull (cb_registry_find_strategy (registry, strategies[i]));
  for (guint i = 0; loop_plugins[i] != NULL; i++)
    g_assert_nonnull (cb_registry_find_strategy (registry, loop_plugins[i]));
  g_assert_cmpuint (registry->plugins->len, ==, N_BUNDLED);
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
  assert_problem (registry, "noentry",
                  "noentry_LTX_concbench_plugin_get_desc");
  /* The bad-plugins directory is searched first, so its "sequential" wins
   * and the bundled one is the duplicate. */
  assert_problem (registry, "sequential", "duplicates a name");
  assert_problem (registry, "badflags", "unknown flag bits 0x80");
  assert_problem (registry, "workerundeclared",
                  "worker_param 'threads' is not one of its parameters");
  assert_problem (registry, "workertype",
                  "worker_param 'ranks' is a double parameter");
  assert_problem (registry, "stepsnoresume",
                  "has item_start but lacks item_resume or item_free");
  g_assert_cmpuint (registry->problems->len, ==, 9);
  /* Everything else still loaded. */
  g_assert_nonnull (cb_registry_find_workload (registry, "api"));
  g_assert_nonnull (cb_registry_find_strategy (registry, "procpool"));
}

/* The fixture built against the saved 1.0 header: loaded, no problem, and
 * none of its reserved words read as ABI 1.1 declarations. */
static void
test_abi_1_0_loads (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (CbRegistry) registry
      = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  const CbPlugin *old = cb_registry_find_strategy (registry, "abi10-threads");
  g_assert_nonnull (old);
  g_assert_true (cb_registry_find_workload (registry, "abi10-work") == old);
  g_assert_cmpuint (old->desc->abi_major, ==, 1);
  g_assert_cmpuint (old->desc->abi_minor, ==, 0);
  g_assert_null (problem_for (registry, "abi10"));
  g_assert_cmpuint (cb_plugin_strategy_flags (old), ==, 0);
  g_assert_null (cb_plugin_worker_param (old));
  /* The bundled baseline, not the old plugin. */
  const CbPlugin *baseline = cb_registry_find_baseline (registry);
  g_assert_nonnull (baseline);
  g_assert_cmpstr (baseline->desc->strategy->name, ==, "sequential");
}

/* A 1.0 plugin whose reserved area (where 1.1 put flags and worker_param)
 * is not zero: the core still reads nothing from it. */
static void
test_abi_1_0_reserved_ignored (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (CbRegistry) registry
      = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  const CbPlugin *old = cb_registry_find_strategy (registry, "abi10-threads");
  g_assert_nonnull (old);
  CbStrategyClass strategy = *old->desc->strategy;
  CbPluginDesc desc = *old->desc;
  CbPlugin forged = { &desc, old->path, old->handle };
  strategy.flags = CB_STRATEGY_BASELINE | 0x40;
  strategy.worker_param = "threads";
  desc.strategy = &strategy;
  g_assert_cmpuint (desc.abi_minor, ==, 0);
  g_assert_cmpuint (cb_plugin_strategy_flags (&forged), ==, 0);
  g_assert_null (cb_plugin_worker_param (&forged));
  /* The same words are read once the descriptor says 1.1. */
  desc.abi_minor = 1;
  g_assert_cmpuint (cb_plugin_strategy_flags (&forged), ==,
                    CB_STRATEGY_BASELINE | 0x40);
  g_assert_cmpstr (cb_plugin_worker_param (&forged), ==, "threads");
}

static void
test_abi_1_0_listed (void)
{
  if (test_skip_if_static ())
    return;
  const char *dir = test_env ("CONCBENCH_TEST_PLUGINS");
  g_autoptr (TestExec) exec
      = test_exec ("--list-plugins", "--plugin-dir", dir, NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_assert_nonnull (strstr (exec->out, "  abi10 (workload+strategy)"));
  g_assert_nonnull (strstr (exec->out, "/abi10."));
  g_assert_nonnull (strstr (exec->out, "strategy abi10-threads:"));
  g_assert_nonnull (strstr (exec->out, "Problems: none"));
}

/* Runs one suite with --format json; asserts every row of it is ok. */
static void
assert_all_rows_ok (const char *const *args, guint expected_rows)
{
  g_autoptr (TestExec) exec = test_execv (args);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (exec->status != 0)
    g_error ("exit %d:\n%s", exec->status, exec->err);
  g_assert_true (json_parser_load_from_data (parser, exec->out, -1, &error));
  JsonObject *top = json_node_get_object (json_parser_get_root (parser));
  JsonArray *rows = json_object_get_array_member (top, "benchmarks");
  g_assert_cmpuint (json_array_get_length (rows), ==, expected_rows);
  for (guint i = 0; i < expected_rows; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "ok");
    }
}

/* Its strategy on the bundled workloads, and the bundled strategies on its
 * workload.  The runner fails any row whose digests differ from an earlier
 * run of the same workload, and sequential runs first. */
static void
test_abi_1_0_runs (void)
{
  if (test_skip_if_static ())
    return;
  const char *dir = test_env ("CONCBENCH_TEST_PLUGINS");
  const char *old_strategy[]
      = { "--plugin-dir", dir, "-w", "api", "-w", "sieve", "-s", "sequential",
          "-s", "abi10-threads", "-p", "api.max-latency=0.002",
          "-p", "items=6", "-p", "complexity=2000", "-p", "threads=1,3",
          "--warmups", "0", "--runs", "2", "--format", "json", NULL };
  assert_all_rows_ok (old_strategy, 6);
  const char *old_workload[]
      = { "--plugin-dir", dir, "-w", "abi10-work", "-s", "sequential", "-s",
          "gmainloop", "-s", "gthreadpool", "-s", "procpool", "-p",
          "abi10-work.items=7", "-p", "rounds=5000", "-p", "threads=3", "-p",
          "processes=2", "--warmups", "0", "--runs", "2", "--format", "json",
          NULL };
  assert_all_rows_ok (old_workload, 4);
}

/* A refused ABI 1.1 declaration costs one line of --list-plugins, naming
 * the file and the reason; the plugins around it still load. */
static void
test_bad_declarations_listed (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TestExec) exec = test_exec (
      "--list-plugins", "--plugin-dir", test_env ("CONCBENCH_BAD_PLUGINS"),
      NULL);
  g_assert_cmpint (exec->status, ==, 0);
  const char *expect[][2] = {
    { "/badflags.", "unknown flag bits" },
    { "/workerundeclared.", "is not one of its parameters" },
    { "/workertype.", "a worker count must be uint" },
  };
  g_auto (GStrv) lines = g_strsplit (exec->out, "\n", -1);
  for (guint e = 0; e < G_N_ELEMENTS (expect); e++)
    {
      guint found = 0;
      for (guint i = 0; lines[i] != NULL; i++)
        if (strstr (lines[i], expect[e][0]) != NULL)
          {
            g_assert_nonnull (strstr (lines[i], expect[e][1]));
            found++;
          }
      if (found != 1)
        g_error ("expected one line naming %s:\n%s", expect[e][0], exec->out);
    }
  g_assert_nonnull (strstr (exec->out, "strategy procpool:"));
}

/* A --plugin-dir that names nothing, or a plain file, is a typo: a usage
 * error before anything runs, not a search that finds no plugin. */
static void
test_plugin_dir_not_a_directory (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *file = g_build_filename (dir, "plugins.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", NULL);
  g_assert_true (g_file_set_contents (file, "not a directory", -1, NULL));

  g_autoptr (TestExec) list
      = test_exec ("--list-plugins", "--plugin-dir", missing, NULL);
  test_assert_usage_error (list, "no such directory");
  g_assert_nonnull (strstr (list->err, missing));
  g_autoptr (TestExec) run = test_exec (
      "--plugin-dir", dir, "--plugin-dir", file, "-w", "api", "-s",
      "sequential", "-p", "max-latency=0", "-p", "items=2", NULL);
  test_assert_usage_error (run, "not a directory");
  g_assert_nonnull (strstr (run->err, file));
  g_assert_cmpstr (run->out, ==, "");
  /* An existing, empty directory is fine. */
  g_autoptr (TestExec) empty
      = test_exec ("--list-plugins", "--plugin-dir", dir, NULL);
  g_assert_cmpint (empty->status, ==, 0);

  const char *dirs[] = { dir, missing, NULL };
  g_assert_false (cb_registry_check_plugin_dirs (dirs, &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
  g_assert_true (cb_registry_check_plugin_dirs (NULL, NULL));
  g_unlink (file);
  g_rmdir (dir);
}

/* A module whose file was renamed after it was built: libltdl looks for the
 * entry point under the new name, and the problem must say which symbol
 * that is, not just the bare name it tried last. */
static void
test_missing_entry_names_symbol (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *built = g_build_filename (
      test_env ("CONCBENCH_TEST_PLUGINS"), ".libs", "loops" LT_MODULE_EXT, NULL);
  g_autofree char *code = NULL;
  gsize size;
  if (!g_file_get_contents (built, &code, &size, NULL))
    {
      g_test_skip ("the test plugins are not built as modules");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("concbench-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *renamed = g_build_filename (dir, "hash-chain" LT_MODULE_EXT,
                                               NULL);
  g_assert_true (g_file_set_contents (renamed, code, size, NULL));
  g_assert_cmpint (g_chmod (renamed, 0644), ==, 0);

  g_autoptr (CbRegistry) registry = test_registry (dir);
  assert_problem (registry, "hash-chain",
                  "no entry point hash_chain_LTX_concbench_plugin_get_desc");
  g_assert_null (cb_registry_find_strategy (registry, "loops"));
  g_unlink (renamed);
  g_rmdir (dir);
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
  g_assert_cmpuint (registry->plugins->len, ==, N_BUNDLED);

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
  g_assert_cmpuint (registry->plugins->len, ==, N_BUNDLED);
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
  g_test_add_func ("/registry/abi-1.0/loads", test_abi_1_0_loads);
  g_test_add_func ("/registry/abi-1.0/reserved-ignored",
                   test_abi_1_0_reserved_ignored);
  g_test_add_func ("/registry/abi-1.0/listed", test_abi_1_0_listed);
  g_test_add_func ("/registry/abi-1.0/runs", test_abi_1_0_runs);
  g_test_add_func ("/registry/bad-declarations-listed",
                   test_bad_declarations_listed);
  g_test_add_func ("/registry/plugin-dir-not-a-directory",
                   test_plugin_dir_not_a_directory);
  g_test_add_func ("/registry/missing-entry-names-symbol",
                   test_missing_entry_names_symbol);
  g_test_add_func ("/registry/not-a-library", test_not_a_library);
  g_test_add_func ("/registry/relative-env-entry", test_relative_env_entry);
  g_test_add_func ("/registry/world-writable-dir", test_world_writable_dir);
  g_test_add_func ("/registry/group-writable-dir", test_group_writable_dir);
  return g_test_run ();
}
