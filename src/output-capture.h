/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a worker printed: its stdout and stderr go to one pipe, which the
 * runner reads once the worker has exited. */
#pragma once

#include <glib.h>

/* Bytes of a worker's output that are kept; the rest is only counted. */
#define CB_OUTPUT_KEEP 4096

typedef struct {
  int read_fd, write_fd; /* -1 when closed */
} CbOutputPipe;

/* Both ends close-on-exec and non-blocking: a worker whose output fills the
 * pipe gets EAGAIN rather than hang, and a reader never waits on a
 * descendant that still holds the write end. */
gboolean cb_output_pipe_open (CbOutputPipe *pipe, GError **error);
void cb_output_pipe_close (CbOutputPipe *pipe);
/* Reads what is in the pipe now: up to CB_OUTPUT_KEEP bytes into *kept
 * (valid UTF-8, NULL when nothing was printed), the number of bytes read
 * in all into *total. */
void cb_output_pipe_drain (CbOutputPipe *pipe, char **kept, guint64 *total);
