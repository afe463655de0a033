/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "list.h"

#include "format.h"

#define ANSI_RESET "\033[0m"

struct CbList {
  GPtrArray *texts;   /* char* */
  GPtrArray *details; /* char*, or NULL */
};

CbList *
cb_list_new (void)
{
  CbList *list = g_new0 (CbList, 1);
  list->texts = g_ptr_array_new_with_free_func (g_free);
  list->details = g_ptr_array_new_with_free_func (g_free);
  return list;
}

void
cb_list_free (CbList *list)
{
  if (list == NULL)
    return;
  g_ptr_array_unref (list->texts);
  g_ptr_array_unref (list->details);
  g_free (list);
}

void
cb_list_add_item (CbList *list, char *text, char *detail)
{
  g_ptr_array_add (list->texts, text);
  g_ptr_array_add (list->details, detail);
}

guint
cb_list_len (const CbList *list)
{
  return list->texts->len;
}

void
cb_list_append_text (GString *out, const CbList *list, const char *heading,
                     const char *color)
{
  if (cb_list_len (list) == 0)
    return;
  g_string_append_printf (out, "\n%s\n", heading);
  for (guint i = 0; i < list->texts->len; i++)
    {
      const char *detail = list->details->pdata[i];
      /* The colour must not span the '\n'. */
      g_string_append_printf (out, "%s  %s%s\n", color ? color : "",
                              (const char *) list->texts->pdata[i],
                              color ? ANSI_RESET : "");
      if (detail != NULL)
        g_string_append_printf (out, "    %s\n", detail);
    }
}

void
cb_list_append_markdown (GString *out, const CbList *list,
                         const char *heading)
{
  if (cb_list_len (list) == 0)
    return;
  g_autofree char *title = cb_text_markdown (heading);
  g_string_append_printf (out, "\n**%s**\n\n", title);
  for (guint i = 0; i < list->texts->len; i++)
    {
      const char *detail = list->details->pdata[i];
      g_string_append_printf (out, "- %s%s%s\n",
                              (const char *) list->texts->pdata[i],
                              detail ? ": " : "", detail ? detail : "");
    }
}
