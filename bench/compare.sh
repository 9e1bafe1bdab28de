#!/usr/bin/env bash
# CollabHost vs stock ShareDB, side by side: the same CollabLoad workloads against each server in turn, on this
# machine, and a table in docs/benchmarks.md (section "CollabHost vs ShareDB"; other sections are kept).
#
#   bench/compare.sh            the full comparison (about 15 minutes)
#   bench/compare.sh --quick    a smoke run of the script itself (short steps, few connections; not for the docs)
#   bench/compare.sh --pinned   CPU per op and memory per connection with the server pinned to CPU 1 and the load
#                               generators to CPU 0 (about 7 minutes; section "CollabHost vs ShareDB, pinned"). Each
#                               server gets a 30 s warm-up run first (COMPARE_PINNED_WARMUP_SECONDS): after 10 s the
#                               .NET JIT was still at work and CollabHost measured 20-40 % more CPU per op
#   bench/compare.sh --pinned --quick   a smoke run of the pinned mode (not for the docs)
#
# What it measures, per server (stock ShareDB 7 in memory from bench/peers/sharedb-server; CollabHost Release with
# the journal config/akka.hocon names):
#   1. idle connections: a fresh server holds N quiet subscribed editors spread over source addresses 127.0.0.2 …;
#      connections held and server RSS growth per connection (RSS while holding minus RSS before connecting);
#   2. an open-loop typing ramp on a fresh server (after a 5 s warm-up run): every editor types at a person's R
#      edits/s (bursts and pauses), E editors per document, and each step asks for more edits/s by having more people
#      (T/R editors, T/R/E documents), until a step fails twice (the machine is shared, so a failed step gets one
#      more try); a step passes when ack p99 <= 100 ms, the loader delivered >= 90 % of the asked edits (typing is bursty), with no errors
#      and every editor converged. Sustained ops/s = acked ops/s of the highest passing step. Server CPU time per
#      step is read from /proc, so cost per op is known even when the machine is busy.
# Results (JSON, HTML reports, logs) go to artifacts/compare/<time>/; the table is written by bench/compare/report.mjs.
#
# Settings (environment): COMPARE_RATE_PER_EDITOR (5 edits/s: a person typing; far below CollabHost's 50 ops/s per
# connection), COMPARE_EDITORS_PER_DOC (4), COMPARE_STEPS (asked edits/s, space separated), COMPARE_STEP_SECONDS
# (15), COMPARE_IDLE_CONNECTIONS (10000),
# COMPARE_SOURCE_ADDRESSES (25; every run spreads its sockets over 127.0.0.2 … so no address holds more than 500),
# COMPARE_PIN (0: server and load generator share every CPU, the default; on a machine shared with other work, a
# pinned process waits for its busy core while the other idles, so pinning made p99 worse there. 1: server on
# CPU 0 and the load generator on the others, for a quiet machine),
# COMPARE_DOCS_FILE (docs/benchmarks.md; --quick writes none unless set).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

quick=0; pinned_mode=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --pinned) pinned_mode=1 ;;
    *) echo "unknown argument $arg (use --quick and/or --pinned)" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  rate_per_editor=${COMPARE_RATE_PER_EDITOR:-5}; editors_per_doc=${COMPARE_EDITORS_PER_DOC:-3}; steps=${COMPARE_STEPS:-"60 120"}
  step_seconds=${COMPARE_STEP_SECONDS:-3}; idle_connections=${COMPARE_IDLE_CONNECTIONS:-200}; idle_seconds=2
  docs_file=${COMPARE_DOCS_FILE:-}
else
  rate_per_editor=${COMPARE_RATE_PER_EDITOR:-5}; editors_per_doc=${COMPARE_EDITORS_PER_DOC:-4}
  steps=${COMPARE_STEPS:-"250 500 1000 1500 2000 3000 4000 5000 6000 8000 10000 12000 16000"}
  step_seconds=${COMPARE_STEP_SECONDS:-15}; idle_connections=${COMPARE_IDLE_CONNECTIONS:-10000}; idle_seconds=10
  docs_file=${COMPARE_DOCS_FILE:-docs/benchmarks.md}
fi
# CollabHost admits 500 sockets per client address by default (Collab:Limits:MaxConnectionsPerIp): spread them.
source_addresses=${COMPARE_SOURCE_ADDRESSES:-25}
pin=${COMPARE_PIN:-0}
[ "$pinned_mode" = 1 ] && pin=1
p99_limit_ms=100
min_ramp_up_seconds=5

out="artifacts/compare/$(date -u +%Y%m%dT%H%M%SZ)"
# The commit measured (what the build below compiles), with a mark when the work tree differs from it.
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src config bench 2>/dev/null || echo ' with uncommitted changes')"
mkdir -p "$out"
log() { printf '\n== %s\n' "$*" | tee -a "$out/compare.log"; }
note() { printf '%s\n' "$*" | tee -a "$out/compare.log"; }

# --- pinning ---------------------------------------------------------------------------------------
cpus=$(nproc)
server_cpus=""; loader_cpus=""
if [ "$pin" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
  # The server gets CPU 1 to itself; the load generators and everything else run on CPU 0 (and any others).
  server_cpus=1; loader_cpus=$([ "$cpus" -eq 2 ] && echo 0 || echo "0,2-$((cpus - 1))")
elif [ "$pinned_mode" = 1 ]; then
  echo "--pinned needs taskset and at least 2 CPUs" >&2; exit 2
fi
on_cpus() { # on_cpus CPULIST command…: runs the command pinned to CPULIST, or unpinned when CPULIST is empty
  local list=$1; shift
  if [ -n "$list" ]; then taskset -c "$list" "$@"; else "$@"; fi
}
# In a server's subshell: becomes the server process (so $! is its pid, for RSS and CPU time), pinned or not.
taskset_or_plain() { local list=$1; shift; if [ -n "$list" ]; then exec taskset -c "$list" "$@"; else exec "$@"; fi; }

# --- build -------------------------------------------------------------------------------------------
log "build (Release): CollabHost, CollabLoad; npm ci in bench/peers/sharedb-server"
dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
dotnet build src/CollabLoad/CollabLoad.csproj -c Release --nologo -v quiet >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
(cd bench/peers/sharedb-server && npm ci --no-audit --no-fund --loglevel=error) >>"$out/build.log" 2>&1
(cd bench/compare && npm ci --no-audit --no-fund --loglevel=error) >>"$out/build.log" 2>&1
host_dir="$repo/src/CollabHost/bin/Release/net10.0"
load_dll="$repo/src/CollabLoad/bin/Release/net10.0/CollabLoad.dll"
# The journal plugin akka.hocon names (journal.plugin = "…" or journal { plugin = "…" }).
plugin=$(grep -oE '"akka\.persistence\.journal\.[a-z]+"' "$host_dir/akka.hocon" | tr -d '"' | head -1)
case "$plugin" in
  *inmem*) journal="in memory ($plugin): not durable" ;;
  *sql*) journal="SQLite file under Collab:DataDir (the default Collab:Journal; Akka.Persistence.Sql, WAL), durable: an op is acked after its journal write" ;;
  *) journal="${plugin:-unknown}" ;;
esac
note "CollabHost journal: $journal (from $host_dir/akka.hocon)"

# --- servers -----------------------------------------------------------------------------------------
server_pid=""; server_url=""
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_healthy() { # wait_healthy URL LOG: until /healthz answers, or fail with the server's log
  for _ in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then note "server exited:"; cat "$2"; exit 1; fi
    if curl -sf "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  note "server did not answer $1 in 60 s:"; cat "$2"; exit 1
}

start_server() { # start_server sharedb|collabhost PHASE: sets server_pid and server_url
  local kind=$1 phase=$2 port; port=$(free_port)
  local logfile="$repo/$out/$kind-$phase-server.log"
  if [ "$kind" = sharedb ]; then
    (cd bench/peers/sharedb-server && taskset_or_plain "$server_cpus" node server.js "$port") >"$logfile" 2>&1 &
    server_pid=$!
    server_url="ws://127.0.0.1:$port/"
  else
    local data; data="$repo/$out/collabhost-$phase-data"
    mkdir -p "$data"
    # Run from the build folder so the host reads its appsettings.json (log levels) as a deployment would.
    (cd "$host_dir" && taskset_or_plain "$server_cpus" dotnet CollabHost.dll --urls "http://127.0.0.1:$port" \
      "--Collab:DataDir=$data") >"$logfile" 2>&1 &
    server_pid=$!
    server_url="ws://127.0.0.1:$port/ws"
  fi
  wait_healthy "http://127.0.0.1:$port/healthz" "$logfile"
  note "$kind ($phase) pid $server_pid at $server_url${server_cpus:+ on CPU $server_cpus}"
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
trap stop_server EXIT

cpu_ticks() { # utime + stime of a process, in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
ticks_per_second=$(getconf CLK_TCK)

# --- workloads -----------------------------------------------------------------------------------------
run_loader() { # run_loader LABEL ARGS…: CollabLoad with the loader's CPU time in $out/LABEL.time ("user sys")
  local label=$1; shift
  local status=0
  { TIMEFORMAT='%U %S'; time on_cpus "$loader_cpus" dotnet "$load_dll" --url "$server_url" --plain --out "$out" \
      --label "$label" "$@" >"$out/$label.log" 2>&1 || status=$?; } 2>"$out/$label.time"
  return $status
}

idle_phase() { # idle_phase sharedb|collabhost
  local kind=$1
  start_server "$kind" idle
  log "$kind: $idle_connections idle connections over $source_addresses source addresses"
  run_loader "$kind-idle" --idle-connections "$idle_connections" --source-addresses "$source_addresses" --docs 100 \
    --duration "${idle_seconds}s" --server-pid "$server_pid" || true
  grep -E '^held|connections open|failed' "$out/$kind-idle.log" | tail -3 | tee -a "$out/compare.log" || true
  stop_server
}

run_step() { # run_step KIND TARGET ATTEMPT: one open-loop run at TARGET edits/s; appends a line to KIND-ramp.steps
  local kind=$1 target=$2 attempt=$3 docs ramp_up label before after status=0 verdict
  docs=$(docs_for "$target"); ramp_up=$(ramp_up_for "$docs")
  label="$kind-ramp-$target-$attempt"
  before=$(cpu_ticks "$server_pid")
  run_loader "$label" --docs "$docs" --editors-per-doc "$editors_per_doc" --rate "$rate_per_editor" --mode open \
    --duration "${step_seconds}s" --ramp-up "${ramp_up}s" --source-addresses "$source_addresses" --seed 20261125 \
    --settle-timeout 60s || status=$?
  after=$(cpu_ticks "$server_pid")
  if [ -f "$out/$label-result.json" ]; then
    verdict=$(node -e '
      const r = require(process.argv[1]); const target = +process.argv[2], limit = +process.argv[3];
      const why = [];
      if (!r.passed) why.push(`errors ${r.errors}, connect failures ${r.connectFailures}, converged ${r.convergence.converged}`);
      if (r.ackLatency.p99Ms > limit) why.push(`ack p99 ${r.ackLatency.p99Ms} ms > ${limit} ms`);
      if (r.editsPerSecond < 0.9 * target) why.push(`loader delivered ${r.editsPerSecond} of ${target} edits/s`);
      console.log(why.length ? "fail: " + why.join("; ") : "pass");' "$repo/$out/$label-result.json" "$target" "$p99_limit_ms")
    note "$target edits/s (attempt $attempt): $(grep -E '^edits/s' "$out/$label.log" | head -1) → $verdict"
  else
    verdict="fail: no result (CollabLoad exit $status)"
    note "$target edits/s (attempt $attempt): $verdict; see $out/$label.log"; tail -5 "$out/$label.log"
  fi
  printf '%s\t%s\t%s\t%s\n' "$target" "$attempt" "$(( after - before ))" "$verdict" >>"$out/$kind-ramp.steps"
  [ "$verdict" = pass ]
}

docs_for() { # documents for a step asking TARGET edits/s: TARGET / rate / editors per document, at least 1
  node -e "console.log(Math.max(1, Math.round($1 / $rate_per_editor / $editors_per_doc)))"
}
ramp_up_for() { # editors join over max(5 s, editors / 200 per s): a steady arrival, not a connection storm
  node -e "console.log(Math.max($min_ramp_up_seconds, Math.ceil($1 * $editors_per_doc / 200)))"
}

ramp_phase() { # ramp_phase sharedb|collabhost: steps up the edit rate until a step fails twice in a row
  local kind=$1 target first
  start_server "$kind" ramp
  first=${steps%% *}
  # Warm-up at the first step's rate (not recorded): JIT and caches are warm before anything counts, for both servers.
  log "$kind: warm-up at $first edits/s for 5 s (not recorded)"
  run_loader "$kind-warmup" --docs "$(docs_for "$first")" --editors-per-doc "$editors_per_doc" --rate "$rate_per_editor" \
    --duration 5s --ramp-up "${min_ramp_up_seconds}s" --source-addresses "$source_addresses" || true
  log "$kind: open loop, $editors_per_doc editors per document at $rate_per_editor edits/s each, steps of ${step_seconds}s: $steps edits/s"
  for target in $steps; do
    # The machine is shared: a failed step is run once more after a pause, and passes if either attempt did.
    run_step "$kind" "$target" 1 && continue
    sleep 5
    run_step "$kind" "$target" 2 || break
  done
  stop_server
}

# --- pinned mode ---------------------------------------------------------------------------------------
# One load point for both servers, each fresh and warmed up first: P_DOCS documents × P_EDITORS editors × P_RATE
# edits/s (2,000 edits/s by default) for P_SECONDS. CollabLoad measures it (server CPU from /proc over its measured
# window only, acked ops in that window, ack p50/p99; every server thread's CPU and context switches over the same
# window, bench/thread-cpu/threads.py, in KIND-pinned-threads.txt), then the independent Node driver (bench/compare/driver.mjs)
# measures the same point again on new documents as a cross-check. The loaders' own CPU is recorded (.time files):
# if a loader used most of CPU 0, its figures would be limited by it, and the report says so. Then, on a fresh
# server, P_IDLE idle connections (handshaken, 1 in P_IDLE_SUBSCRIBE_EVERY subscribed): RSS growth per connection.
p_docs=${COMPARE_PINNED_DOCS:-100}; p_editors=${COMPARE_PINNED_EDITORS_PER_DOC:-4}; p_rate=${COMPARE_PINNED_RATE:-5}
p_seconds=${COMPARE_PINNED_SECONDS:-20}; p_warmup=${COMPARE_PINNED_WARMUP_SECONDS:-30}
p_idle=${COMPARE_PINNED_IDLE_CONNECTIONS:-5000}; p_idle_every=${COMPARE_PINNED_IDLE_SUBSCRIBE_EVERY:-10}
if [ "$quick" = 1 ]; then p_docs=10; p_seconds=5; p_warmup=3; p_idle=300; fi

pinned_phase() { # pinned_phase sharedb|collabhost
  local kind=$1 status
  start_server "$kind" pinned
  log "$kind: warm-up at $p_docs × $p_editors × $p_rate edits/s for ${p_warmup} s (not recorded)"
  run_loader "$kind-pinned-warmup" --docs "$p_docs" --editors-per-doc "$p_editors" --rate "$p_rate" --mode open \
    --duration "${p_warmup}s" --ramp-up 5s --source-addresses "$source_addresses" --seed 20261204 || true
  log "$kind: CollabLoad at $((p_docs * p_editors * p_rate)) edits/s for ${p_seconds} s, server CPU over the measured window"
  status=0
  run_loader "$kind-pinned" --docs "$p_docs" --editors-per-doc "$p_editors" --rate "$p_rate" --mode open \
    --duration "${p_seconds}s" --ramp-up 5s --source-addresses "$source_addresses" --seed 20261204 \
    --server-pid "$server_pid" --settle-timeout 60s &
  local loader=$!
  # Each thread's CPU and context switches over CollabLoad's window; the snapshots run on the loaders' CPU.
  on_cpus "$loader_cpus" python3 bench/thread-cpu/threads.py window "$server_pid" "$out/$kind-pinned.log" \
    "$out/$kind-pinned-threads-before.json" "$out/$kind-pinned-threads-after.json" "$loader" || true
  wait "$loader" || status=$?
  if [ -s "$out/$kind-pinned-threads-after.json" ] && [ -s "$out/$kind-pinned-result.json" ]; then
    python3 bench/thread-cpu/threads.py report "$out/$kind-pinned-threads-before.json" "$out/$kind-pinned-threads-after.json" \
      "$out/$kind-pinned-result.json" >"$out/$kind-pinned-threads.txt" || true
  fi
  grep -E '^edits/s|^server CPU|^errors' "$out/$kind-pinned.log" | tee -a "$out/compare.log" || true
  [ "$status" = 0 ] || note "$kind: CollabLoad exit $status (see $out/$kind-pinned.log)"
  log "$kind: the Node driver at the same point (cross-check)"
  { TIMEFORMAT='%U %S'; time on_cpus "$loader_cpus" node bench/compare/driver.mjs --url "$server_url" --docs "$p_docs" \
      --editors-per-doc "$p_editors" --rate "$p_rate" --warmup 3 --duration "$p_seconds" --server-pid "$server_pid" \
      --source-addresses "$source_addresses" --doc-prefix "driver-$kind-" --out "$out/$kind-driver-result.json" \
      >"$out/$kind-driver.log" 2>&1 || note "$kind: driver failed (see $out/$kind-driver.log)"; } 2>"$out/$kind-driver.time"
  tail -1 "$out/$kind-driver.log" | tee -a "$out/compare.log"
  stop_server
  start_server "$kind" pinned-idle
  log "$kind: $p_idle idle connections, 1 in $p_idle_every subscribed"
  run_loader "$kind-pinned-idle" --idle-connections "$p_idle" --idle-subscribe-every "$p_idle_every" \
    --source-addresses "$source_addresses" --docs 100 --duration "${idle_seconds}s" --server-pid "$server_pid" || true
  grep -E '^held' "$out/$kind-pinned-idle.log" | tail -1 | tee -a "$out/compare.log" || true
  stop_server
}

if [ "$pinned_mode" = 1 ]; then
  log "machine: $cpus CPUs ($(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)); load $(cut -d' ' -f1-3 /proc/loadavg); server on CPU $server_cpus, loaders on CPU $loader_cpus"
  uptime >"$out/load-before.txt"
  for kind in sharedb collabhost; do pinned_phase "$kind"; done
  uptime >"$out/load-after.txt"
  log "report"
  node bench/compare/pinned-report.mjs --results "$out" --docs "$p_docs" --editors-per-doc "$p_editors" --rate "$p_rate" \
    --seconds "$p_seconds" --warmup "$p_warmup" --idle "$p_idle" --idle-every "$p_idle_every" --journal "${journal:-unknown}" \
    --server-cpus "$server_cpus" --loader-cpus "$loader_cpus" --commit "$commit" --command "bench/compare.sh $*" \
    ${docs_file:+--write "$docs_file"} | tee "$out/table.md"
  note "results in $out"
  exit 0
fi

log "machine: $cpus CPUs ($(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
uptime >"$out/load-before.txt"
for kind in sharedb collabhost; do idle_phase "$kind"; done
for kind in sharedb collabhost; do ramp_phase "$kind"; done
uptime >"$out/load-after.txt"

log "report"
node bench/compare/report.mjs --results "$out" --rate-per-editor "$rate_per_editor" --editors-per-doc "$editors_per_doc" \
  --step-seconds "$step_seconds" --p99-limit "$p99_limit_ms" --idle-connections "$idle_connections" \
  --source-addresses "$source_addresses" --ramp-up-seconds "$min_ramp_up_seconds" --journal "${journal:-unknown}" --server-cpus "${server_cpus:-any}" \
  --loader-cpus "${loader_cpus:-any}" --ticks-per-second "$ticks_per_second" --commit "$commit" --command "bench/compare.sh $*" \
  ${docs_file:+--write "$docs_file"} | tee "$out/table.md"
note "results in $out"
