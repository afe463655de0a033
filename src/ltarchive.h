/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What libltdl maps when it opens a libtool archive (.la), read the way
 * libltdl 2.4 reads one, so that the files can be checked before it runs
 * any of their code. */
#pragma once

#include <glib.h>

/* The module files that lt_dlopen (la_path) may map, in the order libltdl
 * tries them: libdir/dlname for an installed archive (installed=yes, or no
 * such line), .libs/dlname beside an uninstalled one, then dlname beside
 * it; dlname is the last of library_names when the archive names none.
 * Whether they exist is not checked.  A line libltdl would fail on is
 * skipped, so the list holds at least every file libltdl may map.  NULL,
 * with error, if the archive cannot be read, holds a NUL
 * byte or is larger than any libtool archive. */
GStrv cb_ltarchive_modules (const char *la_path, GError **error);
