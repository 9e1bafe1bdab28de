#!/usr/bin/env bash
# Where a cluster's CPU per op goes, by thread: N CollabHost nodes on the local PostgreSQL (scripts/cluster.sh up N),
# the cluster benchmark's load (40 documents × 3 editors × 5 edits/s, open loop, no cursors, editors spread over the
# nodes), a warm-up that is not measured, then a window in which the CPU time of every thread of every node
# (utime+stime from /proc/PID/task/*/stat) is read at its start and end, summed by thread name over the nodes and
# divided by the ops acked in the window, and how often each thread was switched out (slept or was preempted, from
# /proc/PID/task/*/status) per acked op. Run it with 1 and with 3 to see which threads a cluster adds to an op.
#
#   bench/cluster-thread-cpu.sh 3      three nodes (1: one node, the same load)
#
# Settings (environment): CLUSTER_THREAD_CPU_WARMUP (15 s), CLUSTER_THREAD_CPU_SECONDS (30 s). The window starts after
# CollabLoad's 10 s ramp-up and is read by this script's own clock, so its edges are good to about a tenth of a second.
# Results go to artifacts/cluster-thread-cpu/<time>/. Builds CollabHost and CollabLoad (Release) first.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
nodes=${1:-3}
warmup=${CLUSTER_THREAD_CPU_WARMUP:-15}
window=${CLUSTER_THREAD_CPU_SECONDS:-30}
ramp=10
out="$repo/artifacts/cluster-thread-cpu/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
ticks_per_second=$(getconf CLK_TCK)

dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"

scripts/cluster.sh up "$nodes" >"$out/cluster-up.log" 2>&1 || { cat "$out/cluster-up.log"; exit 1; }
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
urls=$(for i in $(seq 1 "$nodes"); do printf 'ws://127.0.0.1:%d/ws\n' $((5100 + i)); done | paste -sd,)
pids=$(cat .cluster/node*.pid)

load() { # load SECONDS COLLECTION SEED
  dotnet "$load_dll" --url "$urls" --docs 40 --editors-per-doc 3 --rate 5 --mode open --duration "${1}s" \
    --ramp-up "${ramp}s" --no-presence --plain --seed "$3" --collection "$2"
}

# shellcheck source=bench/cluster/threads.sh
source "$repo/bench/cluster/threads.sh"

echo "== warm-up (${warmup} s, not measured)"
load "$warmup" warmup 15 >"$out/warmup.log" 2>&1 || true

echo "== measured: $nodes node(s), window ${window} s after a ${ramp} s ramp-up"
load "$window" bench 16 >"$out/load.log" 2>&1 &
load_pid=$!
sleep "$ramp"
thread_snapshot "$out/start.txt" $pids
sleep "$window"
thread_snapshot "$out/end.txt" $pids
wait "$load_pid" || true
acked_per_second=$(sed -nE 's/.*acked ops\/s ([0-9.]+);.*/\1/p' "$out/load.log" | tail -1)
[ -n "$acked_per_second" ] || { echo "no acked ops/s in $out/load.log"; exit 1; }
tail -2 "$out/load.log"

# Threads by name, summed over nodes: µs of CPU per acked op.
ops=$(echo "$acked_per_second * $window" | bc)
thread_report "$out/start.txt" "$out/end.txt" "$ops" "µs per op" "$ops" "switches per op" | tee "$out/thread-cpu.txt"
echo "acked ops/s $acked_per_second over ${window} s; $nodes node(s); results in $out"
