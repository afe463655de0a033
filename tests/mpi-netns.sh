#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Two "hosts" on one machine: network namespaces cb-h1 and cb-h2 (10.99.0.1
# and .2) on a bridge in a third, cb-sw, which this namespace joins as
# 10.99.0.254.  mpiexec starts its daemons in them through a launch agent
# that is `ip netns exec` instead of ssh (Open MPI's plm_rsh_agent), so no
# sshd is needed; the ranks then talk over the veth links.  It shows the
# ranks placed on two hosts, then runs the mpi strategy there with a
# hostfile, against sequential's digests, with each rank's usage reported
# from its own host (each namespace has its own host name too), and a rank
# on the second host that hangs until the timeout, after which nothing is
# left in either namespace.  Not in make check: it needs root
# and changes the network configuration (undone on exit).
#
# Usage: tests/mpi-netns.sh BUILDDIR      (exit 77: skipped, with the reason)
set -eu

build=${1:?usage: $0 BUILDDIR}
build=$(cd "$build" && pwd)
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root to make network namespaces"
command -v ip >/dev/null || skip "no ip(8) (iproute2)"
command -v mpiexec >/dev/null || skip "no mpiexec (Open MPI)"
[ -x "$build/src/concbench-mpi-rank" ] || skip "$build has no concbench-mpi-rank (configured --without-mpi?)"

work=$(mktemp -d)
cleanup() {
  for ns in cb-h1 cb-h2 cb-sw; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del cb-root 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add cb-sw 2>/dev/null || skip "cannot make a network namespace here"
ip -n cb-sw link add br0 type bridge || skip "cannot make a bridge in a namespace"
ip -n cb-sw link set br0 up
link() { # NAMESPACE-OR-EMPTY IFNAME ADDRESS
  ip link add "$2" type veth peer name "$2-sw" netns cb-sw
  ip -n cb-sw link set "$2-sw" master br0 up
  if [ -n "$1" ]; then
    ip link set "$2" netns "$1"
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
    ip -n "$1" link set lo up
  else
    ip addr add "$3/24" dev "$2"
    ip link set "$2" up
  fi
}
ip netns add cb-h1 && ip netns add cb-h2
link cb-h1 cb-h1 10.99.0.1
link cb-h2 cb-h2 10.99.0.2
link "" cb-root 10.99.0.254

# Open MPI runs "AGENT HOST COMMAND..." where it would run ssh.
cat > "$work/agent" <<'EOF'
#!/bin/sh
host=$1; shift
case $host in
  10.99.0.1) ns=cb-h1 ;; 10.99.0.2) ns=cb-h2 ;;
  *) echo "netns agent: unknown host $host" >&2; exit 255 ;;
esac
# Each host names itself as a host would (a UTS namespace of its own), so
# the ranks' own usage reports come back per host.
exec ip netns exec "$ns" unshare --uts /bin/sh -c "hostname $ns && $*"
EOF
chmod +x "$work/agent"
printf '10.99.0.1 slots=1\n10.99.0.2 slots=1\n' > "$work/hostfile"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# In the environment, which mpiexec passes to its daemons and ranks: a
# comma in a -p value would sweep it.
OMPI_MCA_plm_rsh_agent=$work/agent
OMPI_MCA_oob_tcp_if_include=10.99.0.0/24
OMPI_MCA_btl_tcp_if_include=10.99.0.0/24
OMPI_MCA_btl=tcp,self
export OMPI_MCA_plm_rsh_agent OMPI_MCA_oob_tcp_if_include \
  OMPI_MCA_btl_tcp_if_include OMPI_MCA_btl

echo "== where the ranks run (each prints the addresses its namespace has)"
placed=$(timeout 60 mpiexec -n 2 --hostfile "$work/hostfile" \
  sh -c 'echo "rank $OMPI_COMM_WORLD_RANK: $(ip -4 -o addr show | grep -o "10\.99\.0\.[0-9]*" | tr "\n" " ")"')
echo "$placed"
echo "$placed" | grep -q 'rank .*10\.99\.0\.1 ' || { echo "FAIL: no rank on host 10.99.0.1"; exit 1; }
echo "$placed" | grep -q 'rank .*10\.99\.0\.2 ' || { echo "FAIL: no rank on host 10.99.0.2"; exit 1; }

echo "== concbench -s mpi on the two hosts"
CONCBENCH_PLUGIN_PATH="$build/plugins" \
  "$build/src/concbench" -w sieve -w api -s sequential -s mpi -p items=8 \
  -p ranks=2 -p "hosts=$work/hostfile" -p distribution=static,dynamic \
  --runs 1 --warmups 0 --format json > "$work/out.json" || status=$?
[ "${status:-0}" -eq 0 ] || { echo "FAIL: concbench exited $status"; exit 1; }
# Every row ok; each mpi row has its start-up, and its two ranks' own
# usage from two hosts.
python3 - "$work/out.json" <<'PYEOF' || { echo "FAIL: see above"; exit 1; }
import json, sys
doc = json.load(open(sys.argv[1]))
for b in doc["benchmarks"]:
    assert b["status"] == "ok", (b["name"], b["error"])
    if b["strategy"]["name"] != "mpi":
        continue
    hosts = sorted(h["host"] for h in b["worker_hosts"])
    assert hosts == ["cb-h1", "cb-h2"], (b["name"], hosts)
    assert b["runs"][0]["startup"] > 0, b["name"]
    print("%s: start-up %.3f s, items %.3f s; %s" % (
        b["name"], b["runs"][0]["startup"], b["runs"][0]["items_time"],
        ", ".join("%s %d MiB" % (h["host"], h["peak_rss"] >> 20)
                  for h in b["worker_hosts"])))
PYEOF

echo "== a rank on cb-h2 that hangs: the timeout ends the row, nothing left there"
CONCBENCH_PLUGIN_PATH="$build/plugins" \
  "$build/src/concbench" --plugin-dir "$build/tests/plugins" -w crashy \
  -s mpi -p how=hang -p fail-at=5 -p items=8 -p ranks=2 \
  -p "hosts=$work/hostfile" --runs 1 --warmups 0 --timeout 5 \
  --format json > "$work/hang.json" && { echo "FAIL: the hang passed"; exit 1; }
python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"][0]
assert b["status"] == "timed-out", b["status"]
print(b["name"] + ": " + b["error"])' "$work/hang.json" || exit 1
sleep 1
for ns in cb-h1 cb-h2; do
  left=$(ip netns pids "$ns")
  [ -z "$left" ] || { echo "FAIL: left running in $ns:"; ps -o pid,cmd -p "$left"; exit 1; }
done
echo "PASS: ranks on two hosts, digests equal to sequential's, usage per host, a hang contained"
