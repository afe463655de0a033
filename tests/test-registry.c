/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plugin discovery: the bundled plugins load; every broken candidate is
 * skipped with its path and reason, never a crash. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "params.h"
#include "ltarchive.h"
#include "testutil.h"
#include "trust.h"

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

/* How many plugins the build bundles (openmp only where the compiler has
 * OpenMP); test_bundled checks them by name. */
static guint
n_bundled (void)
{
  g_autoptr (CbRegistry) registry = test_registry (NULL);
  return registry->plugins->len;
}

/* The event-loop strategies configure found a library for are bundled
 * too. */
static const char *const loop_plugins[] = { CB_LOOP_PLUGINS NULL };
#define N_LOOP_PLUGINS (G_N_ELEMENTS (loop_plugins) - 1)

static void
test_bundled (void)
{
  g_autoptr (CbRegistry) registry = test_registry (NULL);
  const char *workloads[] = { "api", "sieve", "files" };
  const char *strategies[] = { "sequential", "gmainloop", "gthreadpool",
                               "procpool", "epoll", "pthread", "forkeach",
                               "spawnpool",
#ifdef HAVE_OPENMP
                               "openmp",
#endif
#ifdef HAVE_MPI
                               "mpi",
#endif
                             };
  for (guint i = 0; i < G_N_ELEMENTS (workloads); i++)
    g_assert_nonnull (cb_registry_find_workload (registry, workloads[i]));
  for (guint i = 0; i < G_N_ELEMENTS (strategies); i++)
    g_assert_nonnull (cb_registry_find_strategy (registry, strategies[i]));
  for (guint i = 0; loop_plugins[i] != NULL; i++)
    g_assert_nonnull (cb_registry_find_strategy (registry, loop_plugins[i]));
  g_assert_cmpuint (registry->plugins->len, ==,
                    G_N_ELEMENTS (workloads) + G_N_ELEMENTS (strategies)
                        + N_LOOP_PLUGINS);
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
  /* The ABI each plugin was built against, and the 1.1 declarations the
   * core goes by: none for the 1.0 fixture, whose "threads" is just a
   * parameter to it. */
  g_assert_nonnull (strstr (exec->out, "  abi10 (workload+strategy), version "));
  const char *abi10 = strstr (exec->out, "  abi10 (");
  const char *line_end = strchr (abi10, '\n');
  g_autofree char *header = g_strndup (abi10, line_end - abi10);
  g_assert_true (g_str_has_suffix (header, ", plugin ABI 1.0"));
  const char *next = line_end;
  while (next[0] == '\n' && g_str_has_prefix (next + 1, "    "))
    next = strchr (next + 1, '\n');
  g_autofree char *entry = g_strndup (abi10, next - abi10);
  g_assert_nonnull (strstr (entry, "strategy abi10-threads:"));
  g_assert_null (strstr (entry, "worker count:"));
  g_assert_nonnull (strstr (exec->out, "      worker count: threads\n"));
  g_assert_nonnull (strstr (exec->out, "      worker count: loops\n"));
  g_assert_nonnull (strstr (exec->out, "      baseline: speedup and efficiency"));
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
  g_assert_cmpuint (registry->plugins->len, ==, n_bundled ());

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
  g_assert_cmpuint (registry->plugins->len, ==, n_bundled ());
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

/* ---- plugin trust: what is mapped, and every directory above it ---- */

/* A fresh directory for one trust test, and its paths. */
typedef struct {
  char *top;
} TrustDir;

static void
remove_tree (const char *path)
{
  GStatBuf st;
  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_unlink (path), ==, 0);
}

static TrustDir *
trust_dir_new (void)
{
  g_autoptr (GError) error = NULL;
  TrustDir *t = g_new0 (TrustDir, 1);
  t->top = g_dir_make_tmp ("concbench-trust-XXXXXX", &error);
  g_assert_no_error (error);
  return t;
}

static void
trust_dir_free (TrustDir *t)
{
  remove_tree (t->top);
  g_free (t->top);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrustDir, trust_dir_free)

/* top/name, made with mode (chmod: the umask does not apply). */
static char *
trust_mkdir (const TrustDir *t, const char *name, int mode)
{
  char *path = g_build_filename (t->top, name, NULL);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

/* A copy of the built test plugin "loops" as dir/loops.so (the module name
 * its entry point is exported under). */
static char *
copy_loops_plugin (const char *dir)
{
  g_autofree char *built = g_build_filename (
      test_env ("CONCBENCH_TEST_PLUGINS"), ".libs", "loops" LT_MODULE_EXT, NULL);
  g_autofree char *code = NULL;
  gsize size;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (built, &code, &size, &error));
  char *copy = g_build_filename (dir, "loops" LT_MODULE_EXT, NULL);
  g_assert_true (g_file_set_contents (copy, code, size, NULL));
  g_assert_cmpint (g_chmod (copy, 0644), ==, 0);
  return copy;
}

static void
assert_loops_loaded (const char *dir)
{
  g_autoptr (CbRegistry) registry = test_registry (dir);
  const CbPlugin *loops = cb_registry_find_strategy (registry, "loops");
  if (loops == NULL || registry->problems->len != 0)
    g_error ("loops from %s: %s", dir,
             registry->problems->len
                 ? ((CbProblem *) registry->problems->pdata[0])->reason
                 : "not loaded");
  g_assert_true (g_str_has_prefix (loops->path, dir));
}

/* The refusal of a plugin file names it, and the reason the path that
 * broke the rule. */
static void
assert_refused (const char *scan_dir, const char *problem_path,
                const char *culprit, const char *reason_part)
{
  g_autoptr (CbRegistry) registry = test_registry (scan_dir);
  g_autofree char *reason = g_strdup_printf ("%s %s", culprit, reason_part);
  const CbProblem *p = problem_for (registry, problem_path);
  if (p == NULL || strstr (p->reason, reason) == NULL)
    g_error ("expected the problem for %s to say '%s', got '%s'",
             problem_path, reason, p ? p->reason : "(no problem)");
  g_assert_cmpuint (registry->problems->len, ==, 1);
  g_assert_null (cb_registry_find_strategy (registry, "loops"));
  /* One bad plugin costs one line, never the others. */
  g_assert_nonnull (cb_registry_find_strategy (registry, "procpool"));
}

/* A plugin symlinked from a safe directory into a world-writable one: the
 * file mapped is the link's target, and anyone can replace it. */
static void
test_trust_symlink_target (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *safe = trust_mkdir (t, "safe", 0755);
  g_autofree char *open_dir = trust_mkdir (t, "open", 0777);
  g_autofree char *lib = trust_mkdir (t, "lib", 0755);
  g_autofree char *target = copy_loops_plugin (open_dir);
  g_autofree char *link = g_build_filename (safe, "loops" LT_MODULE_EXT, NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  assert_refused (safe, link, open_dir, "is writable by all users");

  /* The same link to a safe place loads. */
  g_autofree char *good = copy_loops_plugin (lib);
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (symlink ("../lib/loops" LT_MODULE_EXT, link), ==, 0);
  assert_loops_loaded (safe);
}

/* A 755 plugin directory inside a 777 one: whoever can write the parent
 * can rename the directory away and put their own in its place. */
static void
test_trust_world_writable_ancestor (void)
{
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *open_dir = trust_mkdir (t, "open", 0777);
  g_autofree char *dir = trust_mkdir (t, "open/plugins", 0755);
  g_autoptr (CbRegistry) registry = test_registry (dir);
  g_autofree char *reason
      = g_strdup_printf ("%s is writable by all users", open_dir);
  assert_problem (registry, dir, reason);
  g_assert_cmpuint (registry->problems->len, ==, 1);
  g_assert_nonnull (cb_registry_find_strategy (registry, "procpool"));
}

/* Sticky (like /tmp): others may add entries but not rename or remove
 * ours, so a directory of ours below it is trusted; the sticky directory
 * itself is no plugin directory, anyone can add to it. */
static void
test_trust_sticky_ancestor (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *sticky = trust_mkdir (t, "sticky", 01777);
  g_autofree char *dir = trust_mkdir (t, "sticky/mine", 0755);
  g_autofree char *plugin = copy_loops_plugin (dir);
  assert_loops_loaded (dir);

  g_autoptr (CbRegistry) registry = test_registry (sticky);
  assert_problem (registry, sticky, "is writable by all users");
}

static uid_t
other_uid (void)
{
  return geteuid () == 65534 ? 65533 : 65534;
}

/* chown (or, for a symbolic link, lchown) to another user: root only. */
static gboolean
give_away (const char *path, gboolean link)
{
  if ((link ? lchown (path, other_uid (), (gid_t) -1)
            : chown (path, other_uid (), (gid_t) -1))
      == 0)
    return TRUE;
  if (geteuid () == 0)
    g_error ("root cannot give %s to uid %u: %s", path, (unsigned) other_uid (),
             g_strerror (errno));
  g_test_skip ("not root: cannot give a file to another user");
  return FALSE;
}

/* ... but an entry of another user's in it is theirs to replace. */
static void
test_trust_sticky_other_owner (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *sticky = trust_mkdir (t, "sticky", 01777);
  g_autofree char *lib = trust_mkdir (t, "lib", 0755);
  g_autofree char *plugin = copy_loops_plugin (lib);
  g_autofree char *link = g_build_filename (sticky, "plugins", NULL);
  g_assert_cmpint (symlink (lib, link), ==, 0);
  assert_loops_loaded (link);
  if (!give_away (link, TRUE))
    return;
  g_autoptr (CbRegistry) registry = test_registry (link);
  g_autofree char *reason = g_strdup_printf (
      "%s, in %s which others can write to, is owned by", link, sticky);
  assert_problem (registry, link, reason);
  assert_problem (registry, link, "uid 6553");
}

/* A directory, or a plugin, owned by another user: they can replace it. */
static void
test_trust_other_owner (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *theirs = trust_mkdir (t, "theirs", 0755);
  g_autofree char *mine = trust_mkdir (t, "mine", 0755);
  g_autofree char *in_theirs = copy_loops_plugin (theirs);
  g_autofree char *in_mine = copy_loops_plugin (mine);
  if (!give_away (theirs, FALSE) || !give_away (in_mine, FALSE))
    return;
  g_autoptr (CbRegistry) registry = test_registry (theirs);
  g_autofree char *reason = g_strdup_printf ("%s is owned by", theirs);
  assert_problem (registry, theirs, reason);
  assert_refused (mine, in_mine, in_mine, "is owned by");
}

/* A libtool archive names the module libltdl maps: in its libdir when it
 * says it is installed.  The archive, in a safe directory, is fine; the
 * module is anyone's. */
static void
write_archive (const char *dir, const char *libdir)
{
  g_autofree char *la = g_build_filename (dir, "loops.la", NULL);
  g_autofree char *text = g_strdup_printf (
      "# loops.la - a libtool library file\n"
      "dlname='loops" LT_MODULE_EXT "'\n"
      "library_names='loops" LT_MODULE_EXT "'\n"
      "old_library=''\n"
      "installed=yes\n"
      "libdir='%s'\n",
      libdir);
  g_assert_true (g_file_set_contents (la, text, -1, NULL));
  g_assert_cmpint (g_chmod (la, 0644), ==, 0);
}

static void
test_trust_archive_libdir (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *archives = trust_mkdir (t, "archives", 0755);
  g_autofree char *open_dir = trust_mkdir (t, "open", 0777);
  g_autofree char *lib = trust_mkdir (t, "lib", 0755);
  g_autofree char *la = g_build_filename (archives, "loops.la", NULL);
  g_autofree char *bad = copy_loops_plugin (open_dir);
  write_archive (archives, open_dir);
  g_autofree char *named
      = g_strdup_printf ("libtool archive names %s: %s", bad, open_dir);
  assert_refused (archives, la, named, "is writable by all users");

  /* Absent there, libltdl maps the module beside the archive, until
   * someone creates one in the libdir. */
  g_assert_cmpint (g_unlink (bad), ==, 0);
  g_autofree char *beside = copy_loops_plugin (archives);
  assert_refused (archives, la, open_dir, "is writable by all users");
  g_assert_cmpint (g_unlink (beside), ==, 0);

  /* A safe libdir: loaded from there. */
  g_autofree char *good = copy_loops_plugin (lib);
  write_archive (archives, lib);
  g_autoptr (CbRegistry) registry = test_registry (archives);
  const CbPlugin *loops = cb_registry_find_strategy (registry, "loops");
  g_assert_nonnull (loops);
  g_assert_cmpstr (loops->path, ==, la);
  g_assert_cmpstr (lt_dlgetinfo (loops->handle)->filename, ==, good);
  g_assert_cmpuint (registry->problems->len, ==, 0);
}

/* The modules an archive names, read as libltdl reads it. */
static void
assert_archive_modules (const char *text, const char *expected)
{
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *la = g_build_filename (t->top, "m.la", NULL);
  g_assert_true (g_file_set_contents (la, text, -1, NULL));
  g_auto (GStrv) modules = cb_ltarchive_modules (la, &error);
  g_assert_no_error (error);
  g_autofree char *joined = g_strjoinv (" ", modules);
  /* "@" in expected stands for the archive's directory. */
  g_auto (GStrv) parts = g_strsplit (expected, "@", -1);
  g_autofree char *want = g_strjoinv (t->top, parts);
  g_assert_cmpstr (joined, ==, want);
}

static void
test_trust_archive_modules (void)
{
  /* Installed when it does not say otherwise: libdir first. */
  assert_archive_modules ("dlname='m.so'\nlibdir='/usr/lib/cb/'\n",
                          "/usr/lib/cb/m.so @/m.so");
  /* Uninstalled: .libs beside it; the last of library_names without a
   * dlname; libdir unused. */
  assert_archive_modules ("# x\ndlname=''\nlibrary_names='m.so.1 m.so'\n"
                          "installed=no\nlibdir='/nowhere'\n",
                          "@/.libs/m.so @/m.so");
  /* No module named: nothing mapped from it. */
  assert_archive_modules ("old_library='m.a'\n", "");
  g_autoptr (GError) error = NULL;
  g_assert_null (cb_ltarchive_modules ("/nonexistent/m.la", &error));
  g_assert_nonnull (error);
}

/* Each refusal is one line of --list-plugins naming the file and the
 * reason; everything else is listed. */
static void
test_trust_listed (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autofree char *safe = trust_mkdir (t, "safe", 0755);
  g_autofree char *open_dir = trust_mkdir (t, "open", 0777);
  g_autofree char *target = copy_loops_plugin (open_dir);
  g_autofree char *link = g_build_filename (safe, "loops" LT_MODULE_EXT, NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_autoptr (TestExec) exec
      = test_exec ("--list-plugins", "--plugin-dir", safe, NULL);
  g_assert_cmpint (exec->status, ==, 0);
  g_autofree char *line = g_strdup_printf (
      "  %s: %s is writable by all users; refusing to load from it", link,
      open_dir);
  g_auto (GStrv) lines = g_strsplit (exec->out, "\n", -1);
  guint naming_link = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], link) != NULL)
      {
        g_assert_cmpstr (lines[i], ==, line);
        naming_link++;
      }
  g_assert_cmpuint (naming_link, ==, 1);
  g_assert_null (strstr (exec->out, "strategy loops:"));
  g_assert_nonnull (strstr (exec->out, "strategy procpool:"));
}

/* The walk itself: links resolved component by component, ".." after a
 * link, loops, and an absent file where nobody else can create it. */
static void
test_trust_walk (void)
{
  g_autoptr (TrustDir) t = trust_dir_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *open_dir = trust_mkdir (t, "open", 0777);
  g_autofree char *safe = trust_mkdir (t, "safe", 0755);
  g_autofree char *deep = trust_mkdir (t, "safe/deep", 0755);
  g_autofree char *file = g_build_filename (deep, "f", NULL);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_cmpint (g_chmod (file, 0644), ==, 0);

  g_assert_true (cb_trust_check (file, CB_TRUST_FILE, &error));
  g_assert_true (cb_trust_check (deep, CB_TRUST_DIR, &error));
  g_assert_no_error (error);
  /* ".." is no entry anyone can replace: the open directory decides
   * nothing here... */
  g_autofree char *via_dotdot
      = g_build_filename (open_dir, "..", "safe", "deep", "f", NULL);
  g_assert_true (cb_trust_check (via_dotdot, CB_TRUST_FILE, &error));
  g_assert_no_error (error);
  /* ... but a link in it is: whoever can write there can change it. */
  g_autofree char *open_link = g_build_filename (open_dir, "l", NULL);
  g_autofree char *via_link = g_build_filename (open_link, "f", NULL);
  g_assert_cmpint (symlink ("../safe/deep", open_link), ==, 0);
  g_assert_false (cb_trust_check (via_link, CB_TRUST_FILE, &error));
  g_assert_error (error, CB_ERROR, CB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, open_dir));
  g_clear_error (&error);
  /* ".." after a link is the parent of where the link leads. */
  g_autofree char *up = g_build_filename (safe, "up", NULL);
  g_assert_cmpint (symlink ("deep/..", up), ==, 0);
  g_autofree char *via_up = g_build_filename (up, "deep", "f", NULL);
  g_assert_true (cb_trust_check (via_up, CB_TRUST_FILE, &error));
  g_assert_no_error (error);
  g_assert_false (cb_trust_check (file, CB_TRUST_DIR, &error));
  g_assert_nonnull (strstr (error->message, "is not a directory"));
  g_clear_error (&error);
  /* A loop of links. */
  g_autofree char *loop = g_build_filename (safe, "loop", NULL);
  g_assert_cmpint (symlink ("loop", loop), ==, 0);
  g_assert_false (cb_trust_check (loop, CB_TRUST_FILE, &error));
  g_assert_nonnull (strstr (error->message, g_strerror (ELOOP)));
  g_clear_error (&error);
  /* Absent: fine where only we can create it, not where anyone can. */
  g_autofree char *absent = g_build_filename (safe, "none", "f", NULL);
  g_autofree char *absent_open = g_build_filename (open_dir, "f", NULL);
  g_assert_true (cb_trust_check (absent, CB_TRUST_FILE_OR_ABSENT, &error));
  g_assert_false (cb_trust_check (absent, CB_TRUST_FILE, &error));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);
  g_assert_false (
      cb_trust_check (absent_open, CB_TRUST_FILE_OR_ABSENT, &error));
  g_assert_nonnull (strstr (error->message, "writable by all users"));
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
  g_test_add_func ("/registry/trust/symlink-target", test_trust_symlink_target);
  g_test_add_func ("/registry/trust/world-writable-ancestor",
                   test_trust_world_writable_ancestor);
  g_test_add_func ("/registry/trust/sticky-ancestor",
                   test_trust_sticky_ancestor);
  g_test_add_func ("/registry/trust/sticky-other-owner",
                   test_trust_sticky_other_owner);
  g_test_add_func ("/registry/trust/other-owner", test_trust_other_owner);
  g_test_add_func ("/registry/trust/archive-libdir",
                   test_trust_archive_libdir);
  g_test_add_func ("/registry/trust/archive-modules",
                   test_trust_archive_modules);
  g_test_add_func ("/registry/trust/listed", test_trust_listed);
  g_test_add_func ("/registry/trust/walk", test_trust_walk);
  return g_test_run ();
}
