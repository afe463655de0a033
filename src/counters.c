/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Performance counters through perf_event_open; see counters.h.
 *
 * One fd per event, not a group: a group read (PERF_FORMAT_GROUP) of
 * inherited events is refused by older kernels, and the events of a group
 * must all open or none counts.  Each fd reads its value with the times it
 * was enabled and running, so a counter multiplexed on a busy PMU is
 * scaled, and said to be. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "counters.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LINUX_PERF_EVENT_H
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#endif

#include "params.h"

#define PARANOID_UNKNOWN (-100)

static const char *const counter_names[CB_N_COUNTERS] = {
  "task-clock", "context-switches", "cpu-migrations", "page-faults",
  "cycles",     "instructions",     "cache-misses",   "branch-misses",
};

const char *
cb_counter_name (CbCounter counter)
{
  return counter < CB_N_COUNTERS ? counter_names[counter] : "unknown";
}

gboolean
cb_counter_is_hardware (CbCounter counter)
{
  return (CB_COUNTER_BIT (counter) & CB_COUNTERS_HARDWARE) != 0;
}

static gboolean
parse_one_name (const char *name, guint32 *mask)
{
  static const struct {
    const char *name;
    guint32 bits;
  } groups[] = {
    { "all", CB_COUNTERS_ALL },
    { "software", CB_COUNTERS_SOFTWARE },
    { "hardware", CB_COUNTERS_HARDWARE },
    { "ipc", CB_COUNTER_BIT (CB_COUNTER_CYCLES)
                 | CB_COUNTER_BIT (CB_COUNTER_INSTRUCTIONS) },
    { "none", 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    if (strcmp (name, groups[i].name) == 0)
      {
        *mask |= groups[i].bits;
        return TRUE;
      }
  for (guint c = 0; c < CB_N_COUNTERS; c++)
    if (strcmp (name, counter_names[c]) == 0)
      {
        *mask |= CB_COUNTER_BIT (c);
        return TRUE;
      }
  return FALSE;
}

gboolean
cb_counters_parse (const char *list, guint32 *mask, GError **error)
{
  g_auto (GStrv) names = g_strsplit (list, ",", -1);
  guint32 bits = 0;
  for (guint i = 0; names[i] != NULL || i == 0; i++)
    {
      const char *name = names[i] ? g_strstrip (names[i]) : "";
      if (!parse_one_name (name, &bits))
        {
          cb_set_usage_error (error,
                              "--counters: '%s' is not a counter (task-clock, "
                              "context-switches, cpu-migrations, page-faults, "
                              "cycles, instructions, ipc, cache-misses, "
                              "branch-misses, software, hardware, all, none)",
                              name);
          return FALSE;
        }
    }
  *mask = bits;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The worker side                                                           */

struct CbCounters {
  int fds[CB_N_COUNTERS];
  CbCounterReading reading; /* requested, errnos, user_only, paranoid */
};

static gint32
read_paranoid (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/sys/kernel/perf_event_paranoid", &text,
                            NULL, NULL))
    return PARANOID_UNKNOWN;
  return (gint32) g_ascii_strtoll (text, NULL, 10);
}

#ifdef HAVE_LINUX_PERF_EVENT_H

static void
event_of (CbCounter counter, guint32 *type, guint64 *config)
{
  static const guint64 configs[CB_N_COUNTERS] = {
    PERF_COUNT_SW_TASK_CLOCK,     PERF_COUNT_SW_CONTEXT_SWITCHES,
    PERF_COUNT_SW_CPU_MIGRATIONS, PERF_COUNT_SW_PAGE_FAULTS,
    PERF_COUNT_HW_CPU_CYCLES,     PERF_COUNT_HW_INSTRUCTIONS,
    PERF_COUNT_HW_CACHE_MISSES,   PERF_COUNT_HW_BRANCH_MISSES,
  };
  *type = cb_counter_is_hardware (counter) ? PERF_TYPE_HARDWARE
                                           : PERF_TYPE_SOFTWARE;
  *config = configs[counter];
}

static int
open_event (CbCounter counter, gboolean user_only)
{
  struct perf_event_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  guint32 type;
  guint64 config;
  event_of (counter, &type, &config);
  attr.type = type;
  attr.config = config;
  attr.disabled = 1;
  attr.inherit = 1;
  attr.exclude_kernel = user_only;
  attr.exclude_hv = user_only;
  attr.read_format
      = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  return (int) syscall (SYS_perf_event_open, &attr, 0, -1, -1,
                        PERF_FLAG_FD_CLOEXEC);
}

typedef struct {
  gboolean user_only;      /* kernel profiling was refused: exclude_kernel */
  gint32 refused;          /* even user space was: every event is */
  gint32 hardware_missing; /* no PMU: every hardware event fails alike */
} OpenState;

static gboolean
counted_in_kernel_only (CbCounter counter)
{
  return counter == CB_COUNTER_CONTEXT_SWITCHES
         || counter == CB_COUNTER_CPU_MIGRATIONS;
}

/* Kernel profiling is refused to an unprivileged process when
 * perf_event_paranoid >= 2: such a worker counts user space only, where a
 * counter that only the scheduler increments would read 0, not be
 * missing. */
static int
open_user_only (CbCounters *c, CbCounter counter, OpenState *os, gint32 *e)
{
  int fd = open_event (counter, TRUE);
  if (fd < 0)
    {
      *e = errno ? errno : EINVAL;
      if (*e == EACCES || *e == EPERM)
        os->refused = *e;
      return -1;
    }
  os->user_only = TRUE;
  if (counted_in_kernel_only (counter))
    {
      close (fd);
      *e = CB_COUNTER_ERRNO_KERNEL_ONLY;
      return -1;
    }
  *e = 0;
  /* task-clock is the time the tree ran, kernel time included, whatever
   * exclude_kernel says: only the sampled counters lose kernel events. */
  if (counter != CB_COUNTER_TASK_CLOCK)
    c->reading.user_only |= CB_COUNTER_BIT (counter);
  return fd;
}

static void
open_counter (CbCounters *c, CbCounter counter, OpenState *os)
{
  gint32 *e = &c->reading.errnos[counter];
  int fd = -1;
  if (os->refused != 0)
    *e = os->refused;
  else if (cb_counter_is_hardware (counter) && os->hardware_missing != 0)
    *e = os->hardware_missing;
  else if (os->user_only && counted_in_kernel_only (counter))
    *e = CB_COUNTER_ERRNO_KERNEL_ONLY;
  else
    {
      fd = os->user_only ? -1 : open_event (counter, FALSE);
      if (fd < 0 && !os->user_only)
        *e = errno ? errno : EINVAL;
      if (fd < 0 && (os->user_only || *e == EACCES || *e == EPERM))
        fd = open_user_only (c, counter, os, e);
      if (cb_counter_is_hardware (counter) && (*e == ENOENT || *e == ENODEV))
        os->hardware_missing = *e;
    }
  c->fds[counter] = fd;
}

CbCounters *
cb_counters_open (guint32 requested)
{
  CbCounters *c = g_new0 (CbCounters, 1);
  OpenState os = { FALSE, 0, 0 };
  c->reading.requested = requested & CB_COUNTERS_ALL;
  c->reading.paranoid = requested ? read_paranoid () : PARANOID_UNKNOWN;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    {
      c->fds[i] = -1;
      if (c->reading.requested & CB_COUNTER_BIT (i))
        open_counter (c, i, &os);
    }
  return c;
}

static void
ioctl_all (CbCounters *c, unsigned long request)
{
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    if (c->fds[i] >= 0)
      ioctl (c->fds[i], request, 0);
}

void
cb_counters_enable (CbCounters *c)
{
  ioctl_all (c, PERF_EVENT_IOC_ENABLE);
}

/* value, time enabled, time running */
static void
read_counter (CbCounters *c, CbCounter counter, CbCounterReading *out)
{
  guint64 v[3];
  if (read (c->fds[counter], v, sizeof v) != (ssize_t) sizeof v)
    {
      out->errnos[counter] = errno ? errno : EIO;
      return;
    }
  if (v[2] == 0 && v[1] > 0)
    {
      /* Enabled but never scheduled onto the PMU: no count at all. */
      out->errnos[counter] = EBUSY;
      return;
    }
  if (v[2] < v[1])
    {
      v[0] = (guint64) ((double) v[0] * v[1] / v[2]);
      out->scaled |= CB_COUNTER_BIT (counter);
    }
  out->values[counter] = v[0];
  out->counted |= CB_COUNTER_BIT (counter);
}

void
cb_counters_read (CbCounters *c, CbCounterReading *out)
{
  ioctl_all (c, PERF_EVENT_IOC_DISABLE);
  *out = c->reading;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    if (c->fds[i] >= 0)
      read_counter (c, i, out);
}

#else /* no perf_event_open */

CbCounters *
cb_counters_open (guint32 requested)
{
  CbCounters *c = g_new0 (CbCounters, 1);
  c->reading.requested = requested & CB_COUNTERS_ALL;
  c->reading.paranoid = PARANOID_UNKNOWN;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    {
      c->fds[i] = -1;
      if (c->reading.requested & CB_COUNTER_BIT (i))
        c->reading.errnos[i] = ENOSYS;
    }
  (void) read_paranoid;
  return c;
}

void
cb_counters_enable (CbCounters *c G_GNUC_UNUSED)
{
}

void
cb_counters_read (CbCounters *c, CbCounterReading *out)
{
  *out = c->reading;
}

#endif

void
cb_counters_close (CbCounters *c)
{
  if (c == NULL)
    return;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    if (c->fds[i] >= 0)
      close (c->fds[i]);
  g_free (c);
}

/* ------------------------------------------------------------------------ */
/* The supervisor side                                                       */

static double
counter_value (const CbCounterReading *r, guint counter)
{
  double v = (double) r->values[counter];
  return counter == CB_COUNTER_TASK_CLOCK ? v / 1e9 : v;
}

void
cb_counter_means_compute (const CbCounterReading *readings, guint n,
                          CbCounterMeans *out)
{
  double sum[CB_N_COUNTERS] = { 0 };
  guint count[CB_N_COUNTERS] = { 0 };
  memset (out, 0, sizeof *out);
  for (guint k = 0; k < n; k++)
    {
      const CbCounterReading *r = &readings[k];
      out->scaled |= r->scaled;
      for (guint i = 0; i < CB_N_COUNTERS; i++)
        if (r->counted & CB_COUNTER_BIT (i))
          {
            sum[i] += counter_value (r, i);
            count[i]++;
          }
    }
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    {
      out->mean[i] = count[i] ? sum[i] / count[i] : NAN;
      if (count[i])
        out->counted |= CB_COUNTER_BIT (i);
    }
  double cycles = out->mean[CB_COUNTER_CYCLES];
  out->ipc = cycles > 0 ? out->mean[CB_COUNTER_INSTRUCTIONS] / cycles : NAN;
}

void
cb_counters_merge_state (CbCounterReading *acc, const CbCounterReading *r)
{
  if (acc->requested == 0)
    acc->paranoid = r->paranoid;
  acc->requested |= r->requested;
  acc->counted |= r->counted;
  acc->scaled |= r->scaled;
  acc->user_only |= r->user_only;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    if (acc->errnos[i] == 0)
      acc->errnos[i] = r->errnos[i];
}

static char *
reason_text (gint32 e, gint32 paranoid)
{
  g_autofree char *level = paranoid == PARANOID_UNKNOWN
                               ? g_strdup ("perf_event_paranoid")
                               : g_strdup_printf ("perf_event_paranoid %d",
                                                  paranoid);
  switch (e)
    {
    case ENOENT:
    case ENODEV:
    case EOPNOTSUPP: return g_strdup ("not exposed by this machine");
    case EACCES:
    case EPERM:
      return g_strdup_printf ("not available: perf_event_open refused (%s; "
                              "%s, or a sandbox)",
                              g_strerror (e), level);
    case ENOSYS:
      return g_strdup ("not available: no perf_event_open on this system");
    case EBUSY:
      return g_strdup ("not available: never scheduled on the PMU");
    case CB_COUNTER_ERRNO_KERNEL_ONLY:
      return g_strdup_printf ("not available: counted in the kernel, which "
                              "%s keeps from a worker that is not root",
                              level);
    default:
      return g_strdup_printf ("not available: %s", g_strerror (e));
    }
}

/* "hardware counters" when names are the whole class asked for, else the
 * names themselves. */
static char *
subject_of (guint32 bits, guint32 requested)
{
  if (bits == (requested & CB_COUNTERS_HARDWARE) && bits != 0)
    return g_strdup ("hardware counters");
  /* One software counter is better named. */
  if (bits == (requested & CB_COUNTERS_SOFTWARE) && (bits & (bits - 1)) != 0)
    return g_strdup ("software counters");
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    if (bits & CB_COUNTER_BIT (i))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", counter_names[i]);
  return g_string_free (s, FALSE);
}

/* The counters of one class that share reason e. */
static guint32
bits_with_errno (const CbCounterReading *st, guint32 class_bits, gint32 e)
{
  guint32 bits = 0;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    if ((class_bits & CB_COUNTER_BIT (i)) && st->errnos[i] == e
        && (st->counted & CB_COUNTER_BIT (i)) == 0)
      bits |= CB_COUNTER_BIT (i);
  return bits;
}

static void
add_missing_notes (GPtrArray *notes, const CbCounterReading *st,
                   guint32 class_bits)
{
  guint32 done = 0;
  for (guint i = 0; i < CB_N_COUNTERS; i++)
    {
      guint32 bit = CB_COUNTER_BIT (i);
      if ((class_bits & bit) == 0 || (done & bit) || st->errnos[i] == 0
          || (st->counted & bit))
        continue;
      guint32 same = bits_with_errno (st, class_bits, st->errnos[i]);
      done |= same;
      g_autofree char *subject = subject_of (same, class_bits);
      g_autofree char *reason = reason_text (st->errnos[i], st->paranoid);
      g_ptr_array_add (notes, g_strdup_printf ("%s: %s", subject, reason));
    }
}

GStrv
cb_counters_notes (const CbCounterReading *st, guint32 shown)
{
  GPtrArray *notes = g_ptr_array_new ();
  guint32 wanted = st->requested & shown;
  add_missing_notes (notes, st, wanted & CB_COUNTERS_SOFTWARE);
  add_missing_notes (notes, st, wanted & CB_COUNTERS_HARDWARE);
  guint32 user = st->user_only & st->counted & wanted;
  if (user != 0)
    {
      g_autofree char *subject = subject_of (user, wanted);
      g_ptr_array_add (notes,
                       g_strdup_printf ("%s: user space only (kernel "
                                        "profiling refused by "
                                        "perf_event_paranoid %d)",
                                        subject, st->paranoid));
    }
  guint32 scaled = st->scaled & st->counted & wanted;
  if (scaled != 0)
    {
      g_autofree char *subject = subject_of (scaled, 0);
      g_ptr_array_add (notes, g_strdup_printf ("%s: multiplexed, scaled by "
                                               "time enabled / running",
                                               subject));
    }
  g_ptr_array_add (notes, NULL);
  return (GStrv) g_ptr_array_free (notes, FALSE);
}
