/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategy "forkeach": one forked child per item, at most processes=N at
 * once, as a prefork or CGI server runs one request per process.  Each child
 * runs its item, writes the digest (or the error) in one message on its own
 * pipe and exits; the parent, the only caller of job->complete, starts the
 * next child as each one ends.  So every row pays fork(), exit and wait per
 * item, which is what it measures. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* pipe2 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
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
  MSG_RESULT = 1, /* value = digest */
  MSG_ERROR,      /* value = length of the message text that follows */
} MsgKind;

typedef struct {
  guint32 kind;
  guint32 item;
  guint64 value;
} Msg;

/* A message and its text go in one write of at most PIPE_BUF bytes, which
 * the kernel keeps whole. */
#define ERROR_TEXT_MAX ((gsize) MIN (1024, PIPE_BUF - sizeof (Msg)))
G_STATIC_ASSERT (sizeof (Msg) == 16);

typedef struct {
  pid_t pid; /* 0: the slot is free */
  int fd;    /* the parent's read end */
  guint item;
} Child;

typedef struct {
  const CbJob *job;
  Child *children;
  guint n_slots;
  guint n_running;
  guint next_item;
} Run;

static guint
param_processes (const CbParams *params)
{
  return (guint) MIN (cb_params_get_uint (params, "processes"), G_MAXUINT);
}

/* ---- the child ---- */

static void G_GNUC_NORETURN
child_main (const CbJob *job, guint item, int fd)
{
  char buf[sizeof (Msg) + 1024];
  GError *error = NULL;
  Msg msg = { .kind = MSG_RESULT, .item = item };
  gsize len = 0;

  if (!job->run_item (job, item, &msg.value, &error))
    {
      const char *text = error ? error->message : "the item failed";

      len = MIN (strlen (text), ERROR_TEXT_MAX);
      msg = (Msg){ .kind = MSG_ERROR, .item = item, .value = len };
      memcpy (buf + sizeof msg, text, len);
    }
  memcpy (buf, &msg, sizeof msg);
  /* Never exit(): stdio buffers and atexit handlers are the core's. */
  _exit (cb_child_write_all (fd, buf, sizeof msg + len) && msg.kind == MSG_RESULT
             ? 0 : 1);
}

/* Holds nothing of its siblings', and dies with the parent: an item stuck
 * forever must not outlive a parent killed on a timeout. */
static void G_GNUC_NORETURN
become_child (Run *run, pid_t parent, guint item, int fd)
{
#ifdef __linux__
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid () != parent)
    _exit (1);
#else
  (void) parent;
#endif
  for (guint i = 0; i < run->n_slots; i++)
    if (run->children[i].pid > 0)
      close (run->children[i].fd);
  child_main (run->job, item, fd);
}

/* ---- the parent ---- */

static int
reap (Child *child)
{
  return cb_child_reap (child->pid);
}

static void
free_slot (Run *run, Child *child)
{
  close (child->fd);
  *child = (Child){ .fd = -1 };
  run->n_running--;
}

static gboolean
start_child (Run *run, Child *slot, GError **error)
{
  int fds[2];
  guint item = run->next_item;
  pid_t parent = getpid (), pid;

  if (pipe2 (fds, O_CLOEXEC) < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot create a pipe for item %u: %s", item,
                   g_strerror (errno));
      return FALSE;
    }
  pid = fork ();
  if (pid == 0)
    {
      close (fds[0]);
      become_child (run, parent, item, fds[1]);
    }
  int fork_errno = errno;
  close (fds[1]);
  if (pid < 0)
    {
      close (fds[0]);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot create a process for item %u: %s", item,
                   g_strerror (fork_errno));
      return FALSE;
    }
  *slot = (Child){ .pid = pid, .fd = fds[0], .item = item };
  run->n_running++;
  run->next_item++;
  return TRUE;
}

/* The child's one message, then its end: its result is complete()d only
 * once it has been reaped, so a child never outlives the call. */
static gboolean
take_answer (Run *run, Child *child, GError **error)
{
  char text[1024];
  Msg msg = { 0 };
  gssize got = cb_child_read_all (child->fd, &msg, sizeof msg);
  gsize len = (gsize) msg.value;
  int status = reap (child);
  gboolean ok = FALSE;

  if (got == sizeof msg && msg.kind == MSG_RESULT && msg.item == child->item)
    {
      run->job->complete (run->job, msg.item, msg.value);
      ok = TRUE;
    }
  else if (got == sizeof msg && msg.kind == MSG_ERROR && len <= ERROR_TEXT_MAX
           && cb_child_read_all (child->fd, text, len) == (gssize) len)
    {
      g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "item %u: %s", child->item, valid);
    }
  else
    {
      g_autofree char *how = cb_child_describe_end (status);
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "the process for item %u %s%s without answering",
                   child->item,
                   status != -1 && WIFSIGNALED (status) ? "was " : "", how);
    }
  free_slot (run, child);
  return ok;
}

static gboolean
fill_slots (Run *run, GError **error)
{
  for (guint i = 0; i < run->n_slots && run->next_item < run->job->n_items;
       i++)
    if (run->children[i].pid == 0
        && !start_child (run, &run->children[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
wait_for_answers (Run *run, GError **error)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, run->n_slots);

  for (guint i = 0; i < run->n_slots; i++)
    fds[i] = (struct pollfd){ .fd = run->children[i].pid > 0
                                        ? run->children[i].fd : -1,
                              .events = POLLIN };
  if (poll (fds, run->n_slots, -1) < 0)
    {
      if (errno == EINTR)
        return TRUE;
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "cannot wait for the item processes: %s",
                   g_strerror (errno));
      return FALSE;
    }
  for (guint i = 0; i < run->n_slots; i++)
    if (fds[i].fd >= 0 && fds[i].revents != 0
        && !take_answer (run, &run->children[i], error))
      return FALSE;
  return TRUE;
}

/* After a failure: no child, zombie or descriptor outlives execute. */
static void
stop_children (Run *run)
{
  for (guint i = 0; i < run->n_slots; i++)
    if (run->children[i].pid > 0)
      kill (run->children[i].pid, SIGKILL);
  for (guint i = 0; i < run->n_slots; i++)
    if (run->children[i].pid > 0)
      {
        reap (&run->children[i]);
        free_slot (run, &run->children[i]);
      }
}

static gboolean
forkeach_execute (const CbJob *job, GError **error)
{
  guint n_slots = MAX (MIN (param_processes (job->params), job->n_items), 1);
  g_autofree Child *children = g_new0 (Child, n_slots);
  Run run = { .job = job, .children = children, .n_slots = n_slots };
  gboolean ok = TRUE;

  while (ok && (run.next_item < job->n_items || run.n_running > 0))
    {
      ok = fill_slots (&run, error);
      if (ok)
        ok = wait_for_answers (&run, error);
    }
  stop_children (&run);
  return ok;
}

static guint
forkeach_slots (const CbParams *params, guint n_items,
                gboolean can_async G_GNUC_UNUSED)
{
  return MIN (param_processes (params), n_items);
}

static void
forkeach_resources (const CbParams *params, guint n_items, CbResources *out)
{
  out->processes = MIN (param_processes (params), n_items);
  /* A read end per running child, and both ends while forking one. */
  out->fds = out->processes + 1;
}

static const CbParamSpec forkeach_params[] = {
  {
      .name = "processes",
      .help = "item processes running at once",
      .default_value = "2",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 65536,
  },
  { .name = NULL },
};

static const CbStrategyClass forkeach_class = {
  .name = "forkeach",
  .summary = "run each item in a process of its own, forked for it",
  .params = forkeach_params,
  .execute = forkeach_execute,
  .slots = forkeach_slots,
  .resources = forkeach_resources,
  .worker_param = "processes",
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "forkeach",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "one forked process per item (prefork/CGI style)",
  .strategy = &forkeach_class,
};

CB_PLUGIN_DEFINE (forkeach, desc)
