#!/usr/bin/env bash
# Builds our images (backend, frontend, ops) tagged sha-<short git sha>, with base images from
# deploy/images.env (plus IMAGES_OVERRIDE when set, printed), and prints tags and sizes.
#   usage: scripts/images-build.sh [backend|frontend|ops ...]   (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/images.sh
export DOCKER_BUILDKIT=1

CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
TAG="$(image_tag)"
GIT_SHA="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
VERSION="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' packages/backend/package.json | head -1)"
mkdir -p .cache

# backend and frontend: targets of the one Dockerfile for our Node images; ops: Debian, its own.
declare -A DOCKERFILE=([backend]=docker/Dockerfile [frontend]=docker/Dockerfile [ops]=deploy/ops/Dockerfile)
declare -A TARGET=([backend]=backend [frontend]=frontend [ops]=)
wanted=("$@"); [ ${#wanted[@]} -eq 0 ] && wanted=(backend frontend ops)

for name in "${wanted[@]}"; do
  [ -n "${DOCKERFILE[$name]:-}" ] || { echo "images:build: unknown image $name (backend, frontend, ops)" >&2; exit 2; }
  ref="$REGISTRY/bot-mox-$name:$TAG"
  args=(-f "${DOCKERFILE[$name]}" -t "$ref"
    --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg "CADDY_IMAGE=$CADDY_IMAGE" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE"
    --build-arg "GIT_SHA=$GIT_SHA" --build-arg "IMAGE_TAG=$TAG" --build-arg "APP_VERSION=$VERSION")
  [ -z "${TARGET[$name]}" ] || args+=(--target "${TARGET[$name]}")
  [ -s "$CA_BUNDLE" ] && args+=(--secret "id=ca,src=$CA_BUNDLE")
  started=$SECONDS
  echo "[images] building $ref"
  if ! docker build --progress=plain "${args[@]}" . >".cache/build-$name.log" 2>&1; then
    tail -n 40 ".cache/build-$name.log" >&2
    echo "[images] $ref: build failed (log: .cache/build-$name.log)" >&2
    exit 1
  fi
  echo "[images] built $ref in $((SECONDS - started)) s"
done
for name in "${wanted[@]}"; do
  ref="$REGISTRY/bot-mox-$name:$TAG"
  printf '[images]   %-55s %5d MB\n' "$ref" $(($(docker image inspect -f '{{ .Size }}' "$ref") / 1000000))
done
