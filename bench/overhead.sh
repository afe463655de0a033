#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What concbench itself costs on this machine (issue 10): run by "make
# bench", never by "make check".  Prints one table; the figures a release is
# held to.  Environment (make bench sets it): CONCBENCH, CONCBENCH_WORKER,
# CONCBENCH_PLUGIN_PATH, FLOOR (bench/floor), SIEVE_LA (the sieve plugin);
# BENCH_RUNS (default 5) runs per measurement.
set -u
: "${CONCBENCH:?}" "${FLOOR:?}" "${SIEVE_LA:?}"
runs=${BENCH_RUNS:-5}
PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "bench: python3 is needed" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
items=1000000

row() { printf '%-40s %-40s %s\n' "$1" "$2" "$3"; }
json_field() { # FILE EXPR: evaluates EXPR with d the document, prints it
  "$PY" -c "import json, statistics, sys
d = json.load(open(sys.argv[1]))
print($2)" "$1"
}

# Core cost per item against the floor, interleaved so both see the same
# machine: the median of each.
: >"$tmp/floor" && : >"$tmp/core"
for i in $(seq "$runs"); do
  "$FLOOR" "$SIEVE_LA" sieve $items 1 1 >>"$tmp/floor" 2>/dev/null || exit 1
  "$CONCBENCH" -w sieve -s sequential -p complexity=1 -p items=$items \
    --runs 1 --warmups 0 --memory-interval 0 --format json \
    -o "$tmp/core.json" >/dev/null || exit 1
  json_field "$tmp/core.json" "d['benchmarks'][0]['runs'][0]['wall'] * 1e9 / $items" \
    >>"$tmp/core"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); printf "%.1f", v[m] }'; }
floor=$(median "$tmp/floor") core=$(median "$tmp/core")
ratio=$(awk -v c="$core" -v f="$floor" 'BEGIN { printf "%.2f", c / f }')

printf 'concbench overhead on %s (%s runs each)\n\n' "$(uname -n)" "$runs"
row "Measure" "Value" "Target"
row "-------" "-----" "------"
row "core ns per item (sieve, sequential)" "$core ns vs floor $floor ns = ${ratio}x" "<= 1.5x the floor"
row "sampler slowdown (2-core CPU rows)" "measured by the supervise work" "<= 0.5 %"

# The same large row first and last in a suite of large rows.
cat >"$tmp/large.suite" <<SUITE
[suite]
runs=$runs
sieve.items=$items
sieve.complexity=1
[first]
name=first
workload=sieve
strategy=sequential
[threads]
name=threads
workload=sieve
strategy=gthreadpool
strategy.threads=2
[processes]
name=processes
workload=sieve
strategy=procpool
strategy.processes=2
[last]
name=last
workload=sieve
strategy=sequential
SUITE
"$CONCBENCH" --suite "$tmp/large.suite" --warmups 0 --format json \
  -o "$tmp/large.json" >/dev/null || exit 1
pss=$(json_field "$tmp/large.json" "' '.join('%.1f' % (statistics.mean(r['tree_peak_pss'] for r in b['runs']) / 2**20) for b in d['benchmarks'] if b['name'] in ('first', 'last'))")
set -- $pss
diff=$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", (b - a) / a * 100 }')
row "PSS first vs last in a suite (MiB)" "$1 vs $2 ($diff %)" "within 2 %"

# Runs shorter than one memory sample; the worker's baseline is the same
# run's figures, a one-item workload holding next to nothing.
"$CONCBENCH" -w sieve -s sequential -p complexity=1 -p items=1 --runs "$runs" \
  --warmups 0 --format json -o "$tmp/short.json" >/dev/null || exit 1
short=$(json_field "$tmp/short.json" "'%d of %d zero, min %.2f MiB' % (sum(1 for r in d['benchmarks'][0]['runs'] if not r['tree_peak_pss']), len(d['benchmarks'][0]['runs']), min(r['tree_peak_pss'] or 0 for r in d['benchmarks'][0]['runs']) / 2**20)")
row "short-run PSS (items=1)" "$short" "no zero, no unknown averaged"
base=$(json_field "$tmp/short.json" "'RSS %.2f MiB, PSS %.2f MiB' % (statistics.mean(r['tree_peak_rss'] for r in d['benchmarks'][0]['runs']) / 2**20, statistics.mean(r['tree_peak_pss'] for r in d['benchmarks'][0]['runs']) / 2**20)")
row "worker baseline" "$base" "-"
maps=$(ldd "${CONCBENCH_WORKER:-/nonexistent}" 2>/dev/null | grep -c '=>')
row "worker program's shared libraries" "$maps (ldd)" "no cairo, pango, json-glib"

# Fixed cost per invocation, timed from outside.
time_ms() { # N COMMAND...: mean wall milliseconds of N runs
  n=$1
  shift
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -w 1 -r "$n" --export-json "$tmp/h.json" "$*" >/dev/null 2>&1 &&
      json_field "$tmp/h.json" "'%.1f' % (d['results'][0]['mean'] * 1e3)"
    return
  fi
  start=$(date +%s%N)
  for i in $(seq "$n"); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" -v n="$n" 'BEGIN { printf "%.1f", (e - s) / n / 1e6 }'
}
list=$(time_ms 10 "$CONCBENCH" --list-plugins)
one=$(time_ms 10 "$CONCBENCH" -w sieve -s sequential -p items=1 \
  -p complexity=1 --runs 1 --warmups 0)
row "fixed cost: --list-plugins" "$list ms" "-"
row "fixed cost: a one-item run" "$one ms" "-"
