/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test workload for the open-loop load (issue 16): every item sleeps for
 * service seconds, except item stall-at (default: the middle one), which
 * sleeps stall seconds instead, once, as a server stalled by a pause.  Its
 * digest depends only on the item, so any strategy's run verifies. */
#include <concbench/plugin.h>

typedef struct {
  guint n_items;
  gulong service_us, stall_us;
  guint stall_at;
} Stall;

static gpointer
stall_create (const CbParams *params, guint64 seed, GError **error)
{
  Stall *self = g_new0 (Stall, 1);
  guint at = (guint) cb_params_get_uint (params, "stall-at");

  self->n_items = (guint) cb_params_get_uint (params, "items");
  self->service_us = (gulong) (cb_params_get_double (params, "service") * 1e6);
  self->stall_us = (gulong) (cb_params_get_double (params, "stall") * 1e6);
  self->stall_at = at > 0 ? at - 1 : self->n_items / 2;
  return self;
}

static void
stall_destroy (gpointer workload)
{
  g_free (workload);
}

static guint
stall_n_items (gpointer workload)
{
  return ((Stall *) workload)->n_items;
}

static gboolean
stall_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  const Stall *self = workload;

  g_usleep (item == self->stall_at && self->stall_us > 0 ? self->stall_us
                                                         : self->service_us);
  *digest = (item + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  return TRUE;
}

static const CbParamSpec stall_params[] = {
  { "items", "items", "200", CB_PARAM_UINT, 1, 100000, NULL },
  { "service", "seconds each item sleeps", "0.001", CB_PARAM_DOUBLE, 0, 10,
    NULL },
  { "stall", "seconds the stalled item sleeps instead (0: none)", "0",
    CB_PARAM_DOUBLE, 0, 10, NULL },
  { "stall-at", "the stalled item, from 1 (0: the middle one)", "0",
    CB_PARAM_UINT, 0, 100000, NULL },
  { NULL }
};

static const CbWorkloadClass stall_class = {
  .name = "stall",
  .summary = "test workload: items that sleep, one of them much longer",
  .params = stall_params,
  .create = stall_create,
  .destroy = stall_destroy,
  .n_items = stall_n_items,
  .run = stall_run,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "stall",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "A workload whose one item stalls the server.",
  .workload = &stall_class,
};

CB_PLUGIN_DEFINE (stall, desc)
