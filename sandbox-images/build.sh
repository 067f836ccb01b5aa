#!/usr/bin/env bash
# Builds the sandbox images (one per language) when missing or when their inputs changed.
# Each image carries the label learningplatform.content-hash = sha256 of its Dockerfile and every file it copies;
# an image whose label matches is left alone, so a second call costs a second or so.
# Each image is tagged twice: :latest, and :<first 16 hex of its content hash>, which never changes meaning, so a
# runner (or a test run) can pin exactly the images of its own checkout even when another checkout on the same
# Docker host moves :latest.
# Usage: sandbox-images/build.sh [python|javascript|csharp ...]   (default: all)
#        sandbox-images/build.sh --tags    prints "<lang> <image:hash-tag>" per language, builds nothing
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
log() { printf '[sandbox-images] %s\n' "$*" >&2; }
PREFIX="${SANDBOX_IMAGE_PREFIX:-learningplatform/sandbox}"
LABEL=learningplatform.content-hash

tags_only=0
if [ "${1:-}" = "--tags" ]; then tags_only=1; shift; fi
[ "$tags_only" = 1 ] || ./base-image.sh

hash_of() { # files... -> one sha256 over names and contents, stable across machines
  for f in "$@"; do printf '%s\n' "$f"; sha256sum < "$f"; done | sha256sum | cut -d' ' -f1
}

current_hash() {
  docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true
}

build() { # lang context hash
  local lang=$1 ctx=$2 hash=$3 image="$PREFIX-$1:latest" pinned="$PREFIX-$1:${3:0:16}"
  if [ "$(current_hash "$pinned")" = "$hash" ]; then
    docker tag "$pinned" "$image"
    log "$pinned up to date"
    return
  fi
  log "building $pinned"
  docker build -q --label "$LABEL=$hash" -t "$pinned" -t "$image" -f "$ctx/$lang/Dockerfile" "$ctx" >/dev/null
  log "built $pinned"
}

dotnet_root() { dirname "$(readlink -f "$(command -v dotnet)")"; }
runtime_dir() { ls -d "$(dotnet_root)"/shared/Microsoft.NETCore.App/10.* | sort -V | tail -n1; }

csharp_hash() {
  # shellcheck disable=SC2046
  printf '%s %s' "$(hash_of $(files_of csharp))" "$(basename "$(runtime_dir)")" | sha256sum | cut -d' ' -f1
}

files_of() { find common "$1" -type f ! -name "*.pyc" ! -path '*/bin/*' ! -path '*/obj/*' | LC_ALL=C sort; }

langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(python javascript csharp)
if [ "$tags_only" = 1 ]; then
  for lang in "${langs[@]}"; do
    # shellcheck disable=SC2046
    case "$lang" in
      csharp) h="$(csharp_hash)" ;;
      *) h="$(hash_of $(files_of "$lang"))" ;;
    esac
    printf '%s %s\n' "$lang" "$PREFIX-$lang:${h:0:16}"
  done
  exit 0
fi
for lang in "${langs[@]}"; do
  case "$lang" in
    python|javascript)
      # shellcheck disable=SC2046
      build "$lang" "$here" "$(hash_of $(files_of "$lang"))"
      ;;
    csharp)
      # The harness is published on the host and the host's own .NET runtime is copied in (no registry needed).
      hash="$(csharp_hash)"
      dotnet_root="$(dotnet_root)"
      runtime_dir="$(runtime_dir)"
      if [ "$(current_hash "$PREFIX-csharp:${hash:0:16}")" = "$hash" ]; then
        docker tag "$PREFIX-csharp:${hash:0:16}" "$PREFIX-csharp:latest"
        log "$PREFIX-csharp:${hash:0:16} up to date"
        continue
      fi
      ctx="$(mktemp -d /tmp/sandbox-csharp.XXXXXX)"
      trap 'rm -rf "$ctx"' EXIT
      mkdir -p "$ctx/csharp" "$ctx/common" "$ctx/dotnet/shared/Microsoft.NETCore.App"
      cp common/*.py "$ctx/common/"
      cp csharp/Dockerfile "$ctx/csharp/"
      cp "$dotnet_root/dotnet" "$ctx/dotnet/"
      cp -r "$dotnet_root/host" "$ctx/dotnet/"
      cp -r "$runtime_dir" "$ctx/dotnet/shared/Microsoft.NETCore.App/"
      log "publishing the C# harness"
      dotnet publish csharp/harness/Harness.csproj -c Release -o "$ctx/harness" -nologo -v q -p:UseAppHost=false >/dev/null
      build csharp "$ctx" "$hash"
      rm -rf "$ctx"; trap - EXIT
      ;;
    *) log "unknown language $lang"; exit 2 ;;
  esac
done
