#!/usr/bin/env bash
# Starting and checking what the platform runs on: redis-server and dockerd. Sourced by prereqs.sh; also callable
# as `scripts/infra.sh FUNCTION [ARGS...]`, which is how run.sh's watchers (scripts/supervise.sh --check/--start)
# use the same commands.
#
#   redis_ok [PORT]                   PING answers PONG
#   start_redis [PORT] [DIR] [LOG]    redis-server with the append-only file (fsync every second), data in DIR
#                                     (default $LP_DATA_DIR/redis, ./data/redis), waits until it answers
#   redis_aof_warning [PORT]          prints a warning when the Redis on PORT runs without the append-only file
#   docker_ok                         `docker info` answers
#   start_dockerd                     starts $LP_DOCKERD (default: dockerd) detached, unless one runs already; waits
LP_ROOT=${LP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

infra_log() { printf '[infra] %s\n' "$*" >&2; }

redis_ok() {
  [ "$(redis-cli -p "${1:-6379}" ping 2>/dev/null)" = PONG ]
}

start_redis() {
  local data=${LP_DATA_DIR:-$LP_ROOT/data}
  local port=${1:-6379} dir=${2:-$data/redis} logfile=${3:-$data/logs/redis.log}
  mkdir -p "$dir" "$(dirname "$logfile")"
  infra_log "starting redis-server on 127.0.0.1:$port (append-only file, fsync every second; data in $dir)"
  # --save '': no RDB snapshots; the append-only file is the durable copy (rewritten in the background as it grows).
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" --logfile "$logfile" \
    --pidfile "$dir/redis.pid" --save '' --appendonly yes --appendfsync everysec >/dev/null || return 1
  # Replaying a large append-only file takes a while (PING answers LOADING meanwhile).
  local i
  for i in $(seq 1 120); do redis_ok "$port" && return 0; sleep 0.25; done
  infra_log "redis-server on port $port did not answer within 30 s; see $logfile"
  return 1
}

redis_aof_warning() {
  local port=${1:-6379} aof
  aof=$(redis-cli -p "$port" config get appendonly 2>/dev/null | sed -n 2p) || true
  if [ "$aof" != yes ]; then
    infra_log "WARNING: the Redis on port $port runs without the append-only file (appendonly=${aof:-unknown}):" \
      "accepted edits, queued runs and events are lost if it stops. Stop it and let scripts/prereqs.sh start it" \
      "(append-only file in ./data/redis), or: redis-cli -p $port config set appendonly yes"
  fi
}

docker_ok() {
  docker info >/dev/null 2>&1
}

start_dockerd() {
  local cmd=${LP_DOCKERD:-dockerd} logfile=${LP_DOCKERD_LOG:-/var/log/dockerd.log} pid i
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  if [ -z "${LP_DOCKERD:-}" ] && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    infra_log "dockerd (pid $pid) is running but does not answer yet; waiting for it"
  else
    infra_log "starting $cmd"
    mkdir -p "$(dirname "$logfile")"
    # Its own session: neither Ctrl-C nor the end of the script that started it reaches it.
    # shellcheck disable=SC2086
    setsid nohup $cmd >>"$logfile" 2>&1 </dev/null &
  fi
  for i in $(seq 1 60); do docker_ok && return 0; sleep 0.5; done
  infra_log "dockerd did not answer within 30 s; see $logfile"
  return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -gt 0 ] || { echo "usage: $0 FUNCTION [ARGS...]" >&2; exit 2; }
  "$@"
fi
