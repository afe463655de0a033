/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the strategies that run items in child processes share: whole
 * reads and writes on their pipes, a write to a child that may have died,
 * and reaping and naming a child's end.  Compiled into each such plugin. */
#ifndef CONCBENCH_CHILD_IO_H
#define CONCBENCH_CHILD_IO_H

#include <sys/types.h>

#include <glib.h>

#include <concbench/plugin.h>

/* Closes *fd unless it is already -1, and sets it to -1. */
void cb_child_close_fd (int *fd);
/* Returns FALSE with errno set. */
gboolean cb_child_write_all (int fd, const void *buf, gsize len);
/* Returns the bytes read, fewer than len only at end of file, or -1 with
 * errno set. */
gssize cb_child_read_all (int fd, void *buf, gsize len);
/* cb_child_write_all to a child that may have died with its end of the pipe
 * open: fails with EPIPE instead of raising SIGPIPE in the core. */
gboolean cb_child_write_to_child (int fd, const void *buf, gsize len);
/* Waits for pid; returns its wait status, or -1 when it was reaped
 * elsewhere. */
int cb_child_reap (pid_t pid);
/* "killed by signal 11 (Segmentation fault)", "exited with status 1", ... */
char *cb_child_describe_end (int status);

/* A pool of child processes with the parameters "processes" and "chunk"
 * (procpool, spawnpool).  pool_needed: the children it starts for n_items,
 * never more than there are chunks.  The others are its CbStrategyClass
 * slots, chunk and resources: the parent holds a task pipe and a result
 * pipe end per child, and briefly all four ends while starting one. */
guint cb_child_pool_needed (const CbParams *params, guint n_items);
guint cb_child_pool_slots (const CbParams *params, guint n_items,
                           gboolean can_async);
guint cb_child_pool_chunk (const CbParams *params);
void cb_child_pool_resources (const CbParams *params, guint n_items,
                              CbResources *out);

/* The result pipe of a pool's child index, -1 once closed. */
typedef int (*CbChildResultFd) (gpointer pool, guint index);
/* Takes what child index has written; may close its result pipe. */
typedef gboolean (*CbChildReceive) (gpointer pool, guint index,
                                    GError **error);
/* Waits on the result pipes of n children and hands each one that is
 * readable to receive, until every pipe is closed or receive fails.
 * children names them in an error ("the worker processes"). */
gboolean cb_child_collect (gpointer pool, guint n, CbChildResultFd result_fd,
                           CbChildReceive receive, const char *children,
                           GError **error);

#endif /* CONCBENCH_CHILD_IO_H */
