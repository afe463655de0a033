/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From fork() to exec: a forked worker makes its own process group, waits
 * until the runner has placed it, keeps only the descriptors it needs and
 * becomes the worker program. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "worker-launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

int
cb_worker_fd_above_stdio (int fd)
{
  if (fd < 0 || fd > STDERR_FILENO)
    return fd;
  int above = fcntl (fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (above < 0)
    return fd; /* no descriptor left: the run will fail soon enough */
  close (fd);
  return above;
}

/* An uninstalled concbench (the build tree's src/, as the README runs it)
 * has the worker program it was built with beside it; the installed one
 * lives in the configured libexec directory.  The choice goes into the
 * environment, so the item servers a worker starts find the same one. */
static char *
find_worker_program (void)
{
  const char *env = g_getenv ("CONCBENCH_WORKER");
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, "concbench-worker", NULL);
      if (g_strcmp0 (beside, self) != 0
          && g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE)
          && g_strcmp0 (dir, CB_BINDIR) != 0)
        {
          g_setenv ("CONCBENCH_WORKER", beside, TRUE);
          return g_steal_pointer (&beside);
        }
    }
  return g_strdup (CB_WORKER_PROGRAM);
}

const char *
cb_worker_program (void)
{
  static char *program;
  if (program == NULL)
    program = find_worker_program ();
  return program;
}

/* Closes descriptors first to last, both included. */
static void
close_fd_range (unsigned first, unsigned last)
{
  long open_max;
  if (first > last)
    return;
#ifdef HAVE_CLOSE_RANGE
  if (close_range (first, last, 0) == 0)
    return;
#endif
  /* No close_range (C library, or a kernel before 5.9): descriptors are
   * numbered below the limit on them. */
  open_max = sysconf (_SC_OPEN_MAX);
  if (open_max < 0)
    open_max = 1024;
  for (unsigned fd = first; fd <= last && fd < (unsigned long) open_max; fd++)
    close ((int) fd);
}

/* Keeps stdin, stdout, stderr and the two descriptors given only.  A
 * descriptor the runner had open, its own or inherited from whoever started
 * concbench, would count against the limits a strategy is checked against
 * and keep someone else's pipe or socket open for as long as the benchmark
 * runs. */
static void
close_inherited_fds (int keep_a, int keep_b)
{
  unsigned lo = (unsigned) MIN (keep_a, keep_b);
  unsigned hi = (unsigned) MAX (keep_a, keep_b);
  close_fd_range (3, lo - 1);
  close_fd_range (MAX (lo + 1, 3), hi - 1);
  close_fd_range (MAX (hi + 1, 3), ~0u);
}

/* Blocks until the runner says the worker is placed. */
static gboolean
wait_for_go (int go_fd)
{
  char byte;
  ssize_t n;
  do
    n = read (go_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  close (go_fd);
  return n == 1;
}

/* What a plugin prints goes to the runner's pipe, never into concbench's
 * own output. */
static void
redirect_output (int output_fd)
{
  dup2 (output_fd, STDOUT_FILENO);
  dup2 (output_fd, STDERR_FILENO);
}

void
cb_worker_start (const CbWorkerLaunch *launch)
{
  int saved;
  sigset_t none;

  /* Our own group, so the whole tree can be signalled at once and so a ^C
   * at the terminal reaches the runner only. */
  setpgid (0, 0);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGPIPE, SIG_DFL);
  /* A mask is inherited across exec: the runner's blocked signals are not
   * the benchmark's. */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_PDEATHSIG)
  /* Kept across the exec. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != launch->runner)
    _exit (1);
#endif
  if (!wait_for_go (launch->go_fd))
    _exit (1);
  redirect_output (launch->output_fd);
  close_inherited_fds (launch->result_fd, launch->exec_status_fd);
  fcntl (launch->result_fd, F_SETFD, 0); /* the worker program's to use */
  execv (launch->program, launch->argv);
  saved = errno;
  while (write (launch->exec_status_fd, &saved, sizeof saved) < 0
         && errno == EINTR)
    ;
  /* Never exit(): atexit handlers and stdio buffers belong to the runner. */
  _exit (127);
}
