/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The progress line: its text, and the thread that keeps it current. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "progress.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BAR_WIDTH 20
#define DEFAULT_COLUMNS 80

struct CbProgress {
  GMutex lock;
  GCond wake;
  gboolean stop;
  GThread *ticker;
  char *status;
  gint64 run_started; /* g_get_monotonic_time () */
  double estimate, after, done;
};

static char *
eta_text (double eta)
{
  if (!isfinite (eta) || eta < 0)
    return g_strdup ("ETA --:--");
  guint64 s = (guint64) ceil (eta);
  if (s >= 3600)
    return g_strdup_printf ("ETA %" G_GUINT64_FORMAT ":%02u:%02u", s / 3600,
                            (guint) (s / 60 % 60), (guint) (s % 60));
  return g_strdup_printf ("ETA %u:%02u", (guint) (s / 60), (guint) (s % 60));
}

char *
cb_progress_line (const char *status, double fraction, double eta,
                  guint columns)
{
  GString *line = g_string_new ("[");
  double f = isfinite (fraction) ? CLAMP (fraction, 0, 1) : 0;
  guint filled = (guint) (f * BAR_WIDTH);
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append_c (line, i < filled ? '#' : '-');
  g_autofree char *eta_s = eta_text (eta);
  g_string_append_printf (line, "] %3u%% %s ", (guint) (f * 100), eta_s);
  /* Cut to the width: a line that wraps is not cleared by the next "\r". */
  glong room = (glong) MAX (columns, line->len + 1) - (glong) line->len - 1;
  glong chars = g_utf8_strlen (status, -1);
  if (chars <= room)
    g_string_append (line, status);
  else if (room > 0)
    {
      const char *cut = g_utf8_offset_to_pointer (status, room - 1);
      g_string_append_len (line, status, cut - status);
      g_string_append (line, "…");
    }
  return g_string_free (line, FALSE);
}

static guint
terminal_columns (void)
{
  struct winsize ws;
  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return DEFAULT_COLUMNS;
}

/* With the lock held. */
static void
draw (CbProgress *p)
{
  if (p->status == NULL)
    return;
  double elapsed = (g_get_monotonic_time () - p->run_started) / 1e6;
  double eta = MAX (p->estimate - elapsed, 0) + p->after;
  double spent = p->done + elapsed;
  double fraction = isfinite (eta) && spent + eta > 0 ? spent / (spent + eta)
                                                      : 0;
  g_autofree char *line
      = cb_progress_line (p->status, fraction, eta, terminal_columns ());
  /* \033[K clears what a longer previous line left behind. */
  fprintf (stderr, "\r\033[K%s", line);
  fflush (stderr);
}

static gpointer
tick (gpointer data)
{
  CbProgress *p = data;
  g_mutex_lock (&p->lock);
  while (!p->stop)
    {
      gint64 until = g_get_monotonic_time () + CB_PROGRESS_TICK_MS * 1000;
      while (!p->stop && g_cond_wait_until (&p->wake, &p->lock, until))
        ;
      if (!p->stop)
        draw (p);
    }
  g_mutex_unlock (&p->lock);
  return NULL;
}

CbProgress *
cb_progress_new (void)
{
  CbProgress *p = g_new0 (CbProgress, 1);
  g_mutex_init (&p->lock);
  g_cond_init (&p->wake);
  /* Signals stay the main thread's business: the ticker is started with
   * them all blocked and keeps that mask. */
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, &old);
  p->ticker = g_thread_new ("progress", tick, p);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  return p;
}

void
cb_progress_start_run (CbProgress *p, const char *status, double estimate,
                       double after, double done)
{
  g_mutex_lock (&p->lock);
  g_free (p->status);
  p->status = g_strdup (status);
  p->run_started = g_get_monotonic_time ();
  p->estimate = estimate;
  p->after = after;
  p->done = done;
  draw (p);
  g_mutex_unlock (&p->lock);
}

void
cb_progress_free (CbProgress *p)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  p->stop = TRUE;
  g_cond_signal (&p->wake);
  g_mutex_unlock (&p->lock);
  g_thread_join (p->ticker);
  fprintf (stderr, "\r\033[K");
  fflush (stderr);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->wake);
  g_free (p->status);
  g_free (p);
}
