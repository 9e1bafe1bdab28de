#!/usr/bin/env bash
# One pinned measurement of CollabHost alone: the host on CPU 1, CollabLoad on CPU 0 at the pinned comparison's load
# point (100 documents × 4 editors × 5 edits/s = 2,000 edits/s), a warm-up run (not recorded), then 30 s measured:
# server CPU per acked op (from /proc, over the window only), ack latency, and the server's fsync and pwrite calls
# over 10 s of the window (perf stat, which adds a little CPU to every run alike). For trying a runtime or journal
# setting against the host as built, several runs each (docs/benchmarks.md, "Runtime settings and the journal's
# commit window"). Each thread's CPU per acked op over the same window goes to threads.txt (bench/thread-cpu/threads.py).
#
#   bench/pinned-host.sh                                   as built
#   PINNED_HOST_ENV="DOTNET_TieredPGO=1" bench/pinned-host.sh   with NAME=VALUE words in the host's environment
#   PINNED_COMMIT_WINDOW=2ms bench/pinned-host.sh           with akka.persistence.journal.sql.commit-window set
#   PINNED_WARMUP_SECONDS=30 (default 30)
#   PINNED_ALLOCATIONS=1 bench/pinned-host.sh               also bytes allocated per acked op, gen0 GCs and GC pause
#                                                           (dotnet-counters, over 15 s of the window; installed as a
#                                                           dotnet tool if missing)
#   PINNED_ALLOCATION_STACKS=1 bench/pinned-host.sh         also where the server allocates, by type and stack, over
#                                                           10 s of the window (bench/CollabAllocationProbe), and each
#                                                           GC pause split into stopping the threads and collecting
#   PINNED_GC_TIMELINE=1 bench/pinned-host.sh               also every GC pause of 20 ms or more over the whole window
#                                                           with its time (UTC), beside the seconds in which acks fell
#                                                           behind (CollabLoad's lines end with their time): whether a
#                                                           stall was a collection (GC events only, cheap)
# Needs perf (Debian linux-perf) and a Release build (it builds CollabHost and CollabLoad first).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v perf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null; }
warmup=${PINNED_WARMUP_SECONDS:-30}
out="artifacts/pinned-host/$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$out"
dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
if [ -n "${PINNED_ALLOCATION_STACKS:-}${PINNED_GC_TIMELINE:-}" ]; then
  dotnet build bench/CollabAllocationProbe -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
fi
probe_dll=bench/CollabAllocationProbe/bin/Release/net10.0/CollabAllocationProbe.dll
host_dir=src/CollabHost/bin/Release/net10.0; load_dll=src/CollabLoad/bin/Release/net10.0/CollabLoad.dll

# The host reads akka.hocon beside its binaries: a commit window goes into a copy there, put back on exit.
hocon="$host_dir/akka.hocon"
cp config/akka.hocon "$hocon"
if [ -n "${PINNED_COMMIT_WINDOW:-}" ]; then
  sed -i "s|class = \"CollabHost.Persistence.QueuedWriteJournal, CollabHost\"|&\n        commit-window = $PINNED_COMMIT_WINDOW|" "$hocon"
fi

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
data=$(mktemp -d)
# shellcheck disable=SC2086 # PINNED_HOST_ENV: NAME=VALUE words
(cd "$host_dir" && exec env ${PINNED_HOST_ENV:-} taskset -c 1 dotnet CollabHost.dll --urls "http://127.0.0.1:$port" \
  "--Collab:DataDir=$data") >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"; cp config/akka.hocon "$hocon"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

load() { taskset -c 0 dotnet "$load_dll" --url "ws://127.0.0.1:$port/ws" --plain --docs 100 --editors-per-doc 4 --rate 5 \
  --mode open --ramp-up 5s --source-addresses 25 --seed 20261204 "$@"; }
echo "load $(cut -d' ' -f1-3 /proc/loadavg); CollabHost pid $pid on CPU 1; env '${PINNED_HOST_ENV:-}'; commit-window '${PINNED_COMMIT_WINDOW:-0}'"
load --duration "${warmup}s" --label warmup >"$out/warmup.log" 2>&1 || true
load --duration 30s --label measured --server-pid "$pid" --out "$out" >"$out/load.log" 2>&1 &
load_pid=$!
gc_pid=
if [ -n "${PINNED_GC_TIMELINE:-}" ]; then
  taskset -c 0 dotnet "$probe_dll" record-gc "$pid" 40 "$out/gc-timeline.nettrace" &
  gc_pid=$!
fi
# Each thread's CPU over CollabLoad's window (from its "ramp-up done" line to its "typing stopped" line, read within
# 50 ms): which part of the host a setting moves, less disturbed by the rest of the machine than the process's total.
taskset -c 0 python3 bench/thread-cpu/threads.py window "$pid" "$out/load.log" "$out/threads-before.json" \
  "$out/threads-after.json" $load_pid &
threads_pid=$!
sleep 12 # ramp-up (5 s) and the first seconds of the window
counters_pid=
if [ -n "${PINNED_ALLOCATIONS:-}" ]; then
  counters=$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")
  [ -x "$counters" ] || dotnet tool install -g dotnet-counters >/dev/null
  "$counters" collect -p "$pid" --counters System.Runtime --format csv -o "$out/counters.csv" --duration 00:00:15 >/dev/null 2>&1 &
  counters_pid=$!
fi
probe_pid=
if [ -n "${PINNED_ALLOCATION_STACKS:-}" ]; then
  taskset -c 0 dotnet "$probe_dll" record "$pid" 10 "$out/allocations.nettrace" &
  probe_pid=$!
fi
perf stat -e 'syscalls:sys_enter_fsync,syscalls:sys_enter_pwrite64' -p "$pid" -- sleep 10 2>&1 | grep -E "syscalls" | tee "$out/perf-stat.txt"
wait $load_pid || true
wait $threads_pid || true
[ -z "$counters_pid" ] || wait "$counters_pid" || true
[ -z "$probe_pid" ] || wait "$probe_pid" || true
[ -z "$gc_pid" ] || wait "$gc_pid" || true
grep -E '^edits/s|^server CPU|^errors' "$out/load.log"
curl -sf "http://127.0.0.1:$port/metrics" > "$out/metrics.txt" || true
# buckets HISTOGRAM LABEL: a histogram of /metrics over the whole run (warm-up included) on one line, cumulative.
buckets() {
  awk -F'[{}" ]+' -v name="$1_bucket" '$1 == name { printf "%s<=%ss: %s", sep, $3, $NF; sep = ", " }
                                       END { if (sep) print "" }' "$out/metrics.txt" | sed "s/^/$2: /"
}
# The journal writer's waits for SQLite's write lock: transactions by how long they waited.
buckets collab_journal_lock_wait_seconds "journal lock waits (transactions, cumulative)" | tee "$out/lock-waits.txt"
# How long the journal's transactions took (lock wait, rows and fsync), and the ones the host logged as slow
# (JournalWriter.SlowCommit) with their time: every ack waits behind a slow one.
buckets collab_journal_commit_seconds "journal transactions by duration (cumulative)" | tee "$out/commits.txt"
grep "journal transaction of" "$out/server.log" | sed -E 's/.*\]\[[0-9/]+ ([0-9:.]+Z)\].*\] /  \1 /' | tee -a "$out/commits.txt" || true
if [ -s "$out/counters.csv" ]; then
  acked=$(sed -nE 's/.*acked ops\/s ([0-9.]+);.*/\1/p' "$out/load.log" | tail -1)
  awk -F, -v acked="$acked" '
    /total_allocated/ { a += $5; na++ } /gc.collections.*gen0/ { g += $5; ng++ } /gc.pause.time/ { p += $5; np++ }
    END { if (na && acked > 0) printf "allocated %.1f KB per acked op (%.1f MB/s over %d s); gen0 GCs %.1f/s; GC pause %.1f ms/s\n",
            a / na / acked / 1000, a / na / 1e6, na, g / ng, 1000 * p / np }' "$out/counters.csv" | tee "$out/allocations.txt"
fi
if [ -s "$out/allocations.nettrace" ]; then
  dotnet "$probe_dll" report "$out/allocations.nettrace" > "$out/allocation-stacks.txt"
  head -20 "$out/allocation-stacks.txt"
  dotnet "$probe_dll" pauses "$out/allocations.nettrace" | tee "$out/gc-pauses.txt"
fi
if [ -s "$out/gc-timeline.nettrace" ]; then
  { echo "Seconds of the window in which acks fell behind (acked/s under 90 % of edits/s):"
    awk '/ measuring / { e = $0; sub(/.*edits\/s=/, "", e); sub(/ .*/, "", e); a = $0; sub(/.*acked\/s=/, "", a); sub(/ .*/, "", a)
                          if (a + 0 < 0.9 * (e + 0)) print "  " $0 }' "$out/load.log"
    dotnet "$probe_dll" pauses "$out/gc-timeline.nettrace" 20 | sed -n '/^Pauses of/,$p'; } | tee "$out/gc-timeline.txt"
fi
if [ -s "$out/threads-after.json" ]; then
  python3 bench/thread-cpu/threads.py report "$out/threads-before.json" "$out/threads-after.json" "$out/measured-result.json" | tee "$out/threads.txt"
fi
echo "results in $out"
