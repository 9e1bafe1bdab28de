#!/usr/bin/env bash
# Runs every CollabSuite test on a fresh machine: installs what the suites need (npm packages with `npm ci`,
# Debian packages with apt-get), builds, runs the .NET suites and the Node suites, and prints one closing line
# "tests: N passed, N failed". Exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '\n== %s\n' "$*"; }
passed=0
failed=0

# --- prerequisites -------------------------------------------------------------------------------
# Node packages: every folder with a package-lock.json that a suite uses is installed exactly as locked.
for dir in tests/conformance; do
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# --- CollabClient suite prerequisites (issue 7) ----------------------------------------------------
# tests/CollabClient.Tests generates its OT reference cases with ot-text-unicode (ot-reference) and starts the stock
# ShareDB server (bench/peers/sharedb-server) for its end-to-end tests.
for dir in tests/CollabClient.Tests/ot-reference bench/peers/sharedb-server; do
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# --- .NET suites ---------------------------------------------------------------------------------
log "dotnet build"
dotnet build CollabSuite.sln -c Release --nologo -v quiet

log "dotnet test"
results=$(mktemp)
set +e
dotnet test CollabSuite.sln -c Release --no-build --nologo 2>&1 | tee "$results"
dotnet_status=${PIPESTATUS[0]}
set -e
# dotnet test prints one summary per test assembly: "Failed!  - Failed:     0, Passed:    12, ..."
while read -r f p; do
  failed=$((failed + f)); passed=$((passed + p))
done < <(sed -nE 's/.*Failed: +([0-9]+), Passed: +([0-9]+),.*/\1 \2/p' "$results")
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# --- summary -------------------------------------------------------------------------------------
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
