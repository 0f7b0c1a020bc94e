#!/usr/bin/env bash
# README's "bring the product up" command: prod-sim (the production compose stack on localhost).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f deploy/compose.stack.yml ]; then
  echo "stack:prod-sim:up: not yet. deploy/compose.stack.yml arrives with the production-stack issue;" >&2
  echo "until then, 'bash scripts/test-all.sh --airgap' sets up Docker and the images and runs every suite." >&2
  exit 2
fi
