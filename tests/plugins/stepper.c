/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test workload with a state machine (ABI 1.2) that uses the operations api
 * does not: a SLEEP, a READ of /dev/zero and a CLOSE per item.  how=fail
 * fails item 3 half-way, how=bad-op has item 2 ask for an operation that
 * does not exist.  It counts the states it hands out and aborts in destroy
 * if any was not freed, so a row that passes, or fails with the item's own
 * error, shows item_free was called for every item_start. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <concbench/plugin.h>

typedef enum {
  HOW_OK,
  HOW_FAIL,
  HOW_BAD_OP,
} How;

typedef struct {
  guint n_items;
  How how;
  gint live; /* atomic: states handed out and not yet freed */
} Stepper;

typedef enum {
  AT_SLEEP,
  AT_READ,
  AT_CLOSE,
} Stage;

typedef struct {
  guint item;
  Stage stage;
  int fd;
  guint64 word;
} StepItem;

static guint64
item_digest (guint item)
{
  return (item + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
}

static gpointer
stepper_create (const CbParams *params, guint64 seed, GError **error)
{
  Stepper *self = g_new0 (Stepper, 1);

  self->n_items = (guint) cb_params_get_uint (params, "items");
  self->how = cb_params_get_enum (params, "how");
  return self;
}

static void
stepper_destroy (gpointer workload)
{
  Stepper *self = workload;

  if (g_atomic_int_get (&self->live) != 0)
    abort (); /* an item_free owed was never called */
  g_free (self);
}

static guint
stepper_n_items (gpointer workload)
{
  return ((Stepper *) workload)->n_items;
}

static gboolean
stepper_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  *digest = item_digest (item);
  return TRUE;
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static CbStep
stepper_start (gpointer workload, guint item, gpointer *state, CbOp *op,
               guint64 *digest, GError **error)
{
  Stepper *self = workload;
  StepItem *it = g_new0 (StepItem, 1);

  g_atomic_int_inc (&self->live);
  *state = it;
  it->item = item;
  it->fd = open ("/dev/zero", O_RDONLY | O_CLOEXEC);
  if (it->fd < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "stepper: /dev/zero: %s", g_strerror (errno));
      return CB_STEP_FAILED;
    }
  op->kind = CB_OP_SLEEP;
  op->deadline = now_ns () + 1000000 * (item % 3);
  return CB_STEP_OP;
}

static CbStep
stepper_resume (gpointer workload, gpointer state, gint64 result, CbOp *op,
                guint64 *digest, GError **error)
{
  Stepper *self = workload;
  StepItem *it = state;

  if (self->how == HOW_FAIL && it->item == 3 && it->stage == AT_READ)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "stepper: item 3 fails as asked");
      return CB_STEP_FAILED;
    }
  if (self->how == HOW_BAD_OP && it->item == 2)
    {
      op->kind = (CbOpKind) 99;
      return CB_STEP_OP;
    }
  switch (it->stage)
    {
    case AT_SLEEP:
      it->stage = AT_READ;
      op->kind = CB_OP_READ;
      op->fd = it->fd;
      op->buf = &it->word;
      op->len = sizeof it->word;
      op->offset = 0;
      return CB_STEP_OP;
    case AT_READ:
      if (result != sizeof it->word || it->word != 0)
        {
          g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                       "stepper: READ gave %" G_GINT64_FORMAT, result);
          return CB_STEP_FAILED;
        }
      it->stage = AT_CLOSE;
      op->kind = CB_OP_CLOSE;
      op->fd = it->fd;
      it->fd = -1;
      return CB_STEP_OP;
    case AT_CLOSE:
      break;
    }
  *digest = item_digest (it->item);
  return result == 0 ? CB_STEP_DONE : CB_STEP_FAILED;
}

static void
stepper_free (gpointer workload, gpointer state)
{
  Stepper *self = workload;
  StepItem *it = state;

  if (it->fd >= 0)
    close (it->fd);
  g_free (it);
  g_atomic_int_add (&self->live, -1);
}

static void
stepper_resources (gpointer workload, CbResources *fixed, CbResources *per_item)
{
  per_item->fds = 1;
}

static const char *const how_choices[] = { "ok", "fail", "bad-op", NULL };

static const CbParamSpec stepper_params[] = {
  { "items", "items", "8", CB_PARAM_UINT, 1, 100000, NULL },
  { "how", "ok, fail (item 3) or bad-op (item 2)", "ok", CB_PARAM_ENUM, 0, 0,
    how_choices },
  { NULL }
};

static const CbWorkloadClass stepper_class = {
  .name = "stepper",
  .summary = "test workload: a state machine of SLEEP, READ and CLOSE",
  .params = stepper_params,
  .create = stepper_create,
  .destroy = stepper_destroy,
  .n_items = stepper_n_items,
  .run = stepper_run,
  .item_start = stepper_start,
  .item_resume = stepper_resume,
  .item_free = stepper_free,
  .resources = stepper_resources,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "stepper",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "A workload that is a state machine only.",
  .workload = &stepper_class,
};

CB_PLUGIN_DEFINE (stepper, desc)
