#!/usr/bin/env bash
# Tests scripts/supervise.sh with fake processes and scripts/infra.sh's start functions on a private Redis
# (ports 6390 and 6391, data in a temporary folder) and a fake dockerd. Leaves the real Redis and dockerd alone.
# Needs redis-server and redis-cli. Takes about 15 s. Exits non-zero on the first failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
sup=$repo/scripts/supervise.sh infra=$repo/scripts/infra.sh
T=$(mktemp -d /tmp/supervise-test.XXXXXX)
LOG=$T/run.log
started=$SECONDS
pids=() # supervisors and daemons started here, stopped at the end

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in 6390 6391; do redis-cli -p $p shutdown nosave >/dev/null 2>&1; done
  [ -f "$T/fake-dockerd.pid" ] && kill "$(cat "$T/fake-dockerd.pid")" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- $LOG" >&2; cat "$LOG" >&2 2>/dev/null; exit 1; }
ok() { echo "ok   $*"; }
# until_ SECONDS COMMAND...: runs COMMAND every 0.05 s until it succeeds, fails after SECONDS (whole seconds);
# a condition with $(...) in it goes in single quotes after eval, to be evaluated each time
until_() { local end=$(( ${EPOCHREALTIME/./} + $1 * 1000000 )); shift
  while ! "$@"; do (( ${EPOCHREALTIME/./} < end )) || return 1; sleep 0.05; done; }
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]; } # gone, or a zombie
lines() { grep -c -- "$2" "$1" 2>/dev/null || true; }
has_lines() { [ "$(lines "$1" "$2")" -ge "$3" ]; }
redis_ok() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; }

for port in 6390 6391; do
  ! redis-cli -p $port ping >/dev/null 2>&1 || fail "something answers on port $port already; this test needs it free"
done

# 1. A process that keeps exiting is restarted with growing delays (0.2, 0.4, 0.8 s, capped at 0.8), the delay is
#    back to the first after a run that lasted --stable-after, and a kill -9 of a stable process is restarted too.
cat >"$T/flaky" <<'SH'
#!/usr/bin/env bash
n=$(( $(cat "$1/runs" 2>/dev/null || echo 0) + 1 )); echo $n >"$1/runs"; echo $$ >"$1/pid"
case $n in 1|2|3|4) sleep 0.3; exit 3 ;; 5) sleep 1.2; exit 4 ;; *) exec sleep 1000 ;; esac
SH
chmod +x "$T/flaky"; mkdir "$T/a"
"$sup" --log "$LOG" --output "$T/a/out" --min-delay 0.2 --max-delay 0.8 --stable-after 1 --max-restarts 20 \
  flaky -- "$T/flaky" "$T/a" 2>/dev/null & a=$!; pids+=($a)
until_ 12 eval '[ "$(cat "$T/a/runs" 2>/dev/null)" = 6 ]' || fail "flaky: 6 runs expected, got $(cat "$T/a/runs")"
delays=$(grep -o 'flaky: exited with status [0-9]* .*restart [0-9]* in [0-9.]* s' "$LOG" | sed 's/.*status \([0-9]*\) .*restart \([0-9]*\) in \([0-9.]*\) s/\1:\2:\3/' | tr '\n' ' ')
[ "$delays" = "3:1:0.2 3:2:0.4 3:3:0.8 3:4:0.8 4:1:0.2 " ] || fail "flaky: status:restart:delay sequence was '$delays'"
ok "a process that exits is restarted, delays 0.2 0.4 0.8 0.8 s, back to 0.2 s after a stable run"
p=$(cat "$T/a/pid"); sleep 1.1 # stays up longer than --stable-after
kill -9 "$p"
until_ 3 has_lines "$LOG" 'flaky: exited with status 137 (SIGKILL) after [0-9.]* s; restart 1 in 0.2 s' 1 \
  || fail "flaky: kill -9 not reported as SIGKILL with restart 1 in 0.2 s"
until_ 3 eval '[ "$(cat "$T/a/runs")" = 7 ]' || fail "flaky: not restarted after kill -9"
alive "$(cat "$T/a/pid")" || fail "flaky: restarted process is not running"
[ "$(lines "$T/a/out" '^--- .*starting flaky (run')" = 7 ] || fail "flaky: output file should mark 7 starts"
ok "kill -9 of it is reported as SIGKILL and restarted at once (delay reset after a stable run)"
kill -TERM $a; until_ 3 dead $a || fail "flaky: supervisor did not stop on TERM"
until_ 3 eval 'dead "$(cat "$T/a/pid")"' || fail "flaky: child left running after TERM"

# 2. A crash loop is given up (exit 3, a loud line) while a stable process beside it is left alone.
"$sup" --log "$LOG" --min-delay 0.1 --max-delay 0.1 --max-restarts 3 --window 30 \
  crashloop -- bash -c "echo x >>'$T/crash-runs'; exit 1" 2>/dev/null & b=$!; pids+=($b)
"$sup" --log "$LOG" --min-delay 0.1 --output /dev/null stable -- bash -c "echo \$\$ >'$T/stable.pid'; exec sleep 1000" \
  2>/dev/null & c=$!; pids+=($c)
until_ 5 dead $b || fail "crashloop: supervisor still running"
wait $b; rc=$?
[ $rc = 3 ] || fail "crashloop: supervisor exited $rc, expected 3"
[ "$(lines "$T/crash-runs" x)" = 4 ] || fail "crashloop: expected 4 runs (3 restarts), got $(lines "$T/crash-runs" x)"
has_lines "$LOG" 'crashloop: exited with status 1 .*GIVING UP' 1 || fail "crashloop: no GIVING UP line"
ok "a crash loop (4th exit within the window, --max-restarts 3) is given up, exit 3, loud line"
s=$(cat "$T/stable.pid")
alive "$s" && alive $c || fail "stable: not running"
[ "$(lines "$LOG" 'stable: ')" = 1 ] || fail "stable: expected only its start line, log has: $(grep 'stable: ' "$LOG")"
ok "a stable process beside it is left alone (same pid, no restarts)"

# 3. TERM stops the child and its children; INT too (Ctrl-C on a terminal); a child that ignores TERM gets KILL
#    after --grace.
kill -TERM $c; until_ 3 dead $c || fail "stable: supervisor did not stop"; dead "$s" || fail "stable: child left"
"$sup" --log "$LOG" tree -- bash -c "sleep 1000 & echo \$! >'$T/grandchild.pid'; echo \$\$ >'$T/tree.pid'; wait" \
  2>/dev/null & d=$!; pids+=($d)
until_ 3 test -s "$T/grandchild.pid" -a -s "$T/tree.pid" || fail "tree: did not start"
env --default-signal=INT "$sup" --log "$LOG" --grace 1 stubborn -- bash -c \
  "trap '' TERM; sleep 1000 & echo \$! >'$T/stubborn-child.pid'; echo \$\$ >'$T/stubborn.pid'; wait" 2>/dev/null & e=$!
pids+=($e)
until_ 3 test -s "$T/stubborn-child.pid" -a -s "$T/stubborn.pid" || fail "stubborn: did not start"
kill -TERM $d
until_ 2 dead $d || fail "tree: supervisor did not stop on TERM"
dead "$(cat "$T/tree.pid")" && dead "$(cat "$T/grandchild.pid")" || fail "tree: child or grandchild left after TERM"
wait $d; rc=$?; [ $rc = 0 ] || fail "tree: supervisor exited $rc after TERM, expected 0"
ok "TERM stops the supervisor, its child and the child's children (exit 0)"
kill -INT $e
sleep 0.5; alive "$(cat "$T/stubborn.pid")" || fail "stubborn: killed before --grace"
until_ 3 dead $e || fail "stubborn: supervisor did not stop on INT"
dead "$(cat "$T/stubborn.pid")" && dead "$(cat "$T/stubborn-child.pid")" || fail "stubborn: left running"
ok "INT (Ctrl-C) stops it too; a child ignoring TERM is killed after --grace 1 s"

# 4. Redis from start_redis: append-only file, fsync every second, data in the given folder; a kill -9 loses no
#    acknowledged write, and the watcher (as run.sh runs it) starts it again.
"$infra" start_redis 6390 "$T/redis" "$T/redis.log" 2>/dev/null || fail "start_redis 6390 failed"
[ "$(redis-cli -p 6390 config get appendonly | sed -n 2p)" = yes ] || fail "redis: appendonly is not yes"
[ "$(redis-cli -p 6390 config get appendfsync | sed -n 2p)" = everysec ] || fail "redis: appendfsync is not everysec"
[ "$(redis-cli -p 6390 config get dir | sed -n 2p)" = "$T/redis" ] || fail "redis: dir is not $T/redis"
[ -z "$("$infra" redis_aof_warning 6390 2>&1)" ] || fail "redis: AOF warning for a Redis with AOF"
redis-cli -p 6390 set lp:test:key accepted >/dev/null
redis-cli -p 6390 xadd lp:test:stream '*' edit 1 >/dev/null
"$sup" --log "$LOG" --interval 0.2 --min-delay 0.1 redis \
  --check "'$infra' redis_ok 6390" --start "'$infra' start_redis 6390 '$T/redis' '$T/redis.log'" 2>/dev/null & f=$!
pids+=($f)
old=$(cat "$T/redis/redis.pid"); kill -9 "$old"
until_ 8 eval '[ "$(redis-cli -p 6390 ping 2>/dev/null)" = PONG ] && [ "$(cat "$T/redis/redis.pid")" != "$old" ]' \
  || fail "redis: not started again after kill -9"
[ "$(redis-cli -p 6390 get lp:test:key)" = accepted ] || fail "redis: key lost after kill -9"
[ "$(redis-cli -p 6390 xlen lp:test:stream)" = 1 ] || fail "redis: stream entry lost after kill -9"
has_lines "$LOG" 'redis: not answering (2 checks in a row failed); restart 1 in 0.1 s' 1 || fail "redis: restart not logged"
until_ 3 has_lines "$LOG" 'redis: started again, answering' 1 || fail "redis: recovery not logged"
ok "start_redis: AOF everysec in its folder; kill -9, the watcher starts it again, the key and stream entry are there"
kill -TERM $f; until_ 3 dead $f || fail "redis: watcher did not stop"
redis_ok 6390 || fail "redis: stopping the watcher stopped Redis"
ok "stopping the watcher leaves Redis running"
redis-server --port 6391 --bind 127.0.0.1 --daemonize yes --dir "$T" --save '' --appendonly no \
  --pidfile "$T/r6391.pid" --logfile "$T/r6391.log" >/dev/null
until_ 5 redis_ok 6391 || fail "plain redis on 6391 did not start"
"$infra" redis_aof_warning 6391 2>&1 | grep -q 'WARNING: the Redis on port 6391 runs without the append-only file' \
  || fail "no AOF warning for a Redis without AOF"
ok "redis_aof_warning warns about a Redis without the append-only file"

# 5. dockerd: start_dockerd with a fake daemon ($LP_DOCKERD) and a fake `docker info` that answers while it runs.
mkdir -p "$T/bin"
cat >"$T/bin/fake-dockerd" <<SH
#!/usr/bin/env bash
echo \$\$ >"$T/fake-dockerd.pid"; echo x >>"$T/fake-dockerd.runs"; exec sleep 1000
SH
cat >"$T/bin/docker" <<SH
#!/usr/bin/env bash
[ "\$1" = info ] && kill -0 "\$(cat "$T/fake-dockerd.pid" 2>/dev/null)" 2>/dev/null
SH
chmod +x "$T/bin/fake-dockerd" "$T/bin/docker"
fake=(PATH="$T/bin:$PATH" LP_DOCKERD="$T/bin/fake-dockerd" LP_DOCKERD_LOG="$T/dockerd.log")
env "${fake[@]}" "$infra" start_dockerd 2>/dev/null || fail "start_dockerd with a fake daemon failed"
env "${fake[@]}" "$sup" --log "$LOG" --interval 0.2 --min-delay 0.1 dockerd \
  --check "'$infra' docker_ok" --start "'$infra' start_dockerd" 2>/dev/null & g=$!; pids+=($g)
old=$(cat "$T/fake-dockerd.pid"); sleep 0.5
[ "$(lines "$T/fake-dockerd.runs" x)" = 1 ] || fail "dockerd: restarted while it answered"
kill -9 "$old"
until_ 8 eval '[ "$(lines "$T/fake-dockerd.runs" x)" = 2 ] && alive "$(cat "$T/fake-dockerd.pid")"' \
  || fail "dockerd: fake daemon not started again"
until_ 3 has_lines "$LOG" 'dockerd: started again, answering' 1 || fail "dockerd: recovery not logged"
ok "start_dockerd: a dockerd that stops answering is started again by the watcher (fake daemon)"
kill -TERM $g; until_ 3 dead $g || fail "dockerd: watcher did not stop"

echo "all supervise tests passed in $(( SECONDS - started )) s"
