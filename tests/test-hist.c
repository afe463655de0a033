/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The histogram of src/hist.c against exact sorted percentiles, and its
 * JSON form.  Every data set is generated from a fixed seed; a percentile
 * read back must be within value/2048 of the exact nearest-rank one (the
 * precision hist.h states, better than the 10^-3 three significant digits
 * need), and exact below 2048 ns. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <string.h>

#include "hist-json.h"
#include "params.h"

#define SEED 20261201

static const double percentiles[] = {
  0, 0.001, 0.1, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 99.5, 99.9,
  99.99, 99.999, 100,
};

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The definition hist.h promises: rank max(1, ceil(p/100 n)), 1-based. */
static gint64
exact_percentile (const gint64 *sorted, guint n, double p)
{
  guint64 rank = (guint64) ceil (p / 100.0 * n);

  return sorted[CLAMP (rank, 1, n) - 1];
}

static void
assert_within_precision (gint64 got, gint64 exact, double p)
{
  gint64 diff = got > exact ? got - exact : exact - got;

  if (exact < 2048)
    g_assert_cmpint (got, ==, exact);
  /* |got - exact| <= exact / 2048, in integers. */
  if (diff > exact / 2048)
    g_error ("p%g: %" G_GINT64_FORMAT " for exact %" G_GINT64_FORMAT
             " (off by %" G_GINT64_FORMAT ")", p, got, exact, diff);
}

/* Records values (all below the clamp) and checks every statistic against
 * the sorted data. */
static void
check_against_exact (const gint64 *values, guint n)
{
  g_autoptr (CbHist) hist = cb_hist_new ();
  g_autofree gint64 *sorted = g_new (gint64, n);
  double sum = 0;

  memcpy (sorted, values, n * sizeof (gint64));

  for (guint i = 0; i < n; i++)
    {
      cb_hist_record (hist, values[i]);
      sum += (double) values[i];
    }
  qsort (sorted, n, sizeof (gint64), compare_gint64);

  g_assert_cmpuint (cb_hist_count (hist), ==, n);
  g_assert_cmpuint (cb_hist_clamped (hist), ==, 0);
  g_assert_cmpint (cb_hist_min (hist), ==, sorted[0]);
  g_assert_cmpint (cb_hist_max (hist), ==, sorted[n - 1]);
  g_assert_cmpfloat_with_epsilon (cb_hist_mean (hist), sum / n,
                                  1e-12 * (sum / n) + 1e-12);
  for (guint i = 0; i < G_N_ELEMENTS (percentiles); i++)
    assert_within_precision (cb_hist_percentile (hist, percentiles[i]),
                             exact_percentile (sorted, n, percentiles[i]),
                             percentiles[i]);
  for (double p = 0; p <= 100; p += 0.25)
    assert_within_precision (cb_hist_percentile (hist, p),
                             exact_percentile (sorted, n, p), p);
}

/* ---- data sets ---------------------------------------------------------- */

#define N_RANDOM 100000

typedef gint64 (*Generator) (GRand *rand);

static gint64
uniform_small (GRand *rand)
{
  return g_rand_int_range (rand, 0, 5000);
}

static gint64
uniform_wide (GRand *rand)
{
  return (gint64) g_rand_double_range (rand, 0, 3.6e12);
}

static gint64
exponential_1ms (GRand *rand)
{
  return (gint64) (-1e6 * log1p (-g_rand_double (rand)));
}

/* Pareto, alpha 1.1 from 1 µs: a tail across every decade to the clamp. */
static gint64
pareto (GRand *rand)
{
  double x = 1e3 * pow (1.0 - g_rand_double (rand), -1.0 / 1.1);

  return (gint64) MIN (x, (double) (CB_HIST_CLAMP_NS - 1));
}

static gint64
log_uniform (GRand *rand)
{
  return (gint64) exp (g_rand_double_range (rand, 0, log (4e12)));
}

/* Values on bucket edges: the first and last value of random buckets. */
static gint64
bucket_edges (GRand *rand)
{
  gint64 v = (gint64) exp (g_rand_double_range (rand, 0, log (4e12)));
  gint64 lower = cb_hist_bucket_lower (v);

  return g_rand_boolean (rand) ? lower
                               : lower + cb_hist_bucket_width (v) - 1;
}

static void
check_generator (gconstpointer data)
{
  Generator generate = (Generator) data;
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  g_autofree gint64 *values = g_new (gint64, N_RANDOM);

  for (guint i = 0; i < N_RANDOM; i++)
    values[i] = generate (rand);
  check_against_exact (values, N_RANDOM);
  /* Small samples too, where one rank is a large share. */
  for (guint n = 1; n <= 7; n++)
    check_against_exact (values + 1000 * n, n);
}

static void
test_constant_sets (void)
{
  const gint64 singles[] = { 0, 1, 2047, 2048, 2049, 12345, 999999937,
                             G_GINT64_CONSTANT (3600000000000),
                             CB_HIST_CLAMP_NS - 1 };
  gint64 values[1000];

  for (guint s = 0; s < G_N_ELEMENTS (singles); s++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        values[i] = singles[s];
      check_against_exact (values, 1);
      check_against_exact (values, G_N_ELEMENTS (values));
    }
}

/* Two clusters far apart, as a stalled run gives: the percentiles jump. */
static void
test_bimodal (void)
{
  gint64 values[1000];

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i % 10 == 0 ? G_GINT64_CONSTANT (200000000) + i : 1000 + i;
  check_against_exact (values, G_N_ELEMENTS (values));
}

/* ---- buckets ------------------------------------------------------------ */

static void
test_bucket_layout (void)
{
  gint64 v = 0;

  /* Contiguous, each at most 1/1024 of its lower bound wide, up to the
   * clamp. */
  while (v < CB_HIST_CLAMP_NS)
    {
      gint64 lower = cb_hist_bucket_lower (v);
      gint64 width = cb_hist_bucket_width (v);

      g_assert_cmpint (lower, ==, v);
      g_assert_cmpint (width, >=, 1);
      if (lower >= 2048)
        g_assert_cmpint (width * 1024, <=, lower);
      else
        g_assert_cmpint (width, ==, 1);
      g_assert_cmpint (cb_hist_bucket_lower (v + width - 1), ==, lower);
      v += width;
    }
  g_assert_cmpint (v, ==, CB_HIST_CLAMP_NS);
  g_assert_cmpint (cb_hist_bucket_lower (CB_HIST_CLAMP_NS), ==,
                   cb_hist_bucket_lower (CB_HIST_CLAMP_NS - 1));
  g_assert_cmpint (cb_hist_bucket_lower (-5), ==, 0);
  /* More than an hour is in range. */
  g_assert_cmpint (CB_HIST_CLAMP_NS, >, G_GINT64_CONSTANT (3600000000000));
}

static void
test_empty (void)
{
  g_autoptr (CbHist) hist = cb_hist_new ();
  CbHistIter it = CB_HIST_ITER_INIT;
  gint64 lower;
  guint64 count;

  g_assert_cmpuint (cb_hist_count (hist), ==, 0);
  g_assert_cmpint (cb_hist_min (hist), ==, 0);
  g_assert_cmpint (cb_hist_max (hist), ==, 0);
  g_assert_true (isnan (cb_hist_mean (hist)));
  g_assert_cmpint (cb_hist_percentile (hist, 50), ==, 0);
  g_assert_false (cb_hist_iter_next (hist, &it, &lower, &count));
}

static void
test_negative_is_zero (void)
{
  g_autoptr (CbHist) hist = cb_hist_new ();

  cb_hist_record (hist, -7);
  cb_hist_record (hist, G_MININT64);
  g_assert_cmpuint (cb_hist_count (hist), ==, 2);
  g_assert_cmpint (cb_hist_min (hist), ==, 0);
  g_assert_cmpint (cb_hist_max (hist), ==, 0);
  g_assert_cmpint (cb_hist_percentile (hist, 50), ==, 0);
  g_assert_cmpfloat (cb_hist_mean (hist), ==, 0.0);
}

/* Above the range: counted in the top bucket and as clamped; min, max and
 * mean stay exact; a percentile on a clamped value is the clamp. */
static void
test_clamped (void)
{
  g_autoptr (CbHist) hist = cb_hist_new ();
  const gint64 ten_hours = G_GINT64_CONSTANT (36000000000000);

  for (guint i = 0; i < 97; i++)
    cb_hist_record (hist, 1000 + i);
  cb_hist_record (hist, CB_HIST_CLAMP_NS - 1);
  cb_hist_record (hist, CB_HIST_CLAMP_NS);
  cb_hist_record (hist, ten_hours);
  g_assert_cmpuint (cb_hist_count (hist), ==, 100);
  g_assert_cmpuint (cb_hist_clamped (hist), ==, 2);
  g_assert_cmpint (cb_hist_max (hist), ==, ten_hours);
  g_assert_cmpint (cb_hist_percentile (hist, 100), ==, ten_hours);
  g_assert_cmpint (cb_hist_percentile (hist, 99), ==, CB_HIST_CLAMP_NS);
  assert_within_precision (cb_hist_percentile (hist, 98),
                           CB_HIST_CLAMP_NS - 1, 98);
  g_assert_cmpint (cb_hist_percentile (hist, 50), ==, 1049);
  g_assert_cmpfloat (cb_hist_mean (hist), ==,
                     (97 * 1000 + 96 * 97 / 2 + (double) CB_HIST_CLAMP_NS - 1
                      + (double) CB_HIST_CLAMP_NS + (double) ten_hours)
                         / 100);
}

/* ---- merging ------------------------------------------------------------ */

static char *
to_json_text (const CbHist *hist)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  cb_hist_to_json (hist, b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Equal in every bucket and figure (the JSON form lists them all). */
static void
assert_hist_equal (const CbHist *a, const CbHist *b)
{
  g_autofree char *ja = to_json_text (a);
  g_autofree char *jb = to_json_text (b);

  g_assert_cmpstr (ja, ==, jb);
  g_assert_cmpuint (cb_hist_count (a), ==, cb_hist_count (b));
  g_assert_cmpuint (cb_hist_clamped (a), ==, cb_hist_clamped (b));
  g_assert_cmpint (cb_hist_min (a), ==, cb_hist_min (b));
  g_assert_cmpint (cb_hist_max (a), ==, cb_hist_max (b));
  g_assert_cmpfloat (cb_hist_sum (a), ==, cb_hist_sum (b));
  for (guint i = 0; i < G_N_ELEMENTS (percentiles); i++)
    g_assert_cmpint (cb_hist_percentile (a, percentiles[i]), ==,
                     cb_hist_percentile (b, percentiles[i]));
}

static void
test_merge_equals_recording_all (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr (CbHist) all = cb_hist_new ();
  g_autoptr (CbHist) merged = cb_hist_new ();
  CbHist *parts[3] = { cb_hist_new (), cb_hist_new (), cb_hist_new () };

  for (guint i = 0; i < 30000; i++)
    {
      /* Integers, and sums below 2^53: the sums are exact both ways. */
      gint64 v = i % 1000 == 0 ? CB_HIST_CLAMP_NS + i : log_uniform (rand);

      cb_hist_record (all, v);
      cb_hist_record (parts[g_rand_int_range (rand, 0, 2)], v);
    }
  /* parts[2] stays empty: merging nothing changes nothing. */
  for (guint k = 0; k < 3; k++)
    cb_hist_merge (merged, parts[k]);
  assert_hist_equal (merged, all);
  for (guint k = 0; k < 3; k++)
    cb_hist_free (parts[k]);

  g_autoptr (CbHist) copy = cb_hist_copy (all);
  assert_hist_equal (copy, all);
}

static void
test_record_n (void)
{
  g_autoptr (CbHist) one_by_one = cb_hist_new ();
  g_autoptr (CbHist) at_once = cb_hist_new ();

  for (guint i = 0; i < 500; i++)
    cb_hist_record (one_by_one, 777777);
  cb_hist_record_n (at_once, 777777, 500);
  cb_hist_record_n (at_once, 5, 0);
  assert_hist_equal (at_once, one_by_one);
}

/* ---- JSON --------------------------------------------------------------- */

static CbHist *
parse_hist (const char *text, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return cb_hist_from_json (json_parser_get_root (parser), error);
}

static void
test_json_form (void)
{
  g_autoptr (CbHist) hist = cb_hist_new ();
  g_autoptr (CbHist) empty = cb_hist_new ();
  g_autofree char *text = NULL;
  g_autofree char *empty_text = NULL;

  cb_hist_record (hist, 5);
  cb_hist_record (hist, 5);
  cb_hist_record (hist, 3001);
  text = to_json_text (hist);
  g_assert_cmpstr (text, ==,
                   "{\"unit\":\"ns\",\"significant_digits\":3,\"count\":3,"
                   "\"clamped\":0,\"min\":5,\"max\":3001,\"sum\":3011.0,"
                   "\"buckets\":[[5,2],[3000,1]]}");
  empty_text = to_json_text (empty);
  g_assert_cmpstr (empty_text, ==,
                   "{\"unit\":\"ns\",\"significant_digits\":3,\"count\":0,"
                   "\"clamped\":0,\"min\":null,\"max\":null,\"sum\":0.0,"
                   "\"buckets\":[]}");
}

static void
assert_round_trip (const CbHist *hist)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = to_json_text (hist);
  g_autoptr (CbHist) back = parse_hist (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (back);
  assert_hist_equal (back, hist);
  if (cb_hist_count (hist) > 0)
    g_assert_cmpfloat (cb_hist_mean (back), ==, cb_hist_mean (hist));
}

static void
test_json_round_trip (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr (CbHist) hist = cb_hist_new ();
  g_autoptr (CbHist) fractional = cb_hist_new ();

  assert_round_trip (hist);
  for (guint i = 0; i < 50000; i++)
    cb_hist_record (hist, pareto (rand));
  cb_hist_record (hist, G_GINT64_CONSTANT (36000000000000));
  assert_round_trip (hist);
  /* A sum with many digits, and one above 2^53. */
  cb_hist_record_n (fractional, CB_HIST_CLAMP_NS + 12345, 3000);
  cb_hist_record (fractional, 1);
  assert_round_trip (fractional);
  g_assert_cmpuint (cb_hist_clamped (fractional), ==, 3000);
}

/* Accepted: an integer sum, and a member this version does not know. */
static void
test_json_lenient_where_documented (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CbHist) hist = parse_hist (
      "{\"unit\":\"ns\",\"significant_digits\":3,\"count\":3,\"clamped\":0,"
      "\"min\":5,\"max\":3001,\"sum\":3011,\"future\":[1],"
      "\"buckets\":[[5,2],[3000,1]]}", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cb_hist_count (hist), ==, 3);
  g_assert_cmpint (cb_hist_percentile (hist, 50), ==, 5);
  g_assert_cmpint (cb_hist_percentile (hist, 100), ==, 3001);
}

#define HEAD "\"unit\":\"ns\",\"significant_digits\":3,"
/* A valid body after HEAD is:
 *   "count":3,"clamped":0,"min":5,"max":3001,"sum":3011,
 *   "buckets":[[5,2],[3000,1]] */
static const char *const malformed[] = {
  /* not an object, or not the format */
  "[]", "3", "\"histogram\"", "null", "true",
  "{\"significant_digits\":3,\"count\":0,\"clamped\":0,\"min\":null,"
  "\"max\":null,\"sum\":0,\"buckets\":[]}",
  "{\"unit\":\"ms\",\"significant_digits\":3,\"count\":0,\"clamped\":0,"
  "\"min\":null,\"max\":null,\"sum\":0,\"buckets\":[]}",
  "{\"unit\":7,\"significant_digits\":3,\"count\":0,\"clamped\":0,"
  "\"min\":null,\"max\":null,\"sum\":0,\"buckets\":[]}",
  "{\"unit\":\"ns\",\"significant_digits\":2,\"count\":0,\"clamped\":0,"
  "\"min\":null,\"max\":null,\"sum\":0,\"buckets\":[]}",
  "{\"unit\":\"ns\",\"significant_digits\":3.0,\"count\":0,\"clamped\":0,"
  "\"min\":null,\"max\":null,\"sum\":0,\"buckets\":[]}",
  /* wrong types, missing members */
  "{" HEAD "\"count\":\"3\",\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3.0,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":false,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":\"5\",\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":\"3011\",\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":null,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":{\"5\":2}}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],3000]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1,0]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1.5]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[\"3000\",1]]}",
  /* negative figures */
  "{" HEAD "\"count\":-3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":-1,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":-5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":-3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,4],[3000,-1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[-5,2],[3000,1]]}",
  /* buckets that are no histogram's */
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[3000,1],[5,2]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":5,"
  "\"sum\":15,\"buckets\":[[5,2],[5,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3001,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[0,0],[3000,1]]}",
  "{" HEAD "\"count\":1,\"clamped\":1,\"min\":4398046511104,"
  "\"max\":4398046511104,\"sum\":4398046511104,"
  "\"buckets\":[[4398046511104,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":5,\"sum\":15,"
  "\"buckets\":[[5,9223372036854775807],[6,9223372036854775807],[7,2]]}",
  /* figures that contradict the buckets */
  "{" HEAD "\"count\":4,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[]}",
  "{" HEAD "\"count\":0,\"clamped\":0,\"min\":null,\"max\":null,"
  "\"sum\":0,\"buckets\":[[5,2]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":null,\"max\":null,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":0,\"clamped\":0,\"min\":0,\"max\":0,"
  "\"sum\":0,\"buckets\":[]}",
  "{" HEAD "\"count\":0,\"clamped\":0,\"min\":null,\"max\":null,"
  "\"sum\":1,\"buckets\":[]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":6,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3002,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":3001,\"max\":5,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":1,\"min\":5,\"max\":3001,"
  "\"sum\":3011,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":2,\"clamped\":0,\"min\":5,\"max\":5000000000000,"
  "\"sum\":5000000000005,\"buckets\":[[5,1],[4395899027456,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":9100,\"buckets\":[[5,2],[3000,1]]}",
  "{" HEAD "\"count\":3,\"clamped\":0,\"min\":5,\"max\":3001,"
  "\"sum\":14,\"buckets\":[[5,2],[3000,1]]}",
};

static void
test_json_rejects_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CbHist) hist = parse_hist (malformed[i], &error);

      if (hist != NULL)
        g_error ("accepted: %s", malformed[i]);
      g_assert_error (error, CB_ERROR, CB_ERROR_USAGE);
      g_assert_true (g_str_has_prefix (error->message, "histogram: "));
      g_test_message ("%s -> %s", malformed[i], error->message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hist/buckets/layout", test_bucket_layout);
  g_test_add_func ("/hist/empty", test_empty);
  g_test_add_func ("/hist/negative-is-zero", test_negative_is_zero);
  g_test_add_func ("/hist/clamped", test_clamped);
  g_test_add_data_func ("/hist/exact/uniform-small", uniform_small,
                        check_generator);
  g_test_add_data_func ("/hist/exact/uniform-wide", uniform_wide,
                        check_generator);
  g_test_add_data_func ("/hist/exact/exponential", exponential_1ms,
                        check_generator);
  g_test_add_data_func ("/hist/exact/pareto", pareto, check_generator);
  g_test_add_data_func ("/hist/exact/log-uniform", log_uniform,
                        check_generator);
  g_test_add_data_func ("/hist/exact/bucket-edges", bucket_edges,
                        check_generator);
  g_test_add_func ("/hist/exact/constant", test_constant_sets);
  g_test_add_func ("/hist/exact/bimodal", test_bimodal);
  g_test_add_func ("/hist/merge", test_merge_equals_recording_all);
  g_test_add_func ("/hist/record-n", test_record_n);
  g_test_add_func ("/hist/json/form", test_json_form);
  g_test_add_func ("/hist/json/round-trip", test_json_round_trip);
  g_test_add_func ("/hist/json/lenient", test_json_lenient_where_documented);
  g_test_add_func ("/hist/json/malformed", test_json_rejects_malformed);
  return g_test_run ();
}
