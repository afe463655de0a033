/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin listings of --list-plugins and --list-plugins=names; see
 * listing.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "listing.h"

#include "format.h"
#include "params.h"
#include "table.h"

/* A field of cb_listing_plugin_names(): one word for `read`. */
static char *
word_text (const char *s)
{
  g_autofree char *clipped = cb_text_clip (s != NULL ? s : "-", CB_TEXT_MAX);
  char *valid = g_utf8_make_valid (clipped, -1);
  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f || *p == '|')
      *p = '_';
  return valid;
}

static const char *
plugin_kind (const CbPluginDesc *desc)
{
  if (desc->workload != NULL && desc->strategy != NULL)
    return "workload+strategy";
  return desc->workload != NULL ? "workload" : "strategy";
}

static char *
number_text (double v)
{
  return cb_fmt_general (v, 15);
}

/* A broken plugin may declare any number of choices: the joined text is
 * bounded like any other descriptor string. */
static char *
choices_text (const char *const *choices)
{
  if (choices == NULL || choices[0] == NULL)
    return g_strdup ("-");
  GString *s = g_string_new (NULL);
  for (guint i = 0; choices[i] != NULL && s->len <= CB_TEXT_MAX; i++)
    {
      g_autofree char *choice = cb_text_display (choices[i]);
      g_string_append_printf (s, "%s%s", i ? "|" : "", choice);
    }
  g_autofree char *joined = g_string_free (s, FALSE);
  return cb_text_display (joined);
}

static char *
param_range_text (const CbParamSpec *spec)
{
  switch (spec->type)
    {
    case CB_PARAM_UINT:
    case CB_PARAM_DOUBLE:
      {
        g_autofree char *min = number_text (spec->min);
        g_autofree char *max = number_text (spec->max);
        return g_strdup_printf ("[%s, %s]", min, max);
      }
    case CB_PARAM_ENUM: return choices_text (spec->choices);
    case CB_PARAM_STRING:
    default: return g_strdup ("-");
    }
}

enum { PCOL_NAME, PCOL_TYPE, PCOL_DEFAULT, PCOL_RANGE, PCOL_HELP, N_PCOLS };

static void
add_param_row (CbTable *table, const CbParamSpec *spec)
{
  g_autofree char *def = spec->default_value && spec->default_value[0] == '\0'
                              ? g_strdup ("\"\"")
                              : cb_text_display (spec->default_value);
  guint row = cb_table_add_row (table, CB_TONE_NONE);
  cb_table_set_cell (table, row, PCOL_NAME, cb_text_display (spec->name),
                     CB_TONE_NONE);
  cb_table_set_cell (table, row, PCOL_TYPE,
                     g_strdup (cb_param_type_name (spec->type)), CB_TONE_NONE);
  cb_table_set_cell (table, row, PCOL_DEFAULT,
                     g_strdup_printf ("default %s", def), CB_TONE_NONE);
  cb_table_set_cell (table, row, PCOL_RANGE, param_range_text (spec),
                     CB_TONE_NONE);
  cb_table_set_cell (table, row, PCOL_HELP, cb_text_display (spec->help),
                     CB_TONE_NONE);
}

/* A table without a header, every column left-aligned. */
static void
list_append_params (GString *out, const CbParamSpec *specs)
{
  guint n = cb_param_specs_count (specs);
  if (n == 0)
    {
      g_string_append (out, "      (no parameters)\n");
      return;
    }
  g_autoptr (CbTable) table = cb_table_new (N_PCOLS);
  for (guint i = 0; i < n; i++)
    add_param_row (table, &specs[i]);
  cb_table_append_text (out, table, "      ", FALSE);
}

static void
list_append_class (GString *out, const char *kind, const char *name,
                   const char *summary, const CbParamSpec *specs)
{
  g_autofree char *name_text = cb_text_display (name);
  g_autofree char *summary_text = cb_text_display (summary);
  g_string_append_printf (out, "    %s %s: %s\n", kind, name_text,
                          summary_text);
  list_append_params (out, specs);
}

/* What a strategy declared of itself (ABI 1.1), which the core's
 * speedup, efficiency and --plot go by. */
static void
list_append_declarations (GString *out, const CbPlugin *plugin)
{
  const char *workers = cb_plugin_worker_param (plugin);
  if (workers != NULL)
    {
      g_autofree char *text = cb_text_display (workers);
      g_string_append_printf (out, "      worker count: %s\n", text);
    }
  if (cb_plugin_strategy_flags (plugin) & CB_STRATEGY_BASELINE)
    g_string_append (out, "      baseline: speedup and efficiency are "
                          "measured against it\n");
}

static void
list_append_plugin (GString *out, const CbPlugin *plugin)
{
  const CbPluginDesc *desc = plugin->desc;
  g_autofree char *name = cb_text_display (desc->name);
  g_autofree char *version = cb_text_display (desc->version);
  g_autofree char *license = cb_text_display (desc->license);
  g_autofree char *description = cb_text_display (desc->description);
  g_autofree char *path = cb_text_display (plugin->path);

  g_string_append_printf (out, "  %s (%s), version %s, license %s, "
                               "plugin ABI %u.%u\n",
                          name, plugin_kind (desc), version, license,
                          desc->abi_major, desc->abi_minor);
  g_string_append_printf (out, "    %s\n    file: %s\n", description, path);
  if (desc->workload != NULL)
    list_append_class (out, "workload", desc->workload->name,
                       desc->workload->summary, desc->workload->params);
  if (desc->strategy != NULL)
    {
      list_append_class (out, "strategy", desc->strategy->name,
                         desc->strategy->summary, desc->strategy->params);
      list_append_declarations (out, plugin);
    }
}

static void
list_append_search_path (GString *out, const char *const *search_path)
{
  if (search_path == NULL || search_path[0] == NULL)
    {
      g_string_append (out, "Search path: (empty)\n");
      return;
    }
  g_string_append (out, "Search path:\n");
  for (guint i = 0; search_path[i] != NULL; i++)
    {
      g_autofree char *dir = cb_text_display (search_path[i]);
      g_string_append_printf (out, "  %s\n", dir);
    }
}

static void
list_append_problems (GString *out, GPtrArray *problems)
{
  if (problems == NULL || problems->len == 0)
    {
      g_string_append (out, "Problems: none\n");
      return;
    }
  g_string_append (out, "Problems:\n");
  for (guint i = 0; i < problems->len; i++)
    {
      const CbProblem *problem = problems->pdata[i];
      g_autofree char *path = cb_text_display (problem->path);
      g_autofree char *reason = cb_text_display (problem->reason);
      g_string_append_printf (out, "  %s: %s\n", path, reason);
    }
}

char *
cb_listing_plugins (const CbRegistry *registry,
                        const char *const *search_path)
{
  g_return_val_if_fail (registry != NULL, NULL);
  GString *out = g_string_new (NULL);

  if (registry->plugins == NULL || registry->plugins->len == 0)
    g_string_append (out, "Plugins: none\n");
  else
    {
      g_string_append (out, "Plugins:\n");
      for (guint i = 0; i < registry->plugins->len; i++)
        list_append_plugin (out, registry->plugins->pdata[i]);
    }
  g_string_append_c (out, '\n');
  list_append_search_path (out, search_path);
  g_string_append_c (out, '\n');
  list_append_problems (out, registry->problems);
  return g_string_free (out, FALSE);
}

static void
names_append_class (GString *out, const char *kind, const char *name,
                    const CbParamSpec *specs)
{
  g_autofree char *owner = word_text (name);
  g_string_append_printf (out, "%s %s\n", kind, owner);
  for (guint i = 0; specs != NULL && specs[i].name != NULL; i++)
    {
      g_autofree char *param = word_text (specs[i].name);
      g_string_append_printf (out, "param %s %s %s", owner, param,
                              cb_param_type_name (specs[i].type));
      for (guint c = 0; specs[i].type == CB_PARAM_ENUM && specs[i].choices
                        && specs[i].choices[c] != NULL;
           c++)
        {
          g_autofree char *choice = word_text (specs[i].choices[c]);
          g_string_append_printf (out, "%c%s", c ? '|' : ' ', choice);
        }
      g_string_append_c (out, '\n');
    }
}

char *
cb_listing_plugin_names (const CbRegistry *registry)
{
  g_return_val_if_fail (registry != NULL, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; registry->plugins != NULL && i < registry->plugins->len;
       i++)
    {
      const CbPluginDesc *desc
          = ((const CbPlugin *) registry->plugins->pdata[i])->desc;
      if (desc->workload != NULL)
        names_append_class (out, "workload", desc->workload->name,
                            desc->workload->params);
      if (desc->strategy != NULL)
        names_append_class (out, "strategy", desc->strategy->name,
                            desc->strategy->params);
    }
  return g_string_free (out, FALSE);
}
