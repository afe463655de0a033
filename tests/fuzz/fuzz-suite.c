/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the suite-file parser, cb_suite_load_data.
 *
 * The registry holds the bundled plugins' descriptors, linked into this
 * program (nothing is dlopen'd), and a fake plugin whose parameters cover
 * the types and ranges the bundled ones lack.  Each input is loaded in full
 * and as a preset (scale only).  Invariants: a refused file gets one
 * printable line that starts with the file's name; an accepted one has
 * benchmarks with one-line names and every parameter value within its spec;
 * nothing reads past the data, leaks or takes more than a few seconds. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>

#include "fuzz.h"
#include "suite.h"

#define SOURCE "fuzz.suite"

const CbPluginDesc *api_LTX_concbench_plugin_get_desc (void);
const CbPluginDesc *sieve_LTX_concbench_plugin_get_desc (void);
const CbPluginDesc *sequential_LTX_concbench_plugin_get_desc (void);
const CbPluginDesc *gmainloop_LTX_concbench_plugin_get_desc (void);
const CbPluginDesc *gthreadpool_LTX_concbench_plugin_get_desc (void);
const CbPluginDesc *procpool_LTX_concbench_plugin_get_desc (void);

static const char *const fake_modes[] = { "a", "b", "c", NULL };
static const CbParamSpec fake_workload_params[] = {
  { "label", "free text", "none", CB_PARAM_STRING, 0, 0, NULL },
  { "bytes", "large bound", "0", CB_PARAM_UINT, 0, 1e18, NULL },
  { "ratio", "signed", "0.5", CB_PARAM_DOUBLE, -1, 1, NULL },
  { NULL }
};
static const CbParamSpec fake_strategy_params[] = {
  { "threads", "same name as gthreadpool's", "1", CB_PARAM_UINT, 1, 64, NULL },
  { "mode", "enum", "a", CB_PARAM_ENUM, 0, 0, fake_modes },
  { NULL }
};
static const CbWorkloadClass fake_workload = {
  .name = "fake", .summary = "fuzzing only", .params = fake_workload_params,
};
static const CbStrategyClass fake_strategy = {
  .name = "fake", .summary = "fuzzing only", .params = fake_strategy_params,
};
static const CbPluginDesc fake_desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "fake",
  .version = "0",
  .license = "GPL-3.0-or-later",
  .description = "fuzzing only",
  .workload = &fake_workload,
  .strategy = &fake_strategy,
};

static CbRegistry *registry;

static void
add_plugin (const CbPluginDesc *desc)
{
  CbPlugin *plugin = g_new0 (CbPlugin, 1);
  plugin->desc = desc;
  plugin->path = g_strdup_printf ("(linked in) %s", desc->name);
  g_ptr_array_add (registry->plugins, plugin);
}

static void
check_values (const CbParamSet *set)
{
  for (guint i = 0; i < set->n; i++)
    {
      const CbParamSpec *spec = &set->specs[i];
      const CbValue *v = &set->values[i];
      FUZZ_CHECK (set->texts[i] != NULL, "%s has no text", spec->name);
      switch (spec->type)
        {
        case CB_PARAM_UINT:
          FUZZ_CHECK ((double) v->u >= spec->min && (double) v->u <= spec->max,
                      "%s=%" G_GUINT64_FORMAT " out of range", spec->name,
                      v->u);
          break;
        case CB_PARAM_DOUBLE:
          FUZZ_CHECK (isfinite (v->d) && v->d >= spec->min
                          && v->d <= spec->max,
                      "%s=%g out of range", spec->name, v->d);
          break;
        case CB_PARAM_ENUM:
          FUZZ_CHECK (v->e < g_strv_length ((char **) spec->choices),
                      "%s: choice %u", spec->name, v->e);
          break;
        case CB_PARAM_STRING:
          FUZZ_CHECK (v->s == set->texts[i], "%s: string not its text",
                      spec->name);
          break;
        }
    }
}

static void
load (const char *data, size_t size, gboolean scale_only)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite
      = cb_suite_load_data (registry, data, size, SOURCE, scale_only, &error);
  if (g_getenv ("FUZZ_VERBOSE") != NULL)
    fprintf (stderr, "%s: %s\n", scale_only ? "scale only" : "full",
             suite ? "accepted" : error->message);
  if (suite == NULL)
    {
      fuzz_check_refusal (error, CB_ERROR, CB_ERROR_USAGE, SOURCE ":", FALSE);
      return;
    }
  FUZZ_CHECK (error == NULL, "accepted with an error set");
  FUZZ_CHECK (suite->name != NULL && suite->benchmarks != NULL,
              "suite incomplete");
  FUZZ_CHECK (scale_only || suite->benchmarks->len > 0, "no benchmark");
  FUZZ_CHECK (suite->runs <= 1000000 && suite->warmups <= 1000000,
              "runs %u, warmups %u", suite->runs, suite->warmups);
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      const CbBenchmark *b = suite->benchmarks->pdata[i];
      FUZZ_CHECK (b->name != NULL && b->workload_key != NULL,
                  "benchmark %u unnamed", i);
      fuzz_check_one_line ("benchmark name", b->name, FALSE);
      check_values (b->workload_params);
      check_values (b->strategy_params);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* An exact-size copy without a terminating NUL: the parser is given a
   * length and must not read past it. */
  g_autofree char *copy = g_malloc (size > 0 ? size : 1);
  if (size > 0)
    memcpy (copy, data, size);
  load (copy, size, FALSE);
  load (copy, size, TRUE);
  return 0;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_abort_on_glib_warnings ();
  registry = cb_registry_new ();
  add_plugin (api_LTX_concbench_plugin_get_desc ());
  add_plugin (sieve_LTX_concbench_plugin_get_desc ());
  add_plugin (sequential_LTX_concbench_plugin_get_desc ());
  add_plugin (gmainloop_LTX_concbench_plugin_get_desc ());
  add_plugin (gthreadpool_LTX_concbench_plugin_get_desc ());
  add_plugin (procpool_LTX_concbench_plugin_get_desc ());
  add_plugin (&fake_desc);

  /* Once: the size cap, whatever the content. */
  gsize big = CB_SUITE_FILE_MAX + 1;
  g_autofree char *huge = g_malloc (big);
  memset (huge, '#', big);
  g_autoptr (GError) error = NULL;
  CbSuite *suite
      = cb_suite_load_data (registry, huge, big, SOURCE, FALSE, &error);
  FUZZ_CHECK (suite == NULL && error != NULL
                  && strstr (error->message, "larger than") != NULL,
              "a file over CB_SUITE_FILE_MAX was not refused for its size");
  fuzz_check_refusal (error, CB_ERROR, CB_ERROR_USAGE, SOURCE ":", FALSE);
  return 0;
}
