/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The writer of each format, and cb_report_render() (report.h): the
 * writers use report.c, not the other way round. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "writer.h"

const CbWriter *
cb_writer_for (CbFormat format)
{
  switch (format)
    {
    case CB_FORMAT_JSON: return &cb_writer_json;
    case CB_FORMAT_CSV: return &cb_writer_csv;
    case CB_FORMAT_MARKDOWN: return &cb_writer_markdown;
    case CB_FORMAT_TABLE:
    default: return &cb_writer_table;
    }
}

char *
cb_report_render (const CbReport *report, CbFormat format)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (report->results != NULL, NULL);
  return cb_writer_for (format)->report (report);
}
