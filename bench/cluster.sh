#!/usr/bin/env bash
# The cluster benchmark (issue 16): what an op costs on one node and on three, and how a kill -9 of a node looks from
# the editors' side. Everything runs on this machine: the nodes, PostgreSQL and one CollabLoad.
#
#   bench/cluster.sh           the full run (about 8 minutes)
#   bench/cluster.sh --quick   a smoke run of the script itself (short windows; not for the docs)
#
# One open-loop workload for every configuration: DOCS documents × EDITORS editors, each typing RATE edits/s (a
# person: bursts and pauses), no cursors; editor i connects to node i % n, so every document has editors on every
# node. CollabLoad ramps the editors up (not measured), then measures for SECONDS: acked ops, ack p50/p99, and the CPU
# time (/proc/PID/stat) of every node summed, and of PostgreSQL (postmaster and all its backends), over that window
# only. Configurations, each on fresh processes after a warm-up run of WARMUP seconds that is not measured:
#   1. one node, SQLite journal      (CollabHost started here, data in a temporary folder)
#   2. one node, PostgreSQL journal  (scripts/cluster.sh up 1)
#   3. three nodes, PostgreSQL       (scripts/cluster.sh up 3)
#   4. failover: three nodes under the same load; KILL_AFTER seconds into the window CollabLoad kills -9 the node
#      that used the most CPU so far, and reports each document's recovery (kill to its first ack), every editor's
#      longest stall, how much later than its document each editor got its first ack, and whether every acked op
#      is on the server exactly once (acked versions against the server's versions).
# Results (JSON, HTML, logs, summary.md) go to artifacts/cluster-bench/<time>/.
#
# Settings (environment): CLUSTER_BENCH_DOCS (40), CLUSTER_BENCH_EDITORS (3 per document), CLUSTER_BENCH_RATE (5),
# CLUSTER_BENCH_SECONDS (60), CLUSTER_BENCH_WARMUP (15), CLUSTER_BENCH_FAILOVER_SECONDS (60),
# CLUSTER_BENCH_KILL_AFTER (15), CLUSTER_BENCH_KILL_NODE (the failover kills this node, 1 = the oldest, which holds
# the shard coordinators; default: the busiest), CLUSTER_BENCH_ONLY (e.g. "sqlite pg1 pg3 failover": which configurations run),
# CLUSTER_NODE_ENV (NAME=VALUE words added to every node's environment, not the load generator's: to measure a
# runtime setting, e.g. "DOTNET_gcServer=0").
#
# CLUSTER_BENCH_PINNED=1: the pinned mode of issue 15's comparison, for the cluster. Every node (one or three, and the
# SQLite host) runs on CPU 1 only; CollabLoad and PostgreSQL (the postmaster and every backend, which inherit it) on
# CPU 0 (`taskset`; PostgreSQL's CPUs are given back at the end). So the nodes compete with each other for their CPU,
# as one node does with itself, and not with the load generator or the database, and a thread woken on a node never
# has to be woken on the other CPU. What it does not show: nodes on machines of their own.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" = "--quick" ]; then
  docs=${CLUSTER_BENCH_DOCS:-6}; seconds=${CLUSTER_BENCH_SECONDS:-8}; warmup=${CLUSTER_BENCH_WARMUP:-3}
  failover_seconds=${CLUSTER_BENCH_FAILOVER_SECONDS:-40}; kill_after=${CLUSTER_BENCH_KILL_AFTER:-5}
else
  docs=${CLUSTER_BENCH_DOCS:-40}; seconds=${CLUSTER_BENCH_SECONDS:-60}; warmup=${CLUSTER_BENCH_WARMUP:-15}
  failover_seconds=${CLUSTER_BENCH_FAILOVER_SECONDS:-60}; kill_after=${CLUSTER_BENCH_KILL_AFTER:-15}
fi
editors=${CLUSTER_BENCH_EDITORS:-3}
rate=${CLUSTER_BENCH_RATE:-5}
only=${CLUSTER_BENCH_ONLY:-"sqlite pg1 pg3 failover"}
# Ports away from scripts/cluster.sh's defaults, so a cluster someone else runs here is not in the way.
export HTTP_BASE=${HTTP_BASE:-5600} REMOTING_BASE=${REMOTING_BASE:-4600}

pinned=${CLUSTER_BENCH_PINNED:-}
node_pin=(); load_pin=()
if [ -n "$pinned" ]; then
  export CLUSTER_NODE_CPUS=1
  node_pin=(taskset -c 1); load_pin=(taskset -c 0)
fi

out="artifacts/cluster-bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
note() { printf '%s\n' "$*" | tee -a "$out/cluster-bench.log"; }
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src config bench 2>/dev/null || echo ' with uncommitted changes')"

note "== build (Release): CollabHost, CollabLoad"
dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
host_dll="$repo/src/CollabHost/bin/Release/net10.0/CollabHost.dll"
load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"

# PostgreSQL: the database scripts/cluster.sh uses; its postmaster's pid, for its CPU.
scripts/local-postgres.sh collab_cluster >/dev/null 2>"$out/postgres.log"
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_data=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" { print $6 }')
pg_pid=$(head -1 "$pg_data/postmaster.pid")
pg_cpus() { # pg_cpus LIST: PostgreSQL's postmaster and its processes on those CPUs (new backends inherit it)
  local p
  for p in "$pg_pid" $(pgrep -P "$pg_pid" || true); do taskset -a -p -c "$1" "$p" >/dev/null 2>&1 || true; done
}
[ -z "$pinned" ] || pg_cpus 0

sqlite_pid=""
stop_all() {
  if [ -n "$sqlite_pid" ] && kill -0 "$sqlite_pid" 2>/dev/null; then kill -TERM "$sqlite_pid"; wait "$sqlite_pid" 2>/dev/null || true; fi
  sqlite_pid=""
  scripts/cluster.sh down >/dev/null 2>&1 || true
}
on_exit() {
  stop_all
  [ -z "$pinned" ] || pg_cpus "0-$(($(nproc) - 1))"
}
trap on_exit EXIT

wait_http() { # wait_http URL PID: until the host answers (bounded)
  local deadline=$((SECONDS + 120))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/api/docs/cluster-bench/warmup" || true)" = 404 ]; do
    kill -0 "$2" 2>/dev/null || { note "host pid $2 exited"; exit 1; }
    [ $SECONDS -lt $deadline ] || { note "host at $1 did not answer within 120 s"; exit 1; }
    sleep 0.5
  done
}

# load LABEL URLS PIDS SECONDS [extra CollabLoad options…]: one measured CollabLoad run.
load() {
  local label=$1 urls=$2 pids=$3 window=$4; shift 4
  "${load_pin[@]}" dotnet "$load_dll" --url "$urls" --docs "$docs" --editors-per-doc "$editors" --rate "$rate" --mode open \
    --duration "${window}s" --ramp-up 10s --no-presence --plain --seed 16 --collection bench \
    --cpu-pids "$pids" --database-pid "$pg_pid" --settle-timeout 60s --label "$label" --out "$out" "$@" \
    >"$out/$label.log" 2>&1 || note "$label: CollabLoad exited non-zero (see $out/$label.log)"
  tail -4 "$out/$label.log" | sed "s/^/  $label: /" | tee -a "$out/cluster-bench.log"
}

# warm LABEL URLS: a short unmeasured run, so JIT and connection pools are warm before the window.
warm() {
  "${load_pin[@]}" dotnet "$load_dll" --url "$2" --docs "$docs" --editors-per-doc "$editors" --rate "$rate" --mode open \
    --duration "${warmup}s" --ramp-up 3s --no-presence --plain --seed 15 --collection warmup >"$out/$1-warmup.log" 2>&1 || true
}

cluster_up() { # cluster_up N: scripts/cluster.sh up N; sets urls and pids
  scripts/cluster.sh up "$1" >"$out/cluster-up-$1.log" 2>&1 || { cat "$out/cluster-up-$1.log"; exit 1; }
  urls=$(for i in $(seq 1 "$1"); do printf 'ws://127.0.0.1:%d/ws\n' $((HTTP_BASE + i)); done | paste -sd,)
  pids=$(cat .cluster/node*.pid | paste -sd,)
}

note "cluster benchmark at $commit: $docs documents × $editors editors × $rate edits/s, window ${seconds}s, warm-up ${warmup}s"
[ -n "${CLUSTER_NODE_ENV:-}" ] && note "nodes' extra environment: $CLUSTER_NODE_ENV"
[ -n "$pinned" ] && note "pinned: every node on CPU 1; CollabLoad and PostgreSQL on CPU 0"
note "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start (shared with other work)"

for config in $only; do
  case "$config" in
    sqlite)
      note "== one node, SQLite"
      data=$(mktemp -d)
      port=$((HTTP_BASE + 9))
      # shellcheck disable=SC2086 # CLUSTER_NODE_ENV: NAME=VALUE words for the node (scripts/cluster.sh)
      env ${CLUSTER_NODE_ENV:-} "${node_pin[@]}" dotnet "$host_dll" --urls "http://127.0.0.1:$port" --Collab:DataDir="$data" >"$out/sqlite-host.log" 2>&1 &
      sqlite_pid=$!
      wait_http "http://127.0.0.1:$port" "$sqlite_pid"
      warm sqlite "ws://127.0.0.1:$port/ws"
      load sqlite "ws://127.0.0.1:$port/ws" "$sqlite_pid" "$seconds"
      stop_all; rm -rf "$data" ;;
    pg1|pg3)
      n=${config#pg}
      note "== $n node(s), PostgreSQL"
      cluster_up "$n"
      warm "$config" "$urls"
      load "$config" "$urls" "$pids" "$seconds"
      stop_all ;;
    failover)
      note "== failover: three nodes, PostgreSQL, kill -9 of ${CLUSTER_BENCH_KILL_NODE:+node }${CLUSTER_BENCH_KILL_NODE:-the busiest node} ${kill_after}s into the window"
      cluster_up 3
      warm failover "$urls"
      load failover "$urls" "$pids" "$failover_seconds" --kill-busiest-after "${kill_after}s" \
        ${CLUSTER_BENCH_KILL_NODE:+--kill-node "$CLUSTER_BENCH_KILL_NODE"}
      stop_all ;;
    *) note "unknown configuration $config (CLUSTER_BENCH_ONLY: sqlite pg1 pg3 failover)"; exit 2 ;;
  esac
done

note "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 bench/cluster/summarise.py "$out" "${pinned:+CLUSTER_BENCH_PINNED=1 }bench/cluster.sh $*" | tee "$out/summary.md"
