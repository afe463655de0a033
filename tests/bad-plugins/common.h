/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A do-nothing strategy the broken test plugins wrap in broken descriptors. */
#pragma once

#include <concbench/plugin.h>

static gboolean
noop_execute (const CbJob *job, GError **error)
{
  for (guint i = 0; i < job->n_items; i++)
    {
      guint64 digest;
      if (!job->run_item (job, i, &digest, error))
        return FALSE;
      job->complete (job, i, digest);
    }
  return TRUE;
}

static guint
noop_slots (const CbParams *params, guint n_items, gboolean can_async)
{
  return 1;
}

static const CbParamSpec noop_params[] = { { NULL } };
