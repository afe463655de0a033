/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The binary min-heap of timer-heap.h, in an array grown by doubling. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <time.h>

#include "timer-heap.h"

void
timer_heap_init (TimerHeap *heap)
{
  heap->entries = NULL;
  heap->len = heap->size = 0;
}

void
timer_heap_clear (TimerHeap *heap)
{
  g_clear_pointer (&heap->entries, g_free);
  heap->len = heap->size = 0;
}

void
timer_heap_reserve (TimerHeap *heap, gsize n)
{
  if (n <= heap->size)
    return;
  heap->size = n;
  heap->entries = g_renew (TimerEntry, heap->entries, heap->size);
}

void
timer_heap_push (TimerHeap *heap, gint64 deadline, gpointer data)
{
  gsize i;

  if (heap->len == heap->size)
    {
      heap->size = MAX (64, heap->size * 2);
      heap->entries = g_renew (TimerEntry, heap->entries, heap->size);
    }
  /* Sift up: the parent of i is (i - 1) / 2. */
  for (i = heap->len++; i > 0; i = (i - 1) / 2)
    {
      TimerEntry *parent = &heap->entries[(i - 1) / 2];
      if (parent->deadline <= deadline)
        break;
      heap->entries[i] = *parent;
    }
  heap->entries[i] = (TimerEntry){ deadline, data };
}

const TimerEntry *
timer_heap_peek (const TimerHeap *heap)
{
  return heap->len > 0 ? &heap->entries[0] : NULL;
}

gpointer
timer_heap_pop (TimerHeap *heap)
{
  gpointer top;
  TimerEntry last;
  gsize i = 0;

  if (heap->len == 0)
    return NULL;
  top = heap->entries[0].data;
  last = heap->entries[--heap->len];
  /* Sift the last entry down from the root. */
  for (;;)
    {
      gsize child = 2 * i + 1;
      if (child >= heap->len)
        break;
      if (child + 1 < heap->len
          && heap->entries[child + 1].deadline < heap->entries[child].deadline)
        child++;
      if (last.deadline <= heap->entries[child].deadline)
        break;
      heap->entries[i] = heap->entries[child];
      i = child;
    }
  if (heap->len > 0)
    heap->entries[i] = last;
  return top;
}

gint64
timer_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}
