#!/usr/bin/env bash
# Where a cluster's CPU per op goes, by thread: N CollabHost nodes on the local PostgreSQL (scripts/cluster.sh up N),
# the cluster benchmark's load (40 documents × 3 editors × 5 edits/s, open loop, no cursors, editors spread over the
# nodes), a warm-up that is not measured, then a window in which the CPU time of every thread of every node
# (utime+stime from /proc/PID/task/*/stat) is read at its start and end, summed by thread name over the nodes and
# divided by the ops acked in the window. Run it with 1 and with 3 to see which threads a cluster adds to an op.
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

# snapshot FILE: "pid tid name ticks" for every thread of every node.
snapshot() {
  for pid in $pids; do
    for task in /proc/"$pid"/task/*; do
      # The name is field 2, in parentheses, and may hold spaces; utime and stime are fields 14 and 15.
      stat=$(cat "$task/stat" 2>/dev/null) || continue
      name=${stat#*(}; name=${name%)*}
      rest=${stat##*) }
      read -r -a fields <<<"$rest"
      echo "$pid ${task##*/} ${name// /_} $((fields[11] + fields[12]))"
    done
  done >"$1"
}

echo "== warm-up (${warmup} s, not measured)"
load "$warmup" warmup 15 >"$out/warmup.log" 2>&1 || true

echo "== measured: $nodes node(s), window ${window} s after a ${ramp} s ramp-up"
load "$window" bench 16 >"$out/load.log" 2>&1 &
load_pid=$!
sleep "$ramp"
snapshot "$out/start.txt"
sleep "$window"
snapshot "$out/end.txt"
wait "$load_pid" || true
acked_per_second=$(sed -nE 's/.*acked ops\/s ([0-9.]+);.*/\1/p' "$out/load.log" | tail -1)
[ -n "$acked_per_second" ] || { echo "no acked ops/s in $out/load.log"; exit 1; }
tail -2 "$out/load.log"

# Threads by name (digits folded, so the pool's workers are one line), summed over nodes: µs of CPU per acked op.
# (POSIX awk: the sort is sort's.)
ops=$(echo "$acked_per_second * $window" | bc)
awk -v tps="$ticks_per_second" -v ops="$ops" '
  FNR == NR { start[$1 " " $2] = $4; next }
  {
    name = $3; gsub(/[0-9]+/, "#", name)
    used = $4 - start[$1 " " $2]
    by[name] += used; total += used
  }
  END {
    for (name in by) if (by[name] > 0)
      printf "%-24s %12.0f %7.1f%%\n", name, by[name] * 1e6 / tps / ops, 100 * by[name] / total
    printf "%-24s %12.0f %7.1f%%\n", "all_threads", total * 1e6 / tps / ops, 100
  }' "$out/start.txt" "$out/end.txt" | sort -k2,2 -n -r | { printf "%-24s %12s %8s\n" "thread" "µs per op" "share"; cat; } | tee "$out/thread-cpu.txt"
echo "acked ops/s $acked_per_second over ${window} s; $nodes node(s); results in $out"
