#!/usr/bin/env bash
# Run latency through the whole platform, as a browser sees it: starts a platform instance of its own under run.sh
# (its own ports, Redis and data folder, beside anything else on this machine), has bench/Hub.Bench (mode=runs)
# submit through the hub and time Submit -> first run event and -> verdict at the client, then stops what it started.
#
#   bench/run-latency.sh [Hub.Bench arguments, e.g. runs=40 learners=1 pause=1000 submit=submit]
#
# Settings (environment): LP_LATENCY_HUB_PORT (8280), LP_LATENCY_SERVICES_PORT (8281), LP_LATENCY_RUNNER_PORT (8282),
# LP_LATENCY_REDIS_PORT (6396), LP_LATENCY_DATA (data/latency/<time>), LP_LATENCY_NO_BUILD=1 (skip the build),
# LP_LATENCY_IDLE_SECONDS (0): first measure each process's CPU for that long while nobody uses the instance.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log() { printf '[latency] %s\n' "$*" >&2; }

hub_port=${LP_LATENCY_HUB_PORT:-8280}
services_port=${LP_LATENCY_SERVICES_PORT:-8281}
runner_port=${LP_LATENCY_RUNNER_PORT:-8282}
redis_port=${LP_LATENCY_REDIS_PORT:-6396}
data=${LP_LATENCY_DATA:-$root/data/latency/$(date +%Y%m%d-%H%M%S)}
case $data in /*) ;; *) data=$root/$data ;; esac

for port in "$hub_port" "$services_port" "$runner_port" "$redis_port"; do
  case $port in 8080 | 8081 | 8082 | 6379) log "port $port is the main instance's; choose another"; exit 2 ;; esac
  if ss -Hltn "sport = :$port" | grep -q .; then
    log "something already listens on port $port; stop it or choose other ports"
    exit 2
  fi
done

# shellcheck source=scripts/infra.sh
. scripts/infra.sh
docker_ok || { log "dockerd does not answer; start it (scripts/prereqs.sh) first"; exit 2; }

# This checkout's sandbox images, pinned by content hash.
images=()
while read -r lang image; do
  if docker image inspect "$image" >/dev/null 2>&1; then
    images+=("Runner__Sandbox__Images__$lang=$image")
  fi
done < <(sandbox-images/build.sh --tags)

if [ "${LP_LATENCY_NO_BUILD:-}" != 1 ]; then
  log "building (Release)"
  for project in src/Services/LearningPlatform.Services.csproj src/RunnerHost/LearningPlatform.RunnerHost.csproj \
    src/Hub/LearningPlatform.Hub.csproj bench/Hub.Bench/Hub.Bench.csproj; do
    dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
  done
fi

# The development admin and signing key of run.sh; Hub.Bench mints learners' tokens.
. scripts/dev-secrets.sh

mkdir -p "$data/logs" "$data/redis"
log "instance: hub :$hub_port, services :$services_port, runner :$runner_port, redis :$redis_port; logs in $data/logs"
run_pid=
stop() {
  local rc=$?
  trap - INT TERM EXIT
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  if redis_ok "$redis_port"; then
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap stop INT TERM EXIT

env -u Redis__Configuration -u ConnectionStrings__Mongo \
  LP_HUB_URL="http://localhost:$hub_port" LP_SERVICES_URL="http://127.0.0.1:$services_port" \
  LP_RUNNER_URL="http://127.0.0.1:$runner_port" LP_REDIS_PORT="$redis_port" LP_DATA_DIR="$data" \
  LP_NO_PREREQS=1 LP_NO_BUILD=1 Jwt__AccessTokenLifetime=01:00:00 "${images[@]}" \
  setsid ./run.sh >"$data/logs/run.out" 2>&1 </dev/null &
run_pid=$!

for _ in $(seq 1 360); do
  curl -fsS "http://localhost:$hub_port/health/ready" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$runner_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$run_pid" 2>/dev/null || { log "run.sh stopped:"; tail -n 30 "$data/logs/run.out" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "http://localhost:$hub_port/health/ready" >/dev/null || { log "the instance did not become ready"; tail -n 30 "$data/logs/run.out" >&2; exit 1; }
sleep 5 # the runner's warm pool fills after it is ready
log "instance ready (load average $(cut -d' ' -f1-3 /proc/loadavg))"
idle=${LP_LATENCY_IDLE_SECONDS:-0}
if [ "$idle" -gt 0 ]; then
  cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, clock ticks
  pid_on() { ss -Hltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
  declare -A pids before
  for name in hub:$hub_port services:$services_port runner:$runner_port; do pids[${name%%:*}]=$(pid_on "${name#*:}"); done
  for n in "${!pids[@]}"; do before[$n]=$(cpu_of "${pids[$n]}"); done
  sleep "$idle"
  ticks=$(getconf CLK_TCK)
  for n in hub services runner; do
    log "idle CPU over ${idle} s: $n $(awk -v a="${before[$n]}" -v b="$(cpu_of "${pids[$n]}")" -v t="$ticks" -v s="$idle" 'BEGIN { printf "%.1f", 100 * (b - a) / t / s }') % of a core"
  done
fi
dotnet bench/Hub.Bench/bin/Release/net10.0/Hub.Bench.dll url="http://localhost:$hub_port" mode=runs "$@"
log "load average $(cut -d' ' -f1-3 /proc/loadavg)"
