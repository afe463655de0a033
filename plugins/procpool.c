/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "procpool": the items in forked worker processes, handed out in
 * chunks, like the seed's ProcessPoolExecutor.  The workers are forked inside
 * execute, so their creation and teardown are timed as the seed's were.
 *
 * Each worker has a task pipe (parent to worker) and a result pipe (worker to
 * parent) carrying fixed-size messages.  Only the parent calls
 * job->complete, as the ABI requires; a worker only ever runs items. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* pipe2 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <concbench/plugin.h>

#include "child-io.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

typedef enum {
  MSG_TASK = 1,  /* parent to worker: item = first item, value = count */
  MSG_RESULT,    /* item, value = digest */
  MSG_TASK_DONE, /* the task's last result has been sent */
  MSG_ERROR,     /* item, value = length of the message text that follows */
} MsgKind;

typedef struct {
  guint32 kind;
  guint32 item;
  guint64 value;
} Msg;

/* A message and its text go in one write of at most PIPE_BUF bytes, which
 * the kernel keeps whole: the parent never sees half a message from a live
 * worker. */
#define ERROR_TEXT_MAX ((gsize) MIN (1024, PIPE_BUF - sizeof (Msg)))
G_STATIC_ASSERT (sizeof (Msg) == 16);

typedef struct {
  pid_t pid;     /* 0 once reaped */
  int task_fd;   /* parent's write end, -1 once closed */
  int result_fd; /* parent's read end, -1 once closed */
  guint next;    /* next item expected back from the current task */
  guint end;     /* one past the task's last item; next == end: idle */
} Worker;

typedef struct {
  const CbJob *job;
  guint chunk;
  guint next_item; /* first item not handed out yet */
  Worker *workers;
  guint n_workers; /* forked so far */
} Pool;

static gboolean
write_to_worker (int fd, const Msg *msg)
{
  return cb_child_write_to_child (fd, msg, sizeof *msg);
}

/* ---- the worker process ---- */

static void G_GNUC_NORETURN
worker_fail (int fd, guint item, const char *message)
{
  char buf[sizeof (Msg) + 1024];
  gsize len = MIN (strlen (message), ERROR_TEXT_MAX);
  Msg msg = { .kind = MSG_ERROR, .item = item, .value = len };

  memcpy (buf, &msg, sizeof msg);
  memcpy (buf + sizeof msg, message, len);
  cb_child_write_all (fd, buf, sizeof msg + len);
  _exit (1);
}

/* Never returns into the caller: a forked copy of the core must not run the
 * rest of the benchmark, flush its stdio or call its atexit handlers. */
static void G_GNUC_NORETURN
worker_main (const CbJob *job, int task_fd, int result_fd)
{
  for (;;)
    {
      Msg task;
      gssize got = cb_child_read_all (task_fd, &task, sizeof task);

      if (got == 0)
        _exit (0);
      if (got != sizeof task || task.kind != MSG_TASK)
        _exit (2);
      for (guint64 i = 0; i < task.value; i++)
        {
          guint item = task.item + (guint) i;
          GError *error = NULL;
          Msg result = { .kind = MSG_RESULT, .item = item };

          if (!job->run_item (job, item, &result.value, &error))
            worker_fail (result_fd, item,
                         error ? error->message : "the item failed");
          if (!cb_child_write_all (result_fd, &result, sizeof result))
            _exit (1);
        }
      Msg done = { .kind = MSG_TASK_DONE, .item = task.item };
      if (!cb_child_write_all (result_fd, &done, sizeof done))
        _exit (1);
    }
}

/* ---- the parent ---- */

/* Returns the wait status, or -1 when the worker was reaped elsewhere. */
static int
reap_worker (Worker *worker)
{
  int status = cb_child_reap (worker->pid);

  worker->pid = 0;
  return status;
}

static gboolean
worker_is_busy (const Worker *worker)
{
  return worker->next < worker->end;
}

static void
set_worker_ended (pid_t pid, int status, const char *when, GError **error)
{
  g_autofree char *how = cb_child_describe_end (status);

  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "worker process %d %s %s", (int) pid, how, when);
}

/* The worker's result pipe closed under it: it is gone, and its wait status
 * says why. */
static gboolean
worker_died (Worker *worker, GError **error)
{
  pid_t pid = worker->pid;
  int status = reap_worker (worker);
  g_autofree char *when = worker_is_busy (worker)
      ? g_strdup_printf ("while running item %u", worker->next)
      : g_strdup ("before finishing its tasks");

  set_worker_ended (pid, status, when, error);
  return FALSE;
}

static gboolean
protocol_error (const Worker *worker, GError **error)
{
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "worker process %d sent an unexpected message",
               (int) worker->pid);
  return FALSE;
}

/* First in, first out: the next chunk goes to whichever worker asks. */
static gboolean
hand_out_task (Pool *pool, Worker *worker, GError **error)
{
  guint n_items = pool->job->n_items;
  guint count;

  if (pool->next_item >= n_items)
    {
      cb_child_close_fd (&worker->task_fd); /* the worker sees EOF and exits */
      return TRUE;
    }
  count = MIN (pool->chunk, n_items - pool->next_item);
  Msg task = { .kind = MSG_TASK, .item = pool->next_item, .value = count };
  if (write_to_worker (worker->task_fd, &task))
    {
      worker->next = pool->next_item;
      worker->end = pool->next_item + count;
      pool->next_item += count;
      return TRUE;
    }
  if (errno == EPIPE)
    return worker_died (worker, error);
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "cannot send a task to worker process %d: %s",
               (int) worker->pid, g_strerror (errno));
  return FALSE;
}

static gboolean
receive_error_text (Worker *worker, const Msg *msg, GError **error)
{
  char text[1024];
  gsize len = (gsize) msg->value;

  if (msg->value > ERROR_TEXT_MAX)
    return protocol_error (worker, error);
  if (cb_child_read_all (worker->result_fd, text, len) != (gssize) len)
    return worker_died (worker, error);
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "worker process %d failed: %s", (int) worker->pid, valid);
  return FALSE;
}

static gboolean
receive_message (Pool *pool, Worker *worker, GError **error)
{
  Msg msg;
  gssize got = cb_child_read_all (worker->result_fd, &msg, sizeof msg);

  if (got < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "cannot read from worker process %d: %s",
                   (int) worker->pid, g_strerror (errno));
      return FALSE;
    }
  if (got == 0 && !worker_is_busy (worker) && worker->task_fd < 0)
    {
      /* Told to stop, and did: reaped now, so no zombie waits for the
       * slowest worker. */
      cb_child_close_fd (&worker->result_fd);
      reap_worker (worker);
      return TRUE;
    }
  if (got != sizeof msg)
    return worker_died (worker, error);

  switch (msg.kind)
    {
    case MSG_RESULT:
      if (!worker_is_busy (worker) || msg.item != worker->next)
        return protocol_error (worker, error);
      pool->job->complete (pool->job, msg.item, msg.value);
      worker->next++;
      return TRUE;
    case MSG_TASK_DONE:
      if (worker_is_busy (worker) || worker->task_fd < 0)
        return protocol_error (worker, error);
      return hand_out_task (pool, worker, error);
    case MSG_ERROR:
      return receive_error_text (worker, &msg, error);
    default:
      return protocol_error (worker, error);
    }
}

/* Runs in the new worker: it must hold no descriptor but its own two pipe
 * ends, or a worker would keep another's pipes open and hide its death. */
static void G_GNUC_NORETURN
become_worker (Pool *pool, pid_t parent, int task_fd, int result_fd)
{
#ifdef __linux__
  /* A worker stuck in a long item would outlive a parent killed on a
   * timeout; EOF on the task pipe only stops it between items. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != parent)
    _exit (1);
#else
  (void) parent;
#endif
  for (guint i = 0; i < pool->n_workers; i++)
    {
      cb_child_close_fd (&pool->workers[i].task_fd);
      cb_child_close_fd (&pool->workers[i].result_fd);
    }
  worker_main (pool->job, task_fd, result_fd);
}

static gboolean
spawn_worker (Pool *pool, GError **error)
{
  Worker *worker = &pool->workers[pool->n_workers];
  int task_pipe[2], result_pipe[2];
  pid_t parent, pid;

  if (pipe2 (task_pipe, O_CLOEXEC) < 0)
    goto pipe_failed;
  if (pipe2 (result_pipe, O_CLOEXEC) < 0)
    {
      int saved_errno = errno;

      close (task_pipe[0]);
      close (task_pipe[1]);
      errno = saved_errno;
      goto pipe_failed;
    }
  parent = getpid ();
  pid = fork ();
  if (pid == 0)
    {
      close (task_pipe[1]);
      close (result_pipe[0]);
      become_worker (pool, parent, task_pipe[0], result_pipe[1]);
    }
  int fork_errno = errno;
  close (task_pipe[0]);
  close (result_pipe[1]);
  if (pid < 0)
    {
      close (task_pipe[1]);
      close (result_pipe[0]);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot create worker process: %s", g_strerror (fork_errno));
      return FALSE;
    }
  *worker = (Worker){ .pid = pid, .task_fd = task_pipe[1],
                      .result_fd = result_pipe[0] };
  pool->n_workers++;
  return hand_out_task (pool, worker, error);

pipe_failed:
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
               "cannot create a pipe for a worker process: %s",
               g_strerror (errno));
  return FALSE;
}

static int
worker_result_fd (gpointer pool, guint index)
{
  return ((Pool *) pool)->workers[index].result_fd;
}

static gboolean
receive_from_worker (gpointer pool, guint index, GError **error)
{
  Pool *p = pool;

  return receive_message (p, &p->workers[index], error);
}

static gboolean
collect_results (Pool *pool, GError **error)
{
  return cb_child_collect (pool, pool->n_workers, worker_result_fd,
                           receive_from_worker, "the worker processes",
                           error);
}

/* Whatever happened, nothing outlives execute: no descriptor, no child, no
 * zombie.  A worker's status after its last task is not judged: its results
 * are all in, and tools such as valgrind rewrite a clean child's status. */
static void
shut_down_workers (Pool *pool, gboolean failed)
{
  for (guint i = 0; i < pool->n_workers; i++)
    {
      Worker *worker = &pool->workers[i];

      cb_child_close_fd (&worker->task_fd);
      cb_child_close_fd (&worker->result_fd);
      if (failed && worker->pid > 0)
        kill (worker->pid, SIGKILL);
    }
  for (guint i = 0; i < pool->n_workers; i++)
    if (pool->workers[i].pid > 0)
      reap_worker (&pool->workers[i]);
}

static gboolean
procpool_execute (const CbJob *job, GError **error)
{
  guint chunk = MAX (cb_child_pool_chunk (job->params), 1);
  guint n_workers = cb_child_pool_needed (job->params, job->n_items);
  g_autofree Worker *workers = g_new0 (Worker, MAX (n_workers, 1));
  Pool pool = { .job = job, .chunk = chunk, .workers = workers };
  gboolean ok = TRUE;

  while (ok && pool.n_workers < n_workers)
    ok = spawn_worker (&pool, error);
  if (ok)
    ok = collect_results (&pool, error);
  shut_down_workers (&pool, !ok);
  return ok;
}

static const CbParamSpec procpool_params[] = {
  {
      .name = "processes",
      .help = "number of worker processes",
      .default_value = "2",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 65536,
  },
  {
      .name = "chunk",
      .help = "items per task handed to a worker process",
      .default_value = "1",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1000000,
  },
  { .name = NULL },
};

static const CbStrategyClass procpool_class = {
  .name = "procpool",
  .summary = "run the items in a pool of forked worker processes",
  .params = procpool_params,
  .execute = procpool_execute,
  .slots = cb_child_pool_slots,
  .worker_param = "processes",
  .chunk = cb_child_pool_chunk,
  .resources = cb_child_pool_resources,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "procpool",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "process-pool strategy on fork() and pipes",
  .strategy = &procpool_class,
};

CB_PLUGIN_DEFINE (procpool, desc)
