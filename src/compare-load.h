/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What compare says of open-loop rows (issue 16): for each compared row
 * that has a load in both files, its p99 response and verdict, old and
 * new.  A version 1 file has none. */
#pragma once

#include "compare.h"
#include "list.h"

/* An empty list when no compared row ran open-loop in both files. */
CbList *cb_comparison_load_list (const CbComparison *c, CbTextFunc text);
