#!/usr/bin/env bash
# Dev stack: prod-sim's services and routes, with the backend in watch mode and the Vite dev
# server (HMR through Caddy), on bind mounts of this checkout.
#   usage: scripts/stack-dev-up.sh [--airgap]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for arg in "$@"; do
  case "$arg" in
    --airgap) export IMAGES_OVERRIDE=deploy/images.airgap.env ;;
    *) echo "stack:dev:up: unknown argument $arg (usage: [--airgap])" >&2; exit 2 ;;
  esac
done
bash scripts/setup-node.sh
bash scripts/setup-docker.sh
[ -n "${IMAGES_OVERRIDE:-}" ] && bash deploy/airgap/build-standins.sh
. scripts/lib/prod-sim.sh
ensure_prod_sim_env
export DEV_UID="$(id -u)" DEV_GID="$(id -g)"
stack_compose -f deploy/compose.dev.override.yml up -d --wait --wait-timeout 240
echo "[dev] up: https://app.localhost$STACK_PORT_SUFFIX (Vite HMR), https://api.localhost$STACK_PORT_SUFFIX"
