#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Per-item and per-message costs of the thread and process models (issue
# 13): run by "make bench-models", never by "make check".  Prints two
# tables.  Environment (make bench-models sets it): CONCBENCH,
# CONCBENCH_WORKER, CONCBENCH_PLUGIN_PATH, PIPE_FLOOR (bench/pipe-floor);
# BENCH_RUNS (default 3) runs per row, ITEMS (default 1000000).
set -u
: "${CONCBENCH:?}" "${PIPE_FLOOR:?}"
runs=${BENCH_RUNS:-3}
items=${ITEMS:-1000000}
PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "bench: python3 is needed" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-models.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ns per item of each row of one concbench invocation on trivial items: the
# median run's wall time over the item count.  Arguments: concbench's.
ns_per_item() {
  "$CONCBENCH" -w sieve -p complexity=1 -p items="$items" \
    --warmups 1 --runs "$runs" --memory-interval 0 --format json \
    -o "$tmp/rows.json" "$@" >/dev/null || exit 1
  "$PY" -c "import json, statistics, sys
d = json.load(open(sys.argv[1]))
for b in d['benchmarks']:
    if b.get('added_as_baseline') or b['strategy']['name'] == 'sequential':
        continue
    walls = [r['wall'] for r in b['runs']]
    print('%-55s %10.1f' % (b['strategy']['name'] + ' '
          + ' '.join('%s=%s' % kv for kv in b['strategy']['params'].items()),
          statistics.median(walls) * 1e9 / int(sys.argv[2])))" \
    "$tmp/rows.json" "$items"
}

printf 'Thread models: ns per item, sieve complexity=1 items=%s (%s runs, median)\n\n' "$items" "$runs"
printf '%-55s %10s\n' "Row" "ns/item"
ns_per_item -s gthreadpool -p threads=1,2
ns_per_item -s pthread -p threads=1,2 -p distribution=static,dynamic,queue
# One thread per item: a million thread creations, so one run.
runs_saved=$runs runs=1
ns_per_item -s pthread -p threads=1,2 -p distribution=per-item
runs=$runs_saved

printf '\nProcess models: ns per item against a pipe'"'"'s per-message cost\n\n'
: >"$tmp/floor"
for i in $(seq "$runs"); do
  "$PIPE_FLOOR" "$items" 20 >>"$tmp/floor" || exit 1
done
floor=$(sort -n "$tmp/floor" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] }')
printf '%-55s %10s\n' "Row" "ns/item"
printf '%-55s %10s\n' "pipe floor (20-byte messages, 1 write each)" "$floor"
ns_per_item -s procpool -s spawnpool -p processes=2 -p chunk=1,100 \
  | tee "$tmp/procs"
awk -v f="$floor" '/chunk=100/ { printf "%s at chunk=100: %.2fx the pipe floor (target <= 2x)\n", $1, $NF / f }' "$tmp/procs"
