/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a whole suite: warm-ups, measured runs (interleaved round-robin by
 * default), --runs auto, progress, and stopping on interrupt. */
#pragma once

#include "results.h"

typedef struct {
  guint warmups;
  guint runs;          /* 0: auto */
  double max_time;     /* auto: budget per benchmark */
  gboolean interleave;
  double timeout;      /* <= 0: derived per benchmark */
  gboolean progress;   /* a status line on stderr */
} CbSessionOptions;

/* Returns the results in suite order; never NULL.  A failed row never stops
 * the suite; an interrupt does, leaving the rows not finished marked. */
GPtrArray *cb_session_run (CbRunner *runner, const CbSuite *suite,
                           const CbSessionOptions *options);

/* CPU-bound rows get their ideal time from the same workload's sequential
 * time: where the suite has no such row, this measures one (appended to
 * the suite and to results) with the same options. */
void cb_session_add_baselines (CbRunner *runner, CbSuite *suite,
                               const CbRegistry *registry, GPtrArray *results,
                               const CbSessionOptions *options);
