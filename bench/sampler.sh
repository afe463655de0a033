#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the memory sampler costs the rows it measures (issue 10 defect 3):
# on the two-core CPU rows, the ratio of mean wall times with
# --memory-interval 10 over 0, runs interleaved so both settings see the
# same machine; and the sampler's own CPU per run, from the JSON.  Run by
# "make bench", never by "make check".  Environment (make bench sets it):
# CONCBENCH, CONCBENCH_PLUGIN_PATH; BENCH_SAMPLER_RUNS (default 15) runs
# per row and setting; SIEVE_ITEMS, SIEVE_COMPLEXITY the row's scale.
set -u
: "${CONCBENCH:?}"
runs=${BENCH_SAMPLER_RUNS:-15}
items=${SIEVE_ITEMS:-50}
complexity=${SIEVE_COMPLEXITY:-200000}
PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "bench: python3 is needed" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-sampler.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# One run of a row at one interval; appends "wall sampler_cpu samples".
run() { # STRATEGY PARAM INTERVAL
  "$CONCBENCH" -w sieve -s "$1" -p "$2" -p items="$items" \
    -p complexity="$complexity" --runs 1 --warmups 0 --no-interleave \
    --memory-interval "$3" --format json -o "$tmp/run.json" >/dev/null \
    || exit 1
  "$PY" -c "import json, sys
r = json.load(open(sys.argv[1]))['benchmarks'][0]['runs'][0]
print(r['wall'], r.get('sampler_cpu') or 0, r.get('memory_samples') or 0)" \
    "$tmp/run.json" >>"$tmp/$1-$3" || exit 1
}

rows="gthreadpool:threads=2 procpool:processes=2"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
for row in $rows; do
  : >"$tmp/${row%%:*}-0" && : >"$tmp/${row%%:*}-10"
done
# ABBA order: a drift in the machine's speed cancels out of the ratio.
for i in $(seq "$runs"); do
  for row in $rows; do
    if [ $((i % 2)) -eq 1 ]; then set -- 0 10; else set -- 10 0; fi
    run "${row%%:*}" "${row#*:}" "$1"
    run "${row%%:*}" "${row#*:}" "$2"
  done
done

printf 'memory sampler cost on %s: sieve items=%s complexity=%s, %s interleaved runs each\n' \
  "$(uname -n)" "$items" "$complexity" "$runs"
printf 'load average before %s, after %s (on %s CPUs)\n\n' "$load_before" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" "$(nproc 2>/dev/null)"
printf '%-24s %16s %16s %18s %8s %12s %10s %10s\n' "Row" "wall @0 s (cv)" \
  "wall @10 s (cv)" "ratio of means" "medians" "sampler/run" "% of core" \
  "per sample"
for row in $rows; do
  s=${row%%:*}
  "$PY" - "$tmp/$s-0" "$tmp/$s-10" "$s ${row#*:}" <<'PY'
import statistics, sys
off = [list(map(float, l.split())) for l in open(sys.argv[1])]
on = [list(map(float, l.split())) for l in open(sys.argv[2])]
def cv(rows):
    walls = [r[0] for r in rows]
    return statistics.stdev(walls) / statistics.mean(walls) if len(walls) > 1 else 0
m0 = statistics.mean(r[0] for r in off)
m1 = statistics.mean(r[0] for r in on)
cpu = statistics.mean(r[1] for r in on)
n = statistics.mean(r[2] for r in on)
med = (statistics.median(r[0] for r in on)
       / statistics.median(r[0] for r in off))
print('%-24s %9.4f (%2.0f%%) %9.4f (%2.0f%%) %8.4f (%+.2f %%) %8.4f %9.0f us %9.2f%% %7.1f us'
      % (sys.argv[3], m0, cv(off) * 100, m1, cv(on) * 100, m1 / m0,
         (m1 / m0 - 1) * 100, med, cpu * 1e6, cpu / m1 * 100,
         cpu / n * 1e6 if n else 0))
PY
done
printf '\nTarget: a ratio of at most 1.005 (0.5 %% slowdown) on both rows.  On a\n'
printf 'loaded machine the spread (cv) of the walls is larger than that; the\n'
printf 'share of a core the sampler itself takes does not depend on the load.\n'
