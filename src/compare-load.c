/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "compare-load.h"

#include "format.h"

static char *
load_text (const CbLoadSummary *l)
{
  g_autofree char *p99 = cb_fmt_general (l->response_p99 * 1e3, 3);
  g_autofree char *rate = cb_fmt_general (l->achieved_rate, 4);
  return g_strdup_printf ("%s ms, %s/s, %s", p99, rate,
                          l->kept_up ? "kept up" : "fell behind");
}

CbList *
cb_comparison_load_list (const CbComparison *c, CbTextFunc text)
{
  CbList *list = cb_list_new ();
  for (guint i = 0; i < c->rows->len; i++)
    {
      const CbCompareRow *r = &g_array_index (c->rows, CbCompareRow, i);
      if (r->kind != CB_COMPARE_COMPARED || !r->old->load.open
          || !r->new_->load.open)
        continue;
      g_autofree char *old = load_text (&r->old->load);
      g_autofree char *new_ = load_text (&r->new_->load);
      g_autofree char *line = g_strdup_printf (
          "%s: p99 response, achieved rate, verdict: %s -> %s", r->old->name,
          old, new_);
      cb_list_add_item (list, text (line), NULL);
    }
  return list;
}
