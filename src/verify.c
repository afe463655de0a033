/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exactly once, with the right digest: what a finished run must show. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "verify.h"

#include "runner.h"

struct CbVerifier {
  /* workload key -> GArray of guint64, one digest per item. */
  GHashTable *reference;
};

CbVerifier *
cb_verifier_new (void)
{
  CbVerifier *verifier = g_new0 (CbVerifier, 1);
  verifier->reference = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  return verifier;
}

void
cb_verifier_free (CbVerifier *verifier)
{
  if (verifier == NULL)
    return;
  g_hash_table_unref (verifier->reference);
  g_free (verifier);
}

/* Appends "3, 7, 9 (and N more)" style lists to a message; total counts
 * the items, of which the array may hold only the first. */
static void
append_items (GString *s, const GArray *items, guint total)
{
  for (guint i = 0; i < items->len && i < 10; i++)
    g_string_append_printf (s, "%s%u", i ? ", " : "",
                            g_array_index (items, guint, i));
  if (total > 10)
    g_string_append_printf (s, " (and %u more)", total - 10);
}

/* The items complete() was called for that the job does not have. */
static GArray *
out_of_range_items (const Shared *shared, guint *total)
{
  guint n = shared->n_out_of_range > 0 ? (guint) shared->n_out_of_range : 0;
  GArray *items = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n && i < OUT_OF_RANGE_MAX; i++)
    g_array_append_val (items, shared->out_of_range[i]);
  *total = n;
  return items;
}

/* What went wrong with the items, "" when nothing did: each problem once,
 * with the items it concerns. */
static char *
describe_problems (const Shared *shared, const GArray *ref)
{
  g_autoptr (GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) repeated = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) misreported = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) different = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_beyond;
  g_autoptr (GArray) beyond = out_of_range_items (shared, &n_beyond);
  g_autofree char *beyond_what = g_strdup_printf (
      "completed out of range (%u items): items ", shared->n_items);

  for (guint i = 0; i < shared->n_items; i++)
    {
      const ItemRecord *rec = &shared->items[i];
      if (rec->completions == 0)
        g_array_append_val (missing, i);
      else if (rec->completions > 1)
        g_array_append_val (repeated, i);
      else if (rec->digest != rec->run_digest)
        g_array_append_val (misreported, i);
      else if (ref && g_array_index (ref, guint64, i) != rec->digest)
        g_array_append_val (different, i);
    }

  GString *msg = g_string_new (NULL);
  const struct { GArray *items; guint total; const char *what; } problems[] = {
    { beyond, n_beyond, beyond_what },
    { missing, missing->len, "never completed: items " },
    { repeated, repeated->len, "completed more than once: items " },
    { misreported, misreported->len,
      "completed with a digest the workload did not return: items " },
    { different, different->len,
      "digests differ from an earlier run of the same workload: items " },
  };
  for (guint p = 0; p < G_N_ELEMENTS (problems); p++)
    if (problems[p].total > 0)
      {
        g_string_append_printf (msg, "%s%s", msg->len ? "; " : "",
                                problems[p].what);
        append_items (msg, problems[p].items, problems[p].total);
      }
  return g_string_free (msg, FALSE);
}

gboolean
cb_verifier_check_items (CbVerifier *verifier, const char *workload_key,
                         const Shared *shared, GError **error)
{
  GArray *ref = g_hash_table_lookup (verifier->reference, workload_key);
  guint n = shared->n_items;

  if (ref != NULL && ref->len != n)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "the workload had %u items in an earlier run and %u now",
                   ref->len, n);
      return FALSE;
    }
  g_autofree char *problems = describe_problems (shared, ref);
  if (problems[0] != '\0')
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED, "%s", problems);
      return FALSE;
    }
  if (ref == NULL)
    {
      ref = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n);
      for (guint i = 0; i < n; i++)
        g_array_append_val (ref, shared->items[i].digest);
      g_hash_table_insert (verifier->reference, g_strdup (workload_key), ref);
    }
  return TRUE;
}
