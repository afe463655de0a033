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
#include "compare.h"
#include "output.h"
#include "params.h"
#include "platform.h"
#include "plot.h"
#include "registry.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "session.h"
#include "suite.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
};

static int
fail (int status, const char *message)
{
  fprintf (stderr, "concbench: %s\n", message);
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

static CbSuite *
build_suite (const CbRegistry *registry, const CbOptions *o, GError **error)
{
  g_autofree char *workloads = cb_registry_list_names (registry, TRUE);
  g_autofree char *strategies = cb_registry_list_names (registry, FALSE);
  if (*workloads == '\0' || *strategies == '\0')
    {
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED,
                   "no %s plugin found (see --list-plugins for the search "
                   "path and any problems)",
                   *workloads == '\0' ? "workload" : "strategy");
      return NULL;
    }
  g_autoptr (CbSuite) preset = NULL;
  g_autoptr (CbSuite) suite = NULL;
  gboolean adhoc = o->workloads != NULL || o->strategies != NULL;

  if (o->suite_file != NULL && (adhoc || o->preset != NULL))
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "--suite cannot be combined with -w, -s or --preset");
      return NULL;
    }
  if (o->suite_file != NULL)
    suite = cb_suite_load_file (registry, o->suite_file, FALSE, error);
  else
    {
      preset = cb_suite_load_preset (registry,
                                     o->preset ? o->preset : "default", adhoc,
                                     error);
      if (preset == NULL)
        return NULL;
      if (adhoc)
        {
          g_autofree char *all_w = cb_registry_list_names (registry, TRUE);
          g_autofree char *all_s = cb_registry_list_names (registry, FALSE);
          g_auto (GStrv) ws = o->workloads ? g_strdupv (o->workloads)
                                           : g_strsplit (all_w, ", ", -1);
          g_auto (GStrv) ss = o->strategies ? g_strdupv (o->strategies)
                                            : g_strsplit (all_s, ", ", -1);
          suite = cb_suite_new_adhoc (registry, (const char *const *) ws,
                                      (const char *const *) ss,
                                      (const char *const *) o->params, preset,
                                      error);
          if (suite != NULL)
            {
              suite->warmups = preset->warmups;
              suite->has_warmups = preset->has_warmups;
              suite->runs = preset->runs;
            }
        }
      else
        suite = g_steal_pointer (&preset);
    }
  if (suite == NULL)
    return NULL;
  if (!adhoc && o->params != NULL
      && !cb_suite_override_params (suite, (const char *const *) o->params,
                                    error))
    return NULL;
  if (o->filter != NULL && !cb_suite_filter (suite, o->filter, error))
    return NULL;
  if (suite->benchmarks->len == 0)
    {
      g_set_error (error, CB_ERROR, CB_ERROR_USAGE,
                   "no benchmark matches --filter '%s'", o->filter);
      return NULL;
    }
  return g_steal_pointer (&suite);
}

static void
print_benchmarks (const CbSuite *suite)
{
  for (guint i = 0; i < suite->benchmarks->len; i++)
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
  g_autoptr (CbSuite) suite = build_suite (registry, o, &error);
  if (suite == NULL)
    return fail_error (error);
  if (o->list_benchmarks)
    {
      print_benchmarks (suite);
      return EXIT_OK;
    }

  gboolean sampled = o->memory_interval_ms > 0 && cb_runner_can_sample_memory ();
  CbRunOptions run_options = { .seed = o->seed,
                               .timeout = o->timeout,
                               .memory_interval
                               = sampled ? o->memory_interval_ms / 1000.0 : 0 };
  CbSessionOptions session = {
    .warmups = o->warmups >= 0 ? (guint) o->warmups
               : suite->has_warmups ? suite->warmups : 1,
    .runs = o->runs ? (strcmp (o->runs, "auto") == 0
                           ? 0
                           : (guint) g_ascii_strtoull (o->runs, NULL, 10))
            : suite->runs ? suite->runs : 3,
    .max_time = o->max_time,
    .interleave = !o->no_interleave,
    .timeout = o->timeout,
    .progress = isatty (STDERR_FILENO),
  };
  g_autoptr (CbRunner) runner = cb_runner_new (&run_options);
  g_autoptr (CbPlatform) platform = cb_platform_detect ();

  install_signal_handlers ();
  g_autoptr (GPtrArray) results = cb_session_run (runner, suite, &session);
  cb_session_add_baselines (runner, suite, registry, results, &session);
  cb_results_analyse (results, platform->cpu_count, sampled);

  g_autofree char *runs_text = session.runs ? g_strdup_printf ("%u", session.runs)
                                            : g_strdup ("auto");
  int interrupted = cb_runner_interrupted ();
  CbReport report = { .suite = suite,
                      .results = results,
                      .platform = platform,
                      .options = &run_options,
                      .warmups = session.warmups,
                      .runs = runs_text,
                      .memory_sampled = sampled,
                      .complete = interrupted == 0,
                      .interrupted_by = interrupted };
  int status = EXIT_OK;
  for (guint i = 0; i < outputs->len; i++)
    {
      const CbOutput *out = outputs->pdata[i];
      g_autofree char *text = cb_report_render (&report, out->format);
      g_autoptr (GError) werror = NULL;
      if (!cb_output_write (out->path, text, &werror))
        status = fail_error (werror);
    }
  if (o->plot != NULL)
    {
      g_autoptr (GError) perror = NULL;
      if (!cb_plot_write (&report, o->plot, &perror))
        status = fail_error (perror);
    }
  report.color = stdout_format == CB_FORMAT_TABLE && use_color ();
  g_autofree char *text = cb_report_render (&report, stdout_format);
  fputs (text, stdout);
  fflush (stdout);

  for (guint i = 0; i < results->len; i++)
    {
      const CbResult *r = results->pdata[i];
      if (r->status == CB_RESULT_FAILED || r->status == CB_RESULT_TIMED_OUT)
        status = EXIT_FAILED;
    }
  if (interrupted)
    return 128 + interrupted;
  return status;
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
    return cb_compare_main (argc, argv);

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
                ? cb_report_list_plugin_names (registry)
                : cb_report_list_plugins (registry,
                                          (const char *const *) search_path);
      fputs (text, stdout);
      return EXIT_OK;
    }
  return run_suite (o, registry);
}
