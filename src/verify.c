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

/* Appends "3, 7, 9 (and N more)" style lists to a message. */
static void
append_items (GString *s, const GArray *items)
{
  for (guint i = 0; i < items->len && i < 10; i++)
    g_string_append_printf (s, "%s%u", i ? ", " : "",
                            g_array_index (items, guint, i));
  if (items->len > 10)
    g_string_append_printf (s, " (and %u more)", items->len - 10);
}

gboolean
cb_verifier_check_items (CbVerifier *verifier, const char *workload_key,
                         const Shared *shared, GError **error)
{
  g_autoptr (GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) repeated = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) misreported = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) different = g_array_new (FALSE, FALSE, sizeof (guint));
  GArray *ref = g_hash_table_lookup (verifier->reference, workload_key);
  guint n = shared->n_items;

  if (ref != NULL && ref->len != n)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED,
                   "the workload had %u items in an earlier run and %u now",
                   ref->len, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
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
  const struct { GArray *items; const char *what; } problems[] = {
    { missing, "never completed: items " },
    { repeated, "completed more than once: items " },
    { misreported, "completed with a digest the workload did not return: "
                   "items " },
    { different, "digests differ from an earlier run of the same workload: "
                 "items " },
  };
  for (guint p = 0; p < G_N_ELEMENTS (problems); p++)
    if (problems[p].items->len > 0)
      {
        g_string_append_printf (msg, "%s%s", msg->len ? "; " : "",
                                problems[p].what);
        append_items (msg, problems[p].items);
      }
  if (msg->len > 0)
    {
      g_set_error (error, CB_RUN_ERROR, CB_RUN_ERROR_FAILED, "%s", msg->str);
      g_string_free (msg, TRUE);
      return FALSE;
    }
  g_string_free (msg, TRUE);
  if (ref == NULL)
    {
      ref = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n);
      for (guint i = 0; i < n; i++)
        g_array_append_val (ref, shared->items[i].digest);
      g_hash_table_insert (verifier->reference, g_strdup (workload_key), ref);
    }
  return TRUE;
}
