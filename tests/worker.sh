#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a worker process is (issue 10, defects 1 and 2; issue 11, items 4 and
# 7): a lean program, not a fork of concbench, so a row's memory does not
# depend on the rows before it, nor does a worker map cairo or pango; a run
# shorter than one memory sample still reports its memory; a plugin that
# prints cannot corrupt concbench's output; the OOM killer prefers a
# worker; and a worker program that cannot run fails its row with one clear
# message.
set -u
PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "python3 not available"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-worker.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
cb() { "$CONCBENCH" --warmups 0 "$@"; }

# The same large row first and last in a suite of large rows: forked from
# concbench, the last worker was charged part of every earlier run's kept
# per-item data (51 MiB first, 134 MiB last).
cat >"$tmp/large.suite" <<'SUITE'
[suite]
runs=2
sieve.items=1000000
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
if cb --suite "$tmp/large.suite" --format json -o "$tmp/large.json" \
  >"$tmp/large.out" 2>&1; then
  "$PY" - "$tmp/large.json" <<'PYEOF' || fail "first and last PSS differ"
import json, sys
rows = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def pss(name):
    runs = rows[name]["runs"]
    return sum(r["tree_peak_pss"] for r in runs) / len(runs)
first, last = pss("first"), pss("last")
print("PSS first %.1f MiB, last %.1f MiB" % (first / 2**20, last / 2**20))
assert abs(last - first) <= 0.02 * first, (first, last)
PYEOF
else
  fail "the large suite failed: $(cat "$tmp/large.out")"
fi

# Runs shorter than one sample: PSS was 0 in four runs of five.
if cb -w sieve -s sequential -p complexity=1 -p items=1 --runs 5 \
  --format json -o "$tmp/short.json" >"$tmp/short.out" 2>&1; then
  "$PY" - "$tmp/short.json" <<'PYEOF' || fail "a short run reports no memory"
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"][0]["runs"]
pss = [r["tree_peak_pss"] for r in runs]
print("short-run PSS:", pss)
assert len(pss) == 5 and all(p is not None and p > 0 for p in pss), pss
PYEOF
else
  fail "the short run failed: $(cat "$tmp/short.out")"
fi

# --timer-slack reaches the workers, and what they ran with is reported.
if cb -w sieve -s sequential -p items=2 -p complexity=10 --runs 1 \
  --timer-slack 12345 --format json -o "$tmp/slack.json" >"$tmp/slack.out" 2>&1; then
  "$PY" - "$tmp/slack.json" <<'PYEOF' || fail "the timer slack is not recorded"
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"][0]["runs"]
assert [r["timer_slack_ns"] for r in runs] == [12345], runs
PYEOF
  grep -q "timer slack 12.345 µs (--timer-slack)" "$tmp/slack.out" ||
    fail "the footer does not name the timer slack: $(cat "$tmp/slack.out")"
else
  fail "--timer-slack 12345 failed: $(cat "$tmp/slack.out")"
fi
cb -w sieve -s sequential --timer-slack 0 >"$tmp/slack0.out" 2>&1
[ $? -eq 2 ] || fail "--timer-slack 0 is not a usage error"

# The rest needs the test plugins, which a --disable-shared build has only
# as static archives.
if ! ls "$CONCBENCH_TEST_PLUGINS"/.libs/workerenv.so >/dev/null 2>&1; then
  echo "test plugins not built as modules (--disable-shared): skipped the rest"
  [ "$failures" -eq 0 ]
  exit
fi
env_run() { # CHECK ARGS...: a one-row run of the workerenv strategy
  check=$1
  shift
  cb --plugin-dir "$CONCBENCH_TEST_PLUGINS" -w sieve -s workerenv \
    -p check="$check" -p items=3 -p complexity=10 --runs 1 "$@"
}

env_run maps >"$tmp/maps.out" 2>&1 ||
  fail "the worker maps an output library: $(cat "$tmp/maps.out")"
env_run slack -p slack=777 --timer-slack 777 >"$tmp/slack.out" 2>&1 ||
  fail "the worker does not run with --timer-slack: $(cat "$tmp/slack.out")"
env_run oom >"$tmp/oom.out" 2>&1 ||
  fail "the worker keeps its oom_score_adj: $(cat "$tmp/oom.out")"

# A plugin printing to stdout and stderr: concbench's JSON on stdout must
# still parse, and neither stream may carry the plugin's text.
env_run print --format json >"$tmp/print.json" 2>"$tmp/print.err" ||
  fail "the printing row failed: $(cat "$tmp/print.err")"
"$PY" - "$tmp/print.json" <<'PYEOF' || fail "a printing plugin corrupted the JSON on stdout, or its text is not kept"
import json, sys
row = json.load(open(sys.argv[1]))["benchmarks"][0]
run = row["runs"][0]
out = run["plugin_output"]
assert "workerenv: not JSON, on stdout\n" in out, out
assert 'workerenv: "quoted" on stderr\n' in out, out
assert run["plugin_output_bytes"] == len(out.encode()), run
assert any("the plugin printed %d bytes" % len(out.encode()) in w
           for w in row["warnings"]), row["warnings"]
PYEOF
! grep -q workerenv: "$tmp/print.err" ||
  fail "the plugin's text reached concbench's stderr"
env_run print >"$tmp/print.txt" 2>&1 ||
  fail "the printing row failed in a table: $(cat "$tmp/print.txt")"
! grep -q "workerenv: not JSON" "$tmp/print.txt" ||
  fail "the plugin's text reached concbench's table"

# The worker program loads the plugins again, with the registry's checks: a
# plugin file made writable by all users after concbench scanned it is
# refused there too (the wrapper does that between scan and load).
mkdir "$tmp/p" && cp "$CONCBENCH_TEST_PLUGINS"/.libs/workerenv.so "$tmp/p/" &&
  chmod 755 "$tmp/p" && chmod 644 "$tmp/p/workerenv.so" || exit 99
cat >"$tmp/wrap" <<WRAP
#!/bin/sh
chmod 666 "$tmp/p/workerenv.so"
exec "$CONCBENCH_WORKER" "\$@"
WRAP
chmod 755 "$tmp/wrap"
CONCBENCH_WORKER=$tmp/wrap cb --plugin-dir "$tmp/p" -w sieve -s workerenv \
  -p items=2 -p complexity=10 --runs 1 --format json >"$tmp/rebuild.json" \
  2>"$tmp/rebuild.err"
"$PY" - "$tmp/rebuild.json" <<'PYEOF' || fail "the worker loads a plugin the registry would refuse"
import json, sys
row = json.load(open(sys.argv[1]))["benchmarks"][0]
assert row["status"] == "failed", row["status"]
assert row["error"].startswith("the worker cannot rebuild the benchmark: "), row["error"]
assert "workerenv.so" in row["error"] and "writable" in row["error"], row["error"]
print("refused in the worker:", row["error"])
PYEOF

# A worker program that cannot run: one failed row, one clear reason.
CONCBENCH_WORKER=$tmp/no-such-worker cb -w sieve -s sequential \
  -p items=2 -p complexity=10 --runs 1 --format json >"$tmp/missing.json" \
  2>"$tmp/missing.err"
status=$?
[ "$status" -eq 1 ] || fail "a missing worker program: exit $status, not 1"
"$PY" - "$tmp/missing.json" "$tmp/no-such-worker" <<'PYEOF' ||
import json, sys
row = json.load(open(sys.argv[1]))["benchmarks"][0]
want = "cannot run the worker program %s: No such file or directory" % sys.argv[2]
assert row["status"] == "failed" and want in row["error"], row["error"]
PYEOF
  fail "a missing worker program is not named"

# Uninstalled, as the README runs it: with no CONCBENCH_WORKER, concbench
# from the build tree runs the worker program built beside it (and so do
# the item servers spawnpool starts), not an installed one that may be
# missing or older.
if [ -x "$(dirname "$CONCBENCH")/concbench-worker" ]; then
  env -u CONCBENCH_WORKER "$CONCBENCH" --warmups 0 -w sieve -s sequential \
    -s spawnpool -p items=4 -p complexity=10 --runs 1 --format json \
    >"$tmp/beside.json" 2>"$tmp/beside.err"
  status=$?
  [ "$status" -eq 0 ] || fail "uninstalled, without CONCBENCH_WORKER: exit $status: $(cat "$tmp/beside.err")"
  "$PY" - "$tmp/beside.json" <<'PYEOF' ||
import json, sys
rows = json.load(open(sys.argv[1]))["benchmarks"]
assert [r["status"] for r in rows] == ["ok", "ok"], [r["error"] for r in rows]
PYEOF
    fail "uninstalled, without CONCBENCH_WORKER, a row failed"
fi

[ "$failures" -eq 0 ]
