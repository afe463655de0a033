/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The exactly-once and digest checks on a finished run's result area. */
#pragma once

#include <glib.h>

#include "shared-area.h"

/* Remembers, per workload key, the digests the first successful run of that
 * workload produced, which every later run must reproduce. */
typedef struct CbVerifier CbVerifier;

CbVerifier *cb_verifier_new (void);
void cb_verifier_free (CbVerifier *verifier);
/* FALSE, with a CB_RUN_ERROR_FAILED naming the items, when an item was not
 * completed exactly once, with the digest its workload run returned and the
 * one earlier runs of workload_key gave. */
gboolean cb_verifier_check_items (CbVerifier *verifier,
                                  const char *workload_key,
                                  const Shared *shared, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbVerifier, cb_verifier_free)
