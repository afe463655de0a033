/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sleeping until a worker exits, an interrupt arrives or a deadline passes,
 * whichever comes first: the supervisor reacts to each at once instead of
 * on its next poll. */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct CbChildWait CbChildWait;

/* Sets up the wake-up pipe; call once before any signal handler may call
 * cb_child_wait_wake(). */
void cb_child_wait_init (void);
/* Watches pid, a child of the caller: through a pidfd where the kernel has
 * them, else through SIGCHLD. */
CbChildWait *cb_child_wait_new (pid_t pid);
void cb_child_wait_free (CbChildWait *wait);
/* Returns when the child may have exited, after a wake-up, or after
 * timeout_ms (< 0: no limit); the caller checks which with wait4(). */
void cb_child_wait_sleep (CbChildWait *wait, int timeout_ms);
/* Ends the current or the next sleep at once; async-signal-safe. */
void cb_child_wait_wake (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbChildWait, cb_child_wait_free)
