#!/usr/bin/env bash
# README's test command: sets up what the tests need (pnpm, dependencies, a Docker engine, the
# images), then runs every suite (lint, typecheck, unit, backend integration, the previous
# release's API tests on the new schema, stack, e2e) and
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

# Each gate is scripts/ci-gate.sh <gate>, which the GitHub workflows run step by step too.
step "setup: pnpm and dependencies, Docker engine, browser for e2e, stand-in images"
bash scripts/ci-gate.sh setup || exit 1

step "build: our images (pnpm images:build, tagged like CI tags them)"
bash scripts/ci-gate.sh build || exit 1

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

run_gate() { # <gate>: scripts/ci-gate.sh <gate>; a gate without test counts (lint, typecheck)
  # or whose JSON report is missing counts as crashed.
  step "$1"
  if ! bash scripts/ci-gate.sh "$1"; then
    status=1
    [ -s "$RESULTS/$1.json" ] || crashed+=(--crashed "$1")
  fi
}

run_gate lint
run_gate typecheck
run_gate unit
run_gate integration
run_gate schema-compat
run_gate stack
# e2e: prod-sim from the same images, driven by Debian's chromium (playwright.config.ts).
run_gate e2e

# Nothing here may pull: every image is built locally or was already present.
# Successful pulls show as events; failed ones only in the daemon's log (POST /images/create).
pulls="$(docker events --since "$since" --until "$(date +%s)" --filter type=image --filter event=pull --format '{{.Actor.ID}}' 2>/dev/null | wc -l)"
failed_pulls="$(tail -n +"$log_start" "$DOCKERD_LOG" 2>/dev/null | grep -c 'POST /images/create' || true)"
echo "[test-all] image pulls during this run: $pulls done, ${failed_pulls:-0} attempted and failed"

bash scripts/cleanup-test-containers.sh

step "totals after $((SECONDS - started)) s"
pnpm exec node scripts/summarize-results.mjs "$RESULTS" "${crashed[@]}"
exit $status
