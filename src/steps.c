/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CbJobSteps: the workload's state machine with the core's timing around
 * it.  An item's run starts at item_start and ends when a step says it is
 * done or failed, so its service time covers every wait of the item, as the
 * blocking run's does. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "steps.h"

#include <string.h>

/* What the strategy holds for an item: the workload's own state and the
 * item it belongs to, which item_resume is not told. */
typedef struct {
  gpointer state;
  guint item;
  gboolean started; /* item_start was called: item_free is owed */
  gboolean over;    /* DONE or FAILED was returned: nothing more to record */
  gboolean arriving; /* sleeping until its arrival: item_start not called */
  gint64 t_run_start; /* CLOCK_MONOTONIC ns at item_start */
} StepItem;

static ItemRecord *
record_of (const CbJob *job, guint item)
{
  CbWorkerState *state = job->core;
  return &state->shared->items[item];
}

static gboolean
op_is_known (const CbOp *op)
{
  return op->kind >= CB_OP_SLEEP && op->kind <= CB_OP_READ;
}

/* Records the end of item's run when step ends it, and names a failure by
 * its item, as job_run_item does. */
static CbStep
steps_record (const CbJob *job, StepItem *self, CbStep step, const CbOp *op,
              const guint64 *digest, GError **error)
{
  ItemRecord *rec = record_of (job, self->item);

  if (step == CB_STEP_OP && !op_is_known (op))
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "workload asked for unknown operation %d", (int) op->kind);
      step = CB_STEP_FAILED;
    }
  else if (step != CB_STEP_OP && step != CB_STEP_DONE
           && step != CB_STEP_FAILED)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "workload returned unknown step %d", (int) step);
      step = CB_STEP_FAILED;
    }
  if (step == CB_STEP_OP)
    return step;
  self->over = TRUE;
  rec->service = (shared_now_ns () - self->t_run_start) * 1e-9;
  if (step == CB_STEP_DONE)
    rec->run_digest = *digest;
  else if (error != NULL && *error == NULL)
    g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                 "the workload failed without a message");
  if (step == CB_STEP_FAILED)
    g_prefix_error (error, "item %u: ", self->item);
  return step;
}

/* The workload's first step, timed from now. */
static CbStep
steps_begin (const CbJob *job, StepItem *self, CbOp *op, guint64 *digest,
             GError **error)
{
  CbWorkerState *ws = job->core;
  CbStep step;

  memset (op, 0, sizeof *op);
  self->t_run_start = shared_now_ns ();
  self->started = TRUE;
  step = ws->klass->item_start (ws->workload, self->item, &self->state, op,
                                digest, error);
  return steps_record (job, self, step, op, digest, error);
}

/* *state is set in every case, so the strategy frees it in every case.  An
 * open-loop item not due yet first sleeps until its arrival, the loop's own
 * sleep, so no strategy needs to know of the load model. */
static CbStep
steps_start (const CbJob *job, guint item, gpointer *state, CbOp *op,
             guint64 *digest, GError **error)
{
  StepItem *self = g_new0 (StepItem, 1);

  *state = self;
  self->item = item;
  if (item >= job->n_items)
    {
      self->over = TRUE;
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "strategy asked for item %u of %u", item, job->n_items);
      return CB_STEP_FAILED;
    }
  gint64 due = cb_worker_arrival (job->core, item);
  if (due > shared_now_ns ())
    {
      memset (op, 0, sizeof *op);
      op->kind = CB_OP_SLEEP;
      op->deadline = due;
      self->arriving = TRUE;
      return CB_STEP_OP;
    }
  return steps_begin (job, self, op, digest, error);
}

static CbStep
steps_resume (const CbJob *job, gpointer state, gint64 result, CbOp *op,
              guint64 *digest, GError **error)
{
  CbWorkerState *ws = job->core;
  StepItem *self = state;
  CbStep step;

  if (self->over)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "strategy resumed item %u after it had finished",
                   self->item);
      return CB_STEP_FAILED;
    }
  if (self->arriving)
    {
      self->arriving = FALSE;
      return steps_begin (job, self, op, digest, error);
    }
  memset (op, 0, sizeof *op);
  step = ws->klass->item_resume (ws->workload, self->state, result, op,
                                 digest, error);
  return steps_record (job, self, step, op, digest, error);
}

static void
steps_free (const CbJob *job, gpointer state)
{
  CbWorkerState *ws = job->core;
  StepItem *self = state;

  if (self == NULL)
    return;
  if (self->started)
    ws->klass->item_free (ws->workload, self->state);
  g_free (self);
}

static const CbJobSteps steps_table = {
  .start = steps_start,
  .resume = steps_resume,
  .free = steps_free,
};

const CbJobSteps *
cb_steps_table (void)
{
  return &steps_table;
}

void
cb_steps_workload_needs (const CbPlugin *plugin, gpointer workload,
                         guint slots, CbResources *out)
{
  CbResources fixed, per_item;

  cb_plugin_workload_resources (plugin, workload, &fixed, &per_item);
  memset (out, 0, sizeof *out);
  out->threads = fixed.threads + per_item.threads * slots;
  out->processes = fixed.processes + per_item.processes * slots;
  out->fds = fixed.fds + per_item.fds * slots;
}
