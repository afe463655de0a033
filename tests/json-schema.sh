#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real concbench output — good rows and a failed one — validates against the
# documented JSON Schema.  Skips (77) where python3-jsonschema is missing.
set -u
for py in /usr/bin/python3 python3; do
  if "$py" -c 'import jsonschema' 2>/dev/null; then PY=$py; break; fi
done
[ -n "${PY:-}" ] || { echo "python3 jsonschema not available"; exit 77; }
# A --disable-shared build has the test plugins only as static archives.
ls "$CONCBENCH_TEST_PLUGINS"/.libs/crashy.so >/dev/null 2>&1 ||
  { echo "test plugins not built as modules (--disable-shared)"; exit 77; }

out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
"$CONCBENCH" --plugin-dir "$CONCBENCH_TEST_PLUGINS" \
  -w api -w crashy -s sequential -s gmainloop \
  -p api.max-latency=0.002 -p api.items=4 -p crashy.how=segv \
  --warmups 0 --runs 2 --format json > "$out"
status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 (crashy rows fail), got $status"; exit 1; }

"$PY" - "$CONCBENCH_SRCDIR/doc/concbench-results.schema.json" "$out" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
statuses = sorted(b["status"] for b in doc["benchmarks"])
assert statuses == ["failed", "failed", "ok", "ok"], statuses
for b in doc["benchmarks"]:
    if b["status"] == "ok":
        assert len(b["runs"]) == 2 and b["stats"]["wall"]["n"] == 2, b["name"]
        assert b["completion_time"]["p99"] is not None, b["name"]
        assert b["timer_overshoot"] is not None, b["name"]
    else:
        assert "signal 11" in b["error"], b["error"]
print("valid:", len(doc["benchmarks"]), "benchmarks")
PYEOF
[ $? -eq 0 ] || exit 1

# Throughput (issue 15): memory declares item_bytes, so its row has
# bytes_per_run and stats.throughput_bytes_per_s; mixed has neither.
"$CONCBENCH" -w memory -w mixed -s sequential \
  -p memory.items=2 -p size=65536 -p passes=2 \
  -p mixed.items=3 -p cpu=2 -p max-latency=0.002 \
  --warmups 0 --runs 2 --format json > "$out" ||
  { echo "the memory and mixed rows failed"; exit 1; }
"$PY" - "$CONCBENCH_SRCDIR/doc/concbench-results.schema.json" "$out" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
rows = {b["workload"]["name"]: b for b in doc["benchmarks"]}
memory, mixed = rows["memory"], rows["mixed"]
assert memory["bytes_per_run"] == 2 * 3 * 65536 * 2, memory["bytes_per_run"]
tp = memory["stats"]["throughput_bytes_per_s"]
assert tp["n"] == 2, tp
walls = [r["wall"] for r in memory["runs"]]
mean = sum(memory["bytes_per_run"] / w for w in walls) / len(walls)
assert abs(tp["mean"] - mean) <= 1e-6 * mean, (tp["mean"], mean)
assert "bytes_per_run" not in mixed and "throughput_bytes_per_s" not in mixed["stats"]
assert "computing" in mixed["ideal_basis"], mixed["ideal_basis"]
print("throughput valid:", tp["mean"], "bytes/s")
PYEOF
[ $? -eq 0 ] || exit 1

# The optional members of ABI 1.4's reports (start-up, workers per host)
# validate too: the test strategy reporter makes them without MPI.
"$CONCBENCH" --plugin-dir "$CONCBENCH_TEST_PLUGINS" -w sieve -s reporter \
  -p sieve.items=2 -p complexity=2000 -p workers=4 \
  --warmups 0 --runs 2 --format json > "$out" || exit 1
"$PY" - "$CONCBENCH_SRCDIR/doc/concbench-results.schema.json" "$out" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
rows = [b for b in doc["benchmarks"] if b["strategy"]["name"] == "reporter"]
assert len(rows) == 1 and len(rows[0]["workers"]) == 4, rows
assert all("startup" in r for r in rows[0]["runs"]), rows[0]["runs"]
print("valid with reports:", len(rows[0]["worker_hosts"]), "hosts")
PYEOF
[ $? -eq 0 ] || exit 1

# An open-loop row (schema_version 2): its "load" object validates too.
"$CONCBENCH" -w api -s sequential -p api.max-latency=0.001 -p api.items=20 \
  --rate 2000 --warmups 0 --runs 1 --format json > "$out" || exit 1
"$PY" - "$CONCBENCH_SRCDIR/doc/concbench-results.schema.json" "$out" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.validate(doc, schema)
load = doc["benchmarks"][0]["load"]
assert load["rate"] == 2000 and load["verdict"] in ("kept up", "fell behind")
assert load["response"]["p99"] >= load["service"]["p50"], load
assert load["histograms"]["response"]["count"] == 20, load["histograms"]
print("valid: open-loop row")
PYEOF
