#!/usr/bin/env bash
# pnpm deploy:plan <tag>: what a deploy of <tag> would change (images, pending migrations, env
# keys missing or unused), changing nothing. It runs `deploy-vps.sh --plan` on the VPS, over SSH
# with the deploy workflow's settings when VPS_HOST is set, else right here (on the VPS).
#   env: VPS_HOST, VPS_USER (deploy), VPS_DEPLOY_PATH (/opt/bot-mox), VPS_SSH_OPTS (extra ssh
#        options, e.g. "-i ~/.ssh/bot-mox -o UserKnownHostsFile=deploy/known_hosts")
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: pnpm deploy:plan <tag>" >&2; exit 2; }
[[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || { echo "deploy:plan: '$1' is not a Docker image tag" >&2; exit 2; }
dir="${VPS_DEPLOY_PATH:-/opt/bot-mox}"
if [ -n "${VPS_HOST:-}" ]; then
  # shellcheck disable=SC2086 # VPS_SSH_OPTS is a list of options
  exec ssh ${VPS_SSH_OPTS:-} -o BatchMode=yes "${VPS_USER:-deploy}@$VPS_HOST" \
    "BOT_MOX_DIR='$dir' bash '$dir/scripts/deploy-vps.sh' --plan '$1'"
fi
BOT_MOX_DIR="$dir" exec bash "$dir/scripts/deploy-vps.sh" --plan "$1"
