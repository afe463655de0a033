/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api workload's records: the person each item GETs and maybe PUTs
 * back, drawn from counter-based random streams, and the digest of it as it
 * would travel on the wire. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "api.h"

#define GOLDEN_GAMMA G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

typedef struct {
  guint64 state;
} Rng;

static const char *const first_names[] = {
  "Ada", "Alan", "Barbara", "Carlos", "Chen", "Dagny", "Elif", "Fatima",
  "Grace", "Hiro", "Ines", "Jamal", "Katarzyna", "Linus", "Mei", "Nadia",
  "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor",
};

static const char *const last_names[] = {
  "Abara", "Berg", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia",
  "Hopper", "Ivanova", "Jensen", "Kowalski", "Lovelace", "Moreau", "Nakamura",
  "Okafor", "Petrov", "Quispe", "Rossi", "Schmidt", "Turing", "Usman",
  "Varga", "Wong", "Yilmaz",
};

static const char *const streets[] = {
  "Acacia Avenue", "Baker Street", "Canal Road", "Dock Lane", "Elm Row",
  "Ferry Street", "Garden Walk", "High Street", "Mill Lane", "Station Road",
  "Harbour View", "Orchard Close",
};

static const char *const cities[] = {
  "Aarhus", "Bilbao", "Cork", "Dresden", "Eindhoven", "Florence", "Gdansk",
  "Helsinki", "Izmir", "Lyon", "Porto", "Tartu",
};

static const char *const mail_domains[] = {
  "example.com", "example.net", "example.org", "mail.test", "post.invalid",
};

static const char *const company_kinds[] = {
  "& Sons", "Consulting", "GmbH", "Holdings", "Labs", "Ltd", "Partners",
  "Systems", "Trading", "Works",
};

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Counter-based: any (seed, id, stream) can be drawn in any order, from any
 * thread or process, and always gives the same numbers. */
static Rng
rng_keyed (guint64 seed, guint64 id, guint64 stream)
{
  guint64 state = mix64 (seed ^ GOLDEN_GAMMA);
  state = mix64 (state ^ id);
  return (Rng){ mix64 (state ^ stream) };
}

static guint64
rng_next (Rng *rng)
{
  rng->state += GOLDEN_GAMMA;
  return mix64 (rng->state);
}

static double
rng_uniform (Rng *rng)
{
  return (double) (rng_next (rng) >> 11) * 0x1.0p-53;
}

static guint
rng_below (Rng *rng, guint bound)
{
  return (guint) (rng_next (rng) % bound);
}

#define rng_pick(rng, table) ((table)[rng_below ((rng), G_N_ELEMENTS (table))])

guint
record_id (guint item)
{
  return item + 1;
}

gboolean
record_needs_put (guint id)
{
  return id % 3 == 1;
}

/* The sum of two uniforms is triangular on [0, 2) with its mode at 1. */
double
draw_latency (guint64 seed, guint id, guint stream, double max_latency)
{
  Rng rng = rng_keyed (seed, id, stream);
  double u1 = rng_uniform (&rng);
  double u2 = rng_uniform (&rng);
  return (u1 + u2) * max_latency / 2.0;
}

void
person_free (Person *person)
{
  g_free (person->name);
  g_free (person->email);
  g_free (person->address);
  g_free (person->birthday);
  g_free (person->company);
  g_free (person);
}


static Person *
person_new (guint64 seed, guint id)
{
  Rng rng = rng_keyed (seed, id, STREAM_PERSON);
  const char *first = rng_pick (&rng, first_names);
  const char *last = rng_pick (&rng, last_names);
  g_autofree char *first_lower = g_ascii_strdown (first, -1);
  g_autofree char *last_lower = g_ascii_strdown (last, -1);
  Person *person = g_new0 (Person, 1);

  person->id = id;
  person->name = g_strdup_printf ("%s %s", first, last);
  person->email = g_strdup_printf ("%s.%s%02u@%s", first_lower, last_lower,
                                   rng_below (&rng, 100),
                                   rng_pick (&rng, mail_domains));
  person->address = g_strdup_printf ("%u %s, %05u %s",
                                     1 + rng_below (&rng, 999),
                                     rng_pick (&rng, streets),
                                     rng_below (&rng, 100000),
                                     rng_pick (&rng, cities));
  person->birthday = g_strdup_printf ("%04u-%02u-%02u",
                                      1940 + rng_below (&rng, 66),
                                      1 + rng_below (&rng, 12),
                                      1 + rng_below (&rng, 28));
  return person;
}

static void
person_set_company (Person *person, guint64 seed)
{
  Rng rng = rng_keyed (seed, person->id, STREAM_COMPANY);
  const char *owner = rng_pick (&rng, last_names);

  g_free (person->company);
  person->company = g_strdup_printf ("%s %s", owner,
                                     rng_pick (&rng, company_kinds));
}

static guint64
fnv1a64 (const char *text)
{
  guint64 hash = G_GUINT64_CONSTANT (0xCBF29CE484222325);

  for (const guchar *p = (const guchar *) text; *p; p++)
    hash = (hash ^ *p) * G_GUINT64_CONSTANT (0x100000001B3);
  return hash;
}

/* Hashes the record as it would travel on the wire, so every field counts. */
guint64
person_digest (const Person *person)
{
  g_autofree char *wire = g_strdup_printf (
      "{\"id\":%u,\"name\":\"%s\",\"email\":\"%s\",\"address\":\"%s\","
      "\"birthday\":\"%s\"%s%s%s}",
      person->id, person->name, person->email, person->address,
      person->birthday, person->company ? ",\"company\":\"" : "",
      person->company ? person->company : "", person->company ? "\"" : "");
  return fnv1a64 (wire);
}

/* GET done: the record is built, and updated when its id asks for it. */
Person *
person_built (guint64 seed, guint id)
{
  Person *person = person_new (seed, id);

  if (record_needs_put (id))
    person_set_company (person, seed);
  return person;
}

Person *
person_fetched (const Api *api, guint id)
{
  return person_built (api->seed, id);
}
