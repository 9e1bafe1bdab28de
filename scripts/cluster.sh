#!/usr/bin/env bash
# A CollabSuite cluster on this machine: N CollabHost nodes on 127.0.0.1 sharing a local PostgreSQL journal.
#
#   scripts/cluster.sh up [N]   build CollabHost if needed, start PostgreSQL if needed, start N nodes (default 3),
#                               wait until each serves, print their URLs
#   scripts/cluster.sh status   the nodes started here and whether they run
#   scripts/cluster.sh down     stop what `up` started: SIGTERM to every node (graceful leave), SIGKILL after 30 s,
#                               and PostgreSQL if `up` had to start it
#
# Node i (1-based) serves HTTP/WebSocket on 127.0.0.1:$((HTTP_BASE + i)) and Akka remoting on
# 127.0.0.1:$((REMOTING_BASE + i)) (defaults 5100 and 4100: 5101, 5102, ... and 4101, 4102, ...); nodes 1 and 2 are
# the seed nodes. Settings go to the nodes through the environment (Collab__Cluster__Port, Collab__Cluster__SeedNodes__0,
# Collab__Journal__Provider, ...), as on a real deployment. State (pids, logs, data dirs) lives in .cluster/.
# CLUSTER_NODE_ENV (space-separated NAME=VALUE) adds to every node's environment and to no other process's, e.g.
# CLUSTER_NODE_ENV="DOTNET_gcServer=0" to measure a runtime setting on the nodes alone (bench/cluster.sh passes it on).
# CLUSTER_NODE_CPUS (a taskset CPU list, e.g. 1) runs every node on those CPUs only (bench/cluster.sh's pinned mode).
set -euo pipefail
cd "$(dirname "$0")/.."
HTTP_BASE=${HTTP_BASE:-5100}
REMOTING_BASE=${REMOTING_BASE:-4100}
DATABASE=${COLLAB_CLUSTER_DATABASE:-collab_cluster}
state=.cluster
dll=src/CollabHost/bin/Release/net10.0/CollabHost.dll

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  local n=${1:-3}
  if compgen -G "$state/node*.pid" >/dev/null; then
    for pid in "$state"/node*.pid; do
      if running "$pid"; then echo "a cluster is already up (scripts/cluster.sh status; scripts/cluster.sh down)" >&2; exit 1; fi
    done
  fi
  rm -rf "$state"; mkdir -p "$state"
  if [ ! -f "$dll" ] || [ -n "$(find src/CollabHost src/CollabActors config -newer "$dll" -type f \( -name '*.cs' -o -name '*.hocon' -o -name '*.json' -o -name '*.csproj' \) -not -path '*/bin/*' -not -path '*/obj/*' | head -1)" ]; then
    echo "building CollabHost" >&2
    dotnet build src/CollabHost/CollabHost.csproj -c Release --nologo -v quiet >&2
  fi
  local connection pg_log
  pg_log=$(mktemp)
  connection=$(scripts/local-postgres.sh "$DATABASE" 2>"$pg_log") || { cat "$pg_log" >&2; exit 1; }
  if grep -q '^pg: started' "$pg_log"; then sed -n 's/^pg: started //p' "$pg_log" > "$state/postgres-started"; fi
  rm -f "$pg_log"

  local seeds=("akka.tcp://collab@127.0.0.1:$((REMOTING_BASE + 1))")
  [ "$n" -ge 2 ] && seeds+=("akka.tcp://collab@127.0.0.1:$((REMOTING_BASE + 2))")
  for i in $(seq 1 "$n"); do
    local env=(Collab__Cluster__Hostname=127.0.0.1 Collab__Cluster__Port=$((REMOTING_BASE + i))
               Collab__Journal__Provider=PostgreSQL "Collab__Journal__ConnectionString=$connection"
               Collab__DataDir="$state/node$i")
    for s in "${!seeds[@]}"; do env+=("Collab__Cluster__SeedNodes__$s=${seeds[$s]}"); done
    # shellcheck disable=SC2206 # NAME=VALUE words, split on spaces on purpose
    [ -n "${CLUSTER_NODE_ENV:-}" ] && env+=(${CLUSTER_NODE_ENV})
    local pin=()
    [ -n "${CLUSTER_NODE_CPUS:-}" ] && pin=(taskset -c "$CLUSTER_NODE_CPUS")
    env "${env[@]}" nohup "${pin[@]}" dotnet "$dll" --urls "http://127.0.0.1:$((HTTP_BASE + i))" > "$state/node$i.log" 2>&1 &
    echo $! > "$state/node$i.pid"
  done
  for i in $(seq 1 "$n"); do
    local url="http://127.0.0.1:$((HTTP_BASE + i))" deadline=$((SECONDS + 90))
    # /api/docs answers (404 for a document that does not exist) once the node is in the cluster and the journal answers.
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/docs/cluster-sh/warmup" || true)" = 404 ]; do
      if ! running "$state/node$i.pid"; then echo "node $i exited; see $state/node$i.log:" >&2; tail -20 "$state/node$i.log" >&2; exit 1; fi
      if [ $SECONDS -gt $deadline ]; then echo "node $i did not start within 90 s; see $state/node$i.log" >&2; exit 1; fi
      sleep 0.5
    done
  done
  echo "journal: PostgreSQL database $DATABASE"
  for i in $(seq 1 "$n"); do
    echo "node $i: http://127.0.0.1:$((HTTP_BASE + i))/  ws://127.0.0.1:$((HTTP_BASE + i))/ws  remoting akka.tcp://collab@127.0.0.1:$((REMOTING_BASE + i))  pid $(cat "$state/node$i.pid")  log $state/node$i.log"
  done
}

status() {
  compgen -G "$state/node*.pid" >/dev/null || { echo "no cluster started here"; return; }
  for pid in "$state"/node*.pid; do
    local node; node=$(basename "$pid" .pid)
    if running "$pid"; then echo "$node: running (pid $(cat "$pid"))"; else echo "$node: stopped"; fi
  done
}

down() {
  compgen -G "$state/node*.pid" >/dev/null || { echo "no cluster started here"; return; }
  for pid in "$state"/node*.pid; do running "$pid" && kill -TERM "$(cat "$pid")"; done
  local deadline=$((SECONDS + 30))
  for pid in "$state"/node*.pid; do
    while running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if running "$pid"; then echo "$(basename "$pid" .pid) did not leave within 30 s: SIGKILL" >&2; kill -KILL "$(cat "$pid")"; fi
    rm -f "$pid"
  done
  if [ -f "$state/postgres-started" ]; then
    pg_ctlcluster "$(cat "$state/postgres-started")" main stop
    rm -f "$state/postgres-started"
    echo "stopped PostgreSQL (started by up)"
  fi
  echo "cluster down (logs kept in $state/)"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  status) status ;;
  down) down ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
