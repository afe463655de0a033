/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench: measures how concurrency strategies perform on shared
 * workloads.  This file wires the pieces together and owns exit statuses. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ltdl.h>

#include "cli.h"
#include "environment.h"
#include "compare.h"
#include "format.h"
#include "listing.h"
#include "load-auto.h"
#include "output.h"
#include "params.h"
#include "placement.h"
#include "plan.h"
#include "platform.h"
#include "plot.h"
#include "registry.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "session.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

/* Every message is one printable line, whatever values it quotes and
 * whichever module wrote it. */
static int
fail (int status, const char *message)
{
  g_autofree char *printable = cb_text_printable (message);
  fprintf (stderr, "concbench: %s\n", printable);
  return status;
}

static int
fail_error (const GError *error)
{
  return fail (g_error_matches (error, CB_ERROR, CB_ERROR_USAGE) ? EXIT_USAGE
                                                                 : EXIT_FAILED,
               error->message);
}

/* The first signal stops the suite: the runner kills the running worker
 * and starts no other.  A second one kills the worker tree from here, at
 * once.  Neither exits here: what is already measured is still written, and
 * the exit status is the first signal's. */
static void
on_signal (int signum)
{
  if (cb_runner_interrupted ())
    cb_runner_kill_now ();
  cb_runner_interrupt (signum);
}

static void
install_signal_handlers (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL); /* the terminal went away: like SIGTERM */
}

/* The rows asked for: an added baseline runs only if its rows succeed. */
static void
print_benchmarks (const CbPlan *plan)
{
  const CbSuite *suite = plan->suite;
  for (guint i = 0; i < plan->n_requested; i++)
    {
      const CbBenchmark *b = suite->benchmarks->pdata[i];
      g_autofree char *sp = cb_param_set_describe (b->strategy_params);
      printf ("%2u  %s\n      workload: %s\n      strategy: %s%s%s\n", i + 1,
              b->name, b->workload_key, b->strategy->desc->strategy->name,
              *sp ? " " : "", sp);
    }
}

static gboolean
use_color (void)
{
  return cb_report_color_wanted (STDOUT_FILENO);
}

/* Writes every output; FALSE (and the failures said) if one fails. */
static gboolean
write_outputs (CbReport *report, const GPtrArray *outputs, const char *plot,
               CbFormat stdout_format)
{
  gboolean ok = TRUE;
  for (guint i = 0; i < outputs->len; i++)
    {
      const CbOutput *out = outputs->pdata[i];
      g_autofree char *text = cb_report_render (report, out->format);
      g_autoptr (GError) werror = NULL;
      if (!cb_output_write (out->path, text, &werror))
        {
          fail_error (werror);
          ok = FALSE;
        }
    }
  if (plot != NULL)
    {
      g_autoptr (GError) perror = NULL;
      if (!cb_plot_write (report, plot, &perror))
        {
          fail_error (perror);
          ok = FALSE;
        }
    }
  report->color = stdout_format == CB_FORMAT_TABLE && use_color ();
  g_autofree char *text = cb_report_render (report, stdout_format);
  fputs (text, stdout);
  fflush (stdout);
  return ok;
}

/* A workload that refused its parameters when it was built (a bound that
 * depends on the machine: free disk, memory) is a usage error, as a bound
 * in its spec would have been; the other rows still ran and are reported. */
static gboolean
report_refused_params (const GPtrArray *results)
{
  gboolean any = FALSE;
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (!r->refused_params)
        continue;
      g_autofree char *name = cb_text_display (r->bench->name);
      g_autofree char *why = cb_text_display (r->error);
      g_printerr ("concbench: %s: %s\n", name, why);
      any = TRUE;
    }
  return any;
}

static gboolean
all_rows_ran (const GPtrArray *results)
{
  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (r->status == CB_RESULT_FAILED || r->status == CB_RESULT_TIMED_OUT)
        return FALSE;
    }
  return TRUE;
}

/* Runs the plan and writes its report; the exit status. */
static int
run_plan (const CbPlan *plan, const GPtrArray *outputs, const char *plot,
          CbFormat stdout_format)
{
  const CbPlacement *placement = &plan->settings.run.placement;
  g_autoptr (GError) error = NULL;
  if (placement->has_nice
      && !cb_placement_check_nice (placement->nice, &error))
    return fail_error (error);
  g_autoptr (CbRunner) runner = cb_runner_new (&plan->settings.run);
  g_autoptr (CbPlatform) platform = cb_platform_detect ();
  g_autoptr (CbEnvironment) environment = cb_environment_detect ();

  install_signal_handlers ();
  g_autoptr (CbPlan) open_plan = NULL;
  g_autoptr (GPtrArray) results
      = plan->settings.rate_auto
            ? cb_load_auto_run (runner, plan, isatty (STDERR_FILENO),
                                &open_plan)
            : cb_session_run (runner, plan, isatty (STDERR_FILENO));
  cb_environment_finish (environment, "/");
  cb_results_analyse (results, platform->cpu_count,
                      plan->settings.memory_sampled);

  int interrupted = cb_runner_interrupted ();
  CbReport report = { .suite = plan->suite,
                      .results = results,
                      .platform = platform,
                      .options = &plan->settings.run,
                      .warmups = plan->settings.warmups,
                      .runs = plan->settings.runs_text,
                      .memory_sampled = plan->settings.memory_sampled,
                      .complete = interrupted == 0,
                      .interrupted_by = interrupted,
                      .environment = environment };
  gboolean written = write_outputs (&report, outputs, plot, stdout_format);
  if (interrupted)
    return 128 + interrupted;
  if (report_refused_params (results))
    return EXIT_USAGE;
  return written && all_rows_ran (results) ? EXIT_OK : EXIT_FAILED;
}

static int
run_suite (const CbOptions *o, const CbRegistry *registry)
{
  g_autoptr (GError) error = NULL;
  CbFormat stdout_format;
  g_autoptr (GPtrArray) outputs = cb_outputs_collect (
      o->output, o->format, (const char *const *) o->exports, &stdout_format,
      &error);
  if (outputs == NULL)
    return fail_error (error);
  CbPlotFormat plot_format;
  if (o->plot != NULL
      && (!cb_plot_format_from_filename (o->plot, &plot_format, &error)
          || !cb_output_check_writable (o->plot, &error)))
    return fail_error (error);
  g_autoptr (CbPlan) plan = cb_plan_new (registry, o, &error);
  if (plan == NULL)
    return fail_error (error);
  for (guint i = 0; i < plan->suite->left_out->len; i++)
    g_printerr ("concbench: %s\n",
                (const char *) plan->suite->left_out->pdata[i]);
  if (o->list_benchmarks)
    {
      print_benchmarks (plan);
      return EXIT_OK;
    }
  return run_plan (plan, outputs, o->plot, stdout_format);
}

static CbRegistry *
load_registry (const CbOptions *o, GStrv *search_path)
{
  CbRegistry *registry = cb_registry_new ();
  cb_registry_load_preloaded (registry);
  *search_path = cb_registry_search_path (
      (const char *const *) o->plugin_dirs, registry->problems);
  cb_registry_scan (registry, (const char *const *) *search_path);
  return registry;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "");
  /* Reports are data: a decimal comma would break every CSV and JSON. */
  setlocale (LC_NUMERIC, "C");
  g_set_prgname ("concbench");
#ifdef CB_STATIC_PLUGINS
  /* The bundled plugins linked in with -dlpreopen; libltdl only sees them if
   * this runs before the first lt_dlinit (in cb_registry_new). */
  LTDL_SET_PRELOADED_SYMBOLS ();
#endif

  if (argc > 1 && strcmp (argv[1], "compare") == 0)
    {
      g_auto (GStrv) regressions = NULL;
      g_autofree char *text
          = cb_compare_run (argc, argv, &regressions, &error);
      int status = EXIT_OK;
      if (text != NULL)
        fputs (text, stdout);
      for (guint i = 0; regressions != NULL && regressions[i] != NULL; i++)
        status = fail (EXIT_FAILED, regressions[i]);
      return error != NULL ? fail_error (error) : status;
    }

  g_autoptr (CbOptions) o = cb_options_parse (&argc, &argv, &error);
  if (o == NULL)
    return fail_error (error);
  if (o->version)
    {
      /* The GNU coding standards' --version: name and version, then
       * copyright, licence and no-warranty lines. */
      printf ("concbench %s (plugin ABI %d.%d)\n"
              "Copyright (C) 2025-2026 The concbench authors.\n"
              "License GPLv3+: GNU GPL version 3 or later "
              "<https://gnu.org/licenses/gpl.html>.\n"
              "The plugin SDK <concbench/plugin.h> is under the MIT "
              "licence.\n"
              "This is free software: you are free to change and "
              "redistribute it.\n"
              "There is NO WARRANTY, to the extent permitted by law.\n",
              PACKAGE_VERSION, CB_PLUGIN_ABI_MAJOR, CB_PLUGIN_ABI_MINOR);
      return EXIT_OK;
    }
  if (argc > 1)
    {
      g_autofree char *msg
          = g_strdup_printf ("unexpected argument '%s' (see --help)", argv[1]);
      return fail (EXIT_USAGE, msg);
    }

  if (!cb_registry_check_plugin_dirs ((const char *const *) o->plugin_dirs,
                                      &error))
    return fail_error (error);
  g_auto (GStrv) search_path = NULL;
  g_autoptr (CbRegistry) registry = load_registry (o, &search_path);
  if (o->list_plugins != NULL)
    {
      g_autofree char *text
          = strcmp (o->list_plugins, "names") == 0
                ? cb_listing_plugin_names (registry)
                : cb_listing_plugins (registry,
                                      (const char *const *) search_path);
      fputs (text, stdout);
      return EXIT_OK;
    }
  return run_suite (o, registry);
}
