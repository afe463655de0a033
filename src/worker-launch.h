/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The child side of starting a worker: between fork() and the exec of the
 * worker program. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* What the runner hands a worker it has just forked, all prepared before
 * the fork, so the child allocates nothing. */
typedef struct {
  const char *program; /* the worker program, cb_worker_program() */
  char **argv;         /* its recipe, cb_recipe_argv() */
  int result_fd;       /* the shared result area (memfd) */
  /* Read end of a pipe: the worker waits for one byte on it before it runs
   * anything of a plugin's, so the runner can first place it (cgroup,
   * limits); EOF without that byte means the runner gave up on it. */
  int go_fd;
  int output_fd; /* write end of the pipe stdout and stderr go to */
  /* Write end of a close-on-exec pipe: errno, when the exec fails; EOF, when
   * it succeeds. */
  int exec_status_fd;
  pid_t runner; /* the supervising parent, which the worker must not outlive */
} CbWorkerLaunch;

/* fd itself if above 2, else a close-on-exec duplicate above 2 (fd is
 * closed): with concbench started with stdin, stdout or stderr closed, a
 * new descriptor may take that number, which the worker's own stdout and
 * stderr then overwrite.  -1 stays -1, and fd stays when no duplicate can
 * be made. */
int cb_worker_fd_above_stdio (int fd);

/* The worker program: $CONCBENCH_WORKER, or the installed one. */
const char *cb_worker_program (void);

/* Called in the child right after fork(): sets the process up, waits for
 * the go byte, then execs the worker program (or _exit()s). */
G_GNUC_NORETURN void cb_worker_start (const CbWorkerLaunch *launch);
