#!/usr/bin/env bash
# Runs every CollabSuite test on a fresh machine: installs what the suites need (npm packages with `npm ci`,
# Debian packages with apt-get), builds, runs the .NET suites and the Node suites, and prints one closing line
# "tests: N passed, N failed". Exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Tests open a few thousand sockets (connection caps, big rooms, fuzzers): lift the soft descriptor limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log() { printf '\n== %s\n' "$*"; }
passed=0
failed=0
failures=$(mktemp) # one line per failed check or test, printed again beside the totals

# --- prerequisites -------------------------------------------------------------------------------
# Node packages: every folder with a package-lock.json that a suite uses is installed exactly as locked.
for dir in tests/conformance tests/conformance-richtext tests/conformance-json0; do
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# --- text engine conformance cases (issue 2) -------------------------------------------------------
# tests/conformance/cases.jsonl is committed (so `dotnet test` alone replays it); here we regenerate it with the
# pinned ot-text-unicode and check the committed file is exactly what the reference produces today.
log "tests/conformance: committed cases.jsonl equals a fresh run of generate-cases.js"
fresh_cases=$(mktemp)
if (cd tests/conformance && node generate-cases.js --out "$fresh_cases") && cmp -s "$fresh_cases" tests/conformance/cases.jsonl; then
  passed=$((passed + 1))
else
  echo "tests/conformance/cases.jsonl is stale: run (cd tests/conformance && node generate-cases.js) and commit it" | tee -a "$failures"
  failed=$((failed + 1))
fi
rm -f "$fresh_cases"

# --- rich-text conformance cases (issue 17) -------------------------------------------------------
# Same check for the rich-text type: tests/conformance-richtext/cases.jsonl against a fresh run of its generator with
# the pinned rich-text 4.1.0 (quill-delta 4.2.2).
log "tests/conformance-richtext: committed cases.jsonl equals a fresh run of generate-cases.js"
fresh_cases=$(mktemp)
if (cd tests/conformance-richtext && node generate-cases.js --out "$fresh_cases") && cmp -s "$fresh_cases" tests/conformance-richtext/cases.jsonl; then
  passed=$((passed + 1))
else
  echo "tests/conformance-richtext/cases.jsonl is stale: run (cd tests/conformance-richtext && node generate-cases.js) and commit it" | tee -a "$failures"
  failed=$((failed + 1))
fi
rm -f "$fresh_cases"

# --- json0 conformance cases (issue 17) -------------------------------------------------------------
# tests/conformance-json0/cases.jsonl is committed too; regenerated with the pinned ot-json0 1.1.0 and compared.
log "tests/conformance-json0: committed cases.jsonl equals a fresh run of generate-cases.js"
fresh_cases=$(mktemp)
if (cd tests/conformance-json0 && node generate-cases.js --out "$fresh_cases") && cmp -s "$fresh_cases" tests/conformance-json0/cases.jsonl; then
  passed=$((passed + 1))
else
  echo "tests/conformance-json0/cases.jsonl is stale: run (cd tests/conformance-json0 && node generate-cases.js) and commit it" | tee -a "$failures"
  failed=$((failed + 1))
fi
rm -f "$fresh_cases"

# --- CollabClient suite prerequisites (issue 7) ----------------------------------------------------
# tests/CollabClient.Tests generates its OT reference cases with ot-text-unicode (ot-reference) and starts the stock
# ShareDB server (bench/peers/sharedb-server) for its end-to-end tests; they, and CollabLoad's short run, also run
# against CollabHost started in the test process.
for dir in tests/CollabClient.Tests/ot-reference bench/peers/sharedb-server; do
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# --- CollabHost suite prerequisites (issue 3) ------------------------------------------------------
# tests/CollabHost.Tests drives the unmodified npm sharedb 7.0.0 client (with ws and ot-text-unicode, pinned in its
# package-lock.json) against the host started in the test process, and compares fetch queries with stock ShareDB and
# sharedb-mingo-memory 4.1.0 (its .npmrc lets npm ci take it past its sharedb <=5 peer range).
for dir in tests/CollabHost.Tests/sharedb-client; do
  if [ -f "$dir/package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# --- PostgreSQL for the persistence tests (issue 4) -----------------------------------------------
# The durable-document tests run against SQLite (no set-up) and PostgreSQL. scripts/local-postgres.sh installs
# PostgreSQL from Debian if it is missing, starts a cluster without systemd, creates a role and database for the tests
# and prints their connection string, which the suites get in COLLAB_TEST_POSTGRES.
log "PostgreSQL (scripts/local-postgres.sh collab_test)"
COLLAB_TEST_POSTGRES=$(scripts/local-postgres.sh collab_test | tail -1)
case "$COLLAB_TEST_POSTGRES" in
  Host=*) export COLLAB_TEST_POSTGRES ;;
  *) echo "scripts/local-postgres.sh printed no connection string (got: $COLLAB_TEST_POSTGRES)" >&2; exit 1 ;;
esac

# --- .NET suites ---------------------------------------------------------------------------------
log "dotnet build"
dotnet build CollabSuite.sln -c Release --nologo -v quiet

log "dotnet test"
results=$(mktemp)
set +e
# A test that hangs is stopped (and reported as failed) after 10 minutes, so one hang cannot use up a CI run's time.
dotnet test CollabSuite.sln -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$results"
dotnet_status=${PIPESTATUS[0]}
set -e
# dotnet test prints one summary per test assembly: "Failed!  - Failed:     0, Passed:    12, ..."
while read -r f p; do
  failed=$((failed + f)); passed=$((passed + p))
done < <(sed -nE 's/.*Failed: +([0-9]+), Passed: +([0-9]+),.*/\1 \2/p' "$results")
sed -nE 's/^ +Failed (.*) \[[^]]*\]$/\1/p' "$results" >> "$failures"
# Each failed test's error message (its first 12 lines), also for the tail: the test's own output scrolls out of a CI log.
failure_messages=$(mktemp)
awk '/^ +Failed .* \[[^]]*\]$/ { name = $0; sub(/^ +Failed /, "", name); sub(/ \[[^]]*\]$/, "", name); grab = 0; next }
     name != "" && /^ +Error Message:/ { print "  " name ":"; grab = 12; next }
     grab > 0 && /^ +(Stack Trace|Standard Output Messages):/ { grab = 0; name = ""; next }
     grab > 0 { print "    " $0; grab-- }' "$results" > "$failure_messages"
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# --- front end: clients/js (issue 6) ---------------------------------------------------------------
# Unit tests (node --test), a check that the committed demo bundle in src/CollabHost/wwwroot is what the sources
# build to, and end-to-end tests in Debian's Chromium driven by playwright-core against the CollabHost built above
# (its /ws, started on free ports by test/e2e/harness.js). COLLAB_E2E_SERVER=sharedb points the pages at the stock
# ShareDB peer (bench/peers/sharedb-server) instead, to tell a client bug from a server one.
count_node_tests() { # adds the "# pass N" / "# fail N" lines of a node --test run to the totals
  local p f
  p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$1" | tail -1); f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$1" | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  sed -nE 's/^not ok [0-9]+ - (.*)$/\1/p' "$1" >> "$failures"
  if [ "$2" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
}
if [ ! -x /usr/bin/chromium ]; then
  log "apt-get install chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi
# The https end-to-end test makes its certificate with openssl.
if ! command -v openssl >/dev/null; then
  log "apt-get install openssl"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
fi
for dir in clients/js bench/peers/sharedb-server; do
  log "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done

log "clients/js: demo bundle in src/CollabHost/wwwroot matches its sources"
if (cd clients/js && node scripts/build-demo.mjs --check); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "demo bundle is stale" >> "$failures"; fi

log "clients/js: src/index.d.ts type-checks (tsc, pinned in devDependencies)"
if (cd clients/js && npx --no-install tsc -p .); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "clients/js type check" >> "$failures"; fi

log "clients/js: unit tests"
js_results=$(mktemp)
set +e
(cd clients/js && node --test test/unit/) 2>&1 | tee "$js_results"
js_status=${PIPESTATUS[0]}
set -e
count_node_tests "$js_results" "$js_status"

log "clients/js: end-to-end tests in Chromium"
set +e
(cd clients/js && COLLAB_E2E_SERVER="${COLLAB_E2E_SERVER:-collabhost}" node --test --test-concurrency=1 test/e2e/) 2>&1 | tee "$js_results"
js_status=${PIPESTATUS[0]}
set -e
count_node_tests "$js_results" "$js_status"

# --- summary -------------------------------------------------------------------------------------
# The names of failed tests go last, beside the totals: a CI log is often read from its tail.
if [ -s "$failures" ]; then
  echo
  echo "failed:"
  sort -u "$failures" | sed 's/^/  /'
fi
if [ -s "$failure_messages" ]; then
  echo
  echo "why (.NET):"
  cat "$failure_messages"
fi
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
