#!/usr/bin/env bash
# README's "bring the product up" command: prod-sim, the production compose stack on localhost
# (https://app.localhost, https://api.localhost, https://s3.localhost), from our built images.
#   usage: scripts/stack-prod-sim-up.sh [--airgap]
#   --airgap: no container registry here; use deploy/images.airgap.env and build the stand-ins.
#   STACK_HTTPS_PORT_OVERRIDE=8443 serves on another port where 443 is taken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for arg in "$@"; do
  case "$arg" in
    --airgap) export IMAGES_OVERRIDE=deploy/images.airgap.env ;;
    *) echo "stack:prod-sim:up: unknown argument $arg (usage: [--airgap])" >&2; exit 2 ;;
  esac
done
started=$SECONDS
bash scripts/setup-docker.sh
[ -n "${IMAGES_OVERRIDE:-}" ] && bash deploy/airgap/build-standins.sh
. scripts/lib/prod-sim.sh
ensure_prod_sim_env

missing=()
for name in backend frontend ops; do
  docker image inspect "$REGISTRY/bot-mox-$name:$IMAGE_TAG" >/dev/null 2>&1 || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[prod-sim] building missing images: ${missing[*]} ($IMAGE_TAG)"
  bash scripts/images-build.sh "${missing[@]}"
fi

echo "[prod-sim] starting the stack ($IMAGE_TAG); the Supabase API services (profile 'supabase') are not started: their images can't be had offline"
if ! stack_compose up -d --pull never --wait --wait-timeout 240; then
  echo "[prod-sim] the stack did not become healthy; state and last logs:" >&2
  stack_compose ps -a >&2 || true
  for svc in $(stack_compose ps -a --format '{{.Service}} {{.State}} {{.Health}}' | awk '$2 != "running" || ($3 != "" && $3 != "healthy") {print $1}'); do
    echo "----- $svc" >&2
    stack_compose logs --no-color --tail 40 "$svc" >&2 || true
  done
  exit 1
fi

echo "[prod-sim] healthy after $((SECONDS - started)) s"
echo "  app:  https://app.localhost$STACK_PORT_SUFFIX"
echo "  api:  https://api.localhost$STACK_PORT_SUFFIX/api/v1/health"
echo "  s3:   https://s3.localhost$STACK_PORT_SUFFIX"
echo "  TLS:  Caddy's internal CA; its root: docker compose cp caddy:/data/caddy/pki/authorities/local/root.crt ."
# Minted by the tests' shared helper (TypeScript): on the workspace's Node 24, once installed.
mint="pnpm exec node --conditions=@bot-mox/source scripts/prod-sim/mint-session.mjs https://app.localhost$STACK_PORT_SUFFIX"
echo "  sign in (no login service offline; a session minted with prod-sim's own JWT secret):"
if command -v pnpm >/dev/null && [ -x node_modules/.bin/node ]; then
  echo "    $($mint)"
else
  echo "    after bash scripts/setup-node.sh, the link is what $mint prints"
fi
