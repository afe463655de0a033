/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A binary min-heap of deadlines: what a loop holding many timers keeps, so
 * that each iteration looks at the earliest one only.  Not thread-safe: one
 * loop owns one heap. */
#pragma once

#include <glib.h>

typedef struct {
  gint64 deadline; /* CLOCK_MONOTONIC ns */
  gpointer data;
} TimerEntry;

typedef struct {
  TimerEntry *entries;
  gsize len, size;
} TimerHeap;

void timer_heap_init (TimerHeap *heap);
void timer_heap_clear (TimerHeap *heap);
/* Makes room for n entries at once, so a loop that knows its items holds
 * exactly 16 bytes per timer. */
void timer_heap_reserve (TimerHeap *heap, gsize n);
void timer_heap_push (TimerHeap *heap, gint64 deadline, gpointer data);
/* The earliest entry, or NULL when the heap is empty. */
const TimerEntry *timer_heap_peek (const TimerHeap *heap);
/* Removes the earliest entry and returns its data. */
gpointer timer_heap_pop (TimerHeap *heap);

/* CLOCK_MONOTONIC now, in ns. */
gint64 timer_now_ns (void);
