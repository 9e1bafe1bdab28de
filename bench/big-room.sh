#!/usr/bin/env bash
# Big rooms (issue 9): a thousand editors in one document on one CollabHost node, measured with CollabLoad.
#
#   bench/big-room.sh           the full run (about 10 minutes)
#   bench/big-room.sh --quick   a smoke run of the script itself (small rooms, short steps; not for the docs)
#
# 1. Baseline: a quiet document alone (2 editors, 2 edits/s each): its ack and delivery p99.
# 2. Sweep: one document, TYPISTS editors typing at RATE edits/s each and the rest watching, for each room size in
#    SIZES; delivery p99 per size, and the first size at which it passes 250 ms.
# 3. The big room: SIZE_MAX editors for MAIN_SECONDS, with the quiet document running beside it in a second loader
#    (fairness: does the busy room starve a small one?). Server CPU (from /proc) and RSS, convergence of every editor.
# The loaders run on the same machine, as the issue asks, sharing its CPUs with the server (BIG_ROOM_PIN=1 pins them
# apart). Results (JSON, HTML, logs, summary.md) go to artifacts/big-room/<time>/.
#
# Settings (environment): BIG_ROOM_SIZES ("200 400 600 800 1000"), BIG_ROOM_TYPISTS (100), BIG_ROOM_RATE (2),
# BIG_ROOM_STEP_SECONDS (30), BIG_ROOM_MAIN_SECONDS (60), BIG_ROOM_SOURCE_ADDRESSES (4: 127.0.0.2 … so no address
# passes CollabHost's 500 connections per IP), BIG_ROOM_PRESENCE (1: editors publish cursors; 0: --no-presence),
# BIG_ROOM_PIN (0: server and loaders share both CPUs; 1: server on CPU 0, loaders on CPU 1 — then the loaders run
# out of CPU first: a thousand receiving sockets cost the loader more than the server).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" = "--quick" ]; then
  sizes=${BIG_ROOM_SIZES:-"20 40"}; typists=${BIG_ROOM_TYPISTS:-5}; step_seconds=${BIG_ROOM_STEP_SECONDS:-3}
  main_seconds=${BIG_ROOM_MAIN_SECONDS:-3}
else
  sizes=${BIG_ROOM_SIZES:-"200 400 600 800 1000"}; typists=${BIG_ROOM_TYPISTS:-100}
  step_seconds=${BIG_ROOM_STEP_SECONDS:-30}; main_seconds=${BIG_ROOM_MAIN_SECONDS:-60}
fi
rate=${BIG_ROOM_RATE:-2}
sources=${BIG_ROOM_SOURCE_ADDRESSES:-4}
presence_flag=""; [ "${BIG_ROOM_PRESENCE:-1}" = 0 ] && presence_flag="--no-presence"
size_max=${sizes##* }
limit_ms=250

out="artifacts/big-room/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
note() { printf '%s\n' "$*" | tee -a "$out/big-room.log"; }

server_cpu=""; loader_cpu=""
if [ "${BIG_ROOM_PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then server_cpu=0; loader_cpu=1; fi
pinned() { local cpu=$1; shift; if [ -n "$cpu" ]; then taskset -c "$cpu" "$@"; else "$@"; fi; }

note "== build (Release): CollabHost, CollabLoad"
dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
host_dir="$repo/src/CollabHost/bin/Release/net10.0"
load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="ws://127.0.0.1:$port/ws"
mkdir -p "$out/data"
(cd "$host_dir" && exec ${server_cpu:+taskset -c $server_cpu} dotnet CollabHost.dll --urls "http://127.0.0.1:$port" \
  "--Collab:DataDir=$repo/$out/data") >"$out/server.log" 2>&1 &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
note "CollabHost pid $server_pid at $url${server_cpu:+ on CPU $server_cpu}; loaders${loader_cpu:+ on CPU $loader_cpu}"
note "machine: $(nproc) CPUs ($(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)); load $(cut -d' ' -f1-3 /proc/loadavg)"

ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)
summarise() { python3 bench/big-room/summarise.py "$@"; }

load() { # load LABEL ARGS…
  local label=$1; shift
  pinned "$loader_cpu" dotnet "$load_dll" --url "$url" --plain --out "$out" --label "$label" --server-pid "$server_pid" \
    --source-addresses "$sources" --seed 20261125 --settle-timeout 90s "$@" >"$out/$label.log" 2>&1 || true
  tail -2 "$out/$label.log" | tee -a "$out/big-room.log"
}

quiet_args=(--docs 1 --editors-per-doc 2 --rate 2 --doc-prefix quiet-)
note "== 1. baseline: the quiet document alone"
load quiet-alone "${quiet_args[@]}" --duration "${step_seconds}s" --ramp-up 1s

note "== 2. sweep: $typists typing at $rate edits/s, the rest watching"
{
  echo "| editors in the room | typing | acked ops/s | deliveries/s | ack p50 / p99 ms | delivery p50 / p95 / p99 / max ms | server CPU (of one core) | converged |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$out/sweep.md"
passes_at=""
for size in $sizes; do
  t=$(( typists < size ? typists : size ))
  before=$(ticks); start=$(date +%s.%N)
  load "room-$size" --docs 1 --editors-per-doc "$size" --typists-per-doc "$t" --rate "$rate" --doc-prefix "room-$size-" \
    --duration "${step_seconds}s" --ramp-up "$(( size / 40 + 2 ))s" $presence_flag
  after=$(ticks); end=$(date +%s.%N)
  r="$out/room-$size-result.json"
  [ -f "$r" ] || { note "room $size: no result"; continue; }
  cpu=$(python3 -c "print(f'{($after-$before)/$hz/($end-$start)*100:.0f} %')")
  p99=$(summarise p99 "$r")
  row=$(summarise row "$r" "$t" "$cpu")
  echo "$row" | tee -a "$out/sweep.md"
  if [ -z "$passes_at" ] && python3 -c "import sys; sys.exit(0 if float('$p99') > $limit_ms else 1)"; then passes_at=$size; fi
done

note "== 3. the big room ($size_max editors, $main_seconds s) with the quiet document beside it"
before=$(ticks); start=$(date +%s.%N)
load quiet-beside "${quiet_args[@]}" --duration "$(( main_seconds + size_max / 40 + 2 ))s" --ramp-up 1s &
quiet=$!
load big-room --docs 1 --editors-per-doc "$size_max" --typists-per-doc "$(( typists < size_max ? typists : size_max ))" \
  --rate "$rate" --doc-prefix big- --duration "${main_seconds}s" --ramp-up "$(( size_max / 40 + 2 ))s" $presence_flag
wait "$quiet" || true
after=$(ticks); end=$(date +%s.%N)

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC'), load average before/after: see big-room.log."
  echo
  cat "$out/sweep.md"
  echo
  if [ -n "$passes_at" ]; then echo "p99 remote delivery passes $limit_ms ms at: $passes_at editors."
  else echo "p99 remote delivery stayed within $limit_ms ms at every size in this sweep."; fi
  echo
  summarise room "$out/big-room-result.json"
  python3 -c "print(f'Server CPU during the big room: {($after-$before)/$hz/($end-$start)*100:.0f} % of one core (ramp-up included).')"
  summarise quiet "$out/quiet-alone-result.json" alone
  summarise quiet "$out/quiet-beside-result.json" "beside the big room"
} | tee "$out/summary.md"
note "results in $out"
