#!/bin/sh
# Starts nginx in front of the Hub replicas and keeps its upstream list equal to what Docker's DNS says the
# replicas are. nginx 1.22 (Debian) resolves the names of an upstream block once, at load; the form that
# re-resolves (proxy_pass with a variable and `resolver 127.0.0.11`) balances round-robin and cannot keep a client
# on one replica, which SignalR's negotiate + connect needs. So: an upstream block over the replicas' addresses with
# `hash $remote_addr consistent`, re-rendered and reloaded (graceful: open WebSockets stay on the old workers)
# whenever the set of addresses changes (scale up/down, a replica killed or restarted with a new address).
set -eu
HOST=${LB_UPSTREAM_HOST:-hub}
PORT=${LB_UPSTREAM_PORT:-8080}
EVERY=${LB_RESOLVE_SECONDS:-2}
CONF=/etc/nginx/lp/upstream.conf

log() { printf '[entry] %s\n' "$*" >&2; }

addresses() { getent ahostsv4 "$HOST" 2>/dev/null | awk '{print $1}' | sort -u | tr '\n' ' ' | sed 's/ $//' || true; }

render() { # "addr addr ..." -> the upstream block
  {
    echo "upstream hub {"
    # Per client address, so a client's negotiate and its WebSocket land on the same replica; consistent
    # hashing moves only the clients of a replica that comes or goes.
    echo "    hash \$remote_addr consistent;"
    if [ -z "$1" ]; then
      echo "    server 127.0.0.1:1 down; # no replica resolvable yet: 502 until one is"
    else
      for a in $1; do echo "    server $a:$PORT max_fails=1 fail_timeout=5s;"; done
    fi
    echo "    keepalive 32;"
    echo "}"
  } > "$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
}

# Wait a little for a first replica (compose starts this after a healthy Hub, so normally at once).
current=$(addresses)
i=0
while [ -z "$current" ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); current=$(addresses); done
render "$current"
log "hub replicas: ${current:-none}"
nginx -t -q

(
  while sleep "$EVERY"; do
    next=$(addresses)
    if [ "$next" != "$current" ]; then
      render "$next"
      if nginx -t -q && nginx -s reload; then
        log "hub replicas: ${next:-none} (reloaded)"
        current=$next
      else
        log "reload failed; keeping ${current:-none}"
      fi
    fi
  done
) &

exec nginx -g 'daemon off;'
