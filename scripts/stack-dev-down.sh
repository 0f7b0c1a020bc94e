#!/usr/bin/env bash
# Stops the dev stack (data volumes stay; they are prod-sim's).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "${1:-}" = --airgap ] && export IMAGES_OVERRIDE=deploy/images.airgap.env
. scripts/lib/prod-sim.sh
[ -f "$PROD_SIM_ENV" ] || { echo "[dev] nothing to stop"; exit 0; }
ensure_prod_sim_env
stack_compose -f deploy/compose.dev.override.yml down --remove-orphans
echo "[dev] stopped"
