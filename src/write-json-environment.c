/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "environment" object of the results JSON: what environment.c read,
 * unknowns as null, and the warnings with their fixes. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "write-json-environment.h"
#include "json-members.h"

#include <math.h>

#define NOT_EXPOSED "not exposed"

/* An integer that is unknown when negative. */
static void
add_count (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  if (v >= 0)
    json_builder_add_int_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_warnings (JsonBuilder *b, const GPtrArray *warnings)
{
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    {
      const CbEnvWarning *w = warnings->pdata[i];
      json_builder_begin_object (b);
      cb_json_add_string (b, "severity",
                  w->severity == CB_ENV_NOTE ? "note" : "warning");
      cb_json_add_string (b, "code", w->code);
      cb_json_add_string (b, "message", w->message);
      cb_json_add_string (b, "fix", w->fix);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_cpu (JsonBuilder *b, const CbEnvironment *env)
{
  add_count (b, "cpu_count", env->cpu_count);
  cb_json_add_string (b, "governor", env->governor ? env->governor : NOT_EXPOSED);
  cb_json_add_string (b, "turbo", env->turbo ? env->turbo : NOT_EXPOSED);
  cb_json_add_string (b, "smt", env->smt);
  cb_json_add_string (b, "isolated_cpus", env->isolated);
  /* 0 is "no quota": null, as a number of CPUs would mislead. */
  cb_json_add_double (b, "cpu_quota", env->cpu_quota > 0 ? env->cpu_quota : NAN);
  cb_json_add_string (b, "cpu_quota_source", env->cpu_quota_source);
}

static void
add_hypervisor (JsonBuilder *b, const CbEnvironment *env)
{
  cb_json_add_string (b, "hypervisor", cb_environment_hypervisor (env));
  json_builder_set_member_name (b, "hypervisor_flag");
  json_builder_add_boolean_value (b, env->hypervisor_flag);
  cb_json_add_string (b, "hypervisor_type", env->hypervisor_type);
  cb_json_add_string (b, "hypervisor_vendor", env->hypervisor_vendor);
}

void
cb_json_add_environment (JsonBuilder *b, const CbEnvironment *env)
{
  json_builder_set_member_name (b, "environment");
  json_builder_begin_object (b);
  add_cpu (b, env);
  cb_json_add_double (b, "load_average_start", env->load_start);
  add_count (b, "runnable_start", env->runnable_start);
  cb_json_add_double (b, "load_average_end", env->load_end);
  add_count (b, "runnable_end", env->runnable_end);
  add_hypervisor (b, env);
  add_count (b, "timer_slack_ns", env->timer_slack_ns);
  cb_json_add_string (b, "transparent_hugepages", env->thp);
  add_count (b, "aslr", env->aslr);
  add_warnings (b, env->warnings);
  json_builder_end_object (b);
}
