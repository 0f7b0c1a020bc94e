#!/usr/bin/env bash
# README's test command: sets up what the tests need (pnpm, dependencies, a Docker engine, the
# images), then runs every suite (lint, typecheck, unit, backend integration, stack) and
# prints the totals as one line: "N passed, N failed, N skipped". Exit status: the suites'.
#   usage: scripts/test-all.sh [--airgap]
#   --airgap: this machine reaches no container registry; use deploy/images.airgap.env and
#             build the stand-in images here (the override is printed, never silent).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"

for arg in "$@"; do
  case "$arg" in
    --airgap) export IMAGES_OVERRIDE=deploy/images.airgap.env ;;
    *) echo "test-all: unknown argument $arg (usage: scripts/test-all.sh [--airgap])" >&2; exit 2 ;;
  esac
done

step() { echo; echo "=== $* ($(date +%T))"; }
started=$SECONDS
since="$(date +%s)"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
log_start=$(( $(wc -l <"$DOCKERD_LOG" 2>/dev/null || echo 0) + 1 ))

step "setup: pnpm and dependencies"
bash scripts/setup-node.sh || exit 1

step "setup: Docker engine"
bash scripts/setup-docker.sh || exit 1

step "setup: browser for e2e (Debian chromium, certutil, ffmpeg)"
bash scripts/setup-chromium.sh || exit 1

if [ -n "${IMAGES_OVERRIDE:-}" ]; then
  step "setup: images (override $IMAGES_OVERRIDE: stand-ins built here)"
  bash deploy/airgap/build-standins.sh || exit 1
fi

step "setup: our images (pnpm images:build, tagged like CI tags them)"
bash scripts/images-build.sh || exit 1

# Ryuk (Testcontainers' reaper) is an image of its own; where it isn't here it can't be pulled
# either, so clean up by label instead (trap below).
if [ -z "${TESTCONTAINERS_RYUK_DISABLED:-}" ] && [ -z "$(docker images -q 'testcontainers/ryuk' 2>/dev/null)" ]; then
  export TESTCONTAINERS_RYUK_DISABLED=true
  echo "[test-all] no Ryuk image here: TESTCONTAINERS_RYUK_DISABLED=true, cleaning up by label"
fi
# Without it, Testcontainers pulls alpine to find the Docker gateway.
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-localhost}"
trap 'bash "$REPO/scripts/cleanup-test-containers.sh"' EXIT

RESULTS="$REPO/test-results/summary"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
status=0
crashed=()

run_gate() { # <name> <command...>: a check without test counts (lint, typecheck)
  local name="$1"; shift
  step "$name"
  if ! "$@"; then status=1; crashed+=(--crashed "$name"); fi
}

run_vitest() { # <name> <pnpm script>
  local name="$1" script="$2"
  step "$name (pnpm $script)"
  pnpm run "$script" --reporter=default --reporter=json --outputFile.json="$RESULTS/$name.json"
  local rc=$?
  if [ $rc -ne 0 ]; then
    status=1
    [ -s "$RESULTS/$name.json" ] || crashed+=(--crashed "$name")
  fi
}

run_gate lint pnpm lint
run_gate typecheck pnpm typecheck
run_vitest unit test
run_vitest integration test:integration
run_vitest stack test:stack

# e2e: prod-sim from the same images, driven by Debian's chromium (playwright.config.ts).
step "e2e (pnpm e2e)"
# Its own compose project, removed with its volumes at the end: a person's prod-sim keeps its data.
STACK_PROJECT="botmox-e2e-$(date +%s)" E2E_DOWN_VOLUMES=1 \
  E2E_AIRGAP="$([ -n "${IMAGES_OVERRIDE:-}" ] && echo 1 || echo 0)" E2E_JSON_REPORT="$RESULTS/e2e.json" pnpm e2e
rc=$?
if [ $rc -ne 0 ]; then
  status=1
  [ -s "$RESULTS/e2e.json" ] || crashed+=(--crashed e2e)
fi

# Nothing here may pull: every image is built locally or was already present.
# Successful pulls show as events; failed ones only in the daemon's log (POST /images/create).
pulls="$(docker events --since "$since" --until "$(date +%s)" --filter type=image --filter event=pull --format '{{.Actor.ID}}' 2>/dev/null | wc -l)"
failed_pulls="$(tail -n +"$log_start" "$DOCKERD_LOG" 2>/dev/null | grep -c 'POST /images/create' || true)"
echo "[test-all] image pulls during this run: $pulls done, ${failed_pulls:-0} attempted and failed"

bash scripts/cleanup-test-containers.sh

step "totals after $((SECONDS - started)) s"
pnpm exec node scripts/summarize-results.mjs "$RESULTS" "${crashed[@]}"
exit $status
