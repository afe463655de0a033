/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The floor under concbench's per-item cost: the workload's run() called
 * through a function pointer in a plain loop that reads the clock once per
 * item and stores the time in a prefaulted array, nothing else.  Prints
 * the mean nanoseconds per item over the best of REPEATS loops.
 *
 * floor PLUGIN.la WORKLOAD ITEMS COMPLEXITY [REPEATS] */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <ltdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <concbench/plugin.h>

static gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Each parameter at its default, except items and complexity. */
static CbValue *
default_values (const CbParamSpec *specs, guint *n, guint64 items,
                guint64 complexity)
{
  guint count = 0;
  while (specs[count].name != NULL)
    count++;
  CbValue *values = g_new0 (CbValue, count + 1);
  for (guint i = 0; i < count; i++)
    {
      const CbParamSpec *spec = &specs[i];
      const char *def = spec->default_value ? spec->default_value : "";
      if (spec->type == CB_PARAM_UINT)
        values[i].u = g_ascii_strtoull (def, NULL, 10);
      else if (spec->type == CB_PARAM_DOUBLE)
        values[i].d = g_ascii_strtod (def, NULL);
      else if (spec->type == CB_PARAM_STRING)
        values[i].s = def;
      for (guint c = 0; spec->type == CB_PARAM_ENUM && spec->choices[c]; c++)
        if (strcmp (spec->choices[c], def) == 0)
          values[i].e = c;
      if (strcmp (spec->name, "items") == 0)
        values[i].u = items;
      if (strcmp (spec->name, "complexity") == 0)
        values[i].u = complexity;
    }
  *n = count;
  return values;
}

static const CbWorkloadClass *
load_workload (const char *path, const char *name)
{
  typedef const CbPluginDesc *(*GetDesc) (void);
  lt_dlhandle handle = lt_dlopen (path);
  GetDesc get_desc = handle ? (GetDesc) lt_dlsym (
                                  handle, "concbench_plugin_get_desc")
                            : NULL;
  const CbPluginDesc *desc = get_desc ? get_desc () : NULL;
  if (desc == NULL || desc->workload == NULL
      || strcmp (desc->workload->name, name) != 0)
    {
      fprintf (stderr, "floor: %s has no workload %s (%s)\n", path, name,
               lt_dlerror () ? lt_dlerror () : "no descriptor");
      return NULL;
    }
  return desc->workload;
}

/* One loop over every item; returns its nanoseconds. */
static gint64
one_loop (const CbWorkloadClass *wk, gpointer w, guint n, gint64 *done,
          guint64 *sum)
{
  gint64 start = now_ns ();
  for (guint i = 0; i < n; i++)
    {
      guint64 digest = 0;
      if (!wk->run (w, i, &digest, NULL))
        return -1;
      done[i] = now_ns ();
      *sum += digest;
    }
  return now_ns () - start;
}

int
main (int argc, char **argv)
{
  guint n_values;
  guint64 sum = 0;
  gint64 best = G_MAXINT64;

  if (argc < 5)
    {
      fprintf (stderr, "usage: floor PLUGIN.la WORKLOAD ITEMS COMPLEXITY "
                       "[REPEATS]\n");
      return 2;
    }
#ifdef CB_STATIC_PLUGINS
  LTDL_SET_PRELOADED_SYMBOLS ();
#endif
  lt_dlinit ();
  const CbWorkloadClass *wk = load_workload (argv[1], argv[2]);
  if (wk == NULL)
    return 1;
  CbValue *values = default_values (wk->params, &n_values,
                                    g_ascii_strtoull (argv[3], NULL, 10),
                                    g_ascii_strtoull (argv[4], NULL, 10));
  CbParams params = { wk->params, values, n_values };
  gpointer w = wk->create (&params, 1, NULL);
  guint n = w ? wk->n_items (w) : 0;
  int repeats = argc > 5 ? atoi (argv[5]) : 5;
  gint64 *done = g_new (gint64, MAX (n, 1));
  memset (done, 0, sizeof (gint64) * MAX (n, 1)); /* prefault */
  for (int r = 0; r < repeats && n > 0; r++)
    best = MIN (best, one_loop (wk, w, n, done, &sum));
  if (n == 0 || best < 0)
    {
      fprintf (stderr, "floor: the workload failed\n");
      return 1;
    }
  printf ("%.1f\n", (double) best / n);
  fprintf (stderr, "floor: %u items, digest sum %" G_GUINT64_FORMAT "\n", n,
           sum);
  wk->destroy (w);
  g_free (done);
  g_free (values);
  return 0;
}
