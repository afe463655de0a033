/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench-mpi-rank: one MPI rank of the mpi strategy, started by mpiexec
 * or srun.  Each rank starts its own item server (concbench-worker --serve,
 * the program after the distribution on the command line) on its host, so
 * the workload is rebuilt there with the core's loading and trust rules;
 * this program only moves items and digests.  Rank 0 reads the recipe from
 * its standard input (the launcher forwards the strategy's pipe to rank 0
 * only), broadcasts it, and writes READY once every rank's workload is
 * built, then every (item, digest) of every rank, in the item protocol, on
 * its standard output, and last every rank's USAGE (its and its server's
 * peak RSS and CPU, measured on its host).  Any failure ends the whole job with MPI_Abort, so the
 * launcher's own kill path stops every rank on every host. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mpi.h>

#include "item-wire.h"

extern char **environ;

enum { TAG_RESULT = 1, TAG_REQUEST = 2, TAG_ITEM = 3 };
#define NO_ITEM G_MAXUINT64

typedef struct {
  int rank, size;
  gboolean dynamic;
  pid_t pid;
  int task_fd, result_fd;
  CbWireReader reader;
  guint n_items;
} Rank;

static G_NORETURN void
abort_job (const Rank *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* The reason goes to stderr, which the launcher hands to the strategy. */
static void
abort_job (const Rank *r, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "concbench-mpi-rank: rank %d: ", r->rank);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  fflush (stderr);
  if (r->pid > 0)
    kill (r->pid, SIGKILL);
  MPI_Abort (MPI_COMM_WORLD, 3);
  _exit (3);
}

/* The item server's answers stopped: its wait status says why. */
static G_NORETURN void
server_gone (Rank *r, gssize n)
{
  int status = 0;
  int saved = errno;

  if (r->pid > 0 && waitpid (r->pid, &status, 0) == r->pid)
    {
      r->pid = -1;
      if (WIFSIGNALED (status))
        abort_job (r, "the item server on this host was killed by signal "
                      "%d (%s)", WTERMSIG (status),
                   g_strsignal (WTERMSIG (status)));
      abort_job (r, "the item server on this host exited with status %d",
                 WEXITSTATUS (status));
    }
  abort_job (r, "the item server on this host ended (%s)",
             n < 0 ? g_strerror (saved) : "end of file");
}

static void
send_bytes (const Rank *r, int fd, const GByteArray *msg)
{
  if (!cb_wire_write_all (fd, msg->data, msg->len))
    abort_job (r, "cannot write: %s", g_strerror (errno));
}

/* Blocks until the next whole message from the item server. */
static void
server_message (Rank *r, CbWireMsg *msg)
{
  g_autoptr (GError) error = NULL;

  for (;;)
    {
      CbWireStatus st = cb_wire_reader_next (&r->reader, msg, &error);
      if (st == CB_WIRE_GOT)
        break;
      if (st == CB_WIRE_BAD)
        abort_job (r, "item server: %s", error->message);
      gssize n = cb_wire_reader_fill (&r->reader, r->result_fd);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        server_gone (r, n);
    }
  if (msg->kind == CB_WIRE_ERROR)
    abort_job (r, "item server failed: %.*s", (int) msg->len,
               (const char *) msg->data);
}

static void
start_server (Rank *r, char **argv)
{
  int task[2], result[2];
  posix_spawn_file_actions_t actions;

  if (pipe2 (task, O_CLOEXEC) != 0 || pipe2 (result, O_CLOEXEC) != 0)
    abort_job (r, "cannot create a pipe: %s", g_strerror (errno));
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, task[0], 0);
  posix_spawn_file_actions_adddup2 (&actions, result[1], 1);
  int rc = posix_spawn (&r->pid, argv[0], &actions, NULL, argv, environ);
  posix_spawn_file_actions_destroy (&actions);
  close (task[0]);
  close (result[1]);
  if (rc != 0)
    abort_job (r, "cannot start the item server %s: %s", argv[0],
               g_strerror (rc));
  r->task_fd = task[1];
  r->result_fd = result[0];
  cb_wire_reader_init (&r->reader);
}

/* Rank 0's standard input holds one RECIPE message; every rank gets it. */
static GByteArray *
share_recipe (Rank *r)
{
  GByteArray *msg = g_byte_array_new ();
  guint8 buf[4096];
  guint32 len = 0;
  ssize_t n;

  if (r->rank == 0)
    {
      while ((n = read (0, buf, sizeof buf)) != 0)
        if (n > 0)
          g_byte_array_append (msg, buf, (guint) n);
        else if (errno != EINTR)
          abort_job (r, "cannot read the recipe: %s", g_strerror (errno));
      len = msg->len;
    }
  MPI_Bcast (&len, 1, MPI_UINT32_T, 0, MPI_COMM_WORLD);
  g_byte_array_set_size (msg, len);
  MPI_Bcast (msg->data, (int) len, MPI_BYTE, 0, MPI_COMM_WORLD);
  return msg;
}

static void
build_workload (Rank *r, const GByteArray *recipe)
{
  CbWireMsg msg;

  send_bytes (r, r->task_fd, recipe);
  server_message (r, &msg);
  if (msg.kind != CB_WIRE_READY)
    abort_job (r, "the item server did not answer READY");
  r->n_items = msg.item;
}

static void
send_task (const Rank *r, guint first, guint count)
{
  g_autoptr (GByteArray) msg = g_byte_array_new ();

  cb_wire_put_task (msg, first, count);
  send_bytes (r, r->task_fd, msg);
}

/* Rank r's contiguous block of the static distribution. */
static void
static_block (const Rank *r, guint *first, guint *count)
{
  guint64 n = r->n_items;
  guint64 lo = n * (guint64) r->rank / (guint64) r->size;
  guint64 hi = n * (guint64) (r->rank + 1) / (guint64) r->size;

  *first = (guint) lo;
  *count = (guint) (hi - lo);
}

/* Runs one task on this host's server; each answer goes to answer(). */
static void
run_task (Rank *r, guint first, guint count,
          void (*answer) (Rank *, guint64[2]))
{
  CbWireMsg msg;

  if (count == 0)
    return;
  send_task (r, first, count);
  for (;;)
    {
      server_message (r, &msg);
      if (msg.kind == CB_WIRE_TASK_DONE)
        return;
      if (msg.kind != CB_WIRE_RESULT)
        abort_job (r, "the item server broke the item protocol");
      guint64 pair[2] = { msg.item, msg.digest };
      answer (r, pair);
    }
}

static void
send_result (Rank *r, guint64 pair[2])
{
  MPI_Send (pair, 2, MPI_UINT64_T, 0, TAG_RESULT, MPI_COMM_WORLD);
}

static guint64 last_pair[2];

static void
keep_result (Rank *r G_GNUC_UNUSED, guint64 pair[2])
{
  last_pair[0] = pair[0];
  last_pair[1] = pair[1];
}

/* A rank other than 0: its block, or item after item asked of rank 0. */
static void
work_for_rank0 (Rank *r)
{
  guint first, count;

  if (!r->dynamic)
    {
      static_block (r, &first, &count);
      run_task (r, first, count, send_result);
      return;
    }
  guint64 request[2] = { NO_ITEM, 0 }, item;
  for (;;)
    {
      MPI_Send (request, 2, MPI_UINT64_T, 0, TAG_REQUEST, MPI_COMM_WORLD);
      MPI_Recv (&item, 1, MPI_UINT64_T, 0, TAG_ITEM, MPI_COMM_WORLD,
                MPI_STATUS_IGNORE);
      if (item == NO_ITEM)
        return;
      run_task (r, (guint) item, 1, keep_result);
      request[0] = last_pair[0];
      request[1] = last_pair[1];
    }
}

typedef struct {
  guint next_item; /* dynamic: first item not handed out */
  guint answered;  /* results written to the strategy */
  guint stopped;   /* dynamic: ranks told there is nothing left */
  gboolean local_busy;
  gboolean local_done; /* rank 0's own server has no more work */
} Gather;

static void
emit (const Rank *r, Gather *g, guint64 item, guint64 digest)
{
  g_autoptr (GByteArray) msg = g_byte_array_new ();

  cb_wire_put_result (msg, (guint32) item, digest);
  send_bytes (r, 1, msg);
  g->answered++;
}

static guint64
next_dynamic_item (const Rank *r, Gather *g)
{
  return g->next_item < r->n_items ? g->next_item++ : NO_ITEM;
}

static void
take_remote (const Rank *r, Gather *g, const MPI_Status *probe)
{
  guint64 pair[2];
  MPI_Status st;

  MPI_Recv (pair, 2, MPI_UINT64_T, probe->MPI_SOURCE, probe->MPI_TAG,
            MPI_COMM_WORLD, &st);
  if (pair[0] != NO_ITEM)
    emit (r, g, pair[0], pair[1]);
  if (st.MPI_TAG != TAG_REQUEST)
    return;
  guint64 item = next_dynamic_item (r, g);
  g->stopped += item == NO_ITEM;
  MPI_Send (&item, 1, MPI_UINT64_T, st.MPI_SOURCE, TAG_ITEM, MPI_COMM_WORLD);
}

/* Rank 0's own server: its next dynamic item when idle. */
static void
feed_local (Rank *r, Gather *g)
{
  if (g->local_busy || g->local_done || !r->dynamic)
    return;
  guint64 item = next_dynamic_item (r, g);
  if (item == NO_ITEM)
    {
      g->local_done = TRUE;
      return;
    }
  send_task (r, (guint) item, 1);
  g->local_busy = TRUE;
}

static void
take_local (Rank *r, Gather *g)
{
  g_autoptr (GError) error = NULL;
  CbWireMsg msg;
  gssize n = cb_wire_reader_fill (&r->reader, r->result_fd);

  if (n <= 0 && !(n < 0 && errno == EINTR))
    server_gone (r, n);
  CbWireStatus st;
  while ((st = cb_wire_reader_next (&r->reader, &msg, &error)) == CB_WIRE_GOT)
    {
      if (msg.kind == CB_WIRE_RESULT)
        emit (r, g, msg.item, msg.digest);
      else if (msg.kind == CB_WIRE_TASK_DONE)
        g->local_busy = FALSE, g->local_done = !r->dynamic;
      else if (msg.kind == CB_WIRE_ERROR)
        abort_job (r, "item server failed: %.*s", (int) msg.len,
                   (const char *) msg.data);
      else
        abort_job (r, "the item server broke the item protocol");
    }
  if (st == CB_WIRE_BAD)
    abort_job (r, "item server: %s", error->message);
}

static gboolean
gather_pending (const Rank *r, const Gather *g)
{
  return g->answered < r->n_items
         || (r->dynamic && g->stopped < (guint) r->size - 1);
}

/* Rank 0 serves the others and its own server in turn; a short poll, not a
 * spin, waits for the latter, since MPI has no descriptor to poll. */
static void
gather (Rank *r)
{
  Gather g = { 0 };
  guint first, count;

  if (!r->dynamic)
    {
      static_block (r, &first, &count);
      if (count > 0)
        send_task (r, first, count), g.local_busy = TRUE;
      else
        g.local_done = TRUE;
    }
  while (gather_pending (r, &g))
    {
      int flag = 0;
      MPI_Status probe;

      feed_local (r, &g);
      MPI_Iprobe (MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &probe);
      if (flag)
        take_remote (r, &g, &probe);
      struct pollfd pfd = { .fd = r->result_fd, .events = POLLIN };
      if (g.local_busy && poll (&pfd, 1, flag ? 0 : 1) > 0)
        take_local (r, &g);
      else if (!g.local_busy && !flag)
        poll (NULL, 0, 1);
    }
}

static void
announce_ready (const Rank *r)
{
  guint32 n = r->n_items, lo, hi;

  MPI_Allreduce (&n, &lo, 1, MPI_UINT32_T, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce (&n, &hi, 1, MPI_UINT32_T, MPI_MAX, MPI_COMM_WORLD);
  if (lo != hi)
    abort_job (r, "the ranks rebuilt workloads of %u to %u items", lo, hi);
  if (r->rank != 0)
    return;
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  cb_wire_put_ready (msg, n);
  send_bytes (r, 1, msg);
}

static guint64
micros (struct timeval tv)
{
  return (guint64) tv.tv_sec * 1000000u + (guint64) tv.tv_usec;
}

/* Once the items are done: the server is told to exit and reaped, and
 * the rank's usage is its own plus its server's (where the items ran),
 * measured on its host: CPU from getrusage and wait4, peak RSS the sum of
 * the two processes' high-water marks (ru_maxrss). */
static void
finish_server (Rank *r, CbWireUsage *usage)
{
  struct rusage self, server = { { 0 } };
  int status = 0;

  close (r->task_fd); /* the server sees EOF and exits */
  while (wait4 (r->pid, &status, 0, &server) < 0 && errno == EINTR)
    ;
  r->pid = -1;
  getrusage (RUSAGE_SELF, &self);
  memset (usage, 0, sizeof *usage);
  usage->rank = (guint32) r->rank;
  usage->peak_rss = ((guint64) self.ru_maxrss + (guint64) server.ru_maxrss)
                    * 1024;
  usage->user_us = micros (self.ru_utime) + micros (server.ru_utime);
  usage->sys_us = micros (self.ru_stime) + micros (server.ru_stime);
  if (gethostname (usage->host, sizeof usage->host - 1) != 0)
    g_strlcpy (usage->host, "unknown", sizeof usage->host);
}

/* Every rank's usage goes to rank 0, which writes it to the strategy after
 * the last result. */
static void
report_usage (const Rank *r, const CbWireUsage *mine)
{
  g_autofree CbWireUsage *all
      = r->rank == 0 ? g_new0 (CbWireUsage, r->size) : NULL;

  MPI_Gather (mine, (int) sizeof *mine, MPI_BYTE, all, (int) sizeof *mine,
              MPI_BYTE, 0, MPI_COMM_WORLD);
  if (r->rank != 0)
    return;
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  for (int i = 0; i < r->size; i++)
    {
      all[i].host[CB_WIRE_HOST_MAX] = '\0';
      cb_wire_put_usage (msg, &all[i]);
    }
  send_bytes (r, 1, msg);
}

/* Only rank 0 speaks to the strategy: the others' stdout is set aside, so
 * nothing a plugin prints there can corrupt the stream. */
static void
quiet_stdout (void)
{
  int fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      dup2 (fd, 1);
      close (fd);
    }
}

int
main (int argc, char **argv)
{
  Rank r = { .pid = -1 };

  MPI_Init (&argc, &argv);
  MPI_Comm_rank (MPI_COMM_WORLD, &r.rank);
  MPI_Comm_size (MPI_COMM_WORLD, &r.size);
  if (argc < 3 || (strcmp (argv[1], "static") != 0
                   && strcmp (argv[1], "dynamic") != 0))
    abort_job (&r, "usage: concbench-mpi-rank static|dynamic ITEM-SERVER "
                   "[ARG...] (run by the mpi strategy, not by hand)");
  r.dynamic = strcmp (argv[1], "dynamic") == 0;
  signal (SIGPIPE, SIG_IGN);
  if (r.rank != 0)
    quiet_stdout ();
  g_autoptr (GByteArray) recipe = share_recipe (&r);
  start_server (&r, argv + 2);
  build_workload (&r, recipe);
  announce_ready (&r);
  if (r.rank == 0)
    gather (&r);
  else
    work_for_rank0 (&r);
  CbWireUsage usage;
  finish_server (&r, &usage);
  report_usage (&r, &usage);
  cb_wire_reader_clear (&r.reader);
  MPI_Finalize ();
  return 0;
}
