#!/usr/bin/env bash
# Rolls bot-mox back on the VPS: the deploy's path (lock, images kept on the host, backup,
# migrate, rollout, smoke, release log) to <tag>, by default the previous release.
#   usage: rollback-vps.sh [--break-lock] [--skip-backup] [tag]
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/deploy-vps.sh" --rollback "$@"
