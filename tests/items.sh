#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# --items (issue 10, defect 5): the JSON carries each item's completion time
# and digest per run, and an outsider can check exactly-once from it: every
# run lists each item once, in completion order, within the run's wall time,
# and every run of the same workload gives each item the same digest, under
# every strategy.  Without --items, no run carries them.
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 not available"; exit 77; }
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT

"$CONCBENCH" -w api -w sieve -s sequential -s gthreadpool -s procpool \
  -p api.items=40 -p api.max-latency=0.001 -p sieve.items=30 \
  -p sieve.complexity=1000 --runs 2 --warmups 0 --items --format json >"$out" ||
  { echo "FAIL: the --items run failed"; exit 1; }
python3 - "$out" "$CONCBENCH_SRCDIR/doc/concbench-results.schema.json" <<'PYEOF' || exit 1
import json, re, sys
doc = json.load(open(sys.argv[1]))
digests = {}  # workload key -> the digest of each item
checked = 0
for b in doc["benchmarks"]:
    assert b["status"] == "ok", (b["name"], b["error"])
    n = b["n_items"]
    for r, run in enumerate(b["runs"]):
        items = run["items"]
        where = "%s run %d" % (b["name"], r)
        indices = [i for i, _, _ in items]
        assert sorted(indices) == list(range(n)), where + ": not each item once"
        times = [t for _, t, _ in items]
        assert times == sorted(times), where + ": not in completion order"
        assert 0 <= times[0] and times[-1] <= run["wall"], where
        ref = digests.setdefault(b["workload_key"], {})
        for i, _, d in items:
            assert re.fullmatch("[0-9a-f]{16}", d), (where, d)
            assert ref.setdefault(i, d) == d, "%s: item %d digest differs" % (where, i)
        checked += 1
assert checked == 12, checked
print("ok: exactly once in", checked, "runs, digests agree across strategies")
try:
    import jsonschema
except ImportError:
    sys.exit(0)
jsonschema.validate(doc, json.load(open(sys.argv[2])))
print("ok: the document with items validates against the schema")
PYEOF

"$CONCBENCH" -w sieve -s sequential -p items=3 -p complexity=10 --runs 1 \
  --warmups 0 --format json >"$out" || exit 1
python3 -c '
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"][0]["runs"]
assert all("items" not in r for r in runs), "items written without --items"
' "$out" || { echo "FAIL: items without --items"; exit 1; }
echo "ok: no per-item evidence without --items"
