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
if [ ! -f "$PROD_SIM_ENV" ]; then
  # Without its env file compose can't read the stack; remove what the project left by label.
  project="${STACK_PROJECT:-bot-mox}"
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [ -n "$ids" ] && docker rm -f $ids >/dev/null && echo "[prod-sim] removed $(echo "$ids" | wc -w) container(s) of $project"
  if [[ " ${args[*]} " == *" --volumes "* ]]; then
    vols=$(project_volumes)
    [ -n "$vols" ] && docker volume rm $vols >/dev/null && echo "[prod-sim] removed volumes: $(echo $vols)"
  fi
  nets=$(docker network ls -q --filter "label=com.docker.compose.project=$project")
  [ -n "$nets" ] && docker network rm $nets >/dev/null
  echo "[prod-sim] stopped (no $PROD_SIM_ENV)"
  exit 0
fi
ensure_prod_sim_env
stack_compose down --remove-orphans "${args[@]}"
echo "[prod-sim] stopped"
