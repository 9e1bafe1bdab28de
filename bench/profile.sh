#!/usr/bin/env bash
# Where one op's microseconds go on the server: CollabHost pinned to CPU 1 under the pinned comparison's load point
# (CollabLoad on CPU 0: 100 documents × 4 editors × 5 edits/s = 2,000 edits/s), sampled with `perf record -e cpu-clock`
# during the measured window, each sample sorted into one part of an op's path by bench/profile/categorize.py, and
# scaled by the server CPU per acked op that CollabLoad measured over the same window.
#
#   bench/profile.sh                 warm-up 20 s, then 30 s measured, perf over 20 s of it
#   PROFILE_SECONDS=10 bench/profile.sh --quick
#
# .NET frames are named through the runtime's perf map (DOTNET_PerfMapEnabled=1, W^X off so jitted code has one
# address). DOTNET_ReadyToRun=0 makes the framework's precompiled code jitted too, so it has names: the profiled
# server runs tier-1 jitted framework code instead of ReadyToRun code, which is close in steady state but not the same
# build a user runs; the CPU per op printed with it is the profiled server's. Needs perf (Debian linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v perf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null; }

warmup=${PROFILE_WARMUP_SECONDS:-20}; seconds=${PROFILE_SECONDS:-30}; sample_seconds=${PROFILE_SAMPLE_SECONDS:-20}
docs=${PROFILE_DOCS:-100}; editors=${PROFILE_EDITORS_PER_DOC:-4}; rate=${PROFILE_RATE:-5}
if [ "${1:-}" = "--quick" ]; then warmup=5; seconds=10; sample_seconds=5; docs=20; fi
out="artifacts/profile/$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$out"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src config 2>/dev/null || echo ' with uncommitted changes')"

dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
host_dir="$repo/src/CollabHost/bin/Release/net10.0"; load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

(cd "$host_dir" && DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 exec taskset -c 1 \
  dotnet CollabHost.dll --urls "http://127.0.0.1:$port" "--Collab:DataDir=$repo/$out/data") >"$out/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
url="ws://127.0.0.1:$port/ws"
echo "load $(cut -d' ' -f1-3 /proc/loadavg); CollabHost pid $server_pid on CPU 1 at $url; commit $commit"

load() { taskset -c 0 dotnet "$load_dll" --url "$url" --plain --docs "$docs" --editors-per-doc "$editors" --rate "$rate" \
  --mode open --ramp-up 5s --source-addresses 25 --seed 20261204 "$@"; }
echo "warm-up ${warmup} s (not recorded)"
load --duration "${warmup}s" --label warmup >"$out/warmup.log" 2>&1 || true
echo "measured run ${seconds} s; perf samples the server for ${sample_seconds} s of it"
load --duration "${seconds}s" --label profile --server-pid "$server_pid" --out "$out" >"$out/load.log" 2>&1 &
load_pid=$!
sleep 8 # ramp-up (5 s) and the first seconds of the measured window
perf record -e cpu-clock -F 499 -g -p "$server_pid" -o "$out/perf.data" -- sleep "$sample_seconds" >"$out/perf.log" 2>&1
wait $load_pid || true
grep -E '^edits/s|^server CPU|^errors' "$out/load.log"
us_per_op=$(node -e 'const r=require(process.argv[1]); console.log(r.serverCpuMicrosPerAckedOp ?? "")' "$repo/$out/profile-result.json")
perf script -i "$out/perf.data" 2>/dev/null >"$out/perf.txt"
python3 bench/profile/categorize.py ${us_per_op:+--us-per-op "$us_per_op"} <"$out/perf.txt" | tee "$out/profile.md"
echo "reproduce: bench/profile.sh $*; results in $out"
