#!/usr/bin/env bash
# Sourced by run.sh and the benches that start an instance of their own: the development secrets (JWT signing key,
# the development admin), generated once into the ignored .dev/secrets.env (owner-only), then exported.
mkdir -p .dev
if [ ! -f .dev/secrets.env ]; then
  (
    umask 077
    {
      echo "Jwt__SigningKey=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
      echo "LP_ADMIN_EMAIL=admin@localhost.dev"
      echo "LP_ADMIN_PASSWORD=Dev-$(head -c 12 /dev/urandom | base64 | tr -d '\n/+=')-1"
    } >.dev/secrets.env
  )
fi
set -a
# shellcheck disable=SC1091
. .dev/secrets.env
set +a
