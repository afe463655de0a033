/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON writer: a run's report in the results schema (read-json.h, which
 * also reads it back) and a comparison (compare.h), pretty-printed. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "writer.h"
#include "json-members.h"

#include <json-glib/json-glib.h>
#include <math.h>

#include "counters-json.h"
#include "load-json.h"
#include "read-json.h"
#include "write-json-environment.h"
#include "write-json-reports.h"
#include "usl.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* ---- members: NAN and infinity as null (JSON has neither), strings made
 * valid UTF-8 (names and messages come from files and plugins), NULL as
 * null ---- */

/* ---- a run's report ---- */


static gboolean
info_known (const CbResult *r)
{
  return r->info.n_items > 0 || r->info.slots > 0;
}

static void
json_add_double_if (JsonBuilder *b, const char *name, double v,
                    gboolean known)
{
  cb_json_add_double (b, name, known ? v : NAN);
}

static void
json_add_uint64_value (JsonBuilder *b, guint64 v)
{
  /* json-glib integers are signed 64-bit. */
  if (v <= G_MAXINT64)
    json_builder_add_int_value (b, (gint64) v);
  else
    {
      char buf[32];
      g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
      json_builder_add_string_value (b, buf);
    }
}

static void
json_add_uint64 (JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name (b, name);
  json_add_uint64_value (b, v);
}

static void
json_add_bool (JsonBuilder *b, const char *name, gboolean v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

static void
json_add_null (JsonBuilder *b, const char *name)
{
  json_builder_set_member_name (b, name);
  json_builder_add_null_value (b);
}

static void
json_add_stats (JsonBuilder *b, const char *name, const CbStats *st,
                gboolean known)
{
  if (!known || st->n == 0)
    {
      json_add_null (b, name);
      return;
    }
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_int (b, "n", st->n);
  cb_json_add_double (b, "mean", st->mean);
  cb_json_add_double (b, "stddev", st->stddev);
  cb_json_add_double (b, "median", st->median);
  cb_json_add_double (b, "mad", st->mad);
  cb_json_add_double (b, "min", st->min);
  cb_json_add_double (b, "max", st->max);
  cb_json_add_double (b, "ci95_low", st->ci95_low);
  cb_json_add_double (b, "ci95_high", st->ci95_high);
  cb_json_add_double (b, "cv", st->cv);
  json_builder_end_object (b);
}

static void
json_add_percentiles (JsonBuilder *b, const char *name,
                      const CbPercentiles *p, gboolean known)
{
  if (!known)
    {
      json_add_null (b, name);
      return;
    }
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_double (b, "p50", p->p50);
  cb_json_add_double (b, "p90", p->p90);
  cb_json_add_double (b, "p99", p->p99);
  cb_json_add_double (b, "max", p->max);
  json_builder_end_object (b);
}

static void
json_add_param_value (JsonBuilder *b, const CbParamSet *set, guint i)
{
  switch (set->specs[i].type)
    {
    case CB_PARAM_UINT: json_add_uint64_value (b, set->values[i].u); return;
    case CB_PARAM_DOUBLE:
      if (isfinite (set->values[i].d))
        json_builder_add_double_value (b, set->values[i].d);
      else
        json_builder_add_null_value (b);
      return;
    case CB_PARAM_ENUM:
    case CB_PARAM_STRING:
    default: cb_json_add_string_value (b, set->texts[i]); return;
    }
}

static void
json_add_params (JsonBuilder *b, const CbParamSet *set)
{
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (guint i = 0; set != NULL && i < set->n; i++)
    {
      json_builder_set_member_name (b, set->specs[i].name);
      json_add_param_value (b, set, i);
    }
  json_builder_end_object (b);
}

static void
json_add_role (JsonBuilder *b, const char *role, const CbPlugin *plugin,
               const char *class_name, const CbParamSet *set)
{
  json_builder_set_member_name (b, role);
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", class_name);
  cb_json_add_string (b, "plugin", plugin->desc->name);
  cb_json_add_string (b, "plugin_version", plugin->desc->version);
  cb_json_add_string (b, "file", plugin->path);
  json_add_params (b, set);
  json_builder_end_object (b);
}

static gint
by_completion (gconstpointer a, gconstpointer b, gpointer completion)
{
  const double *t = completion;
  double ta = t[*(const guint *) a], tb = t[*(const guint *) b];
  guint ia = *(const guint *) a, ib = *(const guint *) b;
  if (ta != tb)
    return ta < tb ? -1 : 1;
  return (ia > ib) - (ia < ib);
}

/* --items: every item as [index, completion seconds, digest], in the
 * order the items completed, so exactly-once can be checked from outside.
 * Digests are 16 hex digits: JSON numbers do not hold 64 bits exactly. */
static void
json_add_items (JsonBuilder *b, const CbRunSample *s)
{
  g_autofree guint *order = g_new (guint, MAX (s->n_items, 1));
  for (guint i = 0; i < s->n_items; i++)
    order[i] = i;
  g_qsort_with_data (order, s->n_items, sizeof (guint), by_completion,
                     (gpointer) s->completion);
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  for (guint k = 0; k < s->n_items; k++)
    {
      guint i = order[k];
      char digest[17];
      g_snprintf (digest, sizeof digest, "%016" G_GINT64_MODIFIER "x",
                  s->digests[i]);
      json_builder_begin_array (b);
      json_builder_add_int_value (b, i);
      json_builder_add_double_value (b, s->completion[i]);
      json_builder_add_string_value (b, digest);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
json_add_run (JsonBuilder *b, const CbRunSample *s)
{
  json_builder_begin_object (b);
  cb_json_add_double (b, "wall", s->wall);
  cb_json_add_double (b, "cpu_user", s->cpu_user);
  cb_json_add_double (b, "cpu_sys", s->cpu_sys);
  cb_json_add_double (b, "worker_cpu_user", s->worker_cpu_user);
  cb_json_add_double (b, "worker_cpu_sys", s->worker_cpu_sys);
  json_add_uint64 (b, "ctx_voluntary", s->ctx_voluntary);
  json_add_uint64 (b, "ctx_involuntary", s->ctx_involuntary);
  /* null, not 0, where neither a sample nor the worker saw the tree */
  if (!s->memory_unknown)
    {
      json_add_uint64 (b, "tree_peak_pss", s->tree_peak_pss);
      json_add_uint64 (b, "tree_peak_rss", s->tree_peak_rss);
    }
  else
    {
      json_add_null (b, "tree_peak_pss");
      json_add_null (b, "tree_peak_rss");
    }
  json_add_uint64 (b, "worker_hwm", s->worker_hwm);
  json_add_uint64 (b, "worker_maxrss", s->worker_maxrss);
  cb_json_add_int (b, "memory_samples", s->n_samples);
  if (s->timer_slack > 0)
    json_add_uint64 (b, "timer_slack_ns", s->timer_slack);
  else
    json_add_null (b, "timer_slack_ns");
  cb_json_add_run_counters (b, s);
  cb_json_add_string (b, "plugin_output", s->plugin_output);
  json_add_uint64 (b, "plugin_output_bytes", s->plugin_output_bytes);
  if (s->digests != NULL)
    json_add_items (b, s);
  cb_json_add_double (b, "sampler_cpu", s->sampler_cpu);
  cb_json_add_int (b, "leftover_processes", s->n_leftovers);
  cb_json_reports_add_run (b, s);
  json_builder_end_object (b);
}

static void
json_add_runs (JsonBuilder *b, const CbResult *r)
{
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; r->samples != NULL && i < r->samples->len; i++)
    json_add_run (b, &g_array_index (r->samples, CbRunSample, i));
  json_builder_end_array (b);
}

static void
json_add_info (JsonBuilder *b, const CbResult *r)
{
  if (!info_known (r))
    {
      json_add_null (b, "n_items");
      json_add_null (b, "slots");
      json_add_null (b, "chunk");
      json_add_null (b, "latency_bound");
      return;
    }
  cb_json_add_int (b, "n_items", r->info.n_items);
  cb_json_add_int (b, "slots", r->info.slots);
  cb_json_add_int (b, "chunk", r->info.chunk);
  json_add_bool (b, "latency_bound", r->info.latency_bound);
  if (r->info.total_bytes > 0)
    json_add_uint64 (b, "bytes_per_run", r->info.total_bytes);
}

static void
json_add_overshoot (JsonBuilder *b, const CbResult *r)
{
  if (!cb_result_measured (r) || !r->has_overshoot)
    {
      json_add_null (b, "timer_overshoot");
      return;
    }
  json_builder_set_member_name (b, "timer_overshoot");
  json_builder_begin_object (b);
  cb_json_add_double (b, "mean", r->overshoot_mean);
  cb_json_add_double (b, "max", r->overshoot_max);
  json_builder_end_object (b);
}

static void
json_add_warnings (JsonBuilder *b, const CbResult *r)
{
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; r->warnings != NULL && r->warnings[i] != NULL; i++)
    cb_json_add_string_value (b, r->warnings[i]);
  json_builder_end_array (b);
}

static void
json_add_derived (JsonBuilder *b, const CbResult *r)
{
  gboolean known = cb_result_measured (r);
  json_builder_set_member_name (b, "stats");
  json_builder_begin_object (b);
  json_add_stats (b, "wall", &r->wall, known);
  json_add_stats (b, "cpu", &r->cpu, known);
  json_add_stats (b, "memory_pss", &r->pss, known);
  json_add_stats (b, "memory_rss", &r->rss, known);
  if (r->has_throughput) /* optional: only workloads that move bytes */
    json_add_stats (b, "throughput_bytes_per_s", &r->throughput, known);
  cb_json_reports_add_stats (b, r, known);
  json_builder_end_object (b);
  json_add_double_if (b, "cpu_utilisation", r->cpu_util, known);
  json_add_double_if (b, "ideal", r->ideal, known);
  cb_json_add_string (b, "ideal_basis", known ? r->ideal_basis : NULL);
  json_add_double_if (b, "efficiency", r->efficiency, known);
  json_add_double_if (b, "speedup", r->speedup, known);
  json_add_double_if (b, "speedup_ci95_low", r->speedup_low, known);
  json_add_double_if (b, "speedup_ci95_high", r->speedup_high, known);
  json_add_double_if (b, "karp_flatt", r->karp_flatt, known);
  json_add_percentiles (b, "completion_time", &r->completion, known);
  json_add_percentiles (b, "service_time", &r->service, known);
  json_add_overshoot (b, r);
  cb_json_add_row_counters (b, r);
  if (known)
    cb_json_add_int (b, "outliers", r->outliers);
  else
    json_add_null (b, "outliers");
}

static void
json_add_benchmark (JsonBuilder *b, const CbResult *r)
{
  const CbBenchmark *bench = r->bench;
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", bench->name);
  cb_json_add_int (b, "index", r->index);
  cb_json_add_string (b, "status", cb_report_status_name (r->status));
  cb_json_add_string (b, "error", r->error);
  json_add_bool (b, "interrupted", r->interrupted);
  json_add_role (b, "workload", bench->workload,
                 cb_report_workload_name (bench), bench->workload_params);
  json_add_role (b, "strategy", bench->strategy,
                 cb_report_strategy_name (bench), bench->strategy_params);
  cb_json_add_string (b, "workload_key", bench->workload_key);
  json_add_info (b, r);
  cb_json_add_int (b, "warmups", r->warmups_done);
  json_add_runs (b, r);
  json_add_derived (b, r);
  cb_json_reports_add_workers (b, r);
  json_add_warnings (b, r);
  cb_load_json_add (b, r);
  json_builder_end_object (b);
}

static void
json_add_tool (JsonBuilder *b, const CbReport *report)
{
  const char *version = report->platform && report->platform->concbench_version
                            ? report->platform->concbench_version
                            : PACKAGE_VERSION;
  /* The platform block is what the footer prints too: one source. */
  g_autofree char *abi
      = report->platform
            ? g_strdup_printf ("%u.%u", report->platform->plugin_abi_major,
                               report->platform->plugin_abi_minor)
            : g_strdup_printf ("%d.%d", CB_PLUGIN_ABI_MAJOR,
                               CB_PLUGIN_ABI_MINOR);
  json_builder_set_member_name (b, "tool");
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", "concbench");
  cb_json_add_string (b, "version", version);
  cb_json_add_string (b, "plugin_abi", abi);
  json_builder_end_object (b);
}

static void
json_add_platform (JsonBuilder *b, const CbPlatform *p)
{
  if (p == NULL)
    {
      json_add_null (b, "platform");
      return;
    }
  json_builder_set_member_name (b, "platform");
  json_builder_begin_object (b);
  cb_json_add_string (b, "os", p->os);
  cb_json_add_string (b, "kernel", p->kernel);
  cb_json_add_string (b, "cpu_model", p->cpu_model);
  cb_json_add_int (b, "cpu_count", p->cpu_count);
  cb_json_add_string (b, "glib_version", p->glib_version);
  cb_json_add_string (b, "compiler", p->compiler);
  cb_json_add_string (b, "hostname", p->hostname);
  cb_json_add_string (b, "date", p->date);
  json_builder_end_object (b);
}

/* "3" is a number of runs; anything else ("auto") stays a string. */
static void
json_add_runs_setting (JsonBuilder *b, const char *runs)
{
  guint64 n;
  json_builder_set_member_name (b, "runs");
  if (runs == NULL)
    json_builder_add_null_value (b);
  else if (g_ascii_string_to_unsigned (runs, 10, 0, G_MAXINT64, &n, NULL))
    json_builder_add_int_value (b, (gint64) n);
  else
    cb_json_add_string_value (b, runs);
}

static void
json_add_settings (JsonBuilder *b, const CbReport *report)
{
  const CbSuite *suite = report->suite;
  const CbRunOptions *options = report->options;

  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  cb_json_add_string (b, "suite", suite ? suite->name : NULL);
  cb_json_add_string (b, "suite_source", suite ? suite->source : NULL);
  cb_json_add_string (b, "suite_description", suite ? suite->description : NULL);
  if (options != NULL)
    json_add_uint64 (b, "seed", options->seed);
  else
    json_add_null (b, "seed");
  cb_json_add_double (b, "timeout",
                   options && options->timeout > 0 ? options->timeout : NAN);
  cb_json_add_int (b, "warmups", report->warmups);
  json_add_runs_setting (b, report->runs);
  cb_json_add_string (b, "memory_method",
                   report->memory_sampled ? "tree-pss" : "ru_maxrss");
  cb_json_add_double (b, "memory_interval",
                   report->memory_sampled && options
                           && options->memory_interval > 0
                       ? options->memory_interval
                       : NAN);
  if (options != NULL && options->memory_limit > 0)
    json_add_uint64 (b, "memory_limit", options->memory_limit);
  else
    json_add_null (b, "memory_limit");
  cb_json_add_string (b, "affinity", options ? options->placement.cpus : NULL);
  if (options != NULL && options->placement.has_nice)
    cb_json_add_int (b, "nice", options->placement.nice);
  else
    json_add_null (b, "nice");
  json_builder_end_object (b);
}

static char *
json_to_text (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  g_autofree char *text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* usl.h's fits, present only when a worker sweep could be fitted. */
static void
json_add_scaling_laws (JsonBuilder *b, const CbReport *report)
{
  g_autoptr (GPtrArray) laws = cb_usl_laws (report);
  if (laws->len == 0)
    return;
  json_builder_set_member_name (b, "scaling_laws");
  json_builder_begin_array (b);
  for (guint i = 0; i < laws->len; i++)
    {
      const CbUslLaw *law = laws->pdata[i];
      json_builder_begin_object (b);
      cb_json_add_string (b, "workload_key", law->workload_key);
      cb_json_add_string (b, "strategy", law->label);
      cb_json_add_string (b, "worker_param", law->worker_param);
      cb_json_add_int (b, "points", law->fit.n_points);
      cb_json_add_double (b, "lambda", law->fit.lambda);
      cb_json_add_double (b, "sigma", law->fit.sigma);
      cb_json_add_double (b, "kappa", law->fit.kappa);
      cb_json_add_double (b, "peak_workers", law->fit.peak);
      cb_json_add_double (b, "r_squared", law->fit.r_squared);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static char *
render_report (const CbReport *report)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  cb_json_add_int (b, "schema_version", CB_JSON_SCHEMA_VERSION);
  json_add_tool (b, report);
  json_add_bool (b, "complete", report->complete);
  if (report->interrupted_by != 0)
    cb_json_add_int (b, "interrupted_by", report->interrupted_by);
  else
    json_add_null (b, "interrupted_by");
  json_add_platform (b, report->platform);
  if (report->environment != NULL)
    cb_json_add_environment (b, report->environment);
  json_add_settings (b, report);
  cb_json_add_report_counters (b, report);
  json_builder_set_member_name (b, "benchmarks");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->results->len; i++)
    json_add_benchmark (b, report->results->pdata[i]);
  json_builder_end_array (b);
  json_add_scaling_laws (b, report);
  json_builder_end_object (b);
  return json_to_text (b);
}

/* ---- a comparison ---- */

static void
json_add_results_file (JsonBuilder *b, const char *name, const CbResultsFile *f)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  cb_json_add_string (b, "file", f->path);
  cb_json_add_string (b, "suite", f->suite);
  cb_json_add_string (b, "date", f->date);
  cb_json_add_string (b, "seed", f->seed);
  json_add_bool (b, "complete", f->complete);
  json_builder_end_object (b);
}

static void
json_add_side (JsonBuilder *b, const char *name, const CbResultsBench *bench)
{
  json_builder_set_member_name (b, name);
  if (bench == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  CbStats st;
  cb_results_bench_stats (bench, &st);
  json_builder_begin_object (b);
  cb_json_add_string (b, "status", bench->status);
  cb_json_add_string (b, "error", bench->error);
  cb_json_add_int (b, "n", bench->walls->len);
  cb_json_add_double (b, "mean", bench->walls->len ? st.mean : NAN);
  cb_json_add_double (b, "stddev", bench->walls->len ? st.stddev : NAN);
  json_builder_end_object (b);
}

static void
json_add_compare_row (JsonBuilder *b, const CbCompareRow *r)
{
  const CbResultsBench *any = r->old ? r->old : r->new_;
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", any->name);
  cb_json_add_string (b, "workload_key", any->workload_key);
  cb_json_add_string (b, "strategy", any->strategy);
  cb_json_add_string (b, "status", cb_compare_kind_name (r->kind));
  json_add_side (b, "old", r->old);
  json_add_side (b, "new", r->new_);
  cb_json_add_double (b, "ratio", r->ratio);
  cb_json_add_double (b, "ratio_ci95_low", r->ratio_low);
  cb_json_add_double (b, "ratio_ci95_high", r->ratio_high);
  cb_json_add_double (b, "p_welch", r->p_welch);
  cb_json_add_double (b, "p_mann_whitney", r->p_mw);
  cb_json_add_string (b, "verdict", cb_verdict_text (r->verdict));
  json_builder_end_object (b);
}

/* A pair's "benchmarks" and geometric mean. */
static void
json_add_compare_rows (JsonBuilder *b, const CbComparison *c)
{
  json_builder_set_member_name (b, "benchmarks");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->rows->len; i++)
    json_add_compare_row (b, &g_array_index (c->rows, CbCompareRow, i));
  json_builder_end_array (b);
  cb_json_add_double (b, "geometric_mean_ratio", c->geomean);
  cb_json_add_int (b, "n_ratios", c->n_ratios);
}

/* More than two files: "old" once, then "comparisons", one object per later
 * file ("new" and the members a two-file document has after it). */
static void
json_add_comparisons (JsonBuilder *b, const GPtrArray *comparisons)
{
  json_builder_set_member_name (b, "comparisons");
  json_builder_begin_array (b);
  for (guint i = 0; i < comparisons->len; i++)
    {
      const CbComparison *c = comparisons->pdata[i];
      json_builder_begin_object (b);
      json_add_results_file (b, "new", c->new_);
      json_add_compare_rows (b, c);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static char *
render_comparison (const GPtrArray *comparisons, gboolean color G_GNUC_UNUSED)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const CbComparison *c = comparisons->pdata[0];
  json_builder_begin_object (b);
  cb_json_add_int (b, "schema_version", CB_COMPARE_SCHEMA_VERSION);
  cb_json_add_string (b, "kind", "concbench-compare");
  json_builder_set_member_name (b, "tool");
  json_builder_begin_object (b);
  cb_json_add_string (b, "name", "concbench");
  cb_json_add_string (b, "version", PACKAGE_VERSION);
  json_builder_end_object (b);
  cb_json_add_double (b, "alpha", c->alpha);
  json_add_results_file (b, "old", c->old);
  if (comparisons->len > 1)
    json_add_comparisons (b, comparisons);
  else
    {
      json_add_results_file (b, "new", c->new_);
      json_add_compare_rows (b, c);
    }
  json_builder_end_object (b);

  return json_to_text (b);
}

const CbWriter cb_writer_json = {
  .name = "json",
  .report = render_report,
  .comparison = render_comparison,
};
