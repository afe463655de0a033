/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every strategy on every workload, at tiny sizes, through the real runner:
 * each item completed exactly once, digests equal across strategies, no fd
 * or child left behind; and contract violations are caught and named. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "params.h"
#include "runner.h"
#include "testutil.h"

static CbRegistry *registry;

/* Runs every benchmark of the suite once on runner; asserts success. */
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
      g_assert_cmpfloat (sample.wall, >, 0);
      for (guint k = 0; k < sample.n_items; k++)
        {
          g_assert_cmpfloat (sample.completion[k], >=, 0);
          g_assert_cmpfloat (sample.completion[k], <=, sample.wall + 1e-3);
        }
      g_assert_cmpuint (test_count_fds (), ==, fds);
      g_assert_true (test_no_children ());
      cb_run_sample_clear (&sample);
      cb_bench_info_clear (&info);
    }
}

static void
test_matrix (gconstpointer data)
{
  const char *workload = data;
  const char *api[] = { "items=12", "max-latency=0.01",
                        "transport=timer,tcp",
                        "connection=per-call,keep-alive", NULL };
  const char *sieve[] = { "items=6", "complexity=3000", NULL };
  const char *const *wparams = strcmp (workload, "api") == 0 ? api : sieve;
  static const char *strategies[][4] = {
    { "sequential", NULL },
    { "gmainloop", "mode=async,blocking", "loops=1,2", "timers=per-item,heap" },
    { "gthreadpool", "threads=1,3,64" },
    { "procpool", "processes=1,3,8", "chunk=1,5" },
    { "epoll", "loops=1,2" },
  };
  CbRunOptions options = { .seed = 7, .timeout = 120, .memory_interval = 0.01 };
  /* One runner for the whole matrix: it fails any run whose digests differ
   * from the first run of the same workload. */
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  for (guint s = 0; s < G_N_ELEMENTS (strategies); s++)
    {
      g_autoptr (GPtrArray) params = g_ptr_array_new ();
      for (guint i = 0; wparams[i] != NULL; i++)
        g_ptr_array_add (params, (gpointer) wparams[i]);
      for (guint i = 1; i < 4 && strategies[s][i] != NULL; i++)
        g_ptr_array_add (params, (gpointer) strategies[s][i]);
      g_ptr_array_add (params, NULL);
      g_autoptr (CbSuite) suite = test_make_suite (registry, 
          workload, strategies[s][0], (const char *const *) params->pdata);
      run_all_ok (runner, suite);
    }
}

/* ---- the api workload's tcp transport, driven directly ---- */

static void
assert_message (const GError *error, const char *needle)
{
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("expected '%s' in '%s'", needle, error->message);
}

typedef struct {
  const CbWorkloadClass *wk;
  CbParamSet *params;
  gpointer workload;
} Direct;

/* Creates api in this process with "name=value" settings; NULL on error. */
static gboolean
direct_create (Direct *d, const char *const *settings, GError **error)
{
  const CbPlugin *plugin = cb_registry_find_workload (registry, "api");
  CbParams view;

  g_assert_nonnull (plugin);
  d->wk = plugin->desc->workload;
  d->params = cb_param_set_new (d->wk->params, error);
  g_assert_nonnull (d->params);
  for (guint i = 0; settings[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (settings[i], "=", 2);
      g_assert_true (cb_param_set_assign (d->params, kv[0], kv[1], error));
    }
  view = cb_param_set_view (d->params);
  d->workload = d->wk->create (&view, 7, error);
  return d->workload != NULL;
}

static void
direct_destroy (Direct *d)
{
  d->wk->destroy (d->workload);
  cb_param_set_free (d->params);
}

static guint64 *
direct_run_all (Direct *d)
{
  guint n = d->wk->n_items (d->workload);
  guint64 *digests = g_new0 (guint64, n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      if (!d->wk->run (d->workload, i, &digests[i], &error))
        g_error ("item %u: %s", i, error->message);
    }
  return digests;
}

typedef struct {
  guint64 *digests;
  guint *calls;
  guint pending;
  GError *error;
  /* When fd_base is set: the most connections the server held at once, as
   * seen from the done callbacks (descriptors over fd_base, less one per
   * client still open); sampled until it passes 1024. */
  guint fd_base;
  guint server_peak;
} AsyncRun;

static void
on_async_done (guint item, guint64 digest, const GError *error,
               gpointer user_data)
{
  AsyncRun *run = user_data;

  run->calls[item]++;
  run->digests[item] = digest;
  if (error != NULL && run->error == NULL)
    run->error = g_error_copy (error);
  run->pending--;
  if (run->fd_base > 0 && run->server_peak <= 1024)
    {
      guint open = test_count_fds () - 1 - run->fd_base;
      if (open > run->pending)
        run->server_peak = MAX (run->server_peak, open - run->pending);
    }
}

/* Every item in flight at once on a private context; returns the digests
 * and asserts each item reported exactly once. */
static guint64 *
direct_run_async_on (Direct *d, GMainContext *ctx, guint *server_peak,
                     GError **error)
{
  guint n = d->wk->n_items (d->workload);
  g_autofree guint *calls = g_new0 (guint, n);
  AsyncRun run = { g_new0 (guint64, n), calls, n, NULL, 0, 0 };

  if (server_peak != NULL)
    run.fd_base = test_count_fds () - 1;
  for (guint i = 0; i < n; i++)
    d->wk->run_async (d->workload, i, ctx, on_async_done, &run);
  while (run.pending > 0)
    g_main_context_iteration (ctx, TRUE);
  /* Nothing may be left on the context once every item has reported. */
  g_assert_false (g_main_context_pending (ctx));
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (calls[i], ==, 1);
  if (server_peak != NULL)
    *server_peak = run.server_peak;
  if (run.error != NULL)
    {
      g_propagate_error (error, run.error);
      g_free (run.digests);
      return NULL;
    }
  return run.digests;
}

static guint64 *
direct_run_async (Direct *d, GError **error)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  return direct_run_async_on (d, ctx, NULL, error);
}

/* The same seed and items give the same digests over either transport,
 * blocking, asynchronous or from a forked child; destroy leaves no
 * descriptor and no thread behind. */
static void
test_api_tcp_digests (void)
{
  const char *timer[] = { "items=12", "max-latency=0.01", NULL };
  const char *tcp[] = { "items=12", "max-latency=0.01", "transport=tcp",
                        "server=thread", NULL };
  guint fds = test_count_fds (), threads = test_count_threads ();
  Direct dt = { 0 }, dc = { 0 };
  g_autoptr (GError) error = NULL;
  int pipefd[2];

  g_assert_true (direct_create (&dt, timer, &error));
  g_assert_true (direct_create (&dc, tcp, &error));
  g_assert_cmpuint (test_count_threads (), ==, threads + 1); /* the server */
  g_autofree guint64 *want = direct_run_all (&dt);
  g_autofree guint64 *got = direct_run_all (&dc);
  g_autofree guint64 *got_async = direct_run_async (&dc, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_cmpuint (want[i], !=, 0);
      g_assert_cmpuint (got[i], ==, want[i]);
      g_assert_cmpuint (got_async[i], ==, want[i]);
      g_assert_cmpfloat (dc.wk->item_wait (dc.workload, i), ==,
                         dt.wk->item_wait (dt.workload, i));
    }

  /* A forked child reaches the parent's server over loopback. */
  g_assert_cmpint (pipe (pipefd), ==, 0);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The parent checks; freed so valgrind's report of the child (whose
       * status is not judged) stays empty. */
      g_clear_pointer (&want, g_free);
      g_clear_pointer (&got, g_free);
      g_clear_pointer (&got_async, g_free);
      for (guint i = 0; i < 12; i++)
        {
          guint64 digest = 0;
          if (!dc.wk->run (dc.workload, i, &digest, NULL))
            _exit (1);
          if (write (pipefd[1], &digest, sizeof digest) != sizeof digest)
            _exit (2);
        }
      _exit (0);
    }
  close (pipefd[1]);
  for (guint i = 0; i < 12; i++)
    {
      guint64 digest = 0;
      g_assert_cmpint (read (pipefd[0], &digest, sizeof digest), ==,
                       sizeof digest);
      g_assert_cmpuint (digest, ==, want[i]);
    }
  close (pipefd[0]);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  /* Its digests are all in; under valgrind the child's status reports the
   * parent's heap, which the child never frees, as leaked. */
  g_assert_true (WIFEXITED (status));
  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") == NULL)
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  direct_destroy (&dt);
  direct_destroy (&dc);
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_cmpuint (test_count_threads (), ==, threads);
}

/* keep-alive carries both calls of an item on one connection, to a server
 * in a process of its own: the digests are the blocking timer path's, run
 * blocking and through run_async, and destroy reaps the server. */
static void
test_api_tcp_keep_alive (void)
{
  const char *timer[] = { "items=12", "max-latency=0.01", NULL };
  const char *tcp[] = { "items=12", "max-latency=0.01", "transport=tcp",
                        "connection=keep-alive", "server=process", NULL };
  guint fds = test_count_fds (), threads = test_count_threads ();
  Direct dt = { 0 }, dk = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (direct_create (&dt, timer, &error));
  g_assert_true (direct_create (&dk, tcp, &error));
  g_assert_cmpuint (test_count_threads (), ==, threads); /* no server here */
  g_assert_false (test_no_children ());
  g_autofree guint64 *want = direct_run_all (&dt);
  g_autofree guint64 *got = direct_run_all (&dk);
  g_autofree guint64 *got_async = direct_run_async (&dk, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_cmpuint (got[i], ==, want[i]);
      g_assert_cmpuint (got_async[i], ==, want[i]);
    }
  direct_destroy (&dt);
  direct_destroy (&dk);
  g_assert_true (test_no_children ());
  g_assert_cmpuint (test_count_fds (), ==, fds);
}

/* More than 1024 connections in flight at once on one server.  Latencies
 * are triangular on [0, 4 s], so about 1050 of the 1200 calls are still
 * waiting after a whole second: the server must hold them all at once. */
static void
test_api_tcp_many_connections (void)
{
  const char *tcp[] = { "items=1200", "max-latency=4", "transport=tcp",
                        "server=thread", NULL };
  guint fds = test_count_fds ();
  struct rlimit saved, lim;
  Direct d = { 0 };
  g_autoptr (GError) error = NULL;

  /* Each connection costs this process a client and a server descriptor. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  lim = saved;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < 2 * 1200 + fds + 64)
    {
      g_test_skip ("RLIMIT_NOFILE hard limit too low for 2400 sockets");
      return;
    }
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? 8192 : MIN (lim.rlim_max, 8192);
  if (lim.rlim_cur < saved.rlim_cur)
    lim.rlim_cur = saved.rlim_cur;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lim), ==, 0);

  g_assert_true (direct_create (&d, tcp, &error));
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  guint server_peak = 0;
  g_autofree guint64 *digests = direct_run_async_on (&d, ctx, &server_peak,
                                                     &error);
  g_assert_no_error (error);
  g_test_message ("the server held %u connections at once", server_peak);
  g_assert_cmpuint (server_peak, >, 1024);
  g_clear_pointer (&ctx, g_main_context_unref);
  direct_destroy (&d);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  g_assert_cmpuint (test_count_fds (), ==, fds);
}

/* Out of descriptors: a clear error naming the item and the call, on the
 * client's side (no socket) and on the server's (no accept). */
static void
test_api_tcp_out_of_fds (void)
{
  const char *tcp[] = { "items=3", "max-latency=0", "transport=tcp",
                        "server=thread", NULL };
  struct rlimit saved, lim;
  Direct d = { 0 };
  g_autoptr (GError) error = NULL;

  if (g_getenv ("CONCBENCH_UNDER_VALGRIND") != NULL)
    {
      /* valgrind keeps descriptors of its own and enforces RLIMIT_NOFILE
       * itself, after the kernel has accepted: what this test provokes is
       * then valgrind's behaviour, not the workload's. */
      g_test_skip ("RLIMIT_NOFILE is emulated under valgrind");
      return;
    }
  guint fds = test_count_fds ();
  guint64 digest;

  g_assert_true (direct_create (&d, tcp, &error));
  g_autoptr (GMainContext) ctx = g_main_context_new (); /* needs an fd */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  lim = saved;

  /* The limit bounds descriptor numbers, and a new descriptor takes the
   * lowest free one: a limit there leaves the client no socket. */
  int lowest = dup (0);
  g_assert_cmpint (lowest, >=, 0);
  close (lowest);
  lim.rlim_cur = (rlim_t) lowest;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lim), ==, 0);
  g_assert_false (d.wk->run (d.workload, 1, &digest, &error));
  assert_message (error, "item 1 (record 2) GET");
  assert_message (error, g_strerror (EMFILE));
  g_clear_error (&error);
  g_autofree guint64 *none = direct_run_async_on (&d, ctx, NULL, &error);
  g_assert_null (none);
  g_assert_nonnull (error);
  assert_message (error, g_strerror (EMFILE));
  g_clear_error (&error);

  /* One left: the client's socket takes it, the server cannot accept and
   * says so rather than leave the client waiting. */
  lim.rlim_cur++;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lim), ==, 0);
  g_assert_false (d.wk->run (d.workload, 2, &digest, &error));
  assert_message (error, "item 2 (record 3) GET");
  assert_message (error, "cannot take the connection");
  assert_message (error, g_strerror (EMFILE));
  g_clear_error (&error);

  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  /* And it serves again once descriptors are back. */
  g_assert_true (d.wk->run (d.workload, 2, &digest, &error));
  g_assert_no_error (error);
  direct_destroy (&d);
  g_clear_pointer (&ctx, g_main_context_unref);
  g_assert_cmpuint (test_count_fds (), ==, fds);
}

static void
test_sieve_methods_agree (void)
{
  const char *params[] = { "items=3", "complexity=20000",
                           "method=trial,eratosthenes", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 120 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = test_make_suite (registry, "sieve", "sequential", params);
  /* Different methods are different workload keys, so compare by hand. */
  g_assert_cmpuint (suite->benchmarks->len, ==, 2);
  run_all_ok (runner, suite);
}

static void
assert_run_fails (const char *workload, const char *strategy,
                  const char *const *params, const char *needle)
{
  CbRunOptions options = { .seed = 1, .timeout = 30 };
  g_autoptr (CbSuite) suite = test_make_suite (registry, workload, strategy, params);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  /* Counted around the runner's whole life: a runner may keep descriptors
   * of its own (its cgroup's) from its first run until it is freed. */
  guint fds = test_count_fds ();
  CbRunner *runner = cb_runner_new (&options);

  g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                                 &sample, &error));
  cb_runner_free (runner);
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("expected '%s' in '%s'", needle, error->message);
  g_assert_cmpuint (test_count_fds (), ==, fds);
  g_assert_true (test_no_children ());
  cb_bench_info_clear (&info);
}

static void
test_contract_violations (void)
{
  if (test_skip_if_static ())
    return;
  const char *skip[] = { "items=5", "max-latency=0", "mode=skip", NULL };
  const char *twice[] = { "items=5", "max-latency=0", "mode=twice", NULL };
  const char *wrong[] = { "items=5", "max-latency=0", "mode=wrong-digest",
                          NULL };
  const char *beyond[] = { "items=5", "max-latency=0", "mode=out-of-range",
                           NULL };
  assert_run_fails ("api", "misbehave", skip, "never completed: items 4");
  assert_run_fails ("api", "misbehave", twice,
                    "completed more than once: items 0");
  assert_run_fails ("api", "misbehave", wrong,
                    "digest the workload did not return: items 0");
  /* Every item done once, plus a complete() for an item the job has not. */
  assert_run_fails ("api", "misbehave", beyond,
                    "completed out of range (5 items): items 5");
}

/* A workload that is only a state machine, with operations api does not
 * use: every loop strategy runs it with sequential's digests; a failure
 * half-way names the item; an unknown operation is refused by the core;
 * and (stepper aborts otherwise) every state is freed exactly once. */
static void
test_steps_contract (void)
{
  if (test_skip_if_static ())
    return;
  static const char *strategies[][3] = {
    { "sequential", NULL },
    { "epoll", "loops=1,2" },
    { "gmainloop", "loops=1,2", "timers=per-item,heap" },
  };
  CbRunOptions options = { .seed = 3, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);

  for (guint s = 0; s < G_N_ELEMENTS (strategies); s++)
    {
      const char *params[] = { "items=9", strategies[s][1], strategies[s][2],
                               NULL };
      g_autoptr (CbSuite) suite
          = test_make_suite (registry, "stepper", strategies[s][0], params);
      run_all_ok (runner, suite);
    }
  const char *fail[] = { "how=fail", NULL };
  const char *bad_op[] = { "how=bad-op", NULL };
  const char *fail_heap[] = { "how=fail", "timers=heap", "loops=2", NULL };
  assert_run_fails ("stepper", "epoll", fail,
                    "item 3: stepper: item 3 fails as asked");
  assert_run_fails ("stepper", "gmainloop", fail,
                    "item 3: stepper: item 3 fails as asked");
  assert_run_fails ("stepper", "gmainloop", fail_heap,
                    "item 3: stepper: item 3 fails as asked");
  assert_run_fails ("stepper", "epoll", bad_op,
                    "item 2: workload asked for unknown operation 99");
  assert_run_fails ("stepper", "gmainloop", bad_op,
                    "item 2: workload asked for unknown operation 99");
}

/* A workload asynchronous through run_async only: gmainloop runs it on
 * each of its loops, with sequential's digests; epoll refuses it. */
static void
test_run_async_only (void)
{
  if (test_skip_if_static ())
    return;
  CbRunOptions options = { .seed = 3, .timeout = 60 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  const char *none[] = { NULL };
  const char *loops[] = { "loops=1,2,3", NULL };
  g_autoptr (CbSuite) seq
      = test_make_suite (registry, "asynconly", "sequential", none);
  g_autoptr (CbSuite) loop
      = test_make_suite (registry, "asynconly", "gmainloop", loops);

  run_all_ok (runner, seq);
  run_all_ok (runner, loop);
  assert_run_fails ("asynconly", "epoll", none,
                    "epoll drives ABI 1.2 state machines");
}

static void
test_crashes_are_contained (void)
{
  if (test_skip_if_static ())
    return;
  const char *segv[] = { "how=segv", NULL };
  const char *abrt[] = { "how=abort", NULL };
  const char *ex[] = { "how=exit", NULL };
  const char *err[] = { "how=error", NULL };
  const char *pool_segv[] = { "how=segv", "processes=2", NULL };
  const char *pool_err[] = { "how=error", "processes=2", NULL };
  assert_run_fails ("crashy", "sequential", segv,
                    "worker killed by signal 11");
  assert_run_fails ("crashy", "gthreadpool", abrt,
                    "worker killed by signal 6");
  assert_run_fails ("crashy", "sequential", ex, "worker exited with status 3");
  assert_run_fails ("crashy", "gmainloop", err, "crashy refuses item 1");
  assert_run_fails ("crashy", "procpool", pool_segv, "signal 11");
  assert_run_fails ("crashy", "procpool", pool_err, "crashy refuses item 1");
}

static void
test_timeout_kills_tree (void)
{
  if (test_skip_if_static ())
    return;
  const char *hang[] = { "how=hang", "processes=3", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 1 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  g_autoptr (CbSuite) suite = test_make_suite (registry, "crashy", "procpool", hang);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                                 &sample, &error));
  g_assert_error (error, CB_RUN_ERROR, CB_RUN_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "timed out after 1 s"));
  /* Generous: 1 s timeout plus the SIGTERM grace, on a loaded machine. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_assert_true (test_no_children ());
}

/* A worker keeps no descriptor it was not given: the runner's own (here
 * 251, opened by this test) and those concbench inherited from whoever
 * started it (here 9, from the shell). */
static void
test_worker_closes_inherited_fds (void)
{
  const char *params[] = { "items=3", "complexity=1000", "fd=251", NULL };
  CbRunOptions options = { .seed = 1, .timeout = 30 };
  g_autoptr (CbRunner) runner = cb_runner_new (&options);
  CbBenchInfo info = { 0 };
  CbRunSample sample;
  g_autoptr (GError) error = NULL;

  if (test_skip_if_static ())
    return;
  g_autoptr (CbSuite) suite
      = test_make_suite (registry, "sieve", "fdcheck", params);
  int null = open ("/dev/null", O_RDONLY);
  g_assert_cmpint (null, >=, 0);
  g_assert_cmpint (dup2 (null, 251), ==, 251);
  close (null);
  gboolean ok = cb_runner_run (runner, suite->benchmarks->pdata[0], &info,
                               &sample, &error);
  close (251);
  g_assert_no_error (error);
  g_assert_true (ok);
  cb_run_sample_clear (&sample);
  cb_bench_info_clear (&info);

  g_autoptr (TestExec) exec = test_exec_shell (
      "exec 9</dev/null; exec \"$CONCBENCH\" --plugin-dir "
      "\"$CONCBENCH_TEST_PLUGINS\" -w sieve -s fdcheck -p fd=9 -p items=2 "
      "-p complexity=1000 --warmups 0 --runs 1");
  if (exec->status != 0)
    g_error ("exit %d, stdout:\n%s\nstderr:\n%s", exec->status, exec->out,
             exec->err);
}

/* The workload's declared descriptors count (api tcp on a server thread:
 * two per item in flight): a soft limit below them is raised to the hard
 * one and the row runs; a hard limit below them fails the row before it
 * starts, with the numbers. */
static void
test_workload_fd_needs (void)
{
  const char *row = "exec \"$CONCBENCH\" -w api -s epoll -p items=100 "
                    "-p transport=tcp -p server=thread -p max-latency=0.01 "
                    "--warmups 0 --runs 1";
  g_autofree char *soft = g_strdup_printf ("ulimit -S -n 64 && %s", row);
  g_autofree char *hard = g_strdup_printf ("ulimit -n 64 && %s", row);
  g_autoptr (TestExec) raised = test_exec_shell (soft);
  g_autoptr (TestExec) short_ = test_exec_shell (hard);

  if (raised->status != 0)
    g_error ("soft limit not raised; exit %d\n%s\n%s", raised->status,
             raised->out, raised->err);
  if (short_->status != 1
      || strstr (short_->out, "RLIMIT_NOFILE (ulimit -n) is 64 (hard 64)")
             == NULL)
    g_error ("expected the row to fail naming the limits; exit %d\n%s\n%s",
             short_->status, short_->out, short_->err);
  /* 2 x 100 items, the server's 5, epoll's 3 (its epoll, timerfd, stop). */
  g_assert_nonnull (strstr (short_->out, "needs 208 more file descriptors"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  registry = test_registry (test_env ("CONCBENCH_TEST_PLUGINS"));
  g_test_add_data_func ("/strategies/api", "api", test_matrix);
  g_test_add_data_func ("/strategies/sieve", "sieve", test_matrix);
  g_test_add_func ("/strategies/api-tcp-digests", test_api_tcp_digests);
  g_test_add_func ("/strategies/api-tcp-keep-alive", test_api_tcp_keep_alive);
  g_test_add_func ("/strategies/api-tcp-many-connections",
                   test_api_tcp_many_connections);
  g_test_add_func ("/strategies/api-tcp-out-of-fds", test_api_tcp_out_of_fds);
  g_test_add_func ("/strategies/sieve-methods-agree",
                   test_sieve_methods_agree);
  g_test_add_func ("/strategies/contract-violations",
                   test_contract_violations);
  g_test_add_func ("/strategies/steps-contract", test_steps_contract);
  g_test_add_func ("/strategies/run-async-only", test_run_async_only);
  g_test_add_func ("/strategies/crashes-are-contained",
                   test_crashes_are_contained);
  g_test_add_func ("/strategies/timeout-kills-tree", test_timeout_kills_tree);
  g_test_add_func ("/strategies/worker-closes-inherited-fds",
                   test_worker_closes_inherited_fds);
  /* Last, with the other test that spawns through GSubprocess: GLib's
   * worker thread opens and closes descriptors after it returns, which
   * the descriptor counts of the tests above would see. */
  g_test_add_func ("/strategies/workload-fd-needs", test_workload_fd_needs);
  int status = g_test_run ();
  cb_registry_free (registry);
  return status;
}
