/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "mpi": the items on N MPI ranks, started by mpiexec (Open MPI) or,
 * inside a Slurm allocation, by srun.  Each rank is concbench-mpi-rank,
 * which starts the item server on its host (so the workload is rebuilt
 * there from the recipe, as for spawnpool); rank 0 streams every (item,
 * digest) back over the launcher's standard output, and only this process
 * calls complete(), so every time is taken on the runner's clock.
 *
 * This plugin links no MPI: it only runs the launcher, so the core and its
 * other plugins never map Open MPI. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* pipe2 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <concbench/plugin.h>

#include "item-wire.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif
#ifndef CB_MPIEXEC
#define CB_MPIEXEC "mpiexec"
#endif

extern char **environ;

#define STDERR_KEPT 4096 /* of the launcher's stderr, for the message */
#define STDERR_SHOWN 600

static const char *const distribution_choices[] = { "static", "dynamic", NULL };
static const char *const launcher_choices[] = { "mpiexec", "srun", NULL };

typedef struct {
  const CbJob *job;
  pid_t pid; /* the launcher, leader of its own process group; 0: reaped */
  int out_fd, err_fd;
  CbWireReader reader;
  GString *err;
  gboolean ready;
  guint answered;
  GError *stream_error; /* rank 0's stream was not the item protocol */
  int status; /* the launcher's wait status once reaped, -1: unknown */
} Launch;

static guint
param_ranks (const CbParams *params)
{
  return (guint) MIN (cb_params_get_uint (params, "ranks"), G_MAXUINT);
}

static gboolean
fail (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED, text);
  return FALSE;
}

/* The rank program is installed beside the item server (the worker
 * program), in the build tree as installed; CONCBENCH_MPI_RANK overrides. */
static char *
rank_program (const char *item_server)
{
  const char *env = g_getenv ("CONCBENCH_MPI_RANK");
  g_autofree char *dir = g_path_get_dirname (item_server);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (dir, "concbench-mpi-rank", NULL);
}

static gboolean
add_launcher (GPtrArray *argv, const CbParams *params, GError **error)
{
  const char *hosts = cb_params_get_string (params, "hosts");
  gboolean srun = cb_params_get_enum (params, "launcher") == 1;
  gboolean hostfile = hosts != NULL && *hosts != '\0'
                      && g_file_test (hosts, G_FILE_TEST_IS_REGULAR);

  if (srun && g_getenv ("SLURM_JOB_ID") == NULL)
    return fail (error, "launcher=srun needs a Slurm allocation (run inside "
                        "salloc or sbatch: SLURM_JOB_ID is not set)");
  g_ptr_array_add (argv, g_strdup (srun ? "srun" : CB_MPIEXEC));
  g_ptr_array_add (argv, g_strdup (srun ? "--ntasks" : "-n"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", param_ranks (params)));
  if (hosts != NULL && *hosts != '\0')
    {
      if (srun)
        g_ptr_array_add (argv, g_strdup (hostfile ? "--nodefile"
                                                  : "--nodelist"));
      else
        g_ptr_array_add (argv, g_strdup (hostfile ? "--hostfile" : "--host"));
      g_ptr_array_add (argv, g_strdup (hosts));
    }
  return TRUE;
}

static GStrv
launcher_argv (const CbJob *job, GError **error)
{
  const CbParams *params = job->params;
  const char *extra = cb_params_get_string (params, "mpiexec-args");
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) extra_argv = NULL;
  g_autoptr (GError) parse_error = NULL;

  if (!add_launcher (argv, params, error))
    return NULL;
  if (extra != NULL && *extra != '\0')
    {
      if (!g_shell_parse_argv (extra, NULL, &extra_argv, &parse_error))
        {
          fail (error, "mpiexec-args: %s", parse_error->message);
          return NULL;
        }
      for (guint i = 0; extra_argv[i] != NULL; i++)
        g_ptr_array_add (argv, g_strdup (extra_argv[i]));
    }
  g_ptr_array_add (argv, rank_program (job->recipe->item_server[0]));
  g_ptr_array_add (argv, g_strdup (distribution_choices[cb_params_get_enum (
                             params, "distribution")]));
  /* No --result-fd: a rank's server may be on another host.  The core
   * takes the relayed digests (CB_STRATEGY_RELAYS_DIGESTS). */
  g_ptr_array_add (argv, g_strdup (job->recipe->item_server[0]));
  g_ptr_array_add (argv, g_strdup ("--serve"));
  g_ptr_array_add (argv, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}

static GByteArray *
encode_recipe (const CbWorkloadRecipe *recipe, GError **error)
{
  g_autoptr (GPtrArray) strings = g_ptr_array_new ();
  g_autoptr (GByteArray) msg = g_byte_array_new ();

  g_ptr_array_add (strings, (gpointer) recipe->plugin_file);
  g_ptr_array_add (strings, (gpointer) recipe->workload);
  for (guint i = 0; recipe->params[i] != NULL; i++)
    g_ptr_array_add (strings, (gpointer) recipe->params[i]);
  g_ptr_array_add (strings, NULL);
  if (!cb_wire_put_recipe (msg, recipe->seed,
                           (const char *const *) strings->pdata))
    {
      fail (error, "the workload's recipe does not fit one message");
      return NULL;
    }
  return g_steal_pointer (&msg);
}

/* stdin, stdout and stderr are pipes; the launcher leads its own process
 * group, so that a failure can stop it and whatever it started. */
static gboolean
spawn_launcher (Launch *l, char **argv, int *in_fd, GError **error)
{
  int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;

  if (pipe2 (in, O_CLOEXEC) != 0 || pipe2 (out, O_CLOEXEC) != 0
      || pipe2 (err, O_CLOEXEC) != 0)
    {
      int saved = errno;
      for (int i = 0; i < 2; i++)
        {
          if (in[i] >= 0) close (in[i]);
          if (out[i] >= 0) close (out[i]);
        }
      return fail (error, "cannot create a pipe: %s", g_strerror (saved));
    }
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, in[0], 0);
  posix_spawn_file_actions_adddup2 (&actions, out[1], 1);
  posix_spawn_file_actions_adddup2 (&actions, err[1], 2);
  posix_spawnattr_init (&attr);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup (&attr, 0);
  int rc = posix_spawnp (&l->pid, argv[0], &actions, &attr, argv, environ);
  posix_spawnattr_destroy (&attr);
  posix_spawn_file_actions_destroy (&actions);
  close (in[0]);
  close (out[1]);
  close (err[1]);
  if (rc != 0)
    {
      l->pid = 0;
      close (in[1]);
      close (out[0]);
      close (err[0]);
      return fail (error, "cannot start the launcher %s: %s", argv[0],
                   g_strerror (rc));
    }
  *in_fd = in[1];
  l->out_fd = out[0];
  l->err_fd = err[0];
  return TRUE;
}

/* The recipe goes to rank 0's stdin; then EOF, so rank 0 knows it whole.
 * A launcher that died first raises SIGPIPE: ignored in this thread's
 * write only by the failed write's EPIPE, since the core owns the signal. */
static void
send_recipe (int fd, const GByteArray *recipe)
{
  sigset_t sigpipe, saved;

  sigemptyset (&sigpipe);
  sigaddset (&sigpipe, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &sigpipe, &saved);
  gboolean ok = cb_wire_write_all (fd, recipe->data, recipe->len);
  if (!ok && errno == EPIPE)
    {
      const struct timespec no_wait = { 0, 0 };
      sigtimedwait (&sigpipe, NULL, &no_wait);
    }
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  close (fd);
}

/* A rank's own measurement, relayed by rank 0. */
static void
report_usage (const CbJob *job, const CbWireMsg *msg)
{
  CbWireUsage wire;

  cb_wire_decode_usage (msg, &wire);
  g_autofree char *host = g_utf8_make_valid (wire.host, -1);
  CbWorkerUsage usage = {
    .host = host, .rank = wire.rank, .peak_rss = wire.peak_rss,
    .user_cpu = wire.user_us / 1e6, .system_cpu = wire.sys_us / 1e6,
  };
  if (job->reports != NULL)
    job->reports->worker_usage (job, &usage);
}

static gboolean
take_message (Launch *l, const CbWireMsg *msg, GError **error)
{
  if (msg->kind == CB_WIRE_READY && !l->ready)
    {
      if (msg->item != l->job->n_items)
        return fail (error, "the ranks rebuilt a workload of %u items, the "
                            "job has %u", msg->item, l->job->n_items);
      l->ready = TRUE;
      /* Every rank is past MPI_Init with its workload built: what came
       * before is start-up, not the items' time. */
      if (l->job->reports != NULL)
        l->job->reports->started (l->job);
      return TRUE;
    }
  if (msg->kind == CB_WIRE_USAGE && l->ready)
    {
      report_usage (l->job, msg);
      return TRUE;
    }
  if (msg->kind == CB_WIRE_RESULT && l->ready)
    {
      l->job->complete (l->job, msg->item, msg->digest);
      l->answered++;
      return TRUE;
    }
  return fail (error, "rank 0 broke the item protocol");
}

/* Bytes on rank 0's stream that are not the item protocol (Open MPI's own
 * messages land there too) end the run, but the launcher's stderr is still
 * read to the end for its reason. */
static void
read_ranks (Launch *l)
{
  gssize n = cb_wire_reader_fill (&l->reader, l->out_fd);
  CbWireMsg msg;
  CbWireStatus st = CB_WIRE_NEED_MORE;

  if (n < 0 && errno == EINTR)
    return;
  if (n < 0)
    fail (&l->stream_error, "cannot read from rank 0: %s", g_strerror (errno));
  while (l->stream_error == NULL
         && (st = cb_wire_reader_next (&l->reader, &msg, &l->stream_error))
                == CB_WIRE_GOT)
    take_message (l, &msg, &l->stream_error);
  if (n <= 0 || l->stream_error != NULL)
    {
      close (l->out_fd);
      l->out_fd = -1;
    }
}

static void
read_stderr (Launch *l)
{
  char buf[1024];
  ssize_t n = read (l->err_fd, buf, sizeof buf);

  if (n > 0 && l->err->len < STDERR_KEPT)
    g_string_append_len (l->err, buf, MIN ((gsize) n,
                                           STDERR_KEPT - l->err->len));
  if (n == 0 || (n < 0 && errno != EINTR))
    {
      close (l->err_fd);
      l->err_fd = -1;
    }
}

/* Until the launcher closes both its stdout and stderr. */
static gboolean
collect (Launch *l, GError **error)
{
  while (l->out_fd >= 0 || l->err_fd >= 0)
    {
      struct pollfd fds[2] = { { .fd = l->out_fd, .events = POLLIN },
                               { .fd = l->err_fd, .events = POLLIN } };
      if (poll (fds, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return fail (error, "cannot wait for the launcher: %s",
                       g_strerror (errno));
        }
      if (fds[0].revents != 0)
        {
          read_ranks (l);
          if (l->stream_error != NULL)
            return FALSE;
        }
      if (fds[1].revents != 0)
        read_stderr (l);
    }
  return TRUE;
}

static void
reap (Launch *l, int options)
{
  int status = 0;
  pid_t got;

  while ((got = waitpid (l->pid, &status, options)) < 0 && errno == EINTR)
    ;
  if (got == 0)
    return;
  l->status = got < 0 ? -1 : status;
  l->pid = 0;
}

/* SIGTERM to the launcher's group (mpiexec forwards it to its ranks and
 * daemons), SIGKILL after 3 s; the core's cleanup catches any leftover. */
static void
stop_launcher (Launch *l)
{
  if (l->pid <= 0)
    return;
  kill (-l->pid, SIGTERM);
  for (int i = 0; i < 300 && l->pid > 0; i++)
    {
      reap (l, WNOHANG);
      if (l->pid > 0)
        g_usleep (10000);
    }
  if (l->pid > 0)
    {
      kill (-l->pid, SIGKILL);
      reap (l, 0);
    }
}

/* What the stopped launcher still had to say, for a second at most. */
static void
drain_stderr (Launch *l)
{
  struct pollfd pfd = { .fd = l->err_fd, .events = POLLIN };

  while (l->err_fd >= 0 && poll (&pfd, 1, 1000) > 0)
    read_stderr (l);
}

static char *
describe_status (int status)
{
  if (status == -1)
    return g_strdup ("ended (its status was collected elsewhere)");
  if (WIFSIGNALED (status))
    return g_strdup_printf ("was killed by signal %d", WTERMSIG (status));
  return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
}

static gboolean
is_rule (const char *line)
{
  return *line == '\0' || strspn (line, "-=*") == strlen (line);
}

/* The launcher's stderr as one line, clipped: the ranks' own reasons
 * first, then Open MPI's, whose cause comes before its advice (the first
 * lines), framed by rules of dashes that say nothing. */
static char *
launcher_words (const GString *err)
{
  g_auto (GStrv) lines = g_strsplit (err->str, "\n", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (int ours = 1; ours >= 0; ours--)
    for (guint i = 0; lines[i] != NULL; i++)
      {
        char *line = g_strstrip (lines[i]);
        if (is_rule (line)
            || g_str_has_prefix (line, "concbench-mpi-rank:") != ours)
          continue;
        g_string_append_printf (out, "%s%s", out->len ? " " : "", line);
      }
  gboolean clipped = out->len > STDERR_SHOWN;
  if (clipped)
    g_string_truncate (out, STDERR_SHOWN);
  g_autofree char *clean = g_utf8_make_valid (out->str, -1);
  return g_strdup_printf ("%s%s", clean, clipped ? "..." : "");
}

static void
set_reason (Launch *l, gboolean stopped, GError **error)
{
  g_autofree char *words = launcher_words (l->err);
  g_autofree char *how = describe_status (l->status);

  if (*error != NULL)
    ; /* the strategy's own failure says it */
  else if (stopped && l->stream_error != NULL)
    fail (error, "rank 0's stream after %u of %u items: %s", l->answered,
          l->job->n_items, l->stream_error->message);
  else
    fail (error, "the launcher %s after %u of %u items", how, l->answered,
          l->job->n_items);
  if (*words != '\0')
    {
      char *both = g_strdup_printf ("%s: %s", (*error)->message, words);
      g_free ((*error)->message);
      (*error)->message = both;
    }
}

static gboolean
run_launcher (Launch *l, char **argv, const GByteArray *recipe,
              GError **error)
{
  int in_fd = -1;

  if (!spawn_launcher (l, argv, &in_fd, error))
    return FALSE;
  pid_t group = l->pid;
  cb_wire_reader_init (&l->reader);
  send_recipe (in_fd, recipe); /* if it died first, its status says why */
  gboolean collected = collect (l, error);
  if (collected)
    reap (l, 0);
  else
    {
      stop_launcher (l);
      drain_stderr (l);
    }
  if (collected && l->status == 0 && l->answered == l->job->n_items)
    return TRUE;
  /* Whatever of its group outlived a failed launcher (it is reaped: a
   * group without members is refused, and harms nothing). */
  kill (-group, SIGKILL);
  set_reason (l, !collected, error);
  return FALSE;
}

static gboolean
mpi_execute (const CbJob *job, GError **error)
{
  const CbWorkloadRecipe *recipe = job->recipe;

  if (recipe == NULL || recipe->item_server == NULL
      || recipe->item_server[0] == NULL)
    return fail (error, "the core hands no recipe (plugin ABI 1.3 or later "
                        "is needed)");
  g_auto (GStrv) argv = launcher_argv (job, error);
  if (argv == NULL)
    return FALSE;
  g_autoptr (GByteArray) msg = encode_recipe (recipe, error);
  if (msg == NULL)
    return FALSE;
  Launch l = { .job = job, .out_fd = -1, .err_fd = -1, .status = -1,
               .err = g_string_new (NULL) };
  gboolean ok = run_launcher (&l, argv, msg, error);

  if (l.out_fd >= 0)
    close (l.out_fd);
  if (l.err_fd >= 0)
    close (l.err_fd);
  cb_wire_reader_clear (&l.reader);
  g_string_free (l.err, TRUE);
  g_clear_error (&l.stream_error);
  return ok;
}

static guint
mpi_slots (const CbParams *params, guint n_items,
           gboolean can_async G_GNUC_UNUSED)
{
  return MIN (param_ranks (params), n_items);
}

static void
mpi_resources (const CbParams *params, guint n_items G_GNUC_UNUSED,
               CbResources *out)
{
  /* Each local rank, its item server, and the launcher; more on a
   * cluster's hosts, which no local limit governs. */
  out->processes = 2 * param_ranks (params) + 1;
  out->fds = 6;
}

static const CbParamSpec mpi_params[] = {
  { .name = "ranks", .help = "number of MPI ranks (mpiexec -n)",
    .default_value = "2", .type = CB_PARAM_UINT, .min = 1, .max = 65536 },
  { .name = "hosts",
    .help = "hosts for the ranks: a list (--host a,b) or a hostfile's path",
    .default_value = "", .type = CB_PARAM_STRING },
  { .name = "distribution",
    .help = "static: a contiguous block per rank; dynamic: rank 0 hands out "
            "items on request",
    .default_value = "static", .type = CB_PARAM_ENUM,
    .choices = distribution_choices },
  { .name = "launcher",
    .help = "mpiexec, or srun inside a Slurm allocation",
    .default_value = "mpiexec", .type = CB_PARAM_ENUM,
    .choices = launcher_choices },
  { .name = "mpiexec-args",
    .help = "more launcher arguments, split as by a shell "
            "(e.g. --oversubscribe)",
    .default_value = "", .type = CB_PARAM_STRING },
  { .name = NULL },
};

static const CbStrategyClass mpi_class = {
  .name = "mpi",
  .summary = "run the items on MPI ranks started by mpiexec or srun",
  .params = mpi_params,
  .execute = mpi_execute,
  .slots = mpi_slots,
  .resources = mpi_resources,
  .worker_param = "ranks",
  .flags = CB_STRATEGY_RELAYS_DIGESTS,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "mpi",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "MPI strategy: items on Open MPI ranks, digests via rank 0",
  .strategy = &mpi_class,
};

CB_PLUGIN_DEFINE (mpi, desc)
