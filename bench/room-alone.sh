#!/usr/bin/env bash
# The 1,000-editor room alone, pinned (issue 15's third target): delivery p99 in RUNS runs, each on a fresh host.
#
#   bench/room-alone.sh          three runs of 30 s (about 4 minutes)
#
# Each run starts a Release CollabHost on CPU 0 (taskset) with an empty data folder, and one CollabLoad on CPU 1:
# one document, EDITORS editors of which TYPISTS type at RATE edits/s, the rest watching, ramped up over EDITORS/37 s
# and measured for SECONDS after it. Server CPU and µs per acked op are CollabLoad's, read from /proc over the
# measured window only; the loader's CPU is over its whole run (ramp-up included), from /usr/bin/time. Results (JSON,
# logs, summary.md) go to artifacts/room-alone/<time>/. Between runs of something else, compare with HOSTENV:
#
#   HOSTENV="Collab__Connections__MinWriteInterval=00:00:00.050" bench/room-alone.sh
#
# Settings (environment): ROOM_RUNS (3), ROOM_EDITORS (1000), ROOM_TYPISTS (100), ROOM_RATE (2), ROOM_SECONDS (30),
# ROOM_SOURCE_ADDRESSES (4: 127.0.0.2 … so no address passes CollabHost's 500 connections per IP), HOSTENV (extra
# NAME=VALUE settings for the host, space-separated).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
runs=${ROOM_RUNS:-3}; editors=${ROOM_EDITORS:-1000}; typists=${ROOM_TYPISTS:-100}; rate=${ROOM_RATE:-2}
seconds=${ROOM_SECONDS:-30}; sources=${ROOM_SOURCE_ADDRESSES:-4}; hostenv=${HOSTENV:-}
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null || { echo "needs two CPUs and taskset" >&2; exit 1; }

out="artifacts/room-alone/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
note() { printf '%s\n' "$*" | tee -a "$out/room-alone.log"; }

note "== build (Release): CollabHost, CollabLoad"
dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
host_dir="$repo/src/CollabHost/bin/Release/net10.0"
load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"
note "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)'); host settings: ${hostenv:-none}"
note "machine: $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"

server_pid=""
trap '[ -n "$server_pid" ] && { kill -TERM $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true; }' EXIT
{
  echo "| run | delivery p50 / p95 / p99 / max ms | ack p50 / p99 ms | acked ops/s | server CPU over the window | server µs per acked op | loader CPU (whole run) |"
  echo "|---|---|---|---|---|---|---|"
} >"$out/summary.md"
for run in $(seq 1 "$runs"); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$out/data-$run"
  # shellcheck disable=SC2086 # HOSTENV is a list of NAME=VALUE words
  (cd "$host_dir" && exec env $hostenv taskset -c 0 dotnet CollabHost.dll --urls "http://127.0.0.1:$port" \
    "--Collab:DataDir=$repo/$out/data-$run") >"$out/server-$run.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  /usr/bin/time -f "%U %S %e" -o "$out/loader-time-$run" taskset -c 1 dotnet "$load_dll" --url "ws://127.0.0.1:$port/ws" \
    --plain --out "$out" --label "room-$run" --server-pid "$server_pid" --source-addresses "$sources" --seed 20261125 \
    --settle-timeout 90s --docs 1 --editors-per-doc "$editors" --typists-per-doc "$typists" --rate "$rate" \
    --doc-prefix "room-$run-" --duration "${seconds}s" --ramp-up "$(( editors / 37 ))s" >"$out/room-$run.log" 2>&1 || true
  kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""
  python3 - "$out/room-$run-result.json" "$out/loader-time-$run" "$run" <<'EOF' | tee -a "$out/summary.md"
import json, sys
path, timing, run = sys.argv[1:]
try:
    r = json.load(open(path))
except OSError:
    print(f"| {run} | no result (see room-{run}.log) | | | | | |"); sys.exit()
user, system, elapsed = (float(x) for x in open(timing).read().split()[-3:])
d, a = r["deliveryLatency"], r["ackLatency"]
cpu = r.get("serverCpuSeconds"); per_op = r.get("serverCpuMicrosPerAckedOp")
print(f"| {run} | {d['p50Ms']:.0f} / {d['p95Ms']:.0f} / **{d['p99Ms']:.0f}** / {d['maxMs']:.0f} | {a['p50Ms']:.0f} / {a['p99Ms']:.0f} "
      f"| {r['ackedOpsPerSecond']:.0f} | {cpu / r['measuredSeconds'] * 100:.0f} % of CPU 0 | {per_op:,.0f} "
      f"| {(user + system) / elapsed * 100:.0f} % of CPU 1 |")
EOF
done
note "results in $out/summary.md"
