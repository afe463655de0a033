/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The suite builder's pieces that the suite-file reader (suite-file.c)
 * builds a suite with; private to the core. */
#pragma once

#include "suite.h"

/* One "NAME=V1,V2" setting, as given on the command line, by a preset's
 * scale or by a suite-file key. */
typedef struct {
  char *qualifier; /* NULL, "workload", "strategy" or a plugin name */
  char *name;
  GStrv values;
  char *text; /* as given, for messages */
  gboolean range; /* values came from a range ("1..8"): numbers only */
} CbAssignment;

CbAssignment *cb_assignment_parse (const char *text, GError **error);
void cb_assignment_free (CbAssignment *a);

CbSuite *cb_suite_new_empty (const char *name, const char *source);
/* A benchmark of workload x strategy with every parameter at its default;
 * not named until cb_assignments_apply has run over it. */
CbBenchmark *cb_benchmark_new (const CbPlugin *workload,
                               const CbPlugin *strategy, GError **error);
/* Assignments that set preset's scale (its WORKLOAD.PARAM keys) for one
 * workload; empty when preset is NULL. */
GPtrArray *cb_suite_scale_assignments (const CbSuite *preset,
                                       const char *workload);
/* Applies the assignments in order to every benchmark, one copy per value,
 * then names the rows and keeps identical ones once.  require_use: an
 * assignment no benchmark has a parameter for is an error. */
gboolean cb_assignments_apply (GPtrArray *benchmarks, GPtrArray *assignments,
                               gboolean require_use, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbAssignment, cb_assignment_free)
