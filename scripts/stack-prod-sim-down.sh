#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f deploy/compose.stack.yml ]; then
  echo "stack:prod-sim:down: nothing to stop yet (no deploy/compose.stack.yml)" >&2
  exit 0
fi
