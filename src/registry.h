/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plugin discovery: every candidate file is opened with libltdl, checked, and
 * either registered or recorded as a problem with its path and reason. */
#pragma once

#include <ltdl.h>

#include <concbench/plugin.h>

typedef struct {
  const CbPluginDesc *desc;
  char *path;
  lt_dlhandle handle;
} CbPlugin;

typedef struct {
  char *path;
  char *reason;
} CbProblem;

typedef struct {
  GPtrArray *plugins;  /* CbPlugin*, in load order */
  GPtrArray *problems; /* CbProblem* */
} CbRegistry;

/* Directories to search, in order: explicit dirs, then CONCBENCH_PLUGIN_PATH,
 * then the installed plugin directory.  Relative entries of the environment
 * variable are refused (recorded as problems), never the current directory. */
GStrv cb_registry_search_path (const char *const *explicit_dirs,
                               GPtrArray *problems);

/* The directories named with --plugin-dir must be directories: an absent
 * one on CONCBENCH_PLUGIN_PATH is normal, but a --plugin-dir that names
 * nothing or a plain file is a typo to report (CB_ERROR_USAGE, naming it),
 * not a search that silently finds no plugin.  dirs may be NULL. */
gboolean cb_registry_check_plugin_dirs (const char *const *dirs,
                                        GError **error);

CbRegistry *cb_registry_new (void);
void cb_registry_free (CbRegistry *registry);
void cb_registry_scan (CbRegistry *registry, const char *const *dirs);
/* Loads the one plugin file path, with the checks a scan makes (the worker
 * program rebuilding a benchmark); returns it, or NULL with the reason.  A
 * path already registered (a built-in plugin's) is returned as it is. */
const CbPlugin *cb_registry_load_file (CbRegistry *registry, const char *path,
                                       GError **error);
/* Loads the plugins linked into a static build; a no-op otherwise. */
void cb_registry_load_preloaded (CbRegistry *registry);

const CbPlugin *cb_registry_find_workload (const CbRegistry *registry,
                                           const char *name);
const CbPlugin *cb_registry_find_strategy (const CbRegistry *registry,
                                           const char *name);
/* What a strategy declared of itself (ABI 1.1 fields); a plugin built
 * against 1.0 declared nothing: no flags, no worker-count parameter. */
gsize cb_plugin_strategy_flags (const CbPlugin *plugin);
const char *cb_plugin_worker_param (const CbPlugin *plugin);
/* What a workload declared of itself (ABI 1.2 fields); an older plugin has
 * no state machine and declares no resources (both zeroed). */
gboolean cb_plugin_workload_has_steps (const CbPlugin *plugin);
void cb_plugin_workload_resources (const CbPlugin *plugin, gpointer workload,
                                   CbResources *fixed, CbResources *per_item);
/* ABI 1.4: 0 (bytes) and FALSE/0 (compute) for an older plugin or one that
 * declares neither. */
guint64 cb_plugin_workload_item_bytes (const CbPlugin *plugin,
                                       gpointer workload, guint item);
gboolean cb_plugin_workload_has_compute (const CbPlugin *plugin);
double cb_plugin_workload_item_compute (const CbPlugin *plugin,
                                        gpointer workload, guint item);
/* The first strategy flagged CB_STRATEGY_BASELINE, in load order; NULL if
 * none is loaded. */
const CbPlugin *cb_registry_find_baseline (const CbRegistry *registry);

/* Names of all workloads (or strategies), for messages and completion. */
char *cb_registry_list_names (const CbRegistry *registry, gboolean workloads);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbRegistry, cb_registry_free)
