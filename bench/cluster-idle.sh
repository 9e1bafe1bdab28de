#!/usr/bin/env bash
# Idle cost of a cluster (issue 16): N CollabHost nodes (scripts/cluster.sh up N, PostgreSQL journal) with no client
# at all; after SETTLE seconds, the CPU time (/proc/PID/stat) every node uses over SECONDS is read, and printed as
# milliseconds of CPU per second per node and summed, and by thread (summed over the nodes). What an idle node spends is heartbeats, gossip, sharding's and
# distributed data's ticks, the scheduler and the runtime: config/akka.hocon's intervals are chosen with this.
#
#   bench/cluster-idle.sh [N]   (default 3 nodes)
#
# Settings (environment): CLUSTER_IDLE_SETTLE (180: a fresh node is still tiering up its code for minutes, and that
# is not the idle cost), CLUSTER_IDLE_SECONDS (30); HTTP_BASE / REMOTING_BASE (5700 /
# 4700, away from scripts/cluster.sh's defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3}
settle=${CLUSTER_IDLE_SETTLE:-180}
seconds=${CLUSTER_IDLE_SECONDS:-30}
export HTTP_BASE=${HTTP_BASE:-5700} REMOTING_BASE=${REMOTING_BASE:-4700}

trap 'scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
scripts/cluster.sh up "$n" >/dev/null
mapfile -t pids < <(cat .cluster/node*.pid)
sleep "$settle"
# shellcheck source=bench/cluster/threads.sh
source bench/cluster/threads.sh
threads=$(mktemp -d)
thread_snapshot "$threads/start.txt" "${pids[@]}"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in 1/100 s
declare -A before
for pid in "${pids[@]}"; do before[$pid]=$(ticks "$pid"); done
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
sleep "$seconds"
thread_snapshot "$threads/end.txt" "${pids[@]}"
total=0
for pid in "${pids[@]}"; do
  used=$(( $(ticks "$pid") - before[$pid] ))
  total=$((total + used))
  awk -v p="$pid" -v t="$used" -v s="$seconds" 'BEGIN { printf "node pid %s: %.1f ms CPU per second\n", p, t * 10 / s }'
done
awk -v n="$n" -v t="$total" -v s="$seconds" -v a="$load_start" -v b="$(cut -d' ' -f1-3 /proc/loadavg)" \
  'BEGIN { printf "%d idle nodes: %.1f ms CPU per second in all over %d s (load average %s -> %s)\n", n, t * 10 / s, s, a, b }'
thread_report "$threads/start.txt" "$threads/end.txt" "$((seconds * 1000))" "ms per s" "$seconds" "switches per s"
rm -r "$threads"
