/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Workload "api": emulated remote-API processing, the seed's IO-heavy
 * benchmark.  Each item GETs a person record, fills it in and, for one id in
 * three, sets its company and PUTs it back.  Every GET and PUT waits a
 * latency the workload decides up front: a timer wait (transport "timer"),
 * or a request to a latency server on 127.0.0.1 that answers after it
 * (transport "tcp", in api-tcp.c). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* clock_nanosleep under a strict -std */
#endif

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif
double
get_latency (const Api *api, guint item)
{
  return api->latency[2 * (gsize) item];
}

double
put_latency (const Api *api, guint item)
{
  return api->latency[2 * (gsize) item + 1];
}

/* Latencies are never negative, so adding a half rounds without libm. */
gint64
seconds_to_units (double seconds, double units_per_second)
{
  return (gint64) (seconds * units_per_second + 0.5);
}

/* An absolute deadline makes the wait immune to EINTR drift. */
static void
sleep_seconds (double seconds)
{
  struct timespec deadline;
  gint64 ns = seconds_to_units (seconds, 1e9);

  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += (time_t) (ns / G_GINT64_CONSTANT (1000000000));
  deadline.tv_nsec += (long) (ns % G_GINT64_CONSTANT (1000000000));
  if (deadline.tv_nsec >= 1000000000L)
    {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL)
         == EINTR)
    ;
}

gboolean
check_item (const Api *api, guint item, GError **error)
{
  if (item < api->n_items)
    return TRUE;
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
               "api: item %u out of range (%u items)", item, api->n_items);
  return FALSE;
}

static gpointer
api_create (const CbParams *params, guint64 seed, GError **error)
{
  guint64 items = cb_params_get_uint (params, "items");
  double max_latency = cb_params_get_double (params, "max-latency");
  Transport transport = cb_params_get_enum (params, "transport");
  gboolean server_process = cb_params_get_enum (params, "server")
                            == SERVER_PROCESS;
  g_autofree double *latency = NULL;
  ApiTcpServer *server = NULL;

  if (items < 1 || items > 1000000)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "api: items must be within 1..1000000, not %" G_GUINT64_FORMAT,
                   items);
      return NULL;
    }
  if (!(max_latency >= 0.0 && max_latency <= 3600.0))
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID,
                   "api: max-latency must be within 0..3600 s, not %g",
                   max_latency);
      return NULL;
    }
  latency = g_try_new0 (double, 2 * (gsize) items);
  if (latency == NULL)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "api: cannot allocate the latencies of %" G_GUINT64_FORMAT
                   " items", items);
      return NULL;
    }
  /* Drawn once here so that run and item_wait are cheap and need no lock. */
  for (guint item = 0; item < items; item++)
    {
      guint id = record_id (item);

      latency[2 * (gsize) item] =
          draw_latency (seed, id, STREAM_GET_LATENCY, max_latency);
      if (record_needs_put (id))
        latency[2 * (gsize) item + 1] =
            draw_latency (seed, id, STREAM_PUT_LATENCY, max_latency);
    }

  if (transport == TRANSPORT_TCP)
    {
      server = api_tcp_server_new (seed, server_process, error);
      if (server == NULL)
        {
          g_prefix_error (error, "api: ");
          return NULL;
        }
    }

  Api *api = g_new0 (Api, 1);
  api->seed = seed;
  api->n_items = (guint) items;
  api->latency = g_steal_pointer (&latency);
  api->transport = transport;
  api->connection = cb_params_get_enum (params, "connection");
  api->server_process = server_process;
  api->server = server;
  api->port = server ? api_tcp_server_port (server) : 0;
  return api;
}

static void
api_destroy (gpointer workload)
{
  Api *api = workload;

  if (api == NULL)
    return;
  api_tcp_server_free (api->server);
  g_free (api->latency);
  g_free (api);
}

static guint
api_n_items (gpointer workload)
{
  return ((const Api *) workload)->n_items;
}

static double
api_item_wait (gpointer workload, guint item)
{
  const Api *api = workload;

  if (item >= api->n_items)
    return 0.0;
  return get_latency (api, item) + put_latency (api, item);
}

ApiTcpRequest
tcp_request (const Api *api, guint item, ApiTcpMethod method)
{
  double latency = method == API_TCP_PUT ? put_latency (api, item)
                                         : get_latency (api, item);

  return (ApiTcpRequest){
    .method = method,
    .id = record_id (item),
    .latency_us = (guint64) seconds_to_units (latency, 1e6),
    .keep_alive = api->connection == CONNECTION_KEEP_ALIVE,
  };
}

void
prefix_call_error (GError **error, guint item, ApiTcpMethod method)
{
  g_prefix_error (error, "api: item %u (record %u) %s: ", item,
                  record_id (item), api_tcp_method_name (method));
}

/* One call over tcp, blocking: on fd when keep-alive gives it one, else on
 * a connection of its own. */
static gboolean
tcp_call (const Api *api, int fd, guint item, ApiTcpMethod method,
          ApiTcpReply *reply, GError **error)
{
  ApiTcpRequest request = tcp_request (api, item, method);
  gboolean ok = fd >= 0 ? api_tcp_exchange (fd, &request, reply, error)
                        : api_tcp_call (api->port, &request, reply, error);

  if (!ok)
    prefix_call_error (error, item, method);
  return ok;
}

static void
close_connection (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

/* The record is built from what the GET brought back, so the digest
 * depends on the transport carrying it intact. */
static gboolean
tcp_run (const Api *api, guint item, guint64 *digest, GError **error)
{
  ApiTcpReply reply;
  __attribute__ ((cleanup (close_connection))) int fd = -1;

  if (api->connection == CONNECTION_KEEP_ALIVE)
    {
      fd = api_tcp_connect (api->port, error);
      if (fd < 0)
        {
          prefix_call_error (error, item, API_TCP_GET);
          return FALSE;
        }
    }
  if (!tcp_call (api, fd, item, API_TCP_GET, &reply, error))
    return FALSE;
  g_autoptr (Person) person = person_built (reply.record_key, reply.id);
  if (record_needs_put (reply.id)
      && !tcp_call (api, fd, item, API_TCP_PUT, &reply, error))
    return FALSE;
  *digest = person_digest (person);
  return TRUE;
}

static gboolean
api_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  const Api *api = workload;
  guint id = record_id (item);

  if (!check_item (api, item, error))
    return FALSE;
  if (api->transport == TRANSPORT_TCP)
    return tcp_run (api, item, digest, error);
  sleep_seconds (get_latency (api, item));
  g_autoptr (Person) person = person_fetched (api, id);
  if (record_needs_put (id))
    sleep_seconds (put_latency (api, item));
  *digest = person_digest (person);
  return TRUE;
}

/* tcp: an item in flight holds one socket.  A server on a thread holds,
 * in the same process, one per connection it serves and its own; a server
 * process holds them in its own descriptor table. */
static void
api_resources (gpointer workload, CbResources *fixed, CbResources *per_item)
{
  const Api *api = workload;

  if (api->transport != TRANSPORT_TCP)
    return;
  per_item->fds = 1;
  if (api->server_process)
    {
      fixed->processes = 1;
      return;
    }
  fixed->threads = 1;
  fixed->fds = API_TCP_SERVER_FDS;
  per_item->fds = 2;
}

static const char *const transport_choices[] = { "timer", "tcp", NULL };
static const char *const server_choices[] = { "process", "thread", NULL };
static const char *const connection_choices[] = { "per-call", "keep-alive",
                                                  NULL };

static const CbParamSpec api_params[] = {
  {
      .name = "items",
      .help = "number of records",
      .default_value = "50",
      .type = CB_PARAM_UINT,
      .min = 1,
      .max = 1000000,
  },
  {
      .name = "max-latency",
      .help = "upper bound of each simulated network latency; latencies are "
              "triangular on [0, max], mean max/2",
      .default_value = "0.66",
      .type = CB_PARAM_DOUBLE,
      .min = 0,
      .max = 3600,
  },
  {
      .name = "transport",
      .help = "timer: each GET and PUT is a timer wait; tcp: a request to a "
              "latency server on 127.0.0.1 that answers after the latency",
      .default_value = "timer",
      .type = CB_PARAM_ENUM,
      .choices = transport_choices,
  },
  {
      .name = "connection",
      .help = "tcp: per-call opens a connection for each GET and PUT; "
              "keep-alive carries an item's GET and PUT on one connection",
      .default_value = "per-call",
      .type = CB_PARAM_ENUM,
      .choices = connection_choices,
  },
  {
      .name = "server",
      .help = "tcp: where the latency server runs: a process of its own "
              "(its descriptors and CPU are not the client's) or a thread "
              "of the worker",
      .default_value = "process",
      .type = CB_PARAM_ENUM,
      .choices = server_choices,
  },
  { .name = NULL },
};

static const CbWorkloadClass api_class = {
  .name = "api",
  .summary = "emulated remote-API processing: GET a record, build it, PUT "
             "one in three back",
  .params = api_params,
  .create = api_create,
  .destroy = api_destroy,
  .n_items = api_n_items,
  .run = api_run,
  .run_async = api_run_async,
  .item_wait = api_item_wait,
  .item_start = api_item_start,
  .item_resume = api_item_resume,
  .item_free = api_item_free,
  .resources = api_resources,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "api",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "latency-bound workload emulating a remote REST API",
  .workload = &api_class,
};

CB_PLUGIN_DEFINE (api, desc)
