/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the test programs. */
#pragma once

#include <glib.h>

#include "registry.h"
#include "suite.h"

typedef struct {
  int status; /* exit status, or 128 + signal */
  char *out;
  char *err;
} TestExec;

/* Runs $CONCBENCH with the NULL-terminated arguments. */
TestExec *test_exec (const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
TestExec *test_execv (const char *const *args);
/* Runs a /bin/sh script; "$CONCBENCH" is in its environment. */
TestExec *test_exec_shell (const char *script);
void test_exec_free (TestExec *exec);
/* Asserts a usage error: exit 2 and exactly one stderr line that starts with
 * "concbench: " and contains needle. */
void test_assert_usage_error (const TestExec *exec, const char *needle);

/* Environment variable that must be set by the test harness. */
const char *test_env (const char *name);
/* Open file descriptors, and threads, of this process. */
guint test_count_fds (void);
guint test_count_threads (void);
/* TRUE when this process has no child, running or zombie. */
gboolean test_no_children (void);
/* In a --disable-shared build, marks the current test skipped and returns
 * TRUE: the test-only plugins cannot be loaded there. */
gboolean test_skip_if_static (void);
/* One benchmark per value of the swept params, workload x strategy. */
CbSuite *test_make_suite (const CbRegistry *registry, const char *workload,
                          const char *strategy, const char *const *params);
/* The bundled plugins plus, when extra_dir is not NULL, those in it. */
CbRegistry *test_registry (const char *extra_dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestExec, test_exec_free)
