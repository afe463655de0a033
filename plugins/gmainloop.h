/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the gmainloop strategy's files share: N loops, each a thread with its
 * own GMainContext and its share of the items (item i on loop i mod N). */
#pragma once

#include <concbench/plugin.h>

typedef enum {
  TIMERS_PER_ITEM, /* a GSource per item, its ready time the item's sleep */
  TIMERS_HEAP,     /* one heap-ordered timerfd source per loop */
} TimerMode;

typedef struct LoopSet LoopSet;

typedef struct {
  LoopSet *set;
  const CbJob *job;
  guint index;
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  guint pending; /* this loop's items not reported yet */
  gpointer steps; /* the steps driver's own state, or NULL */
} Loop;

struct LoopSet {
  const CbJob *job;
  guint n_loops;
  TimerMode timers;
  Loop *loops;
  GMutex lock;   /* guards error */
  GError *error; /* the first failure */
  gint failed;   /* atomic: error is set */
};

/* The number of loop's items: item i belongs to loop i mod n_loops. */
guint loop_n_items (const Loop *loop);
/* One of loop's items has been reported (or dropped after a failure). */
void loop_item_reported (Loop *loop);
/* Records the first failure (taking error) and stops every loop. */
void loop_fail (Loop *loop, GError *error);
gboolean loop_failed (const Loop *loop);

/* gmainloop-steps.c: the workload's state machines (ABI 1.2) on loop. */
void steps_start_items (Loop *loop);
/* Frees what is left of the items once loop has stopped. */
void steps_clear (Loop *loop);
