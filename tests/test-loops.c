/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event-loop strategies configure built (iouring, libuv, libevent),
 * beside epoll and gmainloop: the same work as sequential through the real
 * runner -- api on both transports and both connection modes, on its state
 * machine, and sieve, which has none and so runs blocking -- with digests
 * equal to sequential's and nothing left open, a workload with only
 * run_async refused as epoll refuses it; and, driven directly with a
 * state machine of this file's own, sleeps and file reads, items spread
 * over the loops, and a failing item that abandons the rest with every
 * state freed exactly once. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "params.h"
#include "runner.h"
#include "testutil.h"

#define REFUSED "io_uring refused by the kernel or a sandbox"

static CbRegistry *registry;
static const char *const built[] = { CB_LOOP_PLUGINS NULL };
/* Why io_uring cannot run here, or NULL: found by running it. */
static char *iouring_refused;

/* ---- the real runner, digests checked against sequential's ---- */

static void
run_all_ok (CbRunner *runner, const CbSuite *suite)
{
  for (guint i = 0; i < suite->benchmarks->len; i++)
    {
      const CbBenchmark *bench = suite->benchmarks->pdata[i];
      CbBenchInfo info = { 0 };
      CbRunSample sample;
      g_autoptr (GError) error = NULL;
      guint fds = test_count_fds ();

      if (!cb_runner_run (runner, bench, &info, &sample, &error))
        g_error ("%s failed: %s", bench->name, error->message);
      g_assert_cmpuint (sample.n_items, ==, info.n_items);
      g_assert_cmpuint (info.n_items, >, 0);
      g_assert_cmpuint (test_count_fds (), ==, fds);
      g_assert_true (test_no_children ());
      cb_run_sample_clear (&sample);
      cb_bench_info_clear (&info);
    }
}

static void
run_params (CbRunner *runner, const char *workload, const char *strategy,
            const char *const *wparams, const char *sparam)
{
  g_autoptr (GPtrArray) params = g_ptr_array_new ();

  for (guint i = 0; wparams[i] != NULL; i++)
    g_ptr_array_add (params, (gpointer) wparams[i]);
  if (sparam != NULL)
    g_ptr_array_add (params, (gpointer) sparam);
  g_ptr_array_add (params, NULL);
  g_autoptr (CbSuite) suite = test_make_suite (
      registry, workload, strategy, (const char *const *) params->pdata);
  run_all_ok (runner, suite);
}

static void
test_same_work (gconstpointer data)
{
  const char *workload = data;
  const char *api[] = { "items=12", "max-latency=0.01",
                        "transport=timer,tcp",
                        "connection=per-call,keep-alive", NULL };
  const char *sieve[] = { "items=6", "complexity=3000", NULL };
  const char *const *wparams = strcmp (workload, "api") == 0 ? api : sieve;
  CbRunOptions options = { .seed = 7, .timeout = 120, .memory_interval = 0.01 };
  /* One runner: it fails any run whose digests differ from the first run
   * of the same workload parameters, sequential's. */
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  run_params (runner, workload, "sequential", wparams, NULL);
  for (guint s = 0; built[s] != NULL; s++)
    {
      if (strcmp (built[s], "iouring") == 0 && iouring_refused != NULL)
        continue;
      /* 5 loops for 6 or 12 items: some loops get one item more. */
      run_params (runner, workload, built[s], wparams, "loops=1,2,5");
    }
  if (iouring_refused != NULL)
    g_test_skip (iouring_refused);
}

/* ---- a strategy driven directly, on a state machine of this file's ---- */

#define FAKE_ITEMS 40

/* Each item sleeps (0 to 2 ms), reads 8 bytes of a file at an offset of
 * its own, and is done with a digest made of both; fail_item fails
 * instead of finishing. */
typedef struct {
  CbJob job; /* first: the callbacks get back here from it */
  CbJobSteps steps;
  int fd;
  guint fail_item;
  gint starts, frees, completes;
  gint seen[FAKE_ITEMS];
} FakeJob;

typedef struct {
  guint item;
  guint stage;
  gint64 deadline;
  char buf[8];
} FakeState;

static const char fake_text[] = "0123456789abcdefghijklmnopqrstuvwxyz0123456789";

static guint64
fake_digest (guint item)
{
  return (guint64) item * 1000 + (guint8) fake_text[item % 16];
}

static CbStep
fake_start (const CbJob *job, guint item, gpointer *state, CbOp *op,
            guint64 *digest, GError **error)
{
  FakeJob *fake = (FakeJob *) job;
  FakeState *self = g_new0 (FakeState, 1);

  g_atomic_int_inc (&fake->starts);
  self->item = item;
  *state = self;
  op->kind = CB_OP_SLEEP;
  op->deadline = self->deadline
      = g_get_monotonic_time () * 1000 + (item % 3) * 1000000;
  return CB_STEP_OP;
}

static CbStep
fake_resume (const CbJob *job, gpointer state, gint64 result, CbOp *op,
             guint64 *digest, GError **error)
{
  FakeJob *fake = (FakeJob *) job;
  FakeState *self = state;

  if (self->stage++ == 0)
    {
      g_assert_cmpint (result, ==, 0);
      /* The sleep never ends before its deadline (this clock counts
       * whole microseconds). */
      g_assert_cmpint (g_get_monotonic_time () * 1000, >=,
                       self->deadline - 1000);
      op->kind = CB_OP_READ;
      op->fd = fake->fd;
      op->buf = self->buf;
      op->len = sizeof self->buf;
      op->offset = self->item % 16;
      return CB_STEP_OP;
    }
  g_assert_cmpint (result, ==, sizeof self->buf);
  g_assert_cmpmem (self->buf, sizeof self->buf,
                   fake_text + self->item % 16, sizeof self->buf);
  if (self->item == fake->fail_item)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED,
                   "fake item %u fails", self->item);
      return CB_STEP_FAILED;
    }
  *digest = fake_digest (self->item);
  return CB_STEP_DONE;
}

static void
fake_free (const CbJob *job, gpointer state)
{
  g_atomic_int_inc (&((FakeJob *) job)->frees);
  g_free (state);
}

static void
fake_complete (const CbJob *job, guint item, guint64 digest)
{
  FakeJob *fake = (FakeJob *) job;

  g_assert_cmpuint (item, <, FAKE_ITEMS);
  g_assert_cmpuint (digest, ==, fake_digest (item));
  g_assert_cmpint (g_atomic_int_add (&fake->seen[item], 1), ==, 0);
  g_atomic_int_inc (&fake->completes);
}

/* Runs strategy on the fake items with loops; FALSE with error as execute
 * returned it. */
static gboolean
fake_execute (const char *strategy, guint loops, guint fail_item,
              FakeJob *fake, GError **error)
{
  const CbPlugin *plugin = cb_registry_find_strategy (registry, strategy);
  g_autofree char *path = NULL;
  g_autofree char *loops_text = g_strdup_printf ("%u", loops);
  g_autoptr (CbParamSet) set = NULL;
  CbParams params;
  int fd = g_file_open_tmp ("concbench-loops-XXXXXX", &path, NULL);
  gboolean ok;

  g_assert_nonnull (plugin);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, fake_text, sizeof fake_text), ==,
                   sizeof fake_text);
  set = cb_param_set_new (plugin->desc->strategy->params, NULL);
  g_assert_true (cb_param_set_assign (set, "loops", loops_text, NULL));
  params = cb_param_set_view (set);
  *fake = (FakeJob){ .fd = fd, .fail_item = fail_item };
  fake->steps = (CbJobSteps){ fake_start, fake_resume, fake_free };
  fake->job = (CbJob){ .n_items = FAKE_ITEMS, .params = &params,
                       .complete = fake_complete, .steps = &fake->steps };
  ok = plugin->desc->strategy->execute (&fake->job, error);
  close (fd);
  g_unlink (path);
  return ok;
}

static void
test_direct (gconstpointer data)
{
  const char *strategy = data;
  const guint loops[] = { 1, 3, 64, 1 };
  guint fds = 0;

  for (guint i = 0; i < G_N_ELEMENTS (loops); i++)
    {
      g_autoptr (GError) error = NULL;
      FakeJob fake;

      if (!fake_execute (strategy, loops[i], G_MAXUINT, &fake, &error))
        {
          if (strcmp (strategy, "iouring") == 0
              && strstr (error->message, REFUSED) != NULL)
            {
              g_test_skip (error->message);
              return;
            }
          g_error ("%s loops=%u: %s", strategy, loops[i], error->message);
        }
      g_assert_cmpint (fake.completes, ==, FAKE_ITEMS);
      g_assert_cmpint (fake.starts, ==, FAKE_ITEMS);
      g_assert_cmpint (fake.frees, ==, FAKE_ITEMS);
      /* libuv keeps a pipe for the whole process once it made a loop:
       * counted from the first run on. */
      if (i == 0)
        fds = test_count_fds ();
      g_assert_cmpuint (test_count_fds (), ==, fds);
    }
}

static void
test_direct_failure (gconstpointer data)
{
  const char *strategy = data;
  const guint loops[] = { 1, 3, 1 };
  guint fds = 0;

  if (strcmp (strategy, "iouring") == 0 && iouring_refused != NULL)
    {
      g_test_skip (iouring_refused);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (loops); i++)
    {
      g_autoptr (GError) error = NULL;
      FakeJob fake;

      g_assert_false (fake_execute (strategy, loops[i], 7, &fake, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "fake item 7 fails"));
      /* The others were done or abandoned, each state freed once. */
      g_assert_cmpint (fake.completes, <, FAKE_ITEMS);
      g_assert_cmpint (fake.frees, ==, fake.starts);
      g_assert_cmpint (fake.seen[7], ==, 0);
      if (i == 0) /* as in test_direct */
        fds = test_count_fds ();
      g_assert_cmpuint (test_count_fds (), ==, fds);
    }
}

/* A workload whose only asynchronous form is run_async is refused, as
 * epoll refuses it, rather than run blocking under an asynchronous ideal
 * time. */
static void
test_run_async_only (void)
{
  if (test_skip_if_static ())
    return;
  g_autoptr (CbRegistry) with_tests
      = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  CbRunOptions options = { .seed = 1, .timeout = 30 };
  const char *none[] = { NULL };

  for (guint s = 0; built[s] != NULL; s++)
    {
      g_autoptr (CbRunner) runner = cb_runner_new (&options);
      g_autoptr (CbSuite) suite
          = test_make_suite (with_tests, "asynconly", built[s], none);
      CbBenchInfo info = { 0 };
      CbRunSample sample;
      g_autoptr (GError) error = NULL;

      g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0],
                                     &info, &sample, &error));
      g_assert_nonnull (error);
      if (strstr (error->message, "drives ABI 1.2 state machines") == NULL)
        g_error ("%s: '%s'", built[s], error->message);
      g_assert_true (test_no_children ());
      cb_bench_info_clear (&info);
    }
}

/* ---- the loops preset, and optional suite groups ---- */

/* Its rows: 8 for each loop strategy (two transports, two sizes, two loop
 * counts), 4 of 1024 threads, 2 sequential; each loop strategy that was
 * not built is left out with a note. */
static void
test_preset (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) suite
      = cb_suite_load_preset (registry, "loops", FALSE, &error);
  guint n_built = G_N_ELEMENTS (built) - 1;

  g_assert_no_error (error);
  g_assert_cmpuint (suite->benchmarks->len, ==, 8 * (2 + n_built) + 4 + 2);
  g_assert_cmpuint (suite->left_out->len, ==, 3 - n_built);
}

static const char optional_suite[]
    = "[suite]\nname=t\n\n"
      "[ok]\nworkload=api\nstrategy=sequential\n\n"
      "[gone]\nworkload=api\nstrategy=nosuchloop\noptional=%s\n";

static CbSuite *
load_optional (const char *value, GError **error)
{
  g_autofree char *text = g_strdup_printf (optional_suite, value);

  return cb_suite_load_data (registry, text, strlen (text), "t.suite", FALSE,
                             error);
}

static void
test_optional_group (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbSuite) kept = load_optional ("true", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (kept->benchmarks->len, ==, 1);
  g_assert_cmpuint (kept->left_out->len, ==, 1);
  g_assert_nonnull (strstr (kept->left_out->pdata[0],
                            "t.suite:8: [gone] left out: strategy "
                            "'nosuchloop' is not loaded"));
  /* Not optional, or not said: refused as before. */
  const char *refused[] = { "false", "maybe" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (CbSuite) none = load_optional (refused[i], &local);
      g_assert_null (none);
      g_assert_nonnull (local);
      g_assert_nonnull (strstr (local->message,
                                i == 0 ? "unknown strategy 'nosuchloop'"
                                       : "'true' or 'false' expected"));
    }
}

/* io_uring is tried once: where the kernel or a sandbox refuses it, the
 * iouring checks are skipped with the reason and nothing else. */
static void
probe_iouring (void)
{
  g_autoptr (GError) error = NULL;
  FakeJob fake;

  if (!fake_execute ("iouring", 1, G_MAXUINT, &fake, &error)
      && strstr (error->message, REFUSED) != NULL)
    iouring_refused = g_strdup (error->message);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (NULL);
  for (guint s = 0; built[s] != NULL; s++)
    if (strcmp (built[s], "iouring") == 0)
      probe_iouring ();
  g_test_add_data_func ("/loops/api", "api", test_same_work);
  g_test_add_data_func ("/loops/sieve", "sieve", test_same_work);
  g_test_add_func ("/loops/run-async-only", test_run_async_only);
  g_test_add_func ("/loops/preset", test_preset);
  g_test_add_func ("/loops/optional-group", test_optional_group);
  for (guint s = 0; built[s] != NULL; s++)
    {
      g_autofree char *direct = g_strdup_printf ("/loops/%s/steps", built[s]);
      g_autofree char *failure
          = g_strdup_printf ("/loops/%s/failure", built[s]);
      g_test_add_data_func (direct, built[s], test_direct);
      g_test_add_data_func (failure, built[s], test_direct_failure);
    }
  int status = g_test_run ();
  g_free (iouring_refused);
  cb_registry_free (registry);
  return status;
}
