/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "spawnpool": the items in N helper processes started with
 * posix_spawn, handed out in chunks as procpool hands them to forked
 * children.  A spawned helper inherits nothing of the parent's memory, so
 * it rebuilds the workload from the job's recipe (ABI 1.3): it is the item
 * server, concbench-worker --serve, spoken to in the item protocol
 * (item-wire.h).  This is what a large or multi-threaded parent must do,
 * since fork() there copies page tables and is unsafe after threads.
 *
 * Only the parent calls job->complete, once per answer, so the core's
 * exactly-once and digest checks hold as for any strategy. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* pipe2 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <concbench/plugin.h>

#include "child-io.h"

#include "item-wire.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

extern char **environ;

typedef struct {
  pid_t pid;     /* 0 once reaped */
  int task_fd;   /* parent's write end, -1 once closed */
  int result_fd; /* parent's read end, -1 once closed */
  CbWireReader reader;
  gboolean ready; /* its workload is built */
  guint first;    /* the current task's first item */
  guint next;     /* next item expected back from the current task */
  guint end;      /* one past the task's last item; next == end: idle */
} Helper;

typedef struct {
  const CbJob *job;
  guint chunk;
  guint next_item; /* first item not handed out yet */
  GByteArray *recipe; /* the RECIPE message, the same for every helper */
  Helper *helpers;
  guint n_helpers; /* started so far */
} Pool;

static gboolean
write_to_helper (int fd, const GByteArray *msg)
{
  return cb_child_write_to_child (fd, msg->data, msg->len);
}

/* Returns the wait status, or -1 when the helper was reaped elsewhere. */
static int
reap_helper (Helper *helper)
{
  int status = cb_child_reap (helper->pid);

  helper->pid = 0;
  return status;
}

static gboolean
helper_is_busy (const Helper *helper)
{
  return helper->next < helper->end;
}

/* The helper's answers stopped: it is gone, and its wait status says why. */
static gboolean
helper_died (Helper *helper, GError **error)
{
  pid_t pid = helper->pid;
  int status = reap_helper (helper);
  g_autofree char *how = cb_child_describe_end (status);
  g_autofree char *when
      = helper_is_busy (helper)
            ? g_strdup_printf ("while running item %u", helper->next)
            : g_strdup ("before finishing its tasks");

  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "item server %d %s %s", (int) pid, how, when);
  return FALSE;
}

static gboolean
protocol_error (const Helper *helper, const char *what, GError **error)
{
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "item server %d broke the item protocol: %s",
               (int) helper->pid, what);
  return FALSE;
}

/* First in, first out: the next chunk goes to whichever helper asks.  With
 * prefix (the recipe), both go in one write. */
static gboolean
hand_out_task (Pool *pool, Helper *helper, const GByteArray *prefix,
               GError **error)
{
  guint n_items = pool->job->n_items;
  g_autoptr (GByteArray) msg = g_byte_array_new ();

  if (prefix != NULL)
    g_byte_array_append (msg, prefix->data, prefix->len);
  if (pool->next_item >= n_items && prefix == NULL)
    {
      cb_child_close_fd (&helper->task_fd); /* the helper sees EOF and exits */
      return TRUE;
    }
  guint count = MIN (pool->chunk, n_items - MIN (pool->next_item, n_items));
  if (count > 0)
    cb_wire_put_task (msg, pool->next_item, count);
  if (!write_to_helper (helper->task_fd, msg))
    {
      if (errno == EPIPE)
        return helper_died (helper, error);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "cannot send a task to item server %d: %s",
                   (int) helper->pid, g_strerror (errno));
      return FALSE;
    }
  helper->first = helper->next = pool->next_item;
  helper->end = pool->next_item + count;
  pool->next_item += count;
  return TRUE;
}

static gboolean
take_ready (Pool *pool, Helper *helper, const CbWireMsg *msg, GError **error)
{
  if (helper->ready)
    return protocol_error (helper, "READY twice", error);
  if (msg->item != pool->job->n_items)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "item server %d rebuilt a workload of %u items, the job "
                   "has %u", (int) helper->pid, msg->item,
                   pool->job->n_items);
      return FALSE;
    }
  helper->ready = TRUE;
  return TRUE;
}

static gboolean
take_message (Pool *pool, Helper *helper, const CbWireMsg *msg,
              GError **error)
{
  if (msg->kind == CB_WIRE_READY)
    return take_ready (pool, helper, msg, error);
  if (msg->kind == CB_WIRE_ERROR)
    {
      g_autofree char *text
          = g_utf8_make_valid ((const char *) msg->data, (gssize) msg->len);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "item server %d failed: %s", (int) helper->pid, text);
      return FALSE;
    }
  if (!helper->ready)
    return protocol_error (helper, "an answer before READY", error);
  if (msg->kind == CB_WIRE_RESULT)
    {
      if (!helper_is_busy (helper) || msg->item != helper->next)
        return protocol_error (helper, "a result out of order", error);
      pool->job->complete (pool->job, msg->item, msg->digest);
      helper->next++;
      return TRUE;
    }
  if (msg->kind == CB_WIRE_TASK_DONE)
    {
      if (helper_is_busy (helper) || helper->task_fd < 0
          || msg->item != helper->first)
        return protocol_error (helper, "an unexpected TASK_DONE", error);
      return hand_out_task (pool, helper, NULL, error);
    }
  return protocol_error (helper, "a message for the other side", error);
}

/* One read, then every whole message it completed. */
static gboolean
receive (Pool *pool, Helper *helper, GError **error)
{
  gssize n = cb_wire_reader_fill (&helper->reader, helper->result_fd);
  CbWireMsg msg;
  CbWireStatus st;

  if (n < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "cannot read from item server %d: %s", (int) helper->pid,
                   g_strerror (errno));
      return FALSE;
    }
  while ((st = cb_wire_reader_next (&helper->reader, &msg, error))
         == CB_WIRE_GOT)
    if (!take_message (pool, helper, &msg, error))
      return FALSE;
  if (st == CB_WIRE_BAD)
    {
      g_prefix_error (error, "item server %d: ", (int) helper->pid);
      return FALSE;
    }
  if (n > 0)
    return TRUE;
  if (helper->reader.len == 0 && helper->ready && !helper_is_busy (helper)
      && helper->task_fd < 0)
    {
      /* Told to stop, and did: reaped now, not after the slowest one. */
      cb_child_close_fd (&helper->result_fd);
      reap_helper (helper);
      return TRUE;
    }
  return helper_died (helper, error);
}

static gboolean
spawn_pipes (int task_pipe[2], int result_pipe[2], GError **error)
{
  if (pipe2 (task_pipe, O_CLOEXEC) == 0)
    {
      if (pipe2 (result_pipe, O_CLOEXEC) == 0)
        return TRUE;
      int saved_errno = errno;
      close (task_pipe[0]);
      close (task_pipe[1]);
      errno = saved_errno;
    }
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
               "cannot create a pipe for an item server: %s",
               g_strerror (errno));
  return FALSE;
}

/* The helper's stdin and stdout are its two pipe ends; every other
 * descriptor here is close-on-exec, so it holds no other helper's pipe. */
static int
spawn_server (const char *const *argv, int in_fd, int out_fd, pid_t *pid)
{
  posix_spawn_file_actions_t actions;
  int rc;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, in_fd, 0);
  posix_spawn_file_actions_adddup2 (&actions, out_fd, 1);
  rc = posix_spawn (pid, argv[0], &actions, NULL, (char *const *) argv,
                    environ);
  posix_spawn_file_actions_destroy (&actions);
  return rc;
}

static gboolean
start_helper (Pool *pool, GError **error)
{
  const char *const *argv = pool->job->recipe->item_server;
  Helper *helper = &pool->helpers[pool->n_helpers];
  int task_pipe[2], result_pipe[2];
  pid_t pid;

  if (!spawn_pipes (task_pipe, result_pipe, error))
    return FALSE;
  int rc = spawn_server (argv, task_pipe[0], result_pipe[1], &pid);
  close (task_pipe[0]);
  close (result_pipe[1]);
  if (rc != 0)
    {
      close (task_pipe[1]);
      close (result_pipe[0]);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot start the item server %s: %s", argv[0],
                   g_strerror (rc));
      return FALSE;
    }
  *helper = (Helper){ .pid = pid, .task_fd = task_pipe[1],
                      .result_fd = result_pipe[0] };
  cb_wire_reader_init (&helper->reader);
  pool->n_helpers++;
  return hand_out_task (pool, helper, pool->recipe, error);
}

static int
helper_result_fd (gpointer pool, guint index)
{
  return ((Pool *) pool)->helpers[index].result_fd;
}

static gboolean
receive_from_helper (gpointer pool, guint index, GError **error)
{
  Pool *p = pool;

  return receive (p, &p->helpers[index], error);
}

static gboolean
collect_results (Pool *pool, GError **error)
{
  return cb_child_collect (pool, pool->n_helpers, helper_result_fd,
                           receive_from_helper, "the item servers", error);
}

/* Whatever happened, nothing outlives execute: no descriptor, no helper, no
 * zombie. */
static void
shut_down_helpers (Pool *pool, gboolean failed)
{
  for (guint i = 0; i < pool->n_helpers; i++)
    {
      Helper *helper = &pool->helpers[i];

      cb_child_close_fd (&helper->task_fd);
      cb_child_close_fd (&helper->result_fd);
      cb_wire_reader_clear (&helper->reader);
      if (failed && helper->pid > 0)
        kill (helper->pid, SIGKILL);
    }
  for (guint i = 0; i < pool->n_helpers; i++)
    if (pool->helpers[i].pid > 0)
      reap_helper (&pool->helpers[i]);
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
      g_set_error_literal (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                           "the workload's recipe does not fit one message");
      return NULL;
    }
  return g_steal_pointer (&msg);
}

static gboolean
spawnpool_execute (const CbJob *job, GError **error)
{
  const CbWorkloadRecipe *recipe = job->recipe;
  guint n_helpers = cb_child_pool_needed (job->params, job->n_items);

  if (recipe == NULL || recipe->item_server == NULL
      || recipe->item_server[0] == NULL)
    {
      g_set_error_literal (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                           "the core hands no recipe (plugin ABI 1.3 or "
                           "later is needed)");
      return FALSE;
    }
  g_autoptr (GByteArray) msg = encode_recipe (recipe, error);
  if (msg == NULL)
    return FALSE;
  g_autofree Helper *helpers = g_new0 (Helper, MAX (n_helpers, 1));
  Pool pool = { .job = job, .chunk = MAX (cb_child_pool_chunk (job->params), 1),
                .recipe = msg, .helpers = helpers };
  gboolean ok = TRUE;

  while (ok && pool.n_helpers < n_helpers)
    ok = start_helper (&pool, error);
  if (ok)
    ok = collect_results (&pool, error);
  shut_down_helpers (&pool, !ok);
  return ok;
}

static const CbParamSpec spawnpool_params[] = {
  {
      .name = "processes",
      .help = "number of helper processes",
      .default_value = "2",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 65536,
  },
  {
      .name = "chunk",
      .help = "items per task handed to a helper process",
      .default_value = "1",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1000000,
  },
  { .name = NULL },
};

static const CbStrategyClass spawnpool_class = {
  .name = "spawnpool",
  .summary = "run the items in helper processes started with posix_spawn",
  .params = spawnpool_params,
  .execute = spawnpool_execute,
  .slots = cb_child_pool_slots,
  .chunk = cb_child_pool_chunk,
  .resources = cb_child_pool_resources,
  .worker_param = "processes",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "spawnpool",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "process-pool strategy on posix_spawn'd item servers",
  .strategy = &spawnpool_class,
};

CB_PLUGIN_DEFINE (spawnpool, desc)
