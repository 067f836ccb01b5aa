#!/usr/bin/env bash
# The fault campaign: starts a platform instance of its own under run.sh's supervision, beside anything else running
# on this machine (its own ports, its own Redis with the append-only file, its own data folder), runs
# bench/FaultCampaign against it (learners typing and submitting while Hub, Services and RunnerHost are killed with
# SIGKILL, Redis is killed and emptied), then stops everything it started. Exits with the campaign's status: non-zero
# when a figure that must be zero is not.
#
#   bench/fault-campaign.sh [FaultCampaign arguments, e.g. learners=10 settle=20 faults=hub,redis-empty]
#
# Settings (environment):
#   LP_CAMPAIGN_HUB_PORT (8180), LP_CAMPAIGN_SERVICES_PORT (8181), LP_CAMPAIGN_RUNNER_PORT (8182),
#   LP_CAMPAIGN_REDIS_PORT (6395)        where the instance listens; never 8080-8082 or 6379
#   LP_CAMPAIGN_DATA (data/campaign/<time>)  its LiteDB files, Redis data and logs (kept afterwards)
#   LP_CAMPAIGN_NO_BUILD=1               skip the Release build of the three processes and the campaign
#   LP_CAMPAIGN_RESTART_DOCKERD=1        also kill dockerd (SIGKILL) and let the instance's dockerd watcher start it
#                                        again. dockerd is shared: every other platform, test run and container on this
#                                        machine loses its containers. Off unless set.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log() { printf '[campaign] %s\n' "$*" >&2; }

hub_port=${LP_CAMPAIGN_HUB_PORT:-8180}
services_port=${LP_CAMPAIGN_SERVICES_PORT:-8181}
runner_port=${LP_CAMPAIGN_RUNNER_PORT:-8182}
redis_port=${LP_CAMPAIGN_REDIS_PORT:-6395}
data=${LP_CAMPAIGN_DATA:-$root/data/campaign/$(date +%Y%m%d-%H%M%S)}
case $data in /*) ;; *) data=$root/$data ;; esac
restart_dockerd=${LP_CAMPAIGN_RESTART_DOCKERD:-0}

for port in "$hub_port" "$services_port" "$runner_port" "$redis_port"; do
  case $port in 8080 | 8081 | 8082 | 6379) log "port $port is the main instance's; choose another"; exit 2 ;; esac
  if ss -Hltn "sport = :$port" | grep -q .; then
    log "something already listens on port $port (another campaign?); stop it or choose other ports"
    exit 2
  fi
done

# shellcheck source=scripts/infra.sh
. scripts/infra.sh
docker_ok || { log "dockerd does not answer; start it (scripts/prereqs.sh) first"; exit 2; }

# The sandbox images of this checkout, pinned by their content hash so that another checkout moving :latest does not
# change what the campaign's runner runs.
images=()
while read -r lang image; do
  if docker image inspect "$image" >/dev/null 2>&1; then
    images+=("Runner__Sandbox__Images__$lang=$image")
  else
    log "sandbox image $image is not built; the runner uses learningplatform/sandbox-$lang:latest (sandbox-images/build.sh builds it)"
  fi
done < <(sandbox-images/build.sh --tags)

if [ "${LP_CAMPAIGN_NO_BUILD:-}" != 1 ]; then
  log "building (Release)"
  for project in src/Services/LearningPlatform.Services.csproj src/RunnerHost/LearningPlatform.RunnerHost.csproj \
    src/Hub/LearningPlatform.Hub.csproj bench/FaultCampaign/FaultCampaign.csproj; do
    dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
  done
fi

# The development admin of run.sh.
. scripts/dev-secrets.sh

mkdir -p "$data/logs" "$data/redis"
if [ "$restart_dockerd" = 1 ]; then
  log "WARNING: LP_CAMPAIGN_RESTART_DOCKERD=1: dockerd will be killed; everyone's containers on this machine go with it"
fi
log "instance: hub :$hub_port, services :$services_port, runner :$runner_port, redis :$redis_port; data and logs in $data"

run_pid=
stop() {
  local rc=$?
  trap - INT TERM EXIT
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    log "stopping the instance"
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  # run.sh leaves its Redis running (started detached): this one is the campaign's own.
  if redis_ok "$redis_port"; then
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
  log "logs: $data/logs (restarts: $data/logs/run.log; campaign output: $data/campaign.txt)"
  exit "$rc"
}
trap stop INT TERM EXIT

# Its own session, so that run.sh's stop (TERM to its supervisors) is the only way it ends; its environment is the
# instance's: nothing shared with the main instance but dockerd and .dev/secrets.env.
env -u Redis__Configuration -u ConnectionStrings__Mongo \
  LP_HUB_URL="http://localhost:$hub_port" LP_SERVICES_URL="http://127.0.0.1:$services_port" \
  LP_RUNNER_URL="http://127.0.0.1:$runner_port" LP_REDIS_PORT="$redis_port" LP_DATA_DIR="$data" \
  LP_NO_PREREQS=1 LP_NO_BUILD=1 LP_WATCH_DOCKERD="$restart_dockerd" \
  Gateway__AuthPermitLimit=100000 Jwt__AccessTokenLifetime=01:00:00 "${images[@]}" \
  setsid ./run.sh >"$data/logs/run.out" 2>&1 </dev/null &
run_pid=$!

for _ in $(seq 1 360); do
  curl -fsS "http://localhost:$hub_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$run_pid" 2>/dev/null || { log "run.sh stopped:"; tail -n 30 "$data/logs/run.out" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://localhost:$hub_port/health/ready" >/dev/null || { log "the instance did not become ready"; tail -n 30 "$data/logs/run.out" >&2; exit 1; }
log "instance ready; starting the campaign"

extra=()
[ "$restart_dockerd" = 1 ] && extra+=(dockerd=true)
set +e
dotnet bench/FaultCampaign/bin/Release/net10.0/FaultCampaign.dll \
  url="http://localhost:$hub_port" services="http://127.0.0.1:$services_port" runner="http://127.0.0.1:$runner_port" \
  redis-port="$redis_port" redis-dir="$data/redis" logs="$data/logs" "${extra[@]}" "$@" 2>&1 | tee "$data/campaign.txt"
status=${PIPESTATUS[0]}
set -e
echo
log "restarts the supervisors made (run.log):"
grep -E 'exited|not answering|started again|GIVING UP' "$data/logs/run.log" >&2 || true
exit "$status"
