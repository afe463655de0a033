/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test and benchmark workload: a large parent.  create allocates mib MiB
 * and touches every page, as a big in-memory program would hold its data,
 * then the items are trivial, so a row measures what the strategy's process
 * model costs in such a parent: fork() copies its page tables (procpool
 * once per worker, forkeach once per item), posix_spawn does not.
 *
 * The ballast is the parent's alone: an item server (which sets
 * CONCBENCH_ITEM_SERVER) rebuilds the items without it, as a real helper
 * would not load its parent's data. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <concbench/plugin.h>

typedef struct {
  guint items;
  guint64 seed;
  gsize bytes;
  void *ballast;
} Ballast;

static const CbParamSpec ballast_params[] = {
  { "items", "number of items", "1000", CB_PARAM_UINT, 1, 1000000, NULL },
  { "mib", "MiB the parent allocates and touches before execute", "1024",
    CB_PARAM_UINT, 0, 65536, NULL },
  { NULL }
};

static gpointer
ballast_create (const CbParams *params, guint64 seed, GError **error)
{
  Ballast *b = g_new0 (Ballast, 1);
  const char *server = g_getenv ("CONCBENCH_ITEM_SERVER");

  b->items = cb_params_get_uint (params, "items");
  b->seed = seed;
  if (server != NULL && *server != '\0')
    return b;
  b->bytes = (gsize) cb_params_get_uint (params, "mib") * 1024 * 1024;
  if (b->bytes == 0)
    return b;
  /* Small pages, as most heaps are: each is a page-table entry fork()
   * copies. */
  b->ballast = mmap (NULL, b->bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b->ballast == MAP_FAILED)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot map %" G_GSIZE_FORMAT " bytes of ballast",
                   b->bytes);
      g_free (b);
      return NULL;
    }
#ifdef MADV_NOHUGEPAGE
  madvise (b->ballast, b->bytes, MADV_NOHUGEPAGE);
#endif
  memset (b->ballast, 0x5a, b->bytes);
  return b;
}

static void
ballast_destroy (gpointer w)
{
  Ballast *b = w;

  if (b->ballast != NULL)
    munmap (b->ballast, b->bytes);
  g_free (b);
}

static guint
ballast_n_items (gpointer w)
{
  return ((Ballast *) w)->items;
}

/* A few nanoseconds: the item itself must not hide the process model. */
static gboolean
ballast_run (gpointer w, guint item, guint64 *digest, GError **error)
{
  Ballast *b = w;
  guint64 x = b->seed ^ ((guint64) item * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  x ^= x >> 31;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  *digest = x ^ (x >> 29);
  return TRUE;
}

static const CbWorkloadClass ballast_workload = {
  .name = "ballast",
  .summary = "test workload: trivial items in a parent of mib MiB",
  .params = ballast_params,
  .create = ballast_create,
  .destroy = ballast_destroy,
  .n_items = ballast_n_items,
  .run = ballast_run,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "ballast",
  .version = "0.1",
  .license = "GPL-3.0-or-later",
  .description = "test workload: a large parent",
  .workload = &ballast_workload,
};

CB_PLUGIN_DEFINE (ballast, desc)
