/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Facts about the machine a result was measured on. */
#pragma once

#include <glib.h>

typedef struct {
  char *os;          /* "Debian GNU/Linux 12 (bookworm)" */
  char *kernel;      /* "Linux 6.1.0-18-amd64 x86_64" */
  char *cpu_model;
  guint cpu_count;   /* online */
  char *concbench_version;
  guint plugin_abi_major, plugin_abi_minor;
  char *glib_version;    /* the one running, not the one built against */
  char *compiler;
  char *hostname;
  char *date;        /* ISO 8601, UTC */
} CbPlatform;

CbPlatform *cb_platform_detect (void);
void cb_platform_free (CbPlatform *platform);
/* "Linux 6.1 x86_64, Debian 12; 2 x Intel(R) ...; concbench 0.1.0, ..." */
char *cb_platform_summary (const CbPlatform *platform);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbPlatform, cb_platform_free)
