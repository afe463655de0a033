/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "registry.h"

#include <string.h>
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "ltarchive.h"
#include "params.h"
#include "trust.h"

#define ENTRY_SYMBOL "concbench_plugin_get_desc"

typedef const CbPluginDesc *(*CbGetDescFunc) (void);

static void
plugin_free (gpointer data)
{
  CbPlugin *plugin = data;
  /* Modules stay mapped until exit: worker processes and GLib may still hold
   * pointers into them (quarks, type names), and unloading buys nothing. */
  g_free (plugin->path);
  g_free (plugin);
}

static void
problem_free (gpointer data)
{
  CbProblem *problem = data;
  g_free (problem->path);
  g_free (problem->reason);
  g_free (problem);
}

static void
add_problem (GPtrArray *problems, const char *path, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

static void
add_problem (GPtrArray *problems, const char *path, const char *fmt, ...)
{
  CbProblem *problem = g_new0 (CbProblem, 1);
  va_list ap;
  va_start (ap, fmt);
  problem->path = g_strdup (path);
  problem->reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_ptr_array_add (problems, problem);
}

CbRegistry *
cb_registry_new (void)
{
  CbRegistry *registry = g_new0 (CbRegistry, 1);
  registry->plugins = g_ptr_array_new_with_free_func (plugin_free);
  registry->problems = g_ptr_array_new_with_free_func (problem_free);
  lt_dlinit ();
  return registry;
}

void
cb_registry_free (CbRegistry *registry)
{
  if (registry == NULL)
    return;
  g_ptr_array_unref (registry->plugins);
  g_ptr_array_unref (registry->problems);
  g_free (registry);
}

static void
add_dir_once (GPtrArray *dirs, const char *dir)
{
  g_autofree char *canonical = g_canonicalize_filename (dir, NULL);
  for (guint i = 0; i < dirs->len; i++)
    if (strcmp (dirs->pdata[i], canonical) == 0)
      return;
  g_ptr_array_add (dirs, g_steal_pointer (&canonical));
}

GStrv
cb_registry_search_path (const char *const *explicit_dirs, GPtrArray *problems)
{
  GPtrArray *dirs = g_ptr_array_new ();
  const char *env = g_getenv ("CONCBENCH_PLUGIN_PATH");

  for (guint i = 0; explicit_dirs != NULL && explicit_dirs[i] != NULL; i++)
    add_dir_once (dirs, explicit_dirs[i]);
  if (env != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        {
          if (parts[i][0] == '\0')
            continue; /* an empty entry must not mean the current directory */
          if (!g_path_is_absolute (parts[i]))
            add_problem (problems, parts[i],
                         "CONCBENCH_PLUGIN_PATH entry is not an absolute "
                         "path; skipped");
          else
            add_dir_once (dirs, parts[i]);
        }
    }
  /* Like GST_PLUGIN_SYSTEM_PATH: lets tests and relocated installs replace
   * the built-in directory (empty: none). */
  const char *system = g_getenv ("CONCBENCH_PLUGIN_SYSTEM_PATH");
  if (system == NULL)
    add_dir_once (dirs, CB_PLUGIN_DIR);
  else
    {
      g_auto (GStrv) parts = g_strsplit (system, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (g_path_is_absolute (parts[i]))
          add_dir_once (dirs, parts[i]);
    }
  g_ptr_array_add (dirs, NULL);
  return (GStrv) g_ptr_array_free (dirs, FALSE);
}

gboolean
cb_registry_check_plugin_dirs (const char *const *dirs, GError **error)
{
  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    {
      if (g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
        continue;
      cb_set_usage_error (error, "--plugin-dir %s: %s", dirs[i],
                          g_file_test (dirs[i], G_FILE_TEST_EXISTS)
                              ? "not a directory"
                              : "no such directory");
      return FALSE;
    }
  return TRUE;
}

static gboolean
string_is_sane (const char *s, gsize max)
{
  return s != NULL && *s != '\0' && strnlen (s, max + 1) <= max;
}

static gboolean
check_desc (const CbPluginDesc *desc, char **why)
{
  if (desc == NULL)
    *why = g_strdup (ENTRY_SYMBOL "() returned NULL");
  else if (desc->magic != CB_PLUGIN_MAGIC)
    *why = g_strdup_printf ("bad magic 0x%08x (expected 0x%08x): not a "
                            "concbench plugin descriptor",
                            desc->magic, CB_PLUGIN_MAGIC);
  else if (desc->abi_major != CB_PLUGIN_ABI_MAJOR)
    *why = g_strdup_printf ("plugin ABI %u.%u, but concbench speaks %u.%u "
                            "(major versions differ)",
                            desc->abi_major, desc->abi_minor,
                            CB_PLUGIN_ABI_MAJOR, CB_PLUGIN_ABI_MINOR);
  else if (desc->abi_minor > CB_PLUGIN_ABI_MINOR)
    *why = g_strdup_printf ("plugin ABI %u.%u is newer than concbench's "
                            "%u.%u; upgrade concbench",
                            desc->abi_major, desc->abi_minor,
                            CB_PLUGIN_ABI_MAJOR, CB_PLUGIN_ABI_MINOR);
  else if (desc->struct_size < G_STRUCT_OFFSET (CbPluginDesc, reserved))
    *why = g_strdup_printf ("descriptor size %u is too small",
                            desc->struct_size);
  else if (!string_is_sane (desc->name, CB_PLUGIN_NAME_MAX))
    *why = g_strdup_printf ("plugin name is missing, empty or longer than %d "
                            "bytes",
                            CB_PLUGIN_NAME_MAX);
  else if (desc->workload == NULL && desc->strategy == NULL)
    *why = g_strdup_printf ("plugin '%s' provides neither a workload nor a "
                            "strategy",
                            desc->name);
  else
    return TRUE;
  return FALSE;
}

static gboolean
check_workload (const CbWorkloadClass *w, char **why)
{
  if (w == NULL)
    return TRUE;
  if (!string_is_sane (w->name, CB_PLUGIN_NAME_MAX))
    *why = g_strdup ("workload name is missing, empty or too long");
  else if (w->create == NULL || w->destroy == NULL || w->n_items == NULL
           || w->run == NULL)
    *why = g_strdup_printf ("workload '%s' lacks create, destroy, n_items "
                            "or run",
                            w->name);
  else
    return TRUE;
  return FALSE;
}

static gboolean
check_strategy (const CbStrategyClass *s, char **why)
{
  if (s == NULL)
    return TRUE;
  if (!string_is_sane (s->name, CB_PLUGIN_NAME_MAX))
    *why = g_strdup ("strategy name is missing, empty or too long");
  else if (s->execute == NULL || s->slots == NULL)
    *why = g_strdup_printf ("strategy '%s' lacks execute or slots", s->name);
  else
    return TRUE;
  return FALSE;
}

static gboolean
check_params (const CbParamSpec *specs, char **why)
{
  for (guint i = 0; specs != NULL && specs[i].name != NULL; i++)
    {
      CbValue value;
      g_autoptr (GError) error = NULL;
      if (strnlen (specs[i].name, CB_PLUGIN_NAME_MAX + 1) > CB_PLUGIN_NAME_MAX)
        {
          *why = g_strdup ("a parameter name is too long");
          return FALSE;
        }
      if (!cb_param_parse (&specs[i], specs[i].default_value, &value, &error))
        {
          *why = g_strdup_printf ("default value: %s", error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* Every bit CbStrategyFlags defines; a plugin setting another one expects a
 * behaviour this core does not have. */
#define KNOWN_STRATEGY_FLAGS \
  ((gsize) (CB_STRATEGY_BASELINE | CB_STRATEGY_RELAYS_DIGESTS))

static gboolean
check_worker_param (const CbStrategyClass *s, char **why)
{
  const CbParamSpec *spec;
  if (!string_is_sane (s->worker_param, CB_PLUGIN_NAME_MAX))
    *why = g_strdup_printf ("strategy '%s': worker_param is empty or longer "
                            "than %d bytes",
                            s->name, CB_PLUGIN_NAME_MAX);
  else if ((spec = cb_param_specs_find (s->params, s->worker_param)) == NULL)
    *why = g_strdup_printf ("strategy '%s': worker_param '%s' is not one of "
                            "its parameters",
                            s->name, s->worker_param);
  else if (spec->type != CB_PARAM_UINT)
    *why = g_strdup_printf ("strategy '%s': worker_param '%s' is a %s "
                            "parameter; a worker count must be uint",
                            s->name, s->worker_param,
                            cb_param_type_name (spec->type));
  else
    return TRUE;
  return FALSE;
}

/* The ABI 1.1 declarations.  A 1.0 plugin made none: what lies in its
 * reserved words is never read, so it is not checked either. */
static gboolean
check_workload_steps (const CbPluginDesc *desc, char **why)
{
  const CbWorkloadClass *w = desc->workload;
  if (w == NULL || desc->abi_minor < 2 || w->item_start == NULL
      || (w->item_resume != NULL && w->item_free != NULL))
    return TRUE;
  *why = g_strdup_printf ("workload '%s' has item_start but lacks "
                          "item_resume or item_free",
                          w->name);
  return FALSE;
}

static gboolean
check_declarations (const CbPluginDesc *desc, char **why)
{
  const CbStrategyClass *s = desc->strategy;
  if (!check_workload_steps (desc, why))
    return FALSE;
  if (s == NULL || desc->abi_minor < 1)
    return TRUE;
  if (s->flags & ~KNOWN_STRATEGY_FLAGS)
    {
      *why = g_strdup_printf ("strategy '%s' sets unknown flag bits 0x%"
                              G_GSIZE_MODIFIER "x (this concbench knows "
                              "0x%" G_GSIZE_MODIFIER "x)",
                              s->name, s->flags & ~KNOWN_STRATEGY_FLAGS,
                              KNOWN_STRATEGY_FLAGS);
      return FALSE;
    }
  return s->worker_param == NULL || check_worker_param (s, why);
}

const CbPlugin *
cb_registry_find_workload (const CbRegistry *registry, const char *name)
{
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
      if (p->desc->workload && strcmp (p->desc->workload->name, name) == 0)
        return p;
    }
  return NULL;
}

const CbPlugin *
cb_registry_find_strategy (const CbRegistry *registry, const char *name)
{
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
      if (p->desc->strategy && strcmp (p->desc->strategy->name, name) == 0)
        return p;
    }
  return NULL;
}

static const CbPlugin *
find_by_plugin_name (const CbRegistry *registry, const char *name)
{
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
      if (strcmp (p->desc->name, name) == 0)
        return p;
    }
  return NULL;
}

static gboolean
check_duplicates (const CbRegistry *registry, const CbPluginDesc *desc,
                  char **why)
{
  const CbPlugin *other = find_by_plugin_name (registry, desc->name);
  if (other == NULL && desc->workload)
    other = cb_registry_find_workload (registry, desc->workload->name);
  if (other == NULL && desc->strategy)
    other = cb_registry_find_strategy (registry, desc->strategy->name);
  if (other == NULL)
    return TRUE;
  *why = g_strdup_printf ("plugin '%s' duplicates a name already loaded "
                          "from %s",
                          desc->name, other->path);
  return FALSE;
}

/* lt_dlsym looks for MODULE_LTX_concbench_plugin_get_desc first, MODULE
 * being the file's name with every other character than letters and digits
 * made '_' ("hash-chain.so": hash_chain), then for the bare name; its error
 * names only the bare one, which sends a plugin's author looking for the
 * wrong symbol.  Name the one CB_PLUGIN_DEFINE must have made. */
static char *
missing_entry_reason (lt_dlhandle handle)
{
  const lt_dlinfo *info = lt_dlgetinfo (handle);
  if (info == NULL || info->name == NULL)
    return g_strdup_printf ("no entry point " ENTRY_SYMBOL " (%s)",
                            lt_dlerror ());
  return g_strdup_printf ("no entry point %s_LTX_" ENTRY_SYMBOL
                          " (nor " ENTRY_SYMBOL "): CB_PLUGIN_DEFINE's module "
                          "argument must be the file's name, %s",
                          info->name, info->name);
}

/* Validates an opened module and registers it; returns the reason it was
 * refused, or NULL. */
static char *
register_handle (CbRegistry *registry, lt_dlhandle handle, const char *path)
{
  char *why = NULL;
  CbGetDescFunc get_desc = (CbGetDescFunc) lt_dlsym (handle, ENTRY_SYMBOL);
  if (get_desc == NULL)
    return missing_entry_reason (handle);

  const CbPluginDesc *desc = get_desc ();
  if (!check_desc (desc, &why) || !check_workload (desc->workload, &why)
      || !check_strategy (desc->strategy, &why)
      || !check_params (desc->workload ? desc->workload->params : NULL, &why)
      || !check_params (desc->strategy ? desc->strategy->params : NULL, &why)
      || !check_declarations (desc, &why)
      || !check_duplicates (registry, desc, &why))
    return why;

  CbPlugin *plugin = g_new0 (CbPlugin, 1);
  plugin->desc = desc;
  plugin->path = g_strdup (path);
  plugin->handle = handle;
  g_ptr_array_add (registry->plugins, plugin);
  return NULL;
}

/* lt_dlforeachfile offers every file name with its extensions stripped; only
 * names that exist as a libtool archive or a module count as candidates, so a
 * README beside the plugins is not called a broken plugin. */
static char *
candidate_path (const char *stem)
{
  g_autofree char *la = g_strconcat (stem, ".la", NULL);
  g_autofree char *so = g_strconcat (stem, LT_MODULE_EXT, NULL);
  if (g_file_test (la, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&la);
  if (g_file_test (so, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&so);
  return NULL;
}

static gboolean
is_registered (const CbRegistry *registry, lt_dlhandle handle)
{
  for (guint i = 0; i < registry->plugins->len; i++)
    if (((const CbPlugin *) registry->plugins->pdata[i])->handle == handle)
      return TRUE;
  return FALSE;
}

/* libltdl says only "file not found" when no extension it tried could be
 * loaded, even for a file that is there; the system loader tells why (an
 * invalid ELF header, a missing dependency), so ask it, for the message
 * only. */
static char *
open_failure_reason (const char *path, const char *ltdl_reason)
{
#ifdef HAVE_DLFCN_H
  if (!g_str_has_suffix (path, ".la"))
    {
      void *h = dlopen (path, RTLD_LAZY | RTLD_LOCAL);
      if (h == NULL)
        {
          const char *why = dlerror ();
          if (why != NULL)
            return g_strdup (why);
        }
      else
        dlclose (h);
    }
#endif
  return g_strdup (ltdl_reason ? ltdl_reason : "unknown error");
}

/* concbench often runs as root on test machines: loading code that another
 * user could have replaced would hand them root.  So every file that
 * lt_dlopenext (stem) may read or map must be trusted: the candidate and,
 * for a libtool archive, the modules it names and the stem's own module,
 * which libltdl falls back to when the archive's cannot be opened. */
static gboolean
check_trusted (const char *stem, const char *path, char **why)
{
  g_autoptr (GError) error = NULL;
  if (!cb_trust_check (path, CB_TRUST_FILE, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  if (!g_str_has_suffix (path, ".la"))
    return TRUE;
  g_auto (GStrv) modules = cb_ltarchive_modules (path, &error);
  if (modules == NULL)
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  g_autofree char *fallback = g_strconcat (stem, LT_MODULE_EXT, NULL);
  for (guint i = 0; modules[i] != NULL; i++)
    if (!cb_trust_check (modules[i], CB_TRUST_FILE_OR_ABSENT, &error))
      {
        *why = g_strdup_printf ("libtool archive names %s: %s", modules[i],
                                error->message);
        return FALSE;
      }
  if (!cb_trust_check (fallback, CB_TRUST_FILE_OR_ABSENT, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  return TRUE;
}

static int
scan_one_file (const char *stem, void *data)
{
  CbRegistry *registry = data;
  g_autofree char *path = candidate_path (stem);
  g_autofree char *why = NULL;

  if (path == NULL)
    return 0;
  if (!check_trusted (stem, path, &why))
    {
      add_problem (registry->problems, path, "%s", why);
      return 0;
    }

  lt_dlhandle handle = lt_dlopenext (stem);
  if (handle == NULL)
    {
      g_autofree char *reason = open_failure_reason (path, lt_dlerror ());
      add_problem (registry->problems, path, "cannot open: %s", reason);
      return 0;
    }
  if (is_registered (registry, handle))
    {
      /* In a static build, a bundled plugin's libtool archive (say, the
       * build tree's plugins/api.la) opens as the module already preloaded:
       * the same code, not a duplicate. */
      lt_dlclose (handle);
      return 0;
    }
  why = register_handle (registry, handle, path);
  if (why != NULL)
    {
      add_problem (registry->problems, path, "%s", why);
      lt_dlclose (handle);
    }
  return 0;
}

void
cb_registry_scan (CbRegistry *registry, const char *const *dirs)
{
  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_strdup (dirs[i]);
      g_autoptr (GError) error = NULL;

      /* libltdl wants no trailing slash. */
      while (strlen (dir) > 1 && g_str_has_suffix (dir, "/"))
        dir[strlen (dir) - 1] = '\0';
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        continue; /* an absent directory on the path is normal */
      if (!cb_trust_check (dir, CB_TRUST_DIR, &error))
        {
          add_problem (registry->problems, dir, "%s", error->message);
          g_clear_error (&error);
          continue;
        }
      lt_dlforeachfile (dir, scan_one_file, registry);
    }
}

static const CbPlugin *
find_by_path (const CbRegistry *registry, const char *path)
{
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
      if (strcmp (p->path, path) == 0)
        return p;
    }
  return NULL;
}

const CbPlugin *
cb_registry_load_file (CbRegistry *registry, const char *path, GError **error)
{
  const CbPlugin *found = find_by_path (registry, path);
  if (found != NULL)
    return found;
  /* The same stem a scan offers, so the same checks and the same choice
   * between a .la and a module apply. */
  g_autofree char *stem = g_strdup (path);
  if (g_str_has_suffix (stem, ".la"))
    stem[strlen (stem) - strlen (".la")] = '\0';
  else if (g_str_has_suffix (stem, LT_MODULE_EXT))
    stem[strlen (stem) - strlen (LT_MODULE_EXT)] = '\0';
  guint n_problems = registry->problems->len;
  scan_one_file (stem, registry);
  if (registry->problems->len > n_problems)
    {
      const CbProblem *problem = registry->problems->pdata[n_problems];
      g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "%s: %s", problem->path,
                   problem->reason);
      return NULL;
    }
  found = find_by_path (registry, path);
  if (found == NULL)
    g_set_error (error, CB_ERROR, CB_ERROR_FAILED, "%s: no plugin there",
                 path);
  return found;
}

#ifdef CB_STATIC_PLUGINS
static CbRegistry *preload_target;

static int
register_preloaded (lt_dlhandle handle)
{
  const lt_dlinfo *info = lt_dlgetinfo (handle);
  const char *name = info && info->name ? info->name : "(preloaded)";
  g_autofree char *path = g_strdup_printf ("(built in) %s", name);
  g_autofree char *why = register_handle (preload_target, handle, path);
  if (why != NULL)
    add_problem (preload_target->problems, path, "%s", why);
  return 0;
}
#endif

void
cb_registry_load_preloaded (CbRegistry *registry)
{
#ifdef CB_STATIC_PLUGINS
  preload_target = registry;
  /* libtool names a program's own preload list "@PROGRAM@", which NULL
   * selects; "concbench" matched nothing, so no plugin was ever found. */
  lt_dlpreload_open (NULL, register_preloaded);
  preload_target = NULL;
#else
  (void) registry;
#endif
}

char *
cb_registry_list_names (const CbRegistry *registry, gboolean workloads)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
      const char *name = workloads
                             ? (p->desc->workload ? p->desc->workload->name
                                                  : NULL)
                             : (p->desc->strategy ? p->desc->strategy->name
                                                  : NULL);
      if (name != NULL)
        g_string_append_printf (s, "%s%s", s->len ? ", " : "", name);
    }
  return g_string_free (s, FALSE);
}

static gboolean
declares_abi_1_1 (const CbPlugin *plugin)
{
  return plugin->desc->strategy != NULL && plugin->desc->abi_minor >= 1;
}

gsize
cb_plugin_strategy_flags (const CbPlugin *plugin)
{
  return declares_abi_1_1 (plugin) ? plugin->desc->strategy->flags : 0;
}

const char *
cb_plugin_worker_param (const CbPlugin *plugin)
{
  return declares_abi_1_1 (plugin) ? plugin->desc->strategy->worker_param
                                   : NULL;
}

/* ABI 1.2 workload fields: the reserved words of an older plugin are never
 * read. */
static gboolean
declares_abi_1_2 (const CbPlugin *plugin)
{
  return plugin->desc->workload != NULL && plugin->desc->abi_minor >= 2;
}

gboolean
cb_plugin_workload_has_steps (const CbPlugin *plugin)
{
  return declares_abi_1_2 (plugin)
         && plugin->desc->workload->item_start != NULL;
}

void
cb_plugin_workload_resources (const CbPlugin *plugin, gpointer workload,
                              CbResources *fixed, CbResources *per_item)
{
  memset (fixed, 0, sizeof *fixed);
  memset (per_item, 0, sizeof *per_item);
  if (declares_abi_1_2 (plugin) && plugin->desc->workload->resources != NULL)
    plugin->desc->workload->resources (workload, fixed, per_item);
}

/* ABI 1.4 workload fields, likewise never read from an older plugin. */
static gboolean
declares_abi_1_4 (const CbPlugin *plugin)
{
  return plugin->desc->workload != NULL && plugin->desc->abi_minor >= 4;
}

guint64
cb_plugin_workload_item_bytes (const CbPlugin *plugin, gpointer workload,
                               guint item)
{
  if (!declares_abi_1_4 (plugin) || plugin->desc->workload->item_bytes == NULL)
    return 0;
  return plugin->desc->workload->item_bytes (workload, item);
}

gboolean
cb_plugin_workload_has_compute (const CbPlugin *plugin)
{
  return declares_abi_1_4 (plugin)
         && plugin->desc->workload->item_compute != NULL;
}

double
cb_plugin_workload_item_compute (const CbPlugin *plugin, gpointer workload,
                                 guint item)
{
  if (!cb_plugin_workload_has_compute (plugin))
    return 0;
  return plugin->desc->workload->item_compute (workload, item);
}

const CbPlugin *
cb_registry_find_baseline (const CbRegistry *registry)
{
  for (guint i = 0; i < registry->plugins->len; i++)
    {
      const CbPlugin *p = registry->plugins->pdata[i];
      if (cb_plugin_strategy_flags (p) & CB_STRATEGY_BASELINE)
        return p;
    }
  return NULL;
}
