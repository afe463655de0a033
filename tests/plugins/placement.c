/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only strategy that fails its run unless the worker, a thread it
 * starts and a child it forks all run on the CPUs and at the nice value
 * the test expects: proof that --affinity and --nice reach the worker
 * before any plugin code, and are inherited. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <concbench/plugin.h>

static const CbParamSpec placement_params[] = {
  { "cpus", "Cpus_allowed_list every task must have ('any': not checked)",
    "any", CB_PARAM_STRING, 0, 0, NULL },
  { "nice", "nice value every task must have ('any': not checked)", "any",
    CB_PARAM_STRING, 0, 0, NULL },
  { NULL }
};

typedef struct {
  const char *cpus, *nice;
} Expect;

/* The calling thread's Cpus_allowed_list, or NULL. */
static char *
allowed_cpus (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/thread-self/status", &status, NULL, NULL))
    return NULL;
  const char *line = strstr (status, "\nCpus_allowed_list:");
  if (line == NULL)
    return NULL;
  line += strlen ("\nCpus_allowed_list:");
  const char *end = strchr (line, '\n');
  g_autofree char *value
      = end ? g_strndup (line, end - line) : g_strdup (line);
  return g_strdup (g_strstrip (value));
}

/* NULL when the calling task is as expected, else what is wrong. */
static char *
mismatch (const Expect *want, const char *who)
{
  if (strcmp (want->cpus, "any") != 0)
    {
      g_autofree char *cpus = allowed_cpus ();
      if (g_strcmp0 (cpus, want->cpus) != 0)
        return g_strdup_printf ("%s runs on CPUs %s, not %s", who,
                                cpus ? cpus : "(unknown)", want->cpus);
    }
  if (strcmp (want->nice, "any") != 0)
    {
      errno = 0;
      /* On Linux, a thread's own nice value. */
      int nice = getpriority (PRIO_PROCESS, 0);
      if (nice != atoi (want->nice))
        return g_strdup_printf ("%s runs at nice %d, not %s", who, nice,
                                want->nice);
    }
  return NULL;
}

static gpointer
thread_check (gpointer data)
{
  return mismatch (data, "a thread of the worker");
}

/* A forked child checks itself and says by its exit status. */
static char *
child_mismatch (const Expect *want)
{
  pid_t pid = fork ();
  if (pid < 0)
    return g_strdup_printf ("fork: %s", g_strerror (errno));
  if (pid == 0)
    _exit (mismatch (want, "a child") == NULL ? 0 : 1);
  int status;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return g_strdup ("a child of the worker is not placed as expected");
  return NULL;
}

static gboolean
placement_execute (const CbJob *job, GError **error)
{
  Expect want = { cb_params_get_string (job->params, "cpus"),
                  cb_params_get_string (job->params, "nice") };
  char *wrong = mismatch (&want, "the worker");
  if (wrong == NULL)
    wrong = g_thread_join (g_thread_new ("placement", thread_check, &want));
  if (wrong == NULL)
    wrong = child_mismatch (&want);
  if (wrong != NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID, "%s",
                   wrong);
      g_free (wrong);
      return FALSE;
    }
  for (guint i = 0; i < job->n_items; i++)
    {
      guint64 digest;
      if (!job->run_item (job, i, &digest, error))
        return FALSE;
      job->complete (job, i, digest);
    }
  return TRUE;
}

static guint
placement_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return 1;
}

static const CbStrategyClass placement_strategy = {
  .name = "placement",
  .summary = "test strategy that checks the worker's CPUs and nice value",
  .params = placement_params,
  .execute = placement_execute,
  .slots = placement_slots,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "placement",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "Test-only: checks the worker's affinity and priority",
  .strategy = &placement_strategy,
};

CB_PLUGIN_DEFINE (placement, desc)
