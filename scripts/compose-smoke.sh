#!/usr/bin/env bash
# Smoke test of docker-compose.yml on this machine, scaled out, through its single entry point:
#   build (scripts/compose-build.sh: sandbox images, host publish, images), up with --scale hub=2 --scale runner=2,
#   wait until every container is healthy, then through the entry: log in as the admin, submit the seeded Python
#   exercise python-greet with ?wait=true and expect `passed`, SignalR negotiate (200) and a WebSocket connect with
#   the SignalR handshake on the negotiated connection; crash the Hub replica serving us (SIGKILL of its process from
#   the host, as a crash looks to Docker) and check the entry keeps answering and the restart policy brings it back
#   healthy; `docker kill` the other replica and check the entry keeps answering (Docker treats `docker kill` as an
#   explicit stop and does not apply restart policies to it: checked and reported, then started again); a second
#   graded submit; finally `docker-compose down -v` and no container of the project or of its runners left.
# Exits non-zero on any failure. Prints timings.
# Environment: LP_SMOKE_PROJECT (lpsmoke), LP_SMOKE_PORT (18080, on 127.0.0.1), LP_SMOKE_SKIP_BUILD=1 (use the images
# as they are), LP_SMOKE_KEEP=1 (leave the stack up for a look; `docker-compose -p lpsmoke down -v` afterwards),
# LP_SUBNET_PREFIX (172.30.81: the compose network, apart from a default stack's 172.30.80).
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=${LP_SMOKE_PROJECT:-lpsmoke}
PORT=${LP_SMOKE_PORT:-18080}
H=http://127.0.0.1:$PORT
log() { printf '[smoke %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
dc() { docker-compose -p "$PROJECT" "$@"; }
command -v jq >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq >/dev/null

# Throwaway secrets for this run, in the environment only.
JWT_SIGNING_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
LP_ADMIN_EMAIL=admin@example.com
LP_ADMIN_PASSWORD="Smoke-$(head -c 9 /dev/urandom | base64 | tr -d '\n/+=')-1"
LP_HTTP_PORT=$PORT
LP_HTTP_BIND=127.0.0.1
# A subnet of its own, so that the smoke stack can run beside a stack of the default project.
LP_SUBNET_PREFIX=${LP_SUBNET_PREFIX:-172.30.81}
export JWT_SIGNING_KEY LP_ADMIN_EMAIL LP_ADMIN_PASSWORD LP_HTTP_PORT LP_HTTP_BIND LP_SUBNET_PREFIX

runner_hosts=()
status=1
teardown() {
  local rc=$status
  trap - EXIT INT TERM
  if [ "$rc" != 0 ]; then
    log "diagnostics:"
    dc ps >&2 || true
    dc logs --no-color --tail=30 >&2 || true
  fi
  if [ "${LP_SMOKE_KEEP:-}" = 1 ]; then log "left up (LP_SMOKE_KEEP=1): docker-compose -p $PROJECT down -v"; exit "$rc"; fi
  # Runner container ids, to find sandboxes they might leave behind (their label learningplatform.host).
  mapfile -t runner_hosts < <(docker ps -aq --no-trunc --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=runner" | cut -c1-12)
  local t0; t0=$(now)
  dc down -v --remove-orphans --timeout 20 >/dev/null 2>&1 || { log "docker-compose down failed"; rc=1; }
  log "down -v in $(secs "$t0" "$(now)") s"
  local left; left=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
  if [ -n "$left" ]; then log "FAIL: containers of $PROJECT left: $left"; docker rm -f $left >/dev/null; rc=1; fi
  for h in "${runner_hosts[@]}"; do
    left=$(docker ps -aq --filter "label=learningplatform.sandbox=1" --filter "label=learningplatform.host=$h")
    if [ -n "$left" ]; then
      log "FAIL: runner $h left $(echo "$left" | wc -w) sandbox container(s); removing them"
      docker rm -f $left >/dev/null; rc=1
    fi
  done
  if [ -n "$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT")" ]; then log "FAIL: volumes left"; rc=1; fi
  [ "$rc" = 0 ] && log "PASS (nothing of $PROJECT left)"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# Containers of the project, one service: ids
ids_of() { docker ps -q --no-trunc --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1"; }
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo gone; }
name() { docker inspect -f '{{.Name}}' "$1" | tr -d /; }
wait_healthy() { # timeout-seconds ids...
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while :; do
    local all=1 c
    for c in "$@"; do [ "$(health "$c")" = healthy ] || all=0; done
    [ $all = 1 ] && return 0
    [ $SECONDS -lt $end ] || { for c in "$@"; do log "  $(name "$c"): $(health "$c")"; done; return 1; }
    sleep 1
  done
}
# curl through the entry: prints the body, fails on a status other than the expected one
call() { # expected-status curl-args...
  local want=$1; shift
  local out code
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' --max-time 60 "$@") || { rm -f "$out"; log "curl failed: $*"; return 1; }
  if [ "$code" != "$want" ]; then log "HTTP $code (wanted $want) for $*: $(head -c 400 "$out")"; rm -f "$out"; return 1; fi
  cat "$out"; rm -f "$out"
}
# Every request within the given seconds answered 200 by the entry (/health/live of whichever Hub serves it).
entry_answers() { # seconds label
  local end=$((SECONDS + $1)) n=0 bad=0 code
  while [ $SECONDS -lt $end ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$H/health/live" || echo 000)
    n=$((n + 1)); [ "$code" = 200 ] || { bad=$((bad + 1)); log "  entry answered $code ($2)"; }
    sleep 0.2
  done
  [ $bad = 0 ] || fail "entry answered $bad of $n requests with an error $2"
  log "entry answered $n of $n requests with 200 $2"
}
# Which Hub replica served the last request through the entry (its access log names the upstream address).
last_upstream_ip() {
  docker logs --tail 50 "$(ids_of entry | head -n1)" 2>/dev/null | grep -o 'upstream=[0-9.]*' | tail -n1 | cut -d= -f2
}
container_with_ip() { # ip -> hub container id
  local c
  for c in $(ids_of hub); do
    docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$c" | grep -qw "$1" && { echo "$c"; return; }
  done
}

t_start=$(now)
dc down -v --remove-orphans >/dev/null 2>&1 || true   # a previous run's leftovers

# --- build
if [ "${LP_SMOKE_SKIP_BUILD:-}" = 1 ]; then
  log "build skipped (LP_SMOKE_SKIP_BUILD=1)"
  eval "$(sandbox-images/build.sh --tags | while read -r l i; do printf 'export LP_SANDBOX_IMAGE_%s=%s\n' "${l^^}" "$i"; done)"
else
  log "building (scripts/compose-build.sh)"
  exports=$(scripts/compose-build.sh -p "$PROJECT" 2> >(grep -E '^\[|Successfully tagged|[Ee]rror' | sed 's/^/    /' >&2)) \
    || fail "scripts/compose-build.sh"
  eval "$exports"
fi
t_built=$(now)
log "sandbox images: $LP_SANDBOX_IMAGE_PYTHON $LP_SANDBOX_IMAGE_JAVASCRIPT $LP_SANDBOX_IMAGE_CSHARP"

# --- up, scaled
log "up --scale hub=2 --scale runner=2"
dc up -d --scale hub=2 --scale runner=2 2>&1 | sed 's/^/    /' >&2 || fail "docker-compose up"
mapfile -t all < <(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$PROJECT")
[ ${#all[@]} = 7 ] || fail "expected 7 containers (redis, services, 2 runners, 2 hubs, entry), got ${#all[@]}"
wait_healthy 300 "${all[@]}" || fail "not every container became healthy"
t_up=$(now)
log "all 7 containers healthy"

# --- through the entry
login=$(call 200 -X POST "$H/api/auth/login" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg e "$LP_ADMIN_EMAIL" --arg p "$LP_ADMIN_PASSWORD" '{email: $e, password: $p}')") || fail "admin login"
TOKEN=$(jq -r .accessToken <<<"$login")
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || fail "no access token in the login answer"
log "admin logged in"

submit() { # label
  local t0 body verdict
  t0=$(now)
  body=$(call 200 -X POST "$H/api/runs?wait=true" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{
    "exerciseId": "python-greet", "mode": "submit",
    "files": [{"name": "greeting.py", "content": "def greet(name):\n    name = (name or \"\").strip() or \"World\"\n    return f\"Hello, {name}!\"\n"}]
  }') || fail "submit ($1)"
  verdict=$(jq -r '.result.verdict // empty' <<<"$body")
  log "submit $1: status=$(jq -r .status <<<"$body") verdict=${verdict:-none} graded=$(jq -r .result.graded <<<"$body") tests=$(jq -c '[.result.tests[]?.status]' <<<"$body") in $(secs "$t0" "$(now)") s"
  [ "$verdict" = passed ] || fail "python-greet submit ($1) did not pass: $(head -c 600 <<<"$body")"
}
submit "1"

negotiate=$(call 200 -X POST "$H/hubs/workbench/negotiate?negotiateVersion=1" -H "Authorization: Bearer $TOKEN" -H 'Content-Length: 0') \
  || fail "SignalR negotiate through the entry"
conn=$(jq -r '.connectionToken // empty' <<<"$negotiate")
[ -n "$conn" ] || fail "negotiate answered without a connectionToken: $negotiate"
log "negotiate 200 (transports: $(jq -c '[.availableTransports[].transport]' <<<"$negotiate"))"

# The browser client's page keeps its security headers through the entry, and a browser sign-in gets the refresh
# token as an HttpOnly cookie for the refresh path, which the entry passes on both ways.
page_headers=$(curl -sS -D - -o /dev/null --max-time 30 "$H/signin")
grep -qi "^content-security-policy: .*script-src 'self'" <<<"$page_headers" || fail "no Content-Security-Policy on the page: $page_headers"
grep -qi '^x-content-type-options: nosniff' <<<"$page_headers" || fail "no X-Content-Type-Options on the page"
jar=$(mktemp)
call 200 -c "$jar" -X POST "$H/api/auth/login?useCookies=true" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg e "$LP_ADMIN_EMAIL" --arg p "$LP_ADMIN_PASSWORD" '{email: $e, password: $p}')" >/dev/null || fail "cookie login"
grep -q $'#HttpOnly_127.0.0.1\tFALSE\t/api/auth/refresh\tFALSE\t[0-9]*\tlp_refresh' "$jar" || fail "no HttpOnly refresh cookie: $(cat "$jar")"
call 200 -b "$jar" -X POST "$H/api/auth/refresh" -H 'X-Requested-With: smoke' >/dev/null || fail "refresh from the cookie"
rm -f "$jar"
log "page security headers and the refresh cookie through the entry: ok"

# The negotiated connection over a WebSocket through the entry: the upgrade must pass, land on the replica that
# negotiated (affinity), and the SignalR JSON handshake must be answered with {} (no error).
python3 - "$PORT" "/hubs/workbench?id=$conn&access_token=$TOKEN" <<'PY' || fail "SignalR WebSocket through the entry"
import base64, os, socket, struct, sys
port, path = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=15)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        break
    buf += chunk
head, _, buf = buf.partition(b"\r\n\r\n")
status = head.split(b"\r\n", 1)[0].decode(errors="replace")
if " 101 " not in status + " ":
    sys.exit(f"WebSocket upgrade refused: {status}")
def send(payload, opcode=0x1):
    mask = os.urandom(4)
    n = len(payload)
    hdr = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
    s.sendall(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
def need(n):
    global buf
    while len(buf) < n:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("connection closed before the handshake answer")
        buf += chunk
    out, buf = buf[:n], buf[n:]
    return out
send(b'{"protocol":"json","version":1}\x1e')
b0, b1 = need(2)
n = b1 & 0x7F
if n == 126:
    n = struct.unpack(">H", need(2))[0]
elif n == 127:
    n = struct.unpack(">Q", need(8))[0]
answer = need(n)
if not answer.startswith(b"{}\x1e"):
    sys.exit(f"SignalR handshake answered {answer[:200]!r}")
send(b"\x03\xe8", opcode=0x8)
print("101 Switching Protocols, SignalR handshake {}")
PY
log "WebSocket: upgrade 101 and SignalR handshake accepted on the negotiated connection"

# --- failover: the replica serving us crashes
ip=$(last_upstream_ip)
served=$(container_with_ip "$ip")
[ -n "$served" ] || fail "could not tell which Hub replica served the entry (upstream $ip)"
mapfile -t hubs < <(ids_of hub)
other=$(printf '%s\n' "${hubs[@]}" | grep -v "^$served$" | head -n1)
restarts=$(docker inspect -f '{{.RestartCount}}' "$served")
log "crashing $(name "$served") ($ip, serving us): SIGKILL of its process from the host"
t_kill=$(now)
kill -9 "$(docker inspect -f '{{.State.Pid}}' "$served")"
entry_answers 5 "while $(name "$served") is down"
end=$((SECONDS + 60))
until [ "$(docker inspect -f '{{.RestartCount}}' "$served")" -gt "$restarts" ]; do
  [ $SECONDS -lt $end ] || fail "$(name "$served") was not restarted by its restart policy"
  sleep 0.5
done
wait_healthy 180 "$served" || fail "$(name "$served") did not become healthy after its restart"
log "$(name "$served") restarted by its policy (restart count $(docker inspect -f '{{.RestartCount}}' "$served")) and healthy in $(secs "$t_kill" "$(now)") s"

log "docker kill $(name "$other")"
docker kill "$other" >/dev/null
entry_answers 5 "after docker kill $(name "$other")"
sleep 3
st=$(docker inspect -f '{{.State.Status}} (restart count {{.RestartCount}})' "$other")
log "$(name "$other") after docker kill: $st — Docker applies no restart policy to an explicit kill/stop"
# Back to two replicas: `up` starts the stopped container again.
dc up -d --no-recreate --scale hub=2 --scale runner=2 >/dev/null 2>&1 || fail "docker-compose up (restore)"
wait_healthy 180 "$other" || fail "$(name "$other") did not come back"
log "$(name "$other") started again and healthy"

# The other replica issued the token; a fresh login and run through whichever replica serves us now.
login=$(call 200 -X POST "$H/api/auth/login" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg e "$LP_ADMIN_EMAIL" --arg p "$LP_ADMIN_PASSWORD" '{email: $e, password: $p}')") || fail "admin login after failover"
TOKEN=$(jq -r .accessToken <<<"$login")
submit "2 (after the failovers)"
call 200 -X POST "$H/hubs/workbench/negotiate?negotiateVersion=1" -H "Authorization: Bearer $TOKEN" -H 'Content-Length: 0' >/dev/null \
  || fail "negotiate after the failovers"
log "negotiate 200 after the failovers"
grep -h 'hub replicas' <(docker logs "$(ids_of entry | head -n1)" 2>&1) | sed 's/^/    /' >&2 || true

# Both runners keep their own warm sandboxes on the one Docker host (labelled with their container's hostname);
# a reap would be logged as event 1002.
for r in $(ids_of runner); do
  own=$(docker ps -q --filter "label=learningplatform.sandbox=1" --filter "label=learningplatform.host=${r:0:12}" | wc -l)
  reaped=$(docker logs "$r" 2>&1 | grep -c '"EventId":1002' || true)
  log "$(name "$r"): $own sandbox container(s) of its own running, reap events: $reaped"
  [ "$own" -gt 0 ] || fail "$(name "$r") has no sandbox containers (pool empty or reaped by the other runner)"
done
# Redis durability as configured: AOF on, fsync every second, files in the volume.
redis=$(ids_of redis | head -n1)
aof=$(docker exec "$redis" redis-cli config get appendonly | tail -n1)/$(docker exec "$redis" redis-cli config get appendfsync | tail -n1)
[ "$aof" = yes/everysec ] || fail "redis appendonly/appendfsync is $aof"
docker exec "$redis" sh -c 'ls /data/appendonlydir/*.incr.aof' >/dev/null || fail "no AOF in /data/appendonlydir"
log "redis: appendonly yes, appendfsync everysec, AOF in the redis-data volume"
# A Redis crash loses at most the last second: a key written 2 s before SIGKILL is there after the policy's restart.
docker exec "$redis" redis-cli set lpsmoke:durable yes >/dev/null
sleep 2
restarts=$(docker inspect -f '{{.RestartCount}}' "$redis")
kill -9 "$(docker inspect -f '{{.State.Pid}}' "$redis")"
end=$((SECONDS + 60))
until [ "$(docker inspect -f '{{.RestartCount}}' "$redis")" -gt "$restarts" ]; do
  [ $SECONDS -lt $end ] || fail "redis was not restarted by its restart policy"; sleep 0.5
done
wait_healthy 60 "$redis" || fail "redis not healthy after its restart"
[ "$(docker exec "$redis" redis-cli get lpsmoke:durable)" = yes ] || fail "a key written before the Redis crash was lost"
log "redis crashed (SIGKILL), restarted by its policy, the key written before the crash is there"
wait_healthy 120 $(ids_of hub) $(ids_of services) $(ids_of runner) $(ids_of entry) || fail "not healthy again after the Redis restart"
entry_answers 2 "after the Redis restart"

t_done=$(now)
log "timings: build $(secs "$t_start" "$t_built") s, up to all healthy $(secs "$t_built" "$t_up") s, checks $(secs "$t_up" "$t_done") s"
status=0
