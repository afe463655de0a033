/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the api workload's files share: the workload, its records, and the
 * three ways of running an item (blocking in api.c, as a state machine in
 * api-steps.c, on a GMainContext in api-async.c). */
#pragma once

#include <concbench/plugin.h>

#include "api-tcp.h"

/* Independent random streams per record, so that latencies and contents never
 * influence each other: the digest must not depend on max-latency. */
enum {
  STREAM_GET_LATENCY = 0,
  STREAM_PUT_LATENCY = 1,
  STREAM_PERSON = 2,
  STREAM_COMPANY = 3,
};

typedef enum {
  TRANSPORT_TIMER,
  TRANSPORT_TCP,
} Transport;

typedef enum {
  CONNECTION_PER_CALL, /* a connection for each GET and PUT (HTTP/1.0) */
  CONNECTION_KEEP_ALIVE, /* one connection for an item's GET and PUT */
} Connection;

typedef enum {
  SERVER_PROCESS,
  SERVER_THREAD,
} ServerPlace;

typedef struct {
  guint64 seed;
  guint n_items;
  double *latency; /* seconds; [2 * item] GET, [2 * item + 1] PUT or 0 */
  Transport transport;
  Connection connection;
  gboolean server_process; /* else a thread of the creating process */
  /* tcp: the latency server, in the process that called create only; the
   * port is all a client needs, in any thread or forked child. */
  ApiTcpServer *server;
  guint16 port;
} Api;

typedef struct {
  guint id;
  char *name;
  char *email;
  char *address;
  char *birthday;
  char *company; /* NULL until the update */
} Person;

/* api-record.c */
guint record_id (guint item);
gboolean record_needs_put (guint id);
double draw_latency (guint64 seed, guint id, guint stream, double max_latency);
void person_free (Person *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Person, person_free)
/* GET done: the record is built, and updated when its id asks for it. */
Person *person_built (guint64 seed, guint id);
Person *person_fetched (const Api *api, guint id);
/* Hashes the record as it would travel on the wire, so every field counts. */
guint64 person_digest (const Person *person);

/* api.c */
double get_latency (const Api *api, guint item);
double put_latency (const Api *api, guint item);
gint64 seconds_to_units (double seconds, double units_per_second);
gboolean check_item (const Api *api, guint item, GError **error);
ApiTcpRequest tcp_request (const Api *api, guint item, ApiTcpMethod method);
void prefix_call_error (GError **error, guint item, ApiTcpMethod method);

/* api-steps.c: the item as a state machine (ABI 1.2) */
CbStep api_item_start (gpointer workload, guint item, gpointer *state,
                       CbOp *op, guint64 *digest, GError **error);
CbStep api_item_resume (gpointer workload, gpointer state, gint64 result,
                        CbOp *op, guint64 *digest, GError **error);
void api_item_free (gpointer workload, gpointer state);

/* api-async.c: the state machine on a GMainContext, as run_async */
void api_run_async (gpointer workload, guint item, GMainContext *ctx,
                    CbItemDone done, gpointer user_data);
