#!/usr/bin/env bash
# One gate of the test command, as scripts/test-all.sh runs it and as each step of the GitHub
# workflows (.github/workflows/) runs it: what CI does is what the test command does.
#   usage: scripts/ci-gate.sh <gate>
#   gates: setup        pnpm and dependencies, the Docker engine, the browser, the stand-ins
#          lint         eslint + prettier + the workflow lint (pnpm lint)
#          typecheck    tsc --noEmit in every package
#          unit         the unit tests (pnpm test)
#          build        our images (scripts/images-build.sh; each image builds its package)
#          integration  the backend against real Postgres (pnpm test:integration)
#          schema-compat  the previous release's API tests on this release's migrations
#                       (scripts/schema-compat.sh; PREVIOUS_REF, default HEAD^1)
#          stack        the acceptance suite on the images of `build` (pnpm test:stack)
#          e2e          Playwright on prod-sim from the same images (pnpm e2e)
# Test gates write Vitest/Playwright JSON to test-results/summary/<gate>.json, which
# scripts/summarize-results.mjs counts. Exit status: the gate's.
# env: IMAGES_OVERRIDE (deploy/images.airgap.env where no registry answers: the stand-ins are
#      built by `setup`), IMAGE_TAG (default sha-<12 hex of HEAD>).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RESULTS="$PWD/test-results/summary"
mkdir -p "$RESULTS"

vitest_gate() { # <gate> <pnpm script>
  rm -f "$RESULTS/$1.json"
  pnpm run "$2" --reporter=default --reporter=json --outputFile.json="$RESULTS/$1.json"
}

gate="${1:-}"
case "$gate" in
  setup)
    bash scripts/setup-node.sh || exit 1
    bash scripts/setup-docker.sh || exit 1
    bash scripts/setup-chromium.sh || exit 1
    if [ -n "${IMAGES_OVERRIDE:-}" ]; then
      echo "[ci-gate] images: override $IMAGES_OVERRIDE, stand-ins built here"
      bash deploy/airgap/build-standins.sh
    else
      # The VPS simulator has no upstream image: it is built on every machine (DESIGN §12).
      bash deploy/airgap/build-standins.sh vps
    fi
    ;;
  lint) pnpm lint ;;
  typecheck) pnpm typecheck ;;
  unit) vitest_gate unit test ;;
  build) bash scripts/images-build.sh ;;
  integration) vitest_gate integration test:integration ;;
  schema-compat)
    rm -f "$RESULTS/schema-compat.json"
    bash scripts/schema-compat.sh "${PREVIOUS_REF:-HEAD^1}" "$RESULTS/schema-compat.json"
    ;;
  stack) vitest_gate stack test:stack ;;
  e2e)
    rm -f "$RESULTS/e2e.json"
    # Its own compose project, removed with its volumes at the end: a person's prod-sim keeps
    # its data.
    STACK_PROJECT="botmox-e2e-$(date +%s)" E2E_DOWN_VOLUMES=1 \
      E2E_AIRGAP="$([ -n "${IMAGES_OVERRIDE:-}" ] && echo 1 || echo 0)" \
      E2E_JSON_REPORT="$RESULTS/e2e.json" pnpm e2e
    ;;
  *)
    echo "ci-gate: unknown gate '$gate' (setup lint typecheck unit build integration schema-compat stack e2e)" >&2
    exit 2
    ;;
esac
