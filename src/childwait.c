/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "childwait.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct CbChildWait {
  int pidfd; /* -1: SIGCHLD writes to the wake-up pipe instead */
};

/* A self-pipe: a signal handler writes a byte, which ends poll() even when
 * the signal came just before it was called. */
static int wake_pipe[2] = { -1, -1 };
/* A forked worker inherits the handler but closes the pipe, and may reuse
 * its number for a descriptor of its own: only the owner writes. */
static pid_t wake_owner;
static gboolean sigchld_installed;

void
cb_child_wait_wake (void)
{
  int saved = errno;
  if (wake_pipe[1] >= 0 && getpid () == wake_owner)
    {
      char byte = 'w';
      /* Non-blocking: a full pipe already holds a wake-up. */
      (void) !write (wake_pipe[1], &byte, 1);
    }
  errno = saved;
}

static void
on_sigchld (int signum)
{
  cb_child_wait_wake ();
}

void
cb_child_wait_init (void)
{
  if (wake_pipe[0] >= 0)
    return;
  if (pipe2 (wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    wake_pipe[0] = wake_pipe[1] = -1;
  wake_owner = getpid ();
}

static int
open_pidfd (pid_t pid)
{
#ifdef SYS_pidfd_open
  /* Linux 5.3 and later; readable once the process has exited. */
  return (int) syscall (SYS_pidfd_open, pid, 0);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static void
install_sigchld (void)
{
  struct sigaction sa;
  if (sigchld_installed)
    return;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGCHLD, &sa, NULL);
  sigchld_installed = TRUE;
}

CbChildWait *
cb_child_wait_new (pid_t pid)
{
  CbChildWait *wait = g_new0 (CbChildWait, 1);
  cb_child_wait_init ();
  wait->pidfd = open_pidfd (pid);
  if (wait->pidfd >= 0)
    fcntl (wait->pidfd, F_SETFD, FD_CLOEXEC);
  else
    install_sigchld ();
  return wait;
}

void
cb_child_wait_free (CbChildWait *wait)
{
  if (wait == NULL)
    return;
  if (wait->pidfd >= 0)
    close (wait->pidfd);
  g_free (wait);
}

static void
drain_wake_pipe (void)
{
  char buf[64];
  while (read (wake_pipe[0], buf, sizeof buf) > 0)
    ;
}

void
cb_child_wait_sleep (CbChildWait *wait, int timeout_ms)
{
  struct pollfd fds[2];
  nfds_t n = 0;
  if (wait->pidfd >= 0)
    fds[n++] = (struct pollfd) { .fd = wait->pidfd, .events = POLLIN };
  if (wake_pipe[0] >= 0)
    fds[n++] = (struct pollfd) { .fd = wake_pipe[0], .events = POLLIN };
  if (n == 0 && (timeout_ms < 0 || timeout_ms > 10))
    timeout_ms = 10; /* no pipe, no pidfd: poll the child as before */
  /* EINTR too ends the sleep: the caller looks at what happened. */
  if (poll (fds, n, timeout_ms) > 0 && wake_pipe[0] >= 0
      && (fds[n - 1].revents & POLLIN))
    drain_wake_pipe ();
}
