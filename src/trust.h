/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether a path may be trusted with code that runs as the user running
 * concbench (often root): nobody else may be able to change the file, or
 * what its path resolves to. */
#pragma once

#include <glib.h>

typedef enum {
  CB_TRUST_FILE,           /* a regular file */
  CB_TRUST_DIR,            /* a directory */
  CB_TRUST_FILE_OR_ABSENT, /* a regular file, or nothing nobody else can
                            * create */
} CbTrustWant;

/* Follows path (relative: to the current directory) component by
 * component, symbolic links included, and checks, as OpenSSH's StrictModes
 * and sudo do:
 *  - every directory looked up in, and the object reached, is owned by root
 *    or by the user running concbench;
 *  - none is writable by group or others, a group being allowed when it is
 *    its owner's own user-private group;
 *  - except that a directory others may write to is allowed on the way when
 *    it is sticky (like /tmp) and the entry looked up in it is owned by root
 *    or by the user running concbench: only they may rename or remove it.
 *    The object reached, and a directory where an absent file would be
 *    created, get no such exception.
 * On refusal, error (CB_ERROR_FAILED) names the path that broke the rule
 * and why. */
gboolean cb_trust_check (const char *path, CbTrustWant want, GError **error);
