#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The progress line (issue 17): on a terminal it has a bar and an ETA and
# is redrawn while a run goes on; without a terminal there is none.
set -u
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-progress.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# Two runs of a row that waits about 2.5 s each (its latencies are fixed by
# the seed), so the second has an ETA and the ticker has time to redraw.
args="-w api -s sequential -p items=4 -p max-latency=1 --warmups 0 --runs 2"

# shellcheck disable=SC2086
"$CONCBENCH" $args -o "$tmp/plain.json" 2>"$tmp/plain.err" ||
  fail "the run without a terminal failed: $(cat "$tmp/plain.err")"
if grep -q "ETA" "$tmp/plain.err" || [ -s "$tmp/plain.err" ]; then
  fail "progress without a terminal: $(cat -v "$tmp/plain.err")"
fi

if ! command -v script >/dev/null 2>&1; then
  echo "script (util-linux) not available: the terminal case is not checked"
  [ "$failures" -eq 0 ]
  exit
fi
# script gives the command a pseudo-terminal and records what it wrote.
script -qfec "\"$CONCBENCH\" $args -o \"$tmp/tty.json\"" "$tmp/tty.log" \
  >/dev/null 2>&1 </dev/null ||
  fail "the run on a terminal failed: $(cat -v "$tmp/tty.log")"
tr '\r' '\n' <"$tmp/tty.log" >"$tmp/lines"
grep -q '^.\[K\[[#-]\{20\}\] *[0-9]*% ETA ' "$tmp/lines" ||
  fail "no bar and ETA on a terminal: $(cat -v "$tmp/lines")"
grep -q 'ETA [0-9]*:[0-9][0-9] \[1/1\] run 2/2: ' "$tmp/lines" ||
  fail "no ETA once a run is known: $(cat -v "$tmp/lines")"
# Redrawn while the run goes on: the same run's line more than once
# (about five times at two a second; two is generous).
redraws=$(grep -c '\[1/1\] run 1/2: ' "$tmp/lines")
[ "$redraws" -ge 2 ] ||
  fail "the line was drawn $redraws times during a 2.5 s run"
# Cleared before the table, which starts a line of its own.
grep -q '^.\[K.*concbench — command line suite' "$tmp/lines" ||
  fail "the table does not follow a cleared line: $(cat -v "$tmp/lines")"

[ "$failures" -eq 0 ]
