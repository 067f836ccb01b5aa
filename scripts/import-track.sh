#!/usr/bin/env bash
# Imports a course from an Exercism track, for operators: the track's git checkout (archived as
# `git archive --format=tar.gz HEAD`) or a .tar.gz of it, into a new course (admin) or into COURSE_ID; prints progress
# and, at the end, every exercise that was not imported with the reason. Exit status 1 when the import failed.
#   scripts/import-track.sh ~/src/exercism-python            # as the development admin of .dev/secrets.env
#   LP_URL=https://lp.example LP_TOKEN=... scripts/import-track.sh python.tar.gz my-course
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 <track-dir | track.tar.gz> [course-id]" >&2; exit 2; }
url="${LP_URL:-http://localhost:8080}"
source_path="$1"
course="${2:-}"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

archive="$source_path"
if [ -d "$source_path" ]; then
  archive="$(mktemp --suffix=.tar.gz)"
  trap 'rm -f "$archive"' EXIT
  git -C "$source_path" archive --format=tar.gz HEAD > "$archive"
fi

token="${LP_TOKEN:-}"
if [ -z "$token" ]; then
  . .dev/secrets.env
  token="$(curl -fsS -X POST "$url/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$LP_ADMIN_EMAIL\",\"password\":\"$LP_ADMIN_PASSWORD\"}" | json "d['accessToken']")"
fi

query="format=exercism${course:+&courseId=$course}"
answer="$(curl -sS -X POST "$url/api/imports?$query" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/gzip' --data-binary "@$archive" -w '\n%{http_code}')"
status="${answer##*$'\n'}"
body="${answer%$'\n'*}"
if [ "$status" != 202 ]; then
  echo "[import] refused ($status): $body" >&2
  exit 1
fi
id="$(echo "$body" | json "d['id']")"
echo "[import] $id accepted; following $url/api/imports/$id"

while :; do
  state="$(curl -fsS "$url/api/imports/$id" -H "Authorization: Bearer $token")"
  line="$(echo "$state" | json "f\"{d['status']} {d['processed']}/{d['total']} {d['courseId'] or ''}\"")"
  printf '\r[import] %s   ' "$line"
  case "$line" in running*) sleep 2 ;; *) break ;; esac
done
echo
echo "$state" | json "'\n'.join(f\"  {e['slug']}: {e['status']} - {e['reason']}\" for e in d['exercises'] if e['status'] != 'imported') or '  every exercise imported'"
echo "[import] $(echo "$state" | json "d['message']")"
[ "$(echo "$state" | json "d['status']")" = finished ]
