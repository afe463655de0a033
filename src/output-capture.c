/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Capturing a worker's stdout and stderr, so a plugin that prints cannot
 * corrupt concbench's own output (a JSON document on stdout, say). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "output-capture.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "runner.h"

gboolean
cb_output_pipe_open (CbOutputPipe *pipe, GError **error)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      pipe->read_fd = pipe->write_fd = -1;
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "cannot create the worker's output pipe: %s",
                   g_strerror (errno));
      return FALSE;
    }
  pipe->read_fd = fds[0];
  pipe->write_fd = fds[1];
  return TRUE;
}

static void
close_end (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

void
cb_output_pipe_close (CbOutputPipe *pipe)
{
  close_end (&pipe->read_fd);
  close_end (&pipe->write_fd);
}

void
cb_output_pipe_drain (CbOutputPipe *pipe, char **kept, guint64 *total)
{
  GString *text = g_string_new (NULL);
  char buf[4096];

  *total = 0;
  close_end (&pipe->write_fd);
  for (;;)
    {
      ssize_t n = read (pipe->read_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break; /* EOF, or EAGAIN: a descendant still holds it, empty */
      *total += (guint64) n;
      if (text->len < CB_OUTPUT_KEEP)
        g_string_append_len (text, buf,
                             MIN ((gsize) n, CB_OUTPUT_KEEP - text->len));
    }
  *kept = text->len > 0 ? g_utf8_make_valid (text->str, text->len) : NULL;
  g_string_free (text, TRUE);
}
