#!/usr/bin/env bash
# Runs the whole platform on this machine: installs and starts what is missing (docker.io, dockerd, redis-server,
# sandbox images), builds, starts Services, RunnerHost and Hub with embedded storage under ./data, waits until each
# reports ready, prints the URLs and the development admin login. Keeps them running: a process that exits is started
# again, so are Redis and dockerd when they stop answering (scripts/supervise.sh). Ctrl-C stops the processes it
# started (Redis and dockerd keep running, as they were started detached).
#
# A second instance can run beside the first (bench/fault-campaign.sh does): every setting below has the default the
# first one uses.
#   LP_HUB_URL, LP_SERVICES_URL, LP_RUNNER_URL   where the processes listen (http://localhost:8080, 127.0.0.1:8081, :8082)
#   LP_REDIS_PORT      the Redis it uses, watches and starts (6379; data in $LP_DATA_DIR/redis)
#   LP_DATA_DIR        LiteDB files, Redis data and logs (./data)
#   LP_NO_PREREQS=1    skip scripts/prereqs.sh (installs, dockerd, the Redis on 6379, sandbox images): the caller has
#                      them; the Redis on LP_REDIS_PORT is still started when it does not answer
#   LP_NO_BUILD=1      skip the client bundle and the dotnet build: the caller built (Release)
#   LP_WATCH_DOCKERD=0 do not watch dockerd (another instance does)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
data=${LP_DATA_DIR:-$root/data}
case $data in /*) ;; *) data=$root/$data ;; esac
redis_port=${LP_REDIS_PORT:-6379}

[ "${LP_NO_PREREQS:-}" = 1 ] || ./scripts/prereqs.sh

# Development secrets: generated once into an ignored folder.
mkdir -p "$data/logs"
. scripts/dev-secrets.sh

HUB_URL=${LP_HUB_URL:-http://localhost:8080}
SERVICES_URL=${LP_SERVICES_URL:-http://127.0.0.1:8081}
RUNNER_URL=${LP_RUNNER_URL:-http://127.0.0.1:8082}
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Redis__Configuration=${Redis__Configuration:-localhost:$redis_port}

if [ "${LP_NO_BUILD:-}" != 1 ]; then
  # The browser client (src/Hub/ClientApp) is bundled into src/Hub/wwwroot/dist; skips npm ci when node_modules is current.
  (cd src/Hub/ClientApp && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; } && npm run build --silent)
  echo "[run] building (Release)"
  dotnet build LearningPlatform.sln -c Release -nologo -clp:ErrorsOnly -v:q
fi

# Each process and each daemon it needs runs under scripts/supervise.sh: a process that exits is started again
# (backoff 1 s doubling to 30 s; more than 5 restarts within 2 minutes and it is given up), a Redis or dockerd that
# stops answering is started again as prereqs.sh starts it. Every restart is a line here and in $data/logs/run.log.
sups=()
declare -A sup_of
supervise() { scripts/supervise.sh --log "$data/logs/run.log" "$@" & sups+=($!); sup_of[$1]=$!; }
stop() {
  local rc=$?
  trap - INT TERM EXIT
  echo
  echo "[run] stopping" | tee -a "$data/logs/run.log"
  kill -TERM "${sups[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  exit "$rc"
}
trap stop INT TERM EXIT
echo "$(date '+%F %T') [run] starting" >>"$data/logs/run.log"

# shellcheck source=scripts/infra.sh
. scripts/infra.sh
redis_start="scripts/infra.sh start_redis $redis_port '$data/redis' '$data/logs/redis.log'"
redis_ok "$redis_port" || bash -c "$redis_start" || exit 1
supervise redis --check "scripts/infra.sh redis_ok $redis_port" --start "$redis_start"
[ "${LP_WATCH_DOCKERD:-1}" = 0 ] || supervise dockerd --interval 5 --check "scripts/infra.sh docker_ok" --start "scripts/infra.sh start_dockerd"

start() { # name project url [extra env...]
  local name=$1 project=$2 url=$3; shift 3
  : >"$data/logs/$name.log"
  # In the project's folder, as `dotnet run` would be: that is the content root, where appsettings.json (log
  # levels, event consumer group, untraced operations) and wwwroot are found.
  supervise "$name" --output "$data/logs/$name.log" -- env -C "$root/src/$project" "$@" Urls="$url" \
    dotnet "bin/Release/net10.0/LearningPlatform.$project.dll"
}

start services Services "$SERVICES_URL" Storage__DataDirectory="$data/services"
start runner RunnerHost "$RUNNER_URL"
# A 64 MiB gen0 budget for the Hub (the workstation GC's default here is a few MiB): at 5,000 edits/s it allocates
# ~60 MB/s, and the default meant 3-4 pauses a second; with it about one (README, Figures). Costs 64 MiB once.
start hub Hub "$HUB_URL" Gateway__ServicesUrl="$SERVICES_URL" DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"

wait_ready() { # name url
  for _ in $(seq 1 240); do
    if curl -fsS "$2/health/ready" >/dev/null 2>&1; then echo "[run] $1 ready at $2"; return 0; fi
    kill -0 "${sup_of[$1]}" 2>/dev/null || break # given up on
    sleep 0.5
  done
  echo "[run] $1 did not become ready; last lines of $data/logs/$1.log:" >&2
  tail -n 20 "$data/logs/$1.log" >&2
  exit 1
}
wait_ready services "$SERVICES_URL"
wait_ready runner "$RUNNER_URL"
wait_ready hub "$HUB_URL"

cat <<TXT

  Learning Platform is up.
    Public entry (API, hub):  $HUB_URL
    OpenAPI document:         $HUB_URL/openapi/v1.json
    Health / metrics:         $HUB_URL/health/ready   $HUB_URL/metrics
    Development admin:        $LP_ADMIN_EMAIL / $LP_ADMIN_PASSWORD   (in .dev/secrets.env)
    Logs:                     $data/logs/   (restarts: $data/logs/run.log)

  Press Ctrl-C to stop.
TXT
wait || true
echo "[run] every supervisor has given up; see $data/logs/run.log" >&2
