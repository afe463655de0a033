/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench-worker: the program a worker process execs once the runner has
 * placed it.  It rebuilds the benchmark from the recipe on its command line
 * and runs it once.  A fresh program, not a fork of concbench, so that no
 * run is charged for pages the runner holds (earlier runs' results), and
 * linked with GLib and libltdl only, so that a worker maps no plotting or
 * output library. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "item-server.h"
#include "placement.h"
#include "recipe.h"
#include "registry.h"
#include "worker.h"

/* When memory runs out, the kernel should kill a worker, whose row then
 * fails, rather than concbench, which holds every row's results.  Raising
 * one's own score needs no privilege; where it fails, nothing is lost. */
static void
offer_to_oom_killer (void)
{
  int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (write (fd, "1000", 4) != 4)
    {
      /* Refused (an older kernel's range, a locked-down container). */
    }
  close (fd);
}

static void
set_timer_slack (guint64 ns)
{
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_TIMERSLACK)
  if (ns > 0)
    prctl (PR_SET_TIMERSLACK, (unsigned long) ns, 0, 0, 0);
#else
  (void) ns;
#endif
}

static int
run_recipe (const CbRecipe *recipe)
{
  g_autoptr (GError) error = NULL;
  CbBenchmark bench;

#ifdef CB_STATIC_PLUGINS
  /* The bundled plugins are linked in, as in concbench; this must precede
   * the first lt_dlinit (in cb_registry_new). */
  LTDL_SET_PRELOADED_SYMBOLS ();
#endif
  g_autoptr (CbRegistry) registry = cb_registry_new ();
  cb_registry_load_preloaded (registry);
  if (!cb_recipe_build (recipe, registry, &bench, &error))
    {
      g_prefix_error (&error, "the worker cannot rebuild the benchmark: ");
      cb_worker_fail_early (recipe->result_fd, error, FALSE);
      cb_recipe_benchmark_clear (&bench);
      return 1;
    }
  int status = cb_worker_run (&bench, recipe->seed, recipe->result_fd);
  cb_recipe_benchmark_clear (&bench);
  return status;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbRecipe) recipe = NULL;
  int status;

  /* A strategy's helper (spawnpool's): see item-server.c. */
  if (argc >= 2 && strcmp (argv[1], "--serve") == 0)
    _exit (cb_item_server_main (argc, argv));
  recipe = cb_recipe_parse (argc, argv, &error);

  if (recipe == NULL)
    {
      /* Run by hand: there is no result area to write the reason to. */
      fprintf (stderr, "concbench-worker: %s (this program is run by "
                       "concbench, not by hand)\n",
               error->message);
      return 2;
    }
  offer_to_oom_killer ();
  set_timer_slack (recipe->timer_slack);
  /* Before any plugin is loaded: every thread and child inherits it. */
  if (!cb_placement_apply (&recipe->placement, &error))
    {
      cb_worker_fail_early (recipe->result_fd, error, FALSE);
      status = 1;
    }
  else
    status = run_recipe (recipe);
  /* _exit() runs no g_autoptr cleanup: the recipe is freed by hand. */
  g_clear_pointer (&recipe, cb_recipe_free);
  /* What a plugin printed goes to the runner's pipe; then no exit(): a
   * plugin's threads may still run, and its destructors must not race
   * them. */
  fflush (stdout);
  fflush (stderr);
  _exit (status);
}
