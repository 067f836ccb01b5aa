#!/usr/bin/env bash
# Installs and starts what the platform and its tests need on a Debian/Ubuntu machine, as root.
# Idempotent: each step checks first, so a second call costs a second or two.
# Usage: scripts/prereqs.sh [--no-images]
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[prereqs] %s\n' "$*" >&2; }

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v debootstrap >/dev/null 2>&1 || need_apt+=(debootstrap)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The Hub parses learners' Python with a python3 helper (ast.parse only, never runs it).
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

# dockerd and redis-server: no systemd here, so start them ourselves when they do not answer (scripts/infra.sh;
# run.sh's watchers start them again the same way when they stop).
# shellcheck source=scripts/infra.sh
. scripts/infra.sh
if ! docker_ok; then
  start_dockerd || exit 1
fi

# redis-server on the default port, durable (append-only file, data in ./data/redis), unless something already
# answers there: that one is left alone, with a warning when it runs without the append-only file.
if redis_ok 6379; then
  redis_aof_warning 6379
else
  start_redis 6379 || exit 1
fi

if [ "${1:-}" != "--no-images" ] && [ -x sandbox-images/build.sh ]; then
  sandbox-images/build.sh
fi
log "ready: docker $(docker version --format '{{.Server.Version}}' 2>/dev/null), redis $(redis-cli -p 6379 info server | grep -o 'redis_version:[0-9.]*' | cut -d: -f2)"
