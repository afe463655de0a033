/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "child-io.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void
cb_child_close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

gboolean
cb_child_write_all (int fd, const void *buf, gsize len)
{
  const char *p = buf;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gssize
cb_child_read_all (int fd, void *buf, gsize len)
{
  char *p = buf;
  gsize done = 0;

  while (done < len)
    {
      gssize n = read (fd, p + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

/* The SIGPIPE disposition belongs to the core: block the signal in this
 * thread only, and consume the one the failed write raised, unless one was
 * already pending for somebody else. */
gboolean
cb_child_write_to_child (int fd, const void *buf, gsize len)
{
  sigset_t sigpipe, saved, pending;
  gboolean was_pending, ok;
  int saved_errno;

  sigemptyset (&sigpipe);
  sigaddset (&sigpipe, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &sigpipe, &saved);
  sigpending (&pending);
  was_pending = sigismember (&pending, SIGPIPE);
  ok = cb_child_write_all (fd, buf, len);
  saved_errno = errno;
  if (!ok && saved_errno == EPIPE && !was_pending)
    {
      const struct timespec no_wait = { 0, 0 };

      while (sigtimedwait (&sigpipe, NULL, &no_wait) < 0 && errno == EINTR)
        ;
    }
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  errno = saved_errno;
  return ok;
}

int
cb_child_reap (pid_t pid)
{
  int status = -1;

  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return status;
}

char *
cb_child_describe_end (int status)
{
  if (status == -1)
    return g_strdup ("ended (its status was collected elsewhere)");
  if (WIFSIGNALED (status))
    return g_strdup_printf ("killed by signal %d (%s)", WTERMSIG (status),
                            g_strsignal (WTERMSIG (status)));
  if (WIFEXITED (status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
  return g_strdup_printf ("ended with wait status %d", status);
}

static guint
pool_param (const CbParams *params, const char *name)
{
  return (guint) MIN (cb_params_get_uint (params, name), G_MAXUINT);
}

guint
cb_child_pool_chunk (const CbParams *params)
{
  return pool_param (params, "chunk");
}

guint
cb_child_pool_needed (const CbParams *params, guint n_items)
{
  guint chunk = MAX (cb_child_pool_chunk (params), 1);
  guint n_chunks = n_items / chunk + (n_items % chunk != 0);

  return MIN (pool_param (params, "processes"), n_chunks);
}

guint
cb_child_pool_slots (const CbParams *params, guint n_items,
                     gboolean can_async G_GNUC_UNUSED)
{
  return MIN (pool_param (params, "processes"), n_items);
}

void
cb_child_pool_resources (const CbParams *params, guint n_items,
                         CbResources *out)
{
  out->processes = cb_child_pool_needed (params, n_items);
  out->fds = 2 * out->processes + 2;
}

static gboolean
wait_readable (struct pollfd *fds, guint n, const char *children,
               GError **error)
{
  while (poll (fds, n, -1) < 0)
    if (errno != EINTR)
      {
        g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                     "cannot wait for %s: %s", children, g_strerror (errno));
        return FALSE;
      }
  return TRUE;
}

gboolean
cb_child_collect (gpointer pool, guint n, CbChildResultFd result_fd,
                  CbChildReceive receive, const char *children,
                  GError **error)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, MAX (n, 1));
  guint n_open = n;

  for (guint i = 0; i < n; i++)
    fds[i] = (struct pollfd){ .fd = result_fd (pool, i), .events = POLLIN };
  while (n_open > 0)
    {
      if (!wait_readable (fds, n, children, error))
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          if (fds[i].fd < 0 || fds[i].revents == 0)
            continue;
          if (!receive (pool, i, error))
            return FALSE;
          if (result_fd (pool, i) < 0)
            {
              fds[i].fd = -1;
              n_open--;
            }
        }
    }
  return TRUE;
}
