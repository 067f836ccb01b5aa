#!/usr/bin/env bash
# Installs and starts what the tests need (docker.io, dockerd, redis-server, sandbox images), then runs every test.
# Extra arguments go to `dotnet test` (for example: ./test.sh --filter FullyQualifiedName~Users).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/prereqs.sh
export REDIS_URL="${REDIS_URL:-localhost:6379}"
# The browser client (src/Hub/ClientApp) is bundled into src/Hub/wwwroot/dist; skips npm ci when node_modules is current.
(cd src/Hub/ClientApp && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; } && npm run build --silent)
dotnet build LearningPlatform.sln -c Release -nologo -clp:ErrorsOnly
# The supervisor and the Redis start of run.sh/prereqs.sh, with fake processes and a private Redis (ports 6390-6391).
tests/scripts/supervise-test.sh
# The hidden-check workers of the sandbox images, on the host (python3 and node, as in the images).
python3 sandbox-images/python/test_checks_worker.py >/dev/null
node sandbox-images/javascript/checks.test.mjs >/dev/null
echo "[test] python and javascript check workers: ok"
# One test project at a time: they share Redis and Docker, and this machine has two cores.
# The console gets a line per test project and the failures; each project's whole record (every test's output and the
# hosts' logs, at Warning unless LP_TEST_LOG_LEVEL says otherwise) goes to a .trx file in artifacts/test-results.
# Skipped tests (the MongoDB contract suite without MONGODB_URI) are counted on their project's line, not listed.
results=artifacts/test-results
rm -rf "$results"
set +e
dotnet test LearningPlatform.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=minimal" \
  --logger "trx" --results-directory "$results" "$@" 2>&1 | grep -v -E '^(\[xUnit\.net [0-9:.]+\] +.* \[SKIP\]|  Skipped .* \[[0-9.]+ m?s\])$'
status=${PIPESTATUS[0]}
set -e
# The figures tests print as "[bench] ..." lines, once each.
if compgen -G "$results/*.trx" >/dev/null; then
  { grep -ho '\[bench\][^<]*' "$results"/*.trx || true; } \
    | sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/'"'"'/g; s/&amp;/\&/g' | awk '!seen[$0]++'
fi
exit "$status"
