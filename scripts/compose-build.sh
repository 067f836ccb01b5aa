#!/usr/bin/env bash
# Builds every image of docker-compose.yml without a registry (only the Debian mirror, NuGet and npm, from the host):
#   1. the base debian:bookworm-slim and the sandbox images (sandbox-images/build.sh; RunnerHost starts them);
#   2. the browser client bundle (npm), then Hub, Services and RunnerHost published on the host, self-contained for
#      linux-x64, into deploy/context/<hub|services|runner>/app;
#   3. docker-compose build (Dockerfile, deploy/redis, deploy/entry: all FROM debian:bookworm-slim).
# Prints `export LP_SANDBOX_IMAGE_<LANG>=...` lines on stdout (the exact sandbox builds, for the runners); logs go to
# stderr. Usage: scripts/compose-build.sh [docker-compose options, e.g. -p lpsmoke]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log() { printf '[compose-build] %s\n' "$*" >&2; }
command -v docker-compose >/dev/null 2>&1 || {
  log "installing docker-compose (Debian's 1.29)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
}

# 1. base image and sandbox images (each skipped when its content hash is unchanged)
sandbox-images/base-image.sh
sandbox-images/build.sh >&2

# 2. the browser client: npm ci when the lock file changed, the bundle when a source is newer than it
client=src/Hub/ClientApp
dist=src/Hub/wwwroot/dist
(cd "$client" && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error >/dev/null; })
if [ ! -d "$dist" ] || [ -n "$(find "$client" -path "$client/node_modules" -prune -o -type f -newer "$dist" -print | head -n1)" ]; then
  log "bundling the browser client"
  (cd "$client" && npm run build --silent)
  touch "$dist"
fi

# The publish has its own intermediate and output folders (artifacts/compose), so it never disturbs the ordinary
# Release build of run.sh and test.sh in bin/ and obj/.
publish() { # Project context-dir
  local project=$1 dir=deploy/context/$2
  log "publishing $project (self-contained, linux-x64)"
  rm -rf "$dir/app"
  dotnet publish "src/$project/LearningPlatform.$project.csproj" -c Release -r linux-x64 --self-contained \
    --artifacts-path "$root/artifacts/compose" -o "$dir/app" -nologo -v q -clp:ErrorsOnly \
    -p:UseAppHost=true -p:DebugType=none -p:GenerateDocumentationFile=false >&2
}
publish Services services
publish RunnerHost runner
publish Hub hub

# 3. the images
log "docker-compose build"
JWT_SIGNING_KEY=${JWT_SIGNING_KEY:-unused-while-building-0123456789abcdef} \
LP_ADMIN_EMAIL=${LP_ADMIN_EMAIL:-unused} LP_ADMIN_PASSWORD=${LP_ADMIN_PASSWORD:-unused} \
  docker-compose "$@" build >&2

sandbox-images/build.sh --tags | while read -r lang image; do
  printf 'export LP_SANDBOX_IMAGE_%s=%s\n' "$(echo "$lang" | tr '[:lower:]' '[:upper:]')" "$image"
done
