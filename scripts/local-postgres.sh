#!/usr/bin/env bash
# Makes sure a local PostgreSQL is installed (Debian packages) and running without systemd, and that a role and a
# database of the given name exist (password = name). Prints the ADO.NET connection string on stdout; progress goes to
# stderr. If it had to start the server, it prints "started" on the last line of stderr as "pg: started <version>",
# and scripts/cluster.sh remembers that to stop it again.
#   usage: scripts/local-postgres.sh NAME
set -euo pipefail
name=${1:?usage: local-postgres.sh NAME}
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "pg: apt-get install postgresql" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"' | grep -q .; then
  echo "pg: pg_createcluster $pg_version main" >&2
  pg_createcluster "$pg_version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  # pg_ctlcluster talks on stdout ("removed stale pid file.", systemd warnings): keep stdout for the connection string.
  pg_ctlcluster "$pg_version" main start >&2
  echo "pg: started $pg_version" >&2
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" { print $3 }')
# Debian's default of 100 connections is too few for the test suites, which run many hosts at once against one server
# (each with the journal's pool, the journal read lane and the read model's projector and queries).
if [ "$(su postgres -c "psql -p $pg_port -qtAc 'SHOW max_connections'")" -lt 500 ]; then
  echo "pg: max_connections = 500 (restart)" >&2
  su postgres -c "psql -p $pg_port -qc 'ALTER SYSTEM SET max_connections = 500'" >&2
  pg_ctlcluster "$pg_version" main restart >&2
fi
su postgres -c "psql -p $pg_port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = '$name'\"" | grep -q 1 ||
  su postgres -c "psql -p $pg_port -qc \"CREATE ROLE $name LOGIN PASSWORD '$name'\"" >&2
su postgres -c "psql -p $pg_port -qtAc \"SELECT 1 FROM pg_database WHERE datname = '$name'\"" | grep -q 1 ||
  su postgres -c "psql -p $pg_port -qc \"CREATE DATABASE $name OWNER $name\"" >&2
echo "Host=127.0.0.1;Port=$pg_port;Database=$name;Username=$name;Password=$name"
