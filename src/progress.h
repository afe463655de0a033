/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The progress line on a terminal: what runs now, a bar and an ETA,
 * redrawn by a ticker thread at least once a second, since the session
 * blocks in the runner for as long as a run takes. */
#pragma once

#include <glib.h>

/* How often the ticker redraws the line. */
#define CB_PROGRESS_TICK_MS 500

typedef struct CbProgress CbProgress;

/* Draws on stderr; the caller has checked that it is a terminal. */
CbProgress *cb_progress_new (void);
/* A run starts: status says which ("[2/9] run 1/3: NAME"); estimate is the
 * seconds it is expected to take and after the seconds of the runs still
 * to come after it (NAN: not known yet); done the seconds of runs already
 * made.  Redraws at once. */
void cb_progress_start_run (CbProgress *p, const char *status,
                            double estimate, double after, double done);
/* Stops the ticker and clears the line. */
void cb_progress_free (CbProgress *p);

/* The line for a terminal width columns wide: bar, percentage, ETA, then
 * status cut to fit.  fraction: 0 to 1; eta: seconds, NAN when unknown. */
char *cb_progress_line (const char *status, double fraction, double eta,
                        guint columns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbProgress, cb_progress_free)
