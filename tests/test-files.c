/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The files workload (issue 15): the same reads under every strategy that
 * is built, with digests equal to sequential's; cache=direct where the
 * filesystem allows it, its clear refusal where it does not; the bounds
 * of its parameters; and no file left behind, after a normal row, a
 * failed create, or a worker killed in the middle of its row.  Every test
 * runs with TMPDIR set to a fresh directory of its own, whose entries are
 * counted. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* O_DIRECT, O_TMPFILE */
#endif
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "params.h"
#include "runner.h"
#include "testutil.h"

#define REFUSED "io_uring refused by the kernel or a sandbox"
#define TMPFS_MAGIC_NUMBER 0x01021994

static CbRegistry *registry;
static char *tmpdir; /* the fresh TMPDIR of this program */

/* Strategy, then up to three swept parameters. */
typedef struct {
  const char *strategy;
  const char *params[4];
} Row;

/* Sequential first: the runner fails any later run whose digests differ
 * from the first run of the same workload parameters. */
static const Row rows[] = {
  { "sequential", { NULL } },
  { "gthreadpool", { "threads=1,3,16" } },
  { "procpool", { "processes=1,3", "chunk=1,5" } },
  { "gmainloop", { "mode=blocking,async", "loops=1,2" } },
  { "epoll", { "loops=1,2" } },
  { "iouring", { "loops=1,2" } },
  { "libuv", { "loops=1,2" } },
  { "libevent", { "loops=1,2" } },
  { "pthread", { "threads=2,5", "distribution=static,dynamic,queue" } },
  { "openmp", { "threads=2" } },
  { "forkeach", { "processes=1,3" } },
  { "spawnpool", { "processes=1,3", "chunk=1,5" } },
};

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* One run of bench; FALSE with error where it failed. */
static gboolean
run_one (CbRunner *runner, const CbBenchmark *bench, guint64 **digests,
         GError **error)
{
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  guint fds = test_count_fds ();
  gboolean ok = cb_runner_run (runner, bench, &info, &sample, error);

  if (ok)
    {
      g_assert_cmpuint (sample.n_items, ==, info.n_items);
      g_assert_cmpuint (info.n_items, >, 0);
      if (digests != NULL)
        *digests = g_memdup (sample.digests,
                              info.n_items * sizeof (guint64));
      cb_run_sample_clear (&sample);
    }
  cb_bench_info_clear (&info);
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_true (test_no_children ());
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
  return ok;
}

static CbSuite *
make_suite (const char *const *wparams, const Row *row)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new ();

  for (guint i = 0; wparams[i] != NULL; i++)
    g_ptr_array_add (params, (gpointer) wparams[i]);
  for (guint i = 0; i < G_N_ELEMENTS (row->params) && row->params[i]; i++)
    g_ptr_array_add (params, (gpointer) row->params[i]);
  g_ptr_array_add (params, NULL);
  return test_make_suite (registry, "files", row->strategy,
                          (const char *const *) params->pdata);
}

/* Runs every row of the table that is built; io_uring is skipped with the
 * reason where the kernel or a sandbox refuses it. */
static void
run_rows (const char *const *wparams)
{
  CbRunOptions options = { .seed = 7, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  guint ran = 0;

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      if (cb_registry_find_strategy (registry, rows[r].strategy) == NULL)
        continue;
      g_autoptr (CbSuite) suite = make_suite (wparams, &rows[r]);
      for (guint i = 0; i < suite->benchmarks->len; i++)
        {
          const CbBenchmark *bench = suite->benchmarks->pdata[i];
          g_autoptr (GError) error = NULL;
          if (run_one (runner, bench, NULL, &error))
            ran++;
          else if (strstr (error->message, REFUSED) != NULL)
            g_test_message ("%s: %s", bench->name, error->message);
          else
            g_error ("%s failed: %s", bench->name, error->message);
        }
    }
  /* sequential and the strategies every build has, at least */
  g_assert_cmpuint (ran, >=, 20);
}

static void
test_every_strategy (void)
{
  const char *wparams[] = { "files=8", "size=65536", "items=12",
                            "reads=0,4", "block=4096", NULL };
  run_rows (wparams);
}

/* A size that is not a multiple of the block: the last read of each file
 * is short by design, and loops must hand back what they got. */
static void
test_ragged_size (void)
{
  const char *wparams[] = { "files=3", "size=10000", "block=4096", NULL };
  run_rows (wparams);
}

/* Why dir refuses cache=direct, or NULL where it allows it. */
static const char *
direct_refusal (const char *dir)
{
  struct statfs fs;

  if (statfs (dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NUMBER)
    return "is tmpfs, whose O_DIRECT reads memory";
  int fd = open (dir, O_TMPFILE | O_RDWR | O_DIRECT | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EINVAL)
    return "refuses O_DIRECT (tmpfs?)";
  if (fd >= 0)
    close (fd);
  return NULL;
}

/* Runs files with cache= and extra, keeping the digests. */
static gboolean
run_cache (CbRunner *runner, const char *strategy, const char *cache,
           const char *extra, guint64 **digests, GError **error)
{
  const char *wparams[] = { "files=4", "size=65536", "items=8", "reads=0,4",
                            "block=4096", cache, extra, NULL };
  const Row row = { strategy, { NULL } };
  g_autoptr (CbSuite) suite = make_suite (wparams, &row);

  /* reads=0 and reads=4: the digests of the last one are kept. */
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      g_clear_pointer (digests, g_free);
      if (!run_one (runner, suite->benchmarks->pdata[i], digests, error))
        return FALSE;
    }
  return TRUE;
}

/* cache=direct reads the same bytes as warm, on every kind of loop. */
static void
test_direct (void)
{
  const char *why = direct_refusal (tmpdir);
  CbRunOptions options = { .seed = 5, .timeout = 120, .keep_items = TRUE };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autofree guint64 *warm = NULL;
  g_autoptr (GError) error = NULL;
  const char *strategies[] = { "sequential", "gthreadpool", "epoll",
                               "iouring", "libuv" };

  g_assert_true (run_cache (runner, "sequential", "cache=warm", NULL, &warm,
                            &error));
  for (guint s = 0; s < G_N_ELEMENTS (strategies); s++)
    {
      g_autofree guint64 *direct = NULL;
      g_autoptr (GError) local = NULL;
      if (cb_registry_find_strategy (registry, strategies[s]) == NULL)
        continue;
      gboolean ok = run_cache (runner, strategies[s], "cache=direct", NULL,
                               &direct, &local);
      if (!ok && strstr (local->message, REFUSED) != NULL)
        continue;
      if (why != NULL)
        {
          g_assert_false (ok);
          g_assert_nonnull (strstr (local->message, why));
          g_test_message ("cache=direct in %s: %s", tmpdir, local->message);
          return;
        }
      if (!ok)
        g_error ("%s cache=direct: %s", strategies[s], local->message);
      g_assert_cmpmem (direct, 8 * sizeof (guint64), warm,
                       8 * sizeof (guint64));
    }
}

/* Where the filesystem has no device under it, direct says so in one
 * clear error: tmpfs (/dev/shm here). */
static void
test_direct_refused (void)
{
  struct statfs fs;
  CbRunOptions options = { .seed = 5, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (GError) error = NULL;
  g_autofree guint64 *digests = NULL;

  if (statfs ("/dev/shm", &fs) != 0 || fs.f_type != TMPFS_MAGIC_NUMBER)
    {
      g_test_skip ("/dev/shm is not tmpfs here");
      return;
    }
  g_assert_false (run_cache (runner, "sequential", "cache=direct",
                             "dir=/dev/shm", &digests, &error));
  g_assert_nonnull (strstr (error->message,
                            "cache=direct: the filesystem of /dev/shm is "
                            "tmpfs"));
}

/* Bounds of each parameter: one line and exit 2, before anything runs. */
static void
test_bad_input (void)
{
  static const struct {
    const char *param;
    const char *needle;
  } cases[] = {
    { "files=0", "parameter 'files': 0 is below the minimum 1" },
    { "files=4097", "parameter 'files': 4097 is above the maximum 4096" },
    { "size=0", "parameter 'size': 0 is below the minimum 1" },
    { "size=2000000000", "parameter 'size': 2000000000 is above" },
    { "size=64K", "parameter 'size': '64K' is not a whole number" },
    { "block=100", "parameter 'block': 100 is below the minimum 512" },
    { "block=99999999", "parameter 'block': 99999999 is above" },
    { "reads=1000001", "parameter 'reads': 1000001 is above" },
    { "items=1000001", "parameter 'items': 1000001 is above" },
    { "cache=cold", "parameter 'cache': 'cold' is not one of warm|direct" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TestExec) exec = test_exec ("-w", "files", "-s",
                                             "sequential", "-p",
                                             cases[i].param, NULL);
      test_assert_usage_error (exec, cases[i].needle);
      g_assert_cmpstr (exec->out, ==, "");
    }
}

/* What only create can check, the parameters together and the disk: a
 * usage error (exit 2) of one line naming the numbers, the row failed in
 * the table, and nothing is left. */
static void
test_bad_combinations (void)
{
  static const struct {
    const char *params[3];
    const char *needle;
  } cases[] = {
    { { "files=4096", "size=1073741824" },
      "files=4096 x size=1073741824 is 4398046511104 bytes, above the cap "
      "of 8589934592" },
    { { "reads=2", "block=8192", "size=4096" },
      "reads=2 needs block=8192 to fit in size=4096" },
    { { "cache=direct", "block=1000" },
      "cache=direct needs block and size multiples of 4096" },
    { { "dir=relative/dir" }, "dir=relative/dir is not an absolute path" },
    { { "dir=/nonexistent-concbench" },
      "/nonexistent-concbench: No such file or directory" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[16] = { "-w", "files", "-s", "sequential",
                               "--warmups", "0", "--runs", "1" };
      guint n = 8;
      for (guint p = 0; p < 3 && cases[i].params[p]; p++)
        {
          args[n++] = "-p";
          args[n++] = cases[i].params[p];
        }
      g_autoptr (TestExec) exec = test_execv (args);
      test_assert_usage_error (exec, cases[i].needle);
      if (strstr (exec->out, cases[i].needle) == NULL)
        g_error ("'%s' not in:\n%s", cases[i].needle, exec->out);
      g_assert_cmpuint (count_entries (tmpdir), ==, 0);
    }
  g_autofree char *x = g_strnfill (1100, 'x');
  g_autofree char *long_dir = g_strdup_printf ("dir=/%s", x);
  g_autoptr (TestExec) exec = test_exec ("-w", "files", "-s", "sequential",
                                         "-p", long_dir, "--runs", "1", NULL);
  test_assert_usage_error (exec, "is not an absolute path of at most 1024");
  g_assert_nonnull (strstr (exec->out, "... is not an absolute path of at "
                                       "most 1024 bytes"));
}

/* A normal row, a create that fails after the directory and some files
 * exist (the descriptor limit is below the files), and a row whose
 * worker tree is killed by --timeout in the middle of its reads (under a
 * process pool and a pool of spawned helpers, each with files of its
 * own): no entry is left in TMPDIR. */
static void
test_nothing_left (void)
{
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
  g_autoptr (TestExec) normal = test_exec (
      "-w", "files", "-s", "sequential", "-s", "procpool", "-p", "files=8",
      "-p", "size=65536", "--warmups", "0", "--runs", "1", NULL);
  g_assert_cmpint (normal->status, ==, 0);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);

  g_autoptr (TestExec) failed = test_exec_shell (
      "ulimit -n 40 && exec \"$CONCBENCH\" -w files -s sequential "
      "-p files=100 -p size=4096 --warmups 0 --runs 1");
  g_assert_cmpint (failed->status, ==, 1);
  if (strstr (failed->out, "cannot create file") == NULL)
    g_error ("expected 'cannot create file':\n%s\n%s", failed->out,
             failed->err);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);

  /* 10^6 items of 1 MiB each: hours, killed after two seconds. */
  g_autoptr (TestExec) killed = test_exec (
      "-w", "files", "-s", "sequential", "-s", "procpool", "-s",
      "spawnpool", "-p", "files=4",
      "-p", "size=1048576", "-p", "items=1000000", "--warmups", "0",
      "--runs", "1", "--timeout", "2", NULL);
  g_assert_cmpint (killed->status, ==, 1);
  if (strstr (killed->out, "timed out") == NULL
      && strstr (killed->out, "timeout") == NULL)
    g_error ("expected a timeout:\n%s\n%s", killed->out, killed->err);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* Runs item through the state machine in this process, each read handed
 * back a third of what was asked (at least a byte), and, once per block,
 * -EINTR: the loops may see both, and the digest must not change. */
static guint64
run_item_short (const CbWorkloadClass *wk, gpointer workload, guint item)
{
  gpointer state = NULL;
  g_autoptr (GError) error = NULL;
  guint64 digest = 0;
  CbOp op;
  gboolean interrupted = FALSE;
  CbStep step = wk->item_start (workload, item, &state, &op, &digest, &error);

  while (step == CB_STEP_OP)
    {
      gint64 result;
      g_assert_cmpint (op.kind, ==, CB_OP_READ);
      if (!interrupted)
        result = -EINTR;
      else
        {
          gsize want = MAX (op.len / 3, 1);
          ssize_t n = pread (op.fd, op.buf, want, (off_t) op.offset);
          g_assert_cmpint (n, >, 0);
          result = n;
        }
      interrupted = !interrupted;
      step = wk->item_resume (workload, state, result, &op, &digest, &error);
    }
  wk->item_free (workload, state);
  g_assert_no_error (error);
  g_assert_cmpint (step, ==, CB_STEP_DONE);
  return digest;
}

static void
test_short_reads (gconstpointer data)
{
  const CbPlugin *plugin = cb_registry_find_workload (registry, "files");
  const CbWorkloadClass *wk = plugin->desc->workload;
  g_autoptr (GError) error = NULL;
  g_autoptr (CbParamSet) set = cb_param_set_new (wk->params, &error);
  g_auto (GStrv) settings = g_strsplit (data, " ", -1);

  for (guint i = 0; settings[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (settings[i], "=", 2);
      g_assert_true (cb_param_set_assign (set, kv[0], kv[1], &error));
    }
  CbParams view = cb_param_set_view (set);
  gpointer workload = wk->create (&view, 11, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
  for (guint i = 0; i < wk->n_items (workload); i++)
    {
      guint64 whole;
      g_assert_true (wk->run (workload, i, &whole, &error));
      g_assert_cmpuint (run_item_short (wk, workload, i), ==, whole);
    }
  /* An end of file where bytes were due is the item's error. */
  gpointer state = NULL;
  CbOp op;
  guint64 digest;
  g_assert_cmpint (wk->item_start (workload, 0, &state, &op, &digest, &error),
                   ==, CB_STEP_OP);
  g_assert_cmpint (wk->item_resume (workload, state, 0, &op, &digest, &error),
                   ==, CB_STEP_FAILED);
  g_assert_nonnull (strstr (error->message, "gave 0 bytes"));
  wk->item_free (workload, state);
  wk->destroy (workload);
}

/* --preset kinds: each group's rows where its workload and strategy are
 * loaded, a note for each group left out (mixed and memory are optional,
 * and so are the loops and pthread). */
static void
test_preset_kinds (void)
{
  static const struct {
    const char *strategy;
    guint rows; /* of one workload parameter set */
  } groups[] = {
    { "sequential", 1 }, { "gthreadpool", 2 }, { "procpool", 1 },
    { "gmainloop", 1 },  { "epoll", 1 },       { "iouring", 1 },
    { "libuv", 1 },      { "libevent", 1 },    { "pthread", 1 },
  };
  const char *workloads[] = { "mixed", "files", "memory" };
  guint expected = 0, left_out = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite
      = cb_suite_load_preset (registry, "kinds", FALSE, &error);

  g_assert_no_error (error);
  for (guint w = 0; w < G_N_ELEMENTS (workloads); w++)
    for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
      {
        const char *strategy = groups[g].strategy;
        /* memory has no asynchronous form: no loop rows */
        if (strcmp (workloads[w], "memory") == 0 && g >= 3 && g <= 7)
          continue;
        if (cb_registry_find_workload (registry, workloads[w]) != NULL
            && cb_registry_find_strategy (registry, strategy) != NULL)
          /* files sweeps cache=warm,direct, mixed cpu-fraction=0.05,0.5,
           * and mixed's epoll group loops=1,2 */
          expected += groups[g].rows * (w == 2 ? 1 : 2)
                      * (w == 0 && strcmp (strategy, "epoll") == 0 ? 2 : 1);
        else
          left_out++;
      }
  g_assert_cmpuint (suite->benchmarks->len, ==, expected);
  g_assert_cmpuint (suite->left_out->len, ==, left_out);
  g_assert_cmpuint (suite->runs, ==, 3);
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      const CbBenchmark *b = suite->benchmarks->pdata[i];
      if (g_str_has_prefix (b->workload_key, "files "))
        g_assert_nonnull (strstr (b->workload_key, "reads=64 block=4096"));
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("concbench-test-files-XXXXXX", &error);
  g_assert_no_error (error);
  /* The workers, their helpers and this program's runs all inherit it. */
  g_setenv ("TMPDIR", tmpdir, TRUE);
  registry = test_registry (NULL);
  g_test_add_func ("/files/every-strategy", test_every_strategy);
  g_test_add_func ("/files/ragged-size", test_ragged_size);
  g_test_add_data_func ("/files/short-reads/whole",
                        "files=2 size=10000 block=4096 items=4",
                        test_short_reads);
  g_test_add_data_func ("/files/short-reads/blocks",
                        "files=3 size=65536 block=4096 reads=5",
                        test_short_reads);
  g_test_add_func ("/files/direct", test_direct);
  g_test_add_func ("/files/direct-refused", test_direct_refused);
  g_test_add_func ("/files/bad-input", test_bad_input);
  g_test_add_func ("/files/bad-combinations", test_bad_combinations);
  g_test_add_func ("/files/nothing-left", test_nothing_left);
  g_test_add_func ("/files/preset-kinds", test_preset_kinds);
  int status = g_test_run ();
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
  g_rmdir (tmpdir);
  g_free (tmpdir);
  cb_registry_free (registry);
  return status;
}
