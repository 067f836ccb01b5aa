#!/usr/bin/env bash
# Keeps one thing running: restarts it when it stops, with exponential backoff, and gives up on a crash loop.
#
#   scripts/supervise.sh [OPTIONS] NAME -- COMMAND [ARGS...]
#       Runs COMMAND (in its own session, so a stop reaches its children too) and starts it again whenever it exits.
#   scripts/supervise.sh [OPTIONS] --check 'SHELL CMD' --start 'SHELL CMD' NAME
#       Watches something that runs on its own (a daemon): runs the check every --interval; after --failures failed
#       checks in a row runs the start command (which must return once the thing answers), then watches again.
#
# Backoff: the first restart waits --min-delay, each further one twice as long up to --max-delay; once the thing has
# stayed up --stable-after seconds the delay is back to --min-delay. Crash loop: a restart that would be the
# (--max-restarts + 1)th within --window seconds is not made; the supervisor says so and exits 3, other supervisors
# carry on. Every exit and restart is a line on stderr and in --log. TERM, INT or HUP stops the command (TERM to its
# process group, KILL after --grace seconds) and the supervisor; a watched daemon is left running.
# Durations are seconds, fractions allowed.
set -uo pipefail

min_delay=1 max_delay=30 stable_after=60 max_restarts=5 window=120 grace=10
interval=2 failures=2 check_timeout=10 logfile= output= check= start= name=
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --min-delay) min_delay=$2; shift 2 ;;
    --max-delay) max_delay=$2; shift 2 ;;
    --stable-after) stable_after=$2; shift 2 ;;
    --max-restarts) max_restarts=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --grace) grace=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --failures) failures=$2; shift 2 ;;
    --check-timeout) check_timeout=$2; shift 2 ;;
    --log) logfile=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --check) check=$2; shift 2 ;;
    --start) start=$2; shift 2 ;;
    --) shift; break ;;
    -*) usage ;;
    *) [ -z "$name" ] || usage; name=$1; shift ;;
  esac
done
[ -n "$name" ] || usage
if [ -n "$check" ]; then [ -n "$start" ] && [ $# -eq 0 ] || usage; else [ $# -gt 0 ] || usage; fi

# Time in milliseconds (integer arithmetic throughout), and back to seconds for sleep and messages.
ms() { local i=${1%%.*} f=; [[ $1 == *.* ]] && f=${1#*.}; f=${f}000; echo $(( 10#${i:-0} * 1000 + 10#${f:0:3} )); }
now() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
secs() { local m=$1; if (( m % 1000 == 0 )); then echo $(( m / 1000 )); else printf '%d.%03d' $(( m / 1000 )) $(( m % 1000 )) | sed 's/0*$//'; fi; }
min_delay=$(ms "$min_delay") max_delay=$(ms "$max_delay") stable_after=$(ms "$stable_after") window=$(ms "$window")

say() {
  local line
  line="$(date '+%F %T') [supervise] $name: $*"
  echo "$line" >&2
  [ -z "$logfile" ] || echo "$line" >>"$logfile"
}

stopping= child=
trap 'stopping=1' TERM INT HUP

# Sleeps, but returns at once on a stop.
pause() {
  [ -n "$stopping" ] && return
  sleep "$(secs "$1")" & local s=$!
  wait "$s"
  kill "$s" 2>/dev/null; wait "$s" 2>/dev/null
}

# Called before each restart, with the milliseconds the thing stayed up and what happened: says so in one line, then
# gives up on a crash loop or waits out the backoff.
delay=$min_delay restarts=() attempt=0
backoff() {
  local up=$1 what=$2 t kept=() r
  if (( up >= stable_after )); then delay=$min_delay; attempt=0; fi
  t=$(now)
  for r in "${restarts[@]}"; do (( t - r < window )) && kept+=("$r"); done
  restarts=("${kept[@]}")
  if (( ${#restarts[@]} >= max_restarts )); then
    say "$what; !!! GIVING UP: it stopped $(( ${#restarts[@]} + 1 )) times within $(secs "$window") s (crash loop), not restarting it; everything else keeps running"
    exit 3
  fi
  restarts+=("$t")
  attempt=$(( attempt + 1 ))
  say "$what; restart $attempt in $(secs "$delay") s"
  pause "$delay"
  delay=$(( delay * 2 > max_delay ? max_delay : delay * 2 ))
}

stop_child() {
  [ -n "$child" ] || return 0
  kill -TERM -- "-$child" 2>/dev/null
  { sleep "$grace"; kill -KILL -- "-$child"; } 2>/dev/null & local killer=$!
  while kill -0 "$child" 2>/dev/null; do wait "$child" 2>/dev/null; done
  pkill -P "$killer" 2>/dev/null; kill "$killer" 2>/dev/null; wait "$killer" 2>/dev/null
  kill -KILL -- "-$child" 2>/dev/null # whatever of its process group outlived it
  child=
}

describe() { # exit status
  if (( $1 > 128 )); then echo "status $1 (SIG$(kill -l $(( $1 - 128 )) 2>/dev/null || echo '?'))"; else echo "status $1"; fi
}

run_command() {
  local started status runs=0
  while [ -z "$stopping" ]; do
    runs=$(( runs + 1 ))
    if [ -n "$output" ]; then
      echo "--- $(date '+%F %T') [supervise] starting $name (run $runs)" >>"$output"
      setsid "$@" >>"$output" 2>&1 </dev/null &
    else
      setsid "$@" </dev/null &
    fi
    child=$! started=$(now)
    (( runs == 1 )) && [ -n "$logfile" ] && echo "$(date '+%F %T') [supervise] $name: started (pid $child)" >>"$logfile"
    (( runs > 1 )) && say "started again (pid $child)"
    while :; do
      wait "$child" 2>/dev/null; status=$? # (2>/dev/null: bash's own "Killed" notice; the line below says it)
      [ -n "$stopping" ] && { stop_child; say "stopped"; exit 0; }
      kill -0 "$child" 2>/dev/null || break
    done
    kill -KILL -- "-$child" 2>/dev/null # leftovers of its process group
    child=
    backoff $(( $(now) - started )) "exited with $(describe "$status") after $(secs $(( $(now) - started ))) s"
  done
  say "stopped"
}

watch_daemon() {
  local bad=0 since status
  since=$(now)
  while [ -z "$stopping" ]; do
    pause "$(ms "$interval")"
    [ -n "$stopping" ] && break
    if timeout "$check_timeout" bash -c "$check" >/dev/null 2>&1; then bad=0; continue; fi
    bad=$(( bad + 1 ))
    (( bad < failures )) && continue
    local what="not answering ($bad checks in a row failed)"
    while [ -z "$stopping" ]; do
      backoff $(( $(now) - since )) "$what"
      [ -n "$stopping" ] && break
      since=$(now)
      bash -c "$start" & local starter=$!
      wait "$starter"; status=$?
      [ -n "$stopping" ] && { kill "$starter" 2>/dev/null; wait "$starter" 2>/dev/null; break; }
      if (( status == 0 )); then say "started again, answering"; break; fi
      what="start failed with $(describe "$status")"
    done
    bad=0
  done
  say "stopped watching"
}

if [ -n "$check" ]; then watch_daemon; else run_command "$@"; fi
