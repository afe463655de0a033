/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The floor under a process pool's per-item cost: nanoseconds per message
 * through a pipe, one write(2) per message of the item protocol's RESULT
 * size from a child, read by the parent in 64 KiB reads, as spawnpool reads
 * its helpers.  Usage: pipe-floor [MESSAGES [BYTES]]; prints the ns. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
write_messages (int fd, long n, size_t size)
{
  char msg[4096];

  memset (msg, 0x42, sizeof msg);
  for (long i = 0; i < n; i++)
    {
      memcpy (msg, &i, sizeof i);
      if (write (fd, msg, size) != (ssize_t) size)
        _exit (1);
    }
  _exit (0);
}

/* Counts whole messages, as a framed reader does; returns how many. */
static long
read_messages (int fd, size_t size)
{
  static char buf[65536];
  size_t pending = 0;
  long got = 0;
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      pending += (size_t) n;
      got += (long) (pending / size);
      pending %= size;
    }
  return got;
}

int
main (int argc, char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 1000000;
  size_t size = argc > 2 ? (size_t) atol (argv[2]) : 20;
  int fds[2];
  int status;

  if (n <= 0 || size == 0 || size > 4096 || pipe (fds) != 0)
    {
      fprintf (stderr, "usage: pipe-floor [MESSAGES [BYTES <= 4096]]\n");
      return 2;
    }
  double start = now ();
  pid_t pid = fork ();
  if (pid < 0)
    return 1;
  if (pid == 0)
    {
      close (fds[0]);
      write_messages (fds[1], n, size);
    }
  close (fds[1]);
  long got = read_messages (fds[0], size);
  waitpid (pid, &status, 0);
  double elapsed = now () - start;
  if (got != n || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "pipe-floor: %ld of %ld messages\n", got, n);
      return 1;
    }
  printf ("%.1f\n", elapsed * 1e9 / (double) n);
  return 0;
}
