#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --affinity and --nice reach the workers, their threads and children (the
# placement test strategy fails its run otherwise), bad values are usage
# errors, raising priority without the right is a failure, and the JSON
# records both, beside the environment read at the start (issue 17).
set -u
PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "python3 not available"; exit 77; }
if ! ls "$CONCBENCH_TEST_PLUGINS"/.libs/placement.so >/dev/null 2>&1; then
  echo "test plugins not built as modules (--disable-shared)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/concbench-placement.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
place() { # ARGS...: a one-row run of the placement strategy
  "$CONCBENCH" --plugin-dir "$CONCBENCH_TEST_PLUGINS" --warmups 0 --runs 1 \
    -w sieve -s placement -p items=3 -p complexity=10 "$@"
}
# CPU 0 is online on any Linux machine; the second check needs another.
cpus=$(cat /sys/devices/system/cpu/online 2>/dev/null || echo 0)

place --affinity 0 -p cpus=0 --format json -o "$tmp/a0.json" \
  >"$tmp/a0.out" 2>&1 ||
  fail "--affinity 0 did not pin the worker: $(cat "$tmp/a0.out")"
place --affinity 0 -p cpus=0 >"$tmp/a0.txt" 2>&1 &&
  grep -q "; workers pinned to CPUs 0 (--affinity)" "$tmp/a0.txt" ||
  fail "the footer does not say --affinity 0: $(cat "$tmp/a0.txt")"
if [ "$cpus" != 0 ]; then
  # The check can fail: unpinned, the worker runs on every online CPU.
  if place -p cpus=0 >"$tmp/free.out" 2>&1; then
    fail "an unpinned worker passed the check for CPU 0 alone"
  fi
  grep -q "runs on CPUs $cpus, not 0" "$tmp/free.out" ||
    fail "the unpinned failure does not say why: $(cat "$tmp/free.out")"
  place --affinity 1 -p cpus=1 >"$tmp/a1.out" 2>&1 ||
    fail "--affinity 1 did not pin the worker: $(cat "$tmp/a1.out")"
fi

place --nice 5 -p nice=5 >"$tmp/n5.out" 2>&1 ||
  fail "--nice 5 did not reach the worker: $(cat "$tmp/n5.out")"
grep -q "; workers at nice 5 (--nice)" "$tmp/n5.out" ||
  fail "the footer does not say --nice 5: $(cat "$tmp/n5.out")"
if place -p nice=5 >"$tmp/n0.out" 2>&1; then
  fail "a worker at concbench's nice value passed the check for 5"
fi
place --affinity 0 --nice=7 -p cpus=0 -p nice=7 --format json \
  -o "$tmp/both.json" >"$tmp/both.out" 2>&1 ||
  fail "--affinity 0 --nice=7: $(cat "$tmp/both.out")"

"$PY" - "$tmp/a0.json" "$tmp/both.json" <<'PYEOF' || fail "the JSON does not record the placement or the environment"
import json, sys
a0 = json.load(open(sys.argv[1]))
both = json.load(open(sys.argv[2]))
assert a0["settings"]["affinity"] == "0", a0["settings"]
assert a0["settings"]["nice"] is None, a0["settings"]
assert both["settings"]["affinity"] == "0" and both["settings"]["nice"] == 7
env = a0["environment"]
for key in ("cpu_count", "governor", "turbo", "smt", "load_average_start",
            "runnable_start", "load_average_end", "runnable_end",
            "hypervisor", "timer_slack_ns", "transparent_hugepages", "aslr",
            "isolated_cpus", "cpu_quota", "warnings"):
    assert key in env, key
assert env["cpu_count"] >= 1
# A machine without cpufreq says so rather than leaving it out.
assert env["governor"] and env["turbo"], env
assert env["load_average_start"] is None or env["load_average_start"] >= 0
for w in env["warnings"]:
    assert w["severity"] in ("warning", "note") and w["message"], w
    assert w["severity"] == "note" or w["fix"], w
print("ok: settings and environment in the JSON")
PYEOF

usage() { # DESCRIPTION ARGS...: must be a one-line usage error
  what=$1
  shift
  place "$@" >"$tmp/usage.out" 2>&1
  status=$?
  [ "$status" -eq 2 ] || fail "$what: exit status $status, not 2"
  [ "$(wc -l <"$tmp/usage.out")" -eq 1 ] ||
    fail "$what: not one line: $(cat "$tmp/usage.out")"
  grep -q "^concbench: --" "$tmp/usage.out" ||
    fail "$what: $(cat "$tmp/usage.out")"
}
usage "a reversed range" --affinity 1-0
usage "not a list" --affinity zero
usage "an empty element" --affinity 0,,1
usage "nice above 19" --nice 20
usage "nice below -20" --nice -21
usage "nice not a number" --nice five
usage "a CPU not online" --affinity 1023
grep -q "CPU 1023 is not online here (online: " "$tmp/usage.out" ||
  fail "--affinity 1023 does not name the CPU and the online set"

# Raising the workers' priority needs CAP_SYS_NICE: without it, one clear
# line and exit status 1 before anything runs.
if [ "$(id -u)" -ne 0 ]; then
  raise() { place "$@"; }
elif command -v setpriv >/dev/null 2>&1; then
  raise() { setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice \
    "$CONCBENCH" --plugin-dir "$CONCBENCH_TEST_PLUGINS" --warmups 0 --runs 1 \
    -w sieve -s placement -p items=3 -p complexity=10 "$@"; }
  place --nice -5 -p nice=-5 >"$tmp/root.out" 2>&1 ||
    fail "root could not raise the workers' priority: $(cat "$tmp/root.out")"
else
  raise=""
  echo "root without setpriv: the refusal of --nice -5 is not checked"
fi
if command -v raise >/dev/null 2>&1; then
  raise --nice -5 >"$tmp/raise.out" 2>&1
  status=$?
  [ "$status" -eq 1 ] || fail "--nice -5 without the right: exit $status"
  grep -q "^concbench: --nice -5: raising the workers' priority" \
    "$tmp/raise.out" || fail "--nice -5: $(cat "$tmp/raise.out")"
fi

[ "$failures" -eq 0 ]
