/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "cli.h"

#include <math.h>
#include <string.h>

#include "cpulist.h"
#include "counters.h"
#include "load-plan.h"
#include "params.h"
#include "placement.h"

#define DEFAULT_MAX_TIME 10.0
#define DEFAULT_MEMORY_INTERVAL_MS 10.0

/* GOption lets a later occurrence silently replace an earlier one; a
 * benchmark run with "--runs 3 --runs 30" is more likely a mistake than an
 * intent, so single-valued options go through here and refuse a repeat. */
typedef struct {
  CbOptions *options;
  GHashTable *seen;
} ParseState;

static ParseState *parse_state;

static const struct {
  char short_name;
  const char *long_name;
} short_names[] = { { 'w', "--workload" }, { 's', "--strategy" },
                    { 'p', "--param" },    { 'o', "--output" },
                    { 'V', "--version" } };

static const char *
long_name_of (const char *option_name)
{
  if (option_name[0] == '-' && option_name[1] != '-')
    for (guint i = 0; i < G_N_ELEMENTS (short_names); i++)
      if (option_name[1] == short_names[i].short_name)
        return short_names[i].long_name;
  return option_name;
}

static gboolean
usage (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* The values quoted in it are the user's: one printable line. */
  g_autofree char *printable = cb_text_printable (msg);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       printable);
  return FALSE;
}

static gboolean
parse_count (const char *option, const char *value, guint64 min, guint64 max,
             guint64 *out, GError **error)
{
  const CbParamSpec spec = { option, NULL, NULL, CB_PARAM_UINT, (double) min,
                             (double) max, NULL };
  CbValue v;
  g_autoptr (GError) local = NULL;
  if (!cb_param_parse (&spec, value, &v, &local))
    return usage (error, "%s: '%s' must be a whole number from %" G_GUINT64_FORMAT
                  " to %" G_GUINT64_FORMAT, option, value, min, max);
  *out = v.u;
  return TRUE;
}

static gboolean
parse_seconds (const char *option, const char *value, double min, double *out,
               GError **error)
{
  const CbParamSpec spec = { option, NULL, NULL, CB_PARAM_DOUBLE, min, 1e9,
                             NULL };
  CbValue v;
  g_autoptr (GError) local = NULL;
  if (!cb_param_parse (&spec, value, &v, &local))
    return usage (error, "%s: '%s' must be a number of seconds from %g to 1e9",
                  option, value, min);
  *out = v.d;
  return TRUE;
}

/* Milliseconds: 0 (off), or 1 to 1000.  A longer interval would only
 * miss peaks, and one over the run's length none would be taken. */
static gboolean
parse_interval (const char *value, double *out, GError **error)
{
  const CbParamSpec spec = { "--memory-interval", NULL, NULL, CB_PARAM_DOUBLE,
                             0, 1000, NULL };
  CbValue v;
  g_autoptr (GError) local = NULL;
  if (!cb_param_parse (&spec, value, &v, &local) || (v.d > 0 && v.d < 1))
    return usage (error, "--memory-interval: '%s' must be 0 (no sampling) "
                  "or a number of milliseconds from 1 to 1000", value);
  *out = v.d;
  return TRUE;
}

/* A byte count with an optional K, M, G or T suffix (powers of 1024),
 * from 1M to 1T. */
static gboolean
parse_size (const char *option, const char *value, guint64 *out,
            GError **error)
{
  static const char suffixes[] = "KMGT";
  char *end = NULL;
  guint64 n = g_ascii_isdigit (value[0]) ? g_ascii_strtoull (value, &end, 10)
                                         : 0;
  guint shift = 0;
  const char *suffix = end && *end ? strchr (suffixes, g_ascii_toupper (*end))
                                   : NULL;
  if (suffix != NULL && *end != '\0')
    {
      shift = 10 * (guint) (suffix - suffixes + 1);
      end++;
    }
  if (end == NULL || *end != '\0' || n > (G_GUINT64_CONSTANT (1) << 40) >> shift
      || (n << shift) < (1 << 20))
    return usage (error, "%s: '%s' must be a size from 1M to 1T, such as "
                  "512M or 2G (suffixes K, M, G, T: powers of 1024)", option,
                  value);
  *out = n << shift;
  return TRUE;
}

static gboolean
apply_load (CbOptions *o, const char *name, const char *value,
            GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean is_rate = strcmp (name, "--rate") == 0;
  if (is_rate ? !cb_load_check_rate (name, value, &local)
              : !cb_load_check_arrivals (name, value, &local))
    return usage (error, "%s", local->message);
  g_free (is_rate ? o->rate : o->arrivals);
  if (is_rate)
    o->rate = g_strdup (value);
  else
    o->arrivals = g_strdup (value);
  return TRUE;
}

static gboolean
parse_nice (const char *value, CbOptions *o, GError **error)
{
  gint64 v;
  if (!g_ascii_string_to_signed (value, 10, CB_NICE_MIN, CB_NICE_MAX, &v,
                                 NULL))
    return usage (error, "--nice: '%s' must be a whole number from %d to %d",
                  value, CB_NICE_MIN, CB_NICE_MAX);
  o->has_nice = TRUE;
  o->nice = (int) v;
  return TRUE;
}

static gboolean
apply_single (CbOptions *o, const char *name, const char *value,
              GError **error)
{
  guint64 u;
  if (strcmp (name, "--list-plugins") == 0)
    {
      const char *v = value ? value : "full";
      if (strcmp (v, "full") != 0 && strcmp (v, "names") != 0)
        return usage (error, "--list-plugins: '%s' is not 'full' or 'names'",
                      v);
      o->list_plugins = g_strdup (v);
    }
  else if (strcmp (name, "--preset") == 0)
    o->preset = g_strdup (value);
  else if (strcmp (name, "--suite") == 0)
    o->suite_file = g_strdup (value);
  else if (strcmp (name, "--filter") == 0)
    o->filter = g_strdup (value);
  else if (strcmp (name, "--warmups") == 0)
    {
      if (!parse_count (name, value, 0, 1000, &u, error))
        return FALSE;
      o->warmups = (gint64) u;
    }
  else if (strcmp (name, "--runs") == 0)
    {
      if (strcmp (value, "auto") == 0)
        u = 0;
      else if (!parse_count (name, value, 1, 100000, &u, error))
        return FALSE;
      o->runs = (gint64) u;
    }
  else if (strcmp (name, "--max-time") == 0)
    return parse_seconds (name, value, 0.001, &o->max_time, error);
  else if (strcmp (name, "--seed") == 0)
    return parse_count (name, value, 0, G_MAXUINT64, &o->seed, error);
  else if (strcmp (name, "--timeout") == 0)
    return parse_seconds (name, value, 0.001, &o->timeout, error);
  else if (strcmp (name, "--memory-interval") == 0)
    return parse_interval (value, &o->memory_interval_ms, error);
  else if (strcmp (name, "--memory-limit") == 0)
    return parse_size (name, value, &o->memory_limit, error);
  else if (strcmp (name, "--timer-slack") == 0)
    return parse_count (name, value, 1, G_MAXUINT32, &o->timer_slack_ns,
                        error);
  else if (strcmp (name, "--affinity") == 0)
    return (o->affinity = cb_cpu_list_for_affinity (value, error)) != NULL;
  else if (strcmp (name, "--nice") == 0)
    return parse_nice (value, o, error);
  else if (strcmp (name, "--counters") == 0)
    {
      o->counters_given = TRUE;
      return cb_counters_parse (value, &o->counters, error);
    }
  else if (strcmp (name, "--format") == 0)
    o->format = g_strdup (value);
  else if (strcmp (name, "--output") == 0)
    o->output = g_strdup (value);
  else if (strcmp (name, "--plot") == 0)
    o->plot = g_strdup (value);
  else if (strcmp (name, "--rate") == 0 || strcmp (name, "--arrivals") == 0)
    return apply_load (o, name, value, error);
  return TRUE;
}

static gboolean
on_single (const char *option_name, const char *value, gpointer data,
           GError **error)
{
  const char *name = long_name_of (option_name);
  if (g_hash_table_contains (parse_state->seen, name))
    return usage (error, "%s is given more than once", name);
  g_hash_table_add (parse_state->seen, (gpointer) g_intern_string (name));
  return apply_single (parse_state->options, name, value, error);
}

static gboolean
on_flag (const char *option_name, const char *value, gpointer data,
         GError **error)
{
  const char *name = long_name_of (option_name);
  if (g_hash_table_contains (parse_state->seen, name))
    return usage (error, "%s is given more than once", name);
  g_hash_table_add (parse_state->seen, (gpointer) g_intern_string (name));
  if (strcmp (name, "--list-benchmarks") == 0)
    parse_state->options->list_benchmarks = TRUE;
  else if (strcmp (name, "--no-interleave") == 0)
    parse_state->options->no_interleave = TRUE;
  else if (strcmp (name, "--version") == 0)
    parse_state->options->version = TRUE;
  else if (strcmp (name, "--items") == 0)
    parse_state->options->items = TRUE;
  return TRUE;
}

#define SINGLE(l, s, desc, arg)                                              \
  { l, s, 0, G_OPTION_ARG_CALLBACK, (gpointer) on_single, desc, arg }
#define FLAG(l, s, desc)                                                     \
  { l, s, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_flag,   \
    desc, NULL }

/* The option table, in --help order; free with g_free.  Array options
 * write straight into o. */
static GOptionEntry *
option_entries (CbOptions *o)
{
  GOptionEntry entries[] = {
    { "list-plugins", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
      (gpointer) on_single,
      "List plugins, their parameters and any plugin problems, then exit "
      "(FORMAT: full, the default, or names for scripts)",
      "[FORMAT]" },
    FLAG ("list-benchmarks", 0, "List the benchmarks that would run, then exit"),
    { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->plugin_dirs,
      "Search DIR for plugins before CONCBENCH_PLUGIN_PATH and the installed "
      "directory (repeatable)",
      "DIR" },
    SINGLE ("preset", 0,
            "Suite to run when no -w/-s/--suite is given, and the scale of "
            "-w/-s benchmarks: default (quick), seed (the Python suite's "
            "parameters), models (every thread and process model), loops "
            "(the event loops) or load (latency under load) "
            "[default: default]",
            "NAME"),
    SINGLE ("suite", 0, "Run the benchmarks of suite FILE (GLib key-file)",
            "FILE"),
    { "workload", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &o->workloads,
      "Benchmark workload NAME (repeatable; without -s: with every strategy)",
      "NAME" },
    { "strategy", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->strategies,
      "Benchmark strategy NAME (repeatable; without -w: on every workload)",
      "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o->params,
      "Set a workload or strategy parameter; several values sweep it "
      "(repeatable; PLUGIN.NAME to disambiguate)",
      "NAME=V1[,V2...]" },
    SINGLE ("filter", 0,
            "Keep only benchmarks whose name matches REGEX (case-insensitive)",
            "REGEX"),
    SINGLE ("warmups", 0,
            "Unmeasured runs before the measured ones [default: the suite's, "
            "else 1]",
            "N"),
    SINGLE ("runs", 0,
            "Measured runs per benchmark, or auto: until the 95% CI is "
            "within 2% of the mean or --max-time is spent [default: the "
            "suite's, else 3]",
            "N|auto"),
    SINGLE ("max-time", 0,
            "With --runs auto: time budget per benchmark [default: 10]",
            "SECONDS"),
    FLAG ("no-interleave", 0,
          "Run each benchmark's runs back to back instead of round-robin "
          "across the suite"),
    SINGLE ("seed", 0, "Seed of the workloads' pseudo-random data [default: 1]",
            "N"),
    SINGLE ("timeout", 0,
            "Kill a run after SECONDS [default: 60 + 10 x the benchmark's "
            "sequential estimate, or 60 before it is known]",
            "SECONDS"),
    SINGLE ("memory-interval", 0,
            "Sample the process tree's memory every MS milliseconds, 1 to "
            "1000; 0 turns sampling off [default: 10]",
            "MS"),
    SINGLE ("timer-slack", 0,
            "Set the workers' timer slack (PR_SET_TIMERSLACK) to NS "
            "nanoseconds [default: the system's]",
            "NS"),
    SINGLE ("affinity", 0,
            "Pin the workers, and every thread and child of theirs, to CPUS "
            "(a list such as 0, 0-1 or 0,2-3) [default: not pinned]",
            "CPUS"),
    SINGLE ("nice", 0,
            "Run the workers at nice value N, -20 to 19 (below concbench's "
            "own needs root) [default: concbench's]",
            "N"),
    SINGLE ("counters", 0,
            "Count LIST through perf_event_open over each run's whole "
            "process tree and show them in the table: task-clock, "
            "context-switches, cpu-migrations, page-faults, cycles, "
            "instructions, ipc, cache-misses, branch-misses, software, "
            "hardware, all or none [default: software, in JSON and CSV "
            "only]",
            "LIST"),
    FLAG ("items", 0,
          "Write each item's completion time and digest, per run, into the "
          "JSON"),
    SINGLE ("format", 0,
            "Output format: table, json, csv or markdown [default: table, or "
            "from the -o file name]",
            "FORMAT"),
    SINGLE ("output", 'o', "Write the results to FILE", "FILE"),
    { "export", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->exports,
      "Also write the results to FILE, in the format its extension names "
      "(repeatable)",
      "FILE" },
    SINGLE ("plot", 0, "Draw a scaling chart to FILE (.svg or .png)", "FILE"),
    SINGLE ("rate", 0,
            "Open loop: items arrive at RATE per second, latency is timed "
            "from each item's intended arrival; several sweep it; auto finds "
            "each row's capacity and sweeps 10% to 150% of it",
            "RATE[,RATE...]|auto"),
    SINGLE ("arrivals", 0,
            "With --rate: constant gaps of 1/RATE or poisson ones, seeded "
            "by --seed [default: constant]",
            "constant|poisson"),
    SINGLE ("memory-limit", 0,
            "Fail a run whose process tree uses more than SIZE bytes (K, M, "
            "G suffixes): a cgroup's memory limit where one can be made, "
            "else RLIMIT_AS [default: none]",
            "SIZE"),
    FLAG ("version", 'V', "Print the version and the plugin ABI, then exit"),
    { NULL }
  };
  GOptionEntry *copy = g_malloc (sizeof entries);
  memcpy (copy, entries, sizeof entries);
  return copy;
}

static GOptionContext *
build_context (CbOptions *o, GOptionEntry **entries_out)
{
  GOptionContext *ctx = g_option_context_new (
      "[compare OLD.json NEW.json...] - measure concurrency strategies");
  *entries_out = option_entries (o);
  g_option_context_set_summary (
      ctx, "Runs each benchmark (a workload under a concurrency strategy) in "
           "fresh worker processes and reports\ntime, spread, memory, CPU "
           "use and efficiency.  With no arguments, runs the default suite.");
  /* The GNU coding standards end --help with where to report bugs and
   * the home page. */
  g_option_context_set_description (
      ctx, "Exit status: 0 all rows succeeded, 1 a row or output failed, "
           "2 usage error,\n129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM.\n"
           "Environment:\n"
           "  CONCBENCH_PLUGIN_PATH         colon-separated plugin "
           "directories searched\n"
           "                                after --plugin-dir\n"
           "  CONCBENCH_PLUGIN_SYSTEM_PATH  colon-separated list replacing "
           "the installed\n"
           "                                plugin directory (set but "
           "empty: none)\n"
           "  CONCBENCH_WORKER              the worker program each run "
           "executes, instead\n"
           "                                of the installed "
           "concbench-worker\n"
           "  NO_COLOR                      never colour the table\n"
           "See concbench(1) and concbench-plugin(7).\n\n"
           "Report bugs to: <" PACKAGE_BUGREPORT ">\n"
           PACKAGE_NAME " home page: <" PACKAGE_URL ">");
  g_option_context_add_main_entries (ctx, *entries_out, NULL);
  return ctx;
}

CbOptions *
cb_options_parse (int *argc, char ***argv, GError **error)
{
  g_autoptr (CbOptions) o = g_new0 (CbOptions, 1);
  g_autofree GOptionEntry *entries = NULL;
  ParseState state = { o, g_hash_table_new (g_str_hash, g_str_equal) };
  g_autoptr (GError) local = NULL;

  o->warmups = -1;
  o->runs = -1;
  o->seed = 1;
  o->timeout = -1;
  o->max_time = DEFAULT_MAX_TIME;
  o->memory_interval_ms = DEFAULT_MEMORY_INTERVAL_MS;
  parse_state = &state;
  g_autoptr (GOptionContext) ctx = build_context (o, &entries);
  gboolean ok = g_option_context_parse (ctx, argc, argv, &local);
  parse_state = NULL;
  g_hash_table_unref (state.seen);
  if (!ok)
    {
      cb_set_usage_error (error, "%s", local->message);
      return NULL;
    }
  return g_steal_pointer (&o);
}

char *
cb_options_help (void)
{
  g_autoptr (CbOptions) o = g_new0 (CbOptions, 1);
  g_autofree GOptionEntry *entries = NULL;
  g_autoptr (GOptionContext) ctx = build_context (o, &entries);
  return g_option_context_get_help (ctx, TRUE, NULL);
}

void
cb_options_free (CbOptions *o)
{
  if (o == NULL)
    return;
  g_free (o->list_plugins);
  g_strfreev (o->plugin_dirs);
  g_free (o->preset);
  g_free (o->suite_file);
  g_strfreev (o->workloads);
  g_strfreev (o->strategies);
  g_strfreev (o->params);
  g_free (o->filter);
  g_free (o->affinity);
  g_free (o->format);
  g_free (o->output);
  g_strfreev (o->exports);
  g_free (o->plot);
  g_free (o->rate);
  g_free (o->arrivals);
  g_free (o);
}
