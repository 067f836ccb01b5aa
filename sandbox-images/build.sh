#!/usr/bin/env bash
# Builds the sandbox images (one per language) when missing or when their inputs changed.
# Each image carries the label learningplatform.content-hash = sha256 of its Dockerfile and every file it copies;
# an image whose label matches is left alone, so a second call costs a second or so.
# Usage: sandbox-images/build.sh [python|javascript|csharp ...]   (default: all)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
log() { printf '[sandbox-images] %s\n' "$*" >&2; }
PREFIX="${SANDBOX_IMAGE_PREFIX:-learningplatform/sandbox}"
LABEL=learningplatform.content-hash

./base-image.sh

hash_of() { # files... -> one sha256 over names and contents, stable across machines
  for f in "$@"; do printf '%s\n' "$f"; sha256sum < "$f"; done | sha256sum | cut -d' ' -f1
}

current_hash() {
  docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true
}

build() { # lang context hash
  local lang=$1 ctx=$2 hash=$3 image="$PREFIX-$1:latest"
  if [ "$(current_hash "$image")" = "$hash" ]; then log "$image up to date"; return; fi
  log "building $image ($hash)"
  docker build -q --label "$LABEL=$hash" -t "$image" -f "$ctx/$lang/Dockerfile" "$ctx" >/dev/null
  log "built $image"
}

files_of() { find common "$1" -type f ! -name "*.pyc" ! -path '*/bin/*' ! -path '*/obj/*' | LC_ALL=C sort; }

langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(python javascript csharp)
for lang in "${langs[@]}"; do
  case "$lang" in
    python|javascript)
      # shellcheck disable=SC2046
      build "$lang" "$here" "$(hash_of $(files_of "$lang"))"
      ;;
    csharp)
      # The harness is published on the host and the host's own .NET runtime is copied in (no registry needed).
      dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
      runtime_dir="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/10.* | sort -V | tail -n1)"
      runtime_ver="$(basename "$runtime_dir")"
      # shellcheck disable=SC2046
      hash="$(printf '%s %s' "$(hash_of $(files_of csharp))" "$runtime_ver" | sha256sum | cut -d' ' -f1)"
      image="$PREFIX-csharp:latest"
      if [ "$(current_hash "$image")" = "$hash" ]; then log "$image up to date"; continue; fi
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
