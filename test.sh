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
dotnet test LearningPlatform.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=normal" "$@"
