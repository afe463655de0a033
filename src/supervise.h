/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Waiting for one worker process while watching its clock, its memory and
 * the interrupt flag, then killing whatever it left behind. */
#pragma once

#include <glib.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cgroup.h"
#include "proctree.h"

typedef struct {
  int status; /* from wait4() */
  struct rusage usage;
  gboolean timed_out;
  int interrupted; /* the signal, or 0 */
  CbTreeMemory peak;
  guint n_samples;
  double sampler_cpu; /* seconds of the supervisor's CPU in samples */
  guint n_leftovers;  /* processes alive after the worker, killed */
  guint64 oom_kills;  /* by the cgroup's memory controller, this run */
} CbWaitResult;

typedef struct {
  double timeout;         /* seconds; <= 0: none */
  double memory_interval; /* seconds between samples; <= 0: none */
  CbCgroup *cgroup;       /* the worker's, or NULL */
} CbWatchSettings;

/* Waits for pid, a child of ours that leads its process group: samples
 * its tree's memory, sends SIGTERM at the timeout and SIGKILL after a
 * grace, kills it on interrupt; then kills and reaps every process of its
 * tree still alive, in the cgroup or re-parented to us as the subreaper. */
void cb_supervise (const CbWatchSettings *settings, pid_t pid,
                   CbWaitResult *res);
/* SIGKILL to the group and everything in the cgroup. */
void cb_supervise_kill_tree (CbCgroup *cgroup, pid_t pgid);
