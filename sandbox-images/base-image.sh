#!/usr/bin/env bash
# Makes sure debian:bookworm-slim exists locally. Pulls it where a registry is reachable; otherwise builds an
# equivalent minimal root filesystem with debootstrap from the machine's own Debian mirror and imports it.
set -euo pipefail
IMAGE=debian:bookworm-slim
log() { printf '[base-image] %s\n' "$*" >&2; }
docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
if timeout 20 docker pull -q "$IMAGE" >/dev/null 2>&1; then log "pulled $IMAGE"; exit 0; fi
command -v debootstrap >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
# The first Debian archive the machine's apt uses (deb822 "URIs:" or one-line "deb" entries; comments skipped).
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -vE '^\s*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
dir=$(mktemp -d /tmp/bookworm-rootfs.XXXXXX)
trap 'rm -rf "$dir"' EXIT
log "no registry: debootstrap bookworm from $mirror (about a minute)"
debootstrap --variant=minbase bookworm "$dir" "$mirror" >/tmp/debootstrap.log 2>&1 \
  || { log "debootstrap failed; see /tmp/debootstrap.log"; exit 1; }
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | docker import - "$IMAGE" >/dev/null
log "imported $IMAGE"
