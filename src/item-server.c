/* SPDX-License-Identifier: GPL-3.0-or-later */
/* concbench-worker --serve: the item server.  A process that did not
 * inherit the workload by fork() (spawnpool's helpers, a third-party
 * strategy's) gets a recipe on its standard input, rebuilds the workload
 * with the registry's loading and trust rules, answers READY, then runs the
 * tasks it is sent and answers each item with its digest or an error.  The
 * protocol is plugins/item-wire.h; every message read is bounded, and a
 * malformed one ends the server with an error answer, never a crash. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "item-server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "item-wire.h"
#include "recipe.h"
#include "registry.h"
#include "arrivals.h"
#include "shared-area.h"

typedef struct {
  int in_fd, out_fd; /* the strategy's pipes, away from stdin and stdout */
  CbWireReader reader;
  const CbWorkloadClass *klass;
  CbParamSet *params;
  gpointer workload;
  guint n_items;
  int result_fd; /* the worker's result area, -1: none */
  Shared *shared; /* mapped once the workload is built */
  gsize shared_size;
  /* Open loop: each item's intended arrival, ns after shared->t_start;
   * NULL for a closed batch. */
  double rate;
  CbArrivals arrivals;
  guint64 arrival_seed;
  gint64 *at;
} Server;

typedef enum {
  READ_GOT,
  READ_EOF, /* the strategy closed the pipe between messages: stop */
  READ_FAILED,
} ReadStatus;

static ReadStatus
read_message (Server *s, CbWireMsg *msg, GError **error)
{
  for (;;)
    {
      CbWireStatus st = cb_wire_reader_next (&s->reader, msg, error);
      if (st == CB_WIRE_GOT)
        return READ_GOT;
      if (st == CB_WIRE_BAD)
        return READ_FAILED;
      gssize n = cb_wire_reader_fill (&s->reader, s->in_fd);
      if (n > 0)
        continue;
      if (n == 0 && s->reader.len == 0)
        return READ_EOF;
      if (n == 0)
        g_set_error_literal (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                             "the input ends inside a message");
      else
        g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                     "cannot read the input: %s", g_strerror (errno));
      return READ_FAILED;
    }
}

static void
answer (Server *s, GByteArray *out)
{
  /* A strategy that stopped listening has no use for the rest: SIGPIPE or
   * a failed write end this process alike. */
  if (!cb_wire_write_all (s->out_fd, out->data, out->len))
    _exit (1);
  g_byte_array_set_size (out, 0);
}

static int
fail (Server *s, guint32 item, const GError *error, int status)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  cb_wire_put_error (out, item, error ? error->message : "failed");
  answer (s, out);
  return status;
}

/* Standard input and output become the strategy's private pipes; whatever a
 * plugin prints goes to standard error instead of into the answers. */
static gboolean
take_pipes (Server *s)
{
  int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  s->in_fd = fcntl (0, F_DUPFD_CLOEXEC, 3);
  s->out_fd = fcntl (1, F_DUPFD_CLOEXEC, 3);
  if (null < 0 || s->in_fd < 0 || s->out_fd < 0)
    return FALSE;
  return dup2 (null, 0) == 0 && dup2 (2, 1) == 1 && close (null) == 0;
}

static gboolean
build_workload (Server *s, CbRegistry *registry, const CbWireMsg *msg,
                GError **error)
{
  g_auto (GStrv) strings = NULL;
  guint64 seed;
  const CbPlugin *plugin;

  if (!cb_wire_decode_recipe (msg, &seed, &strings, error))
    return FALSE;
  g_autoptr (GPtrArray) params = g_ptr_array_new ();
  for (guint i = 2; strings[i] != NULL; i++)
    g_ptr_array_add (params, strings[i]);
  /* Kept while the workload lives: it may hold on to its string values. */
  s->params = cb_recipe_build_workload (registry, strings[0], strings[1],
                                        params, &plugin, error);
  if (s->params == NULL)
    return FALSE;
  CbParams view = cb_param_set_view (s->params);
  s->klass = plugin->desc->workload;
  s->workload = s->klass->create (&view, seed, error);
  if (s->workload == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                         "workload create failed");
  if (s->workload == NULL)
    return FALSE;
  s->n_items = s->klass->n_items (s->workload);
  return TRUE;
}

/* The worker's result area, where each item's run is recorded as the
 * worker's own run_item records it: so the core checks a helper's digests
 * against what the workload returned here, not against what the strategy
 * relayed. */
static gboolean
map_result_area (Server *s, GError **error)
{
  struct stat st;

  if (s->result_fd < 0)
    return TRUE;
  if (fstat (s->result_fd, &st) != 0
      || (gsize) st.st_size < shared_area_size (s->n_items, FALSE))
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "descriptor %d is no result area for %u items",
                   s->result_fd, s->n_items);
      return FALSE;
    }
  s->shared_size = (gsize) st.st_size;
  void *area = mmap (NULL, s->shared_size, PROT_READ | PROT_WRITE,
                     MAP_SHARED, s->result_fd, 0);
  if (area == MAP_FAILED)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "cannot map the result area: %s", g_strerror (errno));
      return FALSE;
    }
  s->shared = area;
  if (s->shared->magic == SHARED_MAGIC && s->shared->n_items == s->n_items)
    {
      if (s->rate > 0)
        s->at = cb_arrivals_schedule (s->arrivals, s->rate, s->arrival_seed,
                                      s->n_items);
      return TRUE;
    }
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
               "the result area is not this workload's (%u items)",
               s->n_items);
  return FALSE;
}

static gboolean
run_item (Server *s, guint item, guint64 *digest, GError **error)
{
  if (s->at != NULL && s->shared != NULL)
    cb_arrivals_wait_until (s->shared->t_start + s->at[item]);
  gint64 start = shared_now_ns ();
  gboolean ok = s->klass->run (s->workload, item, digest, error);

  if (s->shared != NULL)
    {
      ItemRecord *rec = &s->shared->items[item];
      rec->service = (float) ((shared_now_ns () - start) / 1e9);
      if (ok)
        rec->run_digest = *digest;
    }
  return ok;
}

/* Each result goes out as soon as it is known, the task's last one together
 * with TASK_DONE. */
static gboolean
run_task (Server *s, const CbWireMsg *task, GError **error, guint32 *failed)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  if (task->item >= s->n_items || task->count == 0
      || task->count > s->n_items - task->item)
    {
      *failed = CB_WIRE_NO_ITEM;
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "task of %u items from item %u, but the workload has %u",
                   task->count, task->item, s->n_items);
      return FALSE;
    }
  for (guint32 i = 0; i < task->count; i++)
    {
      guint32 item = task->item + i;
      guint64 digest;

      if (!run_item (s, item, &digest, error))
        {
          *failed = item;
          g_prefix_error (error, "item %u: ", item);
          return FALSE;
        }
      cb_wire_put_result (out, item, digest);
      if (i + 1 < task->count)
        answer (s, out);
    }
  cb_wire_put_task_done (out, task->item);
  answer (s, out);
  return TRUE;
}

static int
serve_tasks (Server *s)
{
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      guint32 failed = CB_WIRE_NO_ITEM;
      CbWireMsg msg;
      ReadStatus st = read_message (s, &msg, &error);

      if (st == READ_EOF)
        return 0;
      if (st == READ_FAILED)
        return fail (s, CB_WIRE_NO_ITEM, error, 2);
      if (msg.kind != CB_WIRE_TASK)
        {
          g_set_error (&error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                       "expected a task, got a message of kind %d", msg.kind);
          return fail (s, CB_WIRE_NO_ITEM, error, 2);
        }
      if (!run_task (s, &msg, &error, &failed))
        return fail (s, failed, error, 1);
    }
}

static int
serve (Server *s)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbRegistry) registry = cb_registry_new ();
  g_autoptr (GByteArray) out = g_byte_array_new ();
  CbWireMsg msg;

  cb_registry_load_preloaded (registry);
  ReadStatus st = read_message (s, &msg, &error);
  if (st == READ_EOF)
    return 0;
  if (st == READ_GOT && msg.kind != CB_WIRE_RECIPE)
    g_set_error_literal (&error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                         "the first message must be a recipe");
  if (error != NULL)
    return fail (s, CB_WIRE_NO_ITEM, error, 2);
  int status;
  if (build_workload (s, registry, &msg, &error)
      && map_result_area (s, &error))
    {
      cb_wire_put_ready (out, s->n_items);
      answer (s, out);
      status = serve_tasks (s);
    }
  else
    {
      g_prefix_error (&error, "the item server cannot rebuild the workload: ");
      status = fail (s, CB_WIRE_NO_ITEM, error, 1);
    }
  /* On every path, so a run under memcheck shows no leak of the server's. */
  if (s->shared != NULL)
    munmap (s->shared, s->shared_size);
  g_free (s->at);
  if (s->workload != NULL)
    s->klass->destroy (s->workload);
  g_clear_pointer (&s->params, cb_param_set_free);
  return status;
}

/* An open-loop row's --rate=R, --arrivals=KIND or --arrival-seed=N;
 * FALSE for anything else. */
static gboolean
parse_load_arg (Server *s, const char *arg)
{
  char *end = NULL;
  if (g_str_has_prefix (arg, "--rate="))
    {
      s->rate = g_ascii_strtod (arg + strlen ("--rate="), &end);
      return *end == '\0' && s->rate > 0 && s->rate <= CB_RATE_MAX;
    }
  if (g_str_has_prefix (arg, "--arrivals="))
    return cb_arrivals_parse (arg + strlen ("--arrivals="), &s->arrivals);
  if (g_str_has_prefix (arg, "--arrival-seed="))
    {
      const char *digits = arg + strlen ("--arrival-seed=");
      s->arrival_seed = g_ascii_strtoull (digits, &end, 10);
      return g_ascii_isdigit (*digits) && *end == '\0';
    }
  return FALSE;
}

/* "--serve", optionally "--result-fd=N", and an open-loop row's load. */
static gboolean
parse_args (Server *s, int argc, char **argv)
{
  for (int i = 2; i < argc; i++)
    {
      char *end;
      if (parse_load_arg (s, argv[i]))
        continue;
      if (!g_str_has_prefix (argv[i], "--result-fd="))
        return FALSE;
      long fd = strtol (argv[i] + strlen ("--result-fd="), &end, 10);
      if (*end != '\0' || fd < 3 || fd > G_MAXINT)
        return FALSE;
      s->result_fd = (int) fd;
    }
  return TRUE;
}

int
cb_item_server_main (int argc, char **argv)
{
  Server s = { .in_fd = -1, .out_fd = -1, .result_fd = -1 };

#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_PDEATHSIG)
  /* An item stuck forever must not outlive the strategy that started it;
   * between items, the end of the input stops the server anyway. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
#ifdef CB_STATIC_PLUGINS
  LTDL_SET_PRELOADED_SYMBOLS ();
#endif
  if (!parse_args (&s, argc, argv) || !take_pipes (&s))
    return 2;
  /* Tells a workload it is rebuilt in a helper, so it can leave out state
   * only its parent holds (concbench-plugin(7)). */
  g_setenv ("CONCBENCH_ITEM_SERVER", "1", TRUE);
  cb_wire_reader_init (&s.reader);
  int status = serve (&s);
  cb_wire_reader_clear (&s.reader);
  return status;
}
