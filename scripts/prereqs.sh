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

# dockerd: no systemd here, so start it ourselves when the socket does not answer.
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start; see /var/log/dockerd.log"; exit 1; }
fi

# redis-server on the default port, unless something already answers there.
if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  log "starting redis-server"
  redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 40); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi

if [ "${1:-}" != "--no-images" ] && [ -x sandbox-images/build.sh ]; then
  sandbox-images/build.sh
fi
log "ready: docker $(docker version --format '{{.Server.Version}}' 2>/dev/null), redis $(redis-cli -p 6379 info server | grep -o 'redis_version:[0-9.]*' | cut -d: -f2)"
