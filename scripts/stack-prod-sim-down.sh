#!/usr/bin/env bash
# Stops prod-sim. Data volumes stay unless --volumes is given.
#   usage: scripts/stack-prod-sim-down.sh [--volumes] [--airgap]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=()
for arg in "$@"; do
  case "$arg" in
    --airgap) export IMAGES_OVERRIDE=deploy/images.airgap.env ;;
    --volumes) args+=(--volumes) ;;
    *) echo "stack:prod-sim:down: unknown argument $arg" >&2; exit 2 ;;
  esac
done
. scripts/lib/prod-sim.sh
[ -f "$PROD_SIM_ENV" ] || { echo "[prod-sim] nothing to stop (no $PROD_SIM_ENV)"; exit 0; }
ensure_prod_sim_env
stack_compose down --remove-orphans "${args[@]}"
echo "[prod-sim] stopped"
