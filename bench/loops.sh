#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The per-item overhead of each event loop: the api workload with no
# latency at all (max-latency=0, timer transport), so that a run's time is
# what one loop thread, the item's state machine and the core's per-item
# bookkeeping cost.  Prints, per loop, the fastest run's wall time and the
# mean CPU time divided by the item count, in nanoseconds per item: on a
# machine others share, a run can only be slowed down, so the fastest is
# the one closest to the loop's own cost.  A benchmark, not a test:
# nothing here passes or fails.
#
# Times on a shared machine are noisy; INSTRUCTIONS=1 adds, from
# valgrind's callgrind, the instructions each loop's execute() runs per
# item on CG_ITEMS items (20000 by default): a count that does not depend
# on what else the machine runs (user space only: system calls are not in
# it, and at max-latency=0 the loops make none but clock_gettime's vDSO).
#
#   bench/loops.sh            (or: make bench-loops, from a build tree)
#   ITEMS=100000 RUNS=10 INSTRUCTIONS=1 CONCBENCH=./src/concbench bench/loops.sh
set -u
concbench=${CONCBENCH:-concbench}
items=${ITEMS:-100000}
runs=${RUNS:-10}
cg_items=${CG_ITEMS:-20000}
count_instructions=${INSTRUCTIONS:-0}
tmp=$(mktemp "${TMPDIR:-/tmp}/concbench-loops.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT

# column NAME: that column of the CSV's one row, found by its header.
column() {
  awk -F, -v want="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == want) c = i; next }
    NR == 2 && c { print $c }' "$tmp"
}

# instructions STRATEGY PARAMS...: instructions per item inside its
# execute() (the bundled plugins name it STRATEGY_execute), in the worker.
instructions() {
  dir=$(mktemp -d "${TMPDIR:-/tmp}/concbench-cg.XXXXXX") || return 1
  name=$1
  shift
  # shellcheck disable=SC2068 # the parameters are words
  valgrind --tool=callgrind --toggle-collect="${name}_execute" \
    --callgrind-out-file="$dir/cg.%p" "$concbench" -w api -s "$name" $@ \
    -p loops=1 -p max-latency=0 -p items="$cg_items" --warmups 0 --runs 1 \
    --memory-interval 0 --timeout 3600 >/dev/null 2>&1
  cat "$dir"/cg.* | awk -v n="$cg_items" '
    /^summary:/ { total += $2 } END { printf "%.0f", total / n }'
  rm -rf "$dir"
}

strategies=$("$concbench" --list-plugins=names | awk '$1 == "strategy" { print $2 }')
if [ "$count_instructions" = 1 ]; then
  printf '%-10s %-14s %14s %14s %14s\n' loop parameters "wall ns/item" \
    "CPU ns/item" "instr/item"
else
  printf '%-10s %-14s %14s %14s\n' loop parameters "wall ns/item" "CPU ns/item"
fi
for row in "gmainloop mode=async" epoll iouring libuv libevent; do
  set -- $row
  strategy=$1
  shift
  if ! printf '%s\n' "$strategies" | grep -qx "$strategy"; then
    printf '%-10s %s\n' "$strategy" "(not loaded: not built here)"
    continue
  fi
  params=
  for p in "$@"; do params="$params -p $strategy.$p"; done
  # shellcheck disable=SC2086 # params is a list of words
  if ! "$concbench" -w api -s "$strategy" $params -p loops=1 \
    -p max-latency=0 -p items="$items" --warmups 1 --runs "$runs" \
    --format csv -o "$tmp" >/dev/null 2>&1 || [ "$(column status)" != ok ]; then
    printf '%-10s %s\n' "$strategy" "(failed: $(column error))"
    continue
  fi
  line=$(awk -v s="$strategy" -v p="${*:-}" -v n="$items" \
    -v wall="$(column min)" -v cpu="$(column cpu_mean)" 'BEGIN {
      printf "%-10s %-14s %14.0f %14.0f", s, (p == "" ? "-" : p),
        wall * 1e9 / n, cpu * 1e9 / n }')
  if [ "$count_instructions" = 1 ]; then
    line="$line $(printf '%14s' "$(instructions "$strategy" $params)")"
  fi
  printf '%s\n' "$line"
done
