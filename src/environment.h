/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What of the machine could bend a run's figures, read when the suite
 * starts (and the load again when it ends), with the warnings that say
 * how to fix it, as pyperf's "system check" does.  The readers take a root
 * directory ("/" for this machine) so tests can hand them a fake sysfs and
 * procfs. */
#pragma once

#include <glib.h>

/* The load average at start above this many times the CPU count: the
 * machine was busy.  One half leaves a CPU idle per two on average, where
 * other work would already take turns with the benchmark's threads. */
#define CB_ENV_BUSY_LOAD_PER_CPU 0.5

typedef enum {
  CB_ENV_WARNING, /* likely to distort the figures */
  CB_ENV_NOTE,    /* worth knowing, nothing to fix here */
} CbEnvSeverity;

typedef struct {
  CbEnvSeverity severity;
  char *code;    /* "busy", "governor", "turbo", "smt", "cpu-quota",
                  * "hypervisor" */
  char *message; /* what was found */
  char *fix;     /* what to do about it; NULL for a note with none */
} CbEnvWarning;

typedef struct {
  guint cpu_count;       /* online CPUs */
  char *governor;        /* distinct governors joined by ","; NULL: not
                          * exposed (no cpufreq) */
  char *turbo;           /* "on", "off"; NULL: not exposed */
  char *turbo_control;   /* the file that says, to name in the fix */
  char *smt;             /* "on", "off", "not supported"; NULL: unknown */
  double load_start, load_end;     /* 1-minute load average; NAN: unknown */
  gint runnable_start, runnable_end; /* /proc/loadavg field 4's first half;
                                      * -1: unknown */
  gboolean hypervisor_flag;  /* "hypervisor" in /proc/cpuinfo's flags */
  char *hypervisor_type;     /* /sys/hypervisor/type; NULL: none */
  char *hypervisor_vendor;   /* cpuid leaf 0x40000000; NULL: none */
  gint64 timer_slack_ns;     /* concbench's own; -1: unknown */
  char *thp;                 /* transparent huge pages: the bracketed value */
  gint aslr;                 /* randomize_va_space; -1: unknown */
  char *isolated;            /* CPU list, "" none; NULL: unknown */
  double cpu_quota;          /* the cgroup's CPUs' worth; 0: no quota; NAN:
                              * unknown */
  char *cpu_quota_source;    /* the file it came from */
  GPtrArray *warnings;       /* CbEnvWarning*, set by cb_environment_finish */
} CbEnvironment;

/* Reads everything below root (files only: no cpuid, no prctl). */
CbEnvironment *cb_environment_read (const char *root);
/* This machine: cb_environment_read ("/") plus cpuid and the timer slack. */
CbEnvironment *cb_environment_detect (void);
/* At the end of the suite: reads the load again below root and works out
 * the warnings. */
void cb_environment_finish (CbEnvironment *env, const char *root);
/* The warnings for what env holds (a new array of CbEnvWarning*). */
GPtrArray *cb_environment_warnings (const CbEnvironment *env);
/* The hypervisor's name, or NULL when none was seen. */
const char *cb_environment_hypervisor (const CbEnvironment *env);
/* One sentence for the footer, without a final full stop. */
char *cb_environment_sentence (const CbEnvironment *env);
void cb_environment_free (CbEnvironment *env);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbEnvironment, cb_environment_free)
