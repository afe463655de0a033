/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api workload's run_async: its own state machine (api-steps.c) driven
 * by one GSource per item on the caller's GMainContext, for strategies that
 * hand the workload a context rather than drive its steps themselves.  Both
 * transports and both connection modes therefore behave as on every other
 * path.  Sleeps are the source's ready time (GLib rounds it up to the
 * millisecond); socket operations are made at once and waited for only when
 * they would block (readiness.c). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <time.h>

#include "api.h"
#include "readiness.h"

typedef struct {
  GSource source;
  const Api *api;
  gpointer state;
  gpointer tag; /* op.fd's watch while the item waits for it */
  guint item;
  guint32 events;
  gboolean over;
  guint64 digest;
  GError *error;
  CbOp op;
  CbItemDone done;
  gpointer user_data;
} AsyncItem;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Performs op and resumes the item until it must wait (TRUE) or is over. */
static gboolean
drive (AsyncItem *self, CbStep step)
{
  gint64 result;

  while (step == CB_STEP_OP)
    {
      self->events = 0;
      if (self->op.kind == CB_OP_SLEEP)
        {
          if (self->op.deadline > now_ns ())
            return TRUE;
          result = 0;
        }
      else if (!readiness_try (&self->op, &result, &self->events))
        return TRUE;
      step = api_item_resume ((gpointer) self->api, self->state, result,
                              &self->op, &self->digest, &self->error);
    }
  self->over = TRUE;
  return FALSE;
}

static void
arm (AsyncItem *self)
{
  if (self->events == 0)
    {
      g_source_set_ready_time (&self->source, (self->op.deadline + 999) / 1000);
      return;
    }
  g_source_set_ready_time (&self->source, -1);
  self->tag = g_source_add_unix_fd (&self->source, self->op.fd,
                                    (GIOCondition) self->events);
}

static gboolean
async_item_dispatch (GSource *source, GSourceFunc callback G_GNUC_UNUSED,
                     gpointer user_data G_GNUC_UNUSED)
{
  AsyncItem *self = (AsyncItem *) source;
  gint64 result = 0;
  gboolean waits = FALSE;

  if (!self->over && self->tag != NULL)
    {
      /* Dropped before the item may close the descriptor. */
      g_source_remove_unix_fd (source, self->tag);
      self->tag = NULL;
      waits = !readiness_retry (&self->op, &result, &self->events);
    }
  if (!self->over && !waits)
    waits = drive (self, api_item_resume ((gpointer) self->api, self->state,
                                          result, &self->op, &self->digest,
                                          &self->error));
  if (waits)
    {
      arm (self);
      return G_SOURCE_CONTINUE;
    }
  self->done (self->item, self->digest, self->error, self->user_data);
  return G_SOURCE_REMOVE;
}

static void
async_item_finalize (GSource *source)
{
  AsyncItem *self = (AsyncItem *) source;

  api_item_free ((gpointer) self->api, self->state);
  g_clear_error (&self->error);
}

static const GSourceFuncs async_item_funcs = {
  .dispatch = async_item_dispatch,
  .finalize = async_item_finalize,
};

void
api_run_async (gpointer workload, guint item, GMainContext *ctx,
               CbItemDone done, gpointer user_data)
{
  /* GLib never writes through the funcs pointer. */
  GSource *source = g_source_new ((GSourceFuncs *) &async_item_funcs,
                                  sizeof (AsyncItem));
  AsyncItem *self = (AsyncItem *) source;
  CbStep step;

  self->api = workload;
  self->item = item;
  self->done = done;
  self->user_data = user_data;
  g_source_set_name (source, "concbench api item");
  step = api_item_start (workload, item, &self->state, &self->op,
                         &self->digest, &self->error);
  if (drive (self, step))
    arm (self);
  else
    g_source_set_ready_time (source, 0); /* done comes from ctx, never here */
  g_source_attach (source, ctx);
  g_source_unref (source);
}
