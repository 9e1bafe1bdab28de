#!/usr/bin/env bash
# CPU per acknowledged op of one CollabHost, the whole process and each of its threads by name (the read model's
# projector, the journal writer, the thread pool, ...): the cluster benchmark's load on one node (40 documents × 3
# editors × 5 edits/s, open loop, no cursors), a warm-up run that is not measured, then one measured window.
# utime+stime of the process and of every thread (/proc/PID/stat, /proc/PID/task/*/stat and comm) are read when
# CollabLoad starts its window and when it ends it, and divided by the ops acked in that window. CPU time is what the
# host's own threads used, so other load on the machine changes it less than it changes wall-clock figures.
#
#   bench/thread-cpu.sh              PostgreSQL journal (a fresh database collab_thread_cpu on the local server)
#   bench/thread-cpu.sh sqlite       SQLite journal (a fresh temporary folder)
#
# Settings (environment): THREAD_CPU_WARMUP (30 s), THREAD_CPU_SECONDS (30 s), THREAD_CPU_DOCS (40),
# THREAD_CPU_EDITORS (3 per document), THREAD_CPU_RATE (5 edits/s per editor), THREAD_CPU_NODE_ENV (NAME=VALUE words
# for the host's environment). Results (CollabLoad's JSON and log, the snapshots, thread-cpu.txt) go to
# artifacts/thread-cpu/<time>/. Builds CollabHost and CollabLoad (Release) first.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
provider=${1:-postgresql}
warmup=${THREAD_CPU_WARMUP:-30}; seconds=${THREAD_CPU_SECONDS:-30}
docs=${THREAD_CPU_DOCS:-40}; editors=${THREAD_CPU_EDITORS:-3}; rate=${THREAD_CPU_RATE:-5}
http_port=5790; remoting_port=4790; database=collab_thread_cpu
out="artifacts/thread-cpu/$(date -u +%Y%m%dT%H%M%SZ)-$provider"; mkdir -p "$out"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src config 2>/dev/null || echo ' with uncommitted changes')"
threads() { python3 bench/thread-cpu/threads.py "$@"; }

dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
host_dll="$repo/src/CollabHost/bin/Release/net10.0/CollabHost.dll"; load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"

data=$(mktemp -d)
case "$provider" in
  postgresql)
    # A fresh database each run: the read model starts as far as an empty journal, as on a new deployment.
    scripts/local-postgres.sh "$database" >/dev/null 2>"$out/postgres.log"
    pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" { print $3 }')
    su postgres -c "psql -p $pg_port -qc 'DROP DATABASE IF EXISTS $database WITH (FORCE)'" >>"$out/postgres.log" 2>&1
    connection=$(scripts/local-postgres.sh "$database" 2>>"$out/postgres.log")
    # As scripts/cluster.sh starts node 1 of `up 1`: a one-node cluster on PostgreSQL.
    node_env=(Collab__Cluster__Hostname=127.0.0.1 Collab__Cluster__Port=$remoting_port
              "Collab__Cluster__SeedNodes__0=akka.tcp://collab@127.0.0.1:$remoting_port"
              Collab__Journal__Provider=PostgreSQL "Collab__Journal__ConnectionString=$connection") ;;
  sqlite) node_env=() ;;
  *) echo "usage: bench/thread-cpu.sh [postgresql|sqlite]" >&2; exit 2 ;;
esac
# shellcheck disable=SC2206 # NAME=VALUE words, split on spaces on purpose
[ -n "${THREAD_CPU_NODE_ENV:-}" ] && node_env+=(${THREAD_CPU_NODE_ENV})
env "${node_env[@]}" dotnet "$host_dll" --urls "http://127.0.0.1:$http_port" "--Collab:DataDir=$data" >"$out/host.log" 2>&1 &
host_pid=$!
trap 'kill $host_pid 2>/dev/null || true; wait $host_pid 2>/dev/null || true; rm -rf "$data"' EXIT
deadline=$((SECONDS + 120))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/api/docs/thread-cpu/warmup" || true)" = 404 ]; do
  kill -0 "$host_pid" 2>/dev/null || { echo "the host exited; see $out/host.log" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "the host did not answer within 120 s" >&2; exit 1; }
  sleep 0.5
done

load() { dotnet "$load_dll" --url "ws://127.0.0.1:$http_port/ws" --docs "$docs" --editors-per-doc "$editors" --rate "$rate" \
  --mode open --no-presence --plain "$@"; }
echo "thread-cpu at $commit, $provider: $docs documents × $editors editors × $rate edits/s; warm-up ${warmup} s, window ${seconds} s; host pid $host_pid" | tee "$out/thread-cpu.txt"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/thread-cpu.txt"
load --duration "${warmup}s" --ramp-up 3s --seed 15 --collection warmup >"$out/warmup.log" 2>&1 || true
load --duration "${seconds}s" --ramp-up 10s --seed 16 --collection bench --server-pid "$host_pid" --settle-timeout 60s \
  --label measured --out "$out" >"$out/load.log" 2>&1 &
load_pid=$!
# The window is CollabLoad's: from its "ramp-up done" line to its "typing stopped" line (read within 50 ms).
threads window "$host_pid" "$out/load.log" "$out/before.json" "$out/after.json" $load_pid
wait $load_pid || echo "CollabLoad exited non-zero (see $out/load.log)" | tee -a "$out/thread-cpu.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/thread-cpu.txt"
grep -E '^edits/s|^errors|^server CPU' "$out/load.log" | tee -a "$out/thread-cpu.txt"
threads report "$out/before.json" "$out/after.json" "$out/measured-result.json" | tee -a "$out/thread-cpu.txt"
echo "reproduce: bench/thread-cpu.sh $*; results in $out"
