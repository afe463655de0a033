/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "testutil.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/wait.h>

const char *
test_env (const char *name)
{
  const char *value = g_getenv (name);
  if (value == NULL)
    g_error ("%s is not set: run the tests with 'make check'", name);
  return value;
}

static TestExec *
exec_argv (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  TestExec *exec = g_new0 (TestExec, 1);
  g_autoptr (GSubprocess) proc = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
      &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &exec->out, &exec->err,
                                 &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (proc))
    exec->status = g_subprocess_get_exit_status (proc);
  else
    exec->status = 128 + g_subprocess_get_term_sig (proc);
  return exec;
}

TestExec *
test_exec_shell (const char *script)
{
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  test_env ("CONCBENCH");
  return exec_argv (argv);
}

TestExec *
test_execv (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) test_env ("CONCBENCH"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return exec_argv ((const char *const *) argv->pdata);
}

TestExec *
test_exec (const char *first_arg, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return test_execv ((const char *const *) args->pdata);
}

void
test_exec_free (TestExec *exec)
{
  if (exec == NULL)
    return;
  g_free (exec->out);
  g_free (exec->err);
  g_free (exec);
}

/* valgrind's own lines, "==PID== ..." and "--PID-- ...", which it writes
 * to the stderr of a program it traces (make check-valgrind). */
static gboolean
is_valgrind_line (const char *line)
{
  if (!(g_str_has_prefix (line, "==") || g_str_has_prefix (line, "--")))
    return FALSE;
  gsize digits = strspn (line + 2, "0123456789");
  return digits > 0 && strncmp (line + 2 + digits, line, 2) == 0;
}

static char *
without_valgrind_lines (const char *err)
{
  g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
  GString *kept = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && !is_valgrind_line (lines[i]))
      g_string_append_printf (kept, "%s\n", lines[i]);
  return g_string_free (kept, FALSE);
}

void
test_assert_usage_error (const TestExec *exec, const char *needle)
{
  g_autofree char *err = without_valgrind_lines (exec->err);
  if (exec->status != 2 || !g_str_has_prefix (err, "concbench: ")
      || strchr (err, '\n') != err + strlen (err) - 1
      || strstr (err, needle) == NULL)
    g_error ("expected exit 2 and one line 'concbench: ...%s...'; got exit "
             "%d, stderr:\n%s",
             needle, exec->status, exec->err);
}

static guint
count_dir_entries (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

guint
test_count_fds (void)
{
  return count_dir_entries ("/proc/self/fd");
}

guint
test_count_threads (void)
{
  return count_dir_entries ("/proc/self/task");
}

CbSuite *
test_make_suite (const CbRegistry *registry, const char *workload,
                 const char *strategy, const char *const *params)
{
  const char *ws[] = { workload, NULL };
  const char *ss[] = { strategy, NULL };
  g_autoptr (GError) error = NULL;
  CbSuite *suite = cb_suite_new_adhoc (registry, ws, ss, params, NULL, &error);
  g_assert_no_error (error);
  return suite;
}

gboolean
test_no_children (void)
{
  return waitpid (-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

gboolean
test_skip_if_static (void)
{
#ifdef CB_STATIC_PLUGINS
  g_test_skip ("--disable-shared: the test plugins are static archives, "
               "which cannot be dlopened");
  return TRUE;
#else
  return FALSE;
#endif
}

CbRegistry *
test_registry (const char *extra_dir)
{
#ifdef CB_STATIC_PLUGINS
  /* The test programs are linked with the bundled plugins' -dlpreopen too;
   * this must precede the first lt_dlinit. */
  LTDL_SET_PRELOADED_SYMBOLS ();
#endif
  CbRegistry *registry = cb_registry_new ();
  cb_registry_load_preloaded (registry);
  const char *dirs[] = { extra_dir, NULL };
  g_auto (GStrv) path = cb_registry_search_path (
      extra_dir ? dirs : NULL, registry->problems);
  cb_registry_scan (registry, (const char *const *) path);
  return registry;
}
