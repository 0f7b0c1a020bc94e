#!/usr/bin/env bash
# Make sure a Docker engine with the compose v2 and buildx plugins answers (and the ssh client).
# Idempotent: on a machine whose Docker already works with compose and buildx, it changes nothing.
# Used by README's commands and by .ci/run (DESIGN §8).
set -euo pipefail

log() { echo "[setup-docker] $*"; }

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
PLUGIN_CACHE="${BOTMOX_CACHE:-$HOME/.cache/bot-mox}/docker-plugins"

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

engine_answers() { docker info >/dev/null 2>&1; }
has_compose() { docker compose version >/dev/null 2>&1; }
has_buildx() { docker buildx version >/dev/null 2>&1; }

# 1. The engine.
if engine_answers; then
  log "engine answers: $(docker version --format 'server {{.Server.Version}}' 2>/dev/null)"
else
  if ! command -v dockerd >/dev/null 2>&1; then
    log "no dockerd: installing Debian's docker.io"
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    log "starting dockerd (log: $DOCKERD_LOG)"
    sudo_if_needed sh -c "nohup dockerd >>'$DOCKERD_LOG' 2>&1 &"
  fi
  log "waiting for the engine"
  for _ in $(seq 1 60); do engine_answers && break; sleep 1; done
  engine_answers || { log "dockerd did not answer in 60 s; last log lines:"; tail -n 20 "$DOCKERD_LOG" >&2; exit 1; }
  log "engine answers: $(docker version --format 'server {{.Server.Version}}')"
fi

# 1b. The OpenSSH client: the VPS simulator's tests (packages/acceptance/src/harness/vps.ts) use
# ssh and ssh-keygen, as the deploy workflows do.
if ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
  log "installing openssh-client"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client >/dev/null
fi

# 2. The compose v2 and buildx plugins, from Debian trixie's .debs (scripts/lib/trixie-debs.sh).
. "$(dirname "${BASH_SOURCE[0]}")/lib/trixie-debs.sh"
install_plugins_from_trixie() {
  log "fetching docker-compose and docker-buildx from Debian trixie"
  extract_trixie_debs "$PLUGIN_CACHE" docker-compose docker-buildx
}

if has_compose && has_buildx; then
  log "compose $(docker compose version --short) and buildx present"
else
  if [ ! -x "$PLUGIN_CACHE/usr/libexec/docker/cli-plugins/docker-compose" ] ||
    [ ! -x "$PLUGIN_CACHE/usr/libexec/docker/cli-plugins/docker-buildx" ]; then
    install_plugins_from_trixie
  fi
  mkdir -p "$PLUGIN_DIR"
  for p in docker-compose docker-buildx; do
    if ! [ -e "$PLUGIN_DIR/$p" ]; then
      ln -sf "$PLUGIN_CACHE/usr/libexec/docker/cli-plugins/$p" "$PLUGIN_DIR/$p"
      log "linked $PLUGIN_DIR/$p"
    fi
  done
  has_compose || { log "docker compose still missing after install"; exit 1; }
  has_buildx || { log "docker buildx still missing after install"; exit 1; }
  log "compose $(docker compose version --short), buildx $(docker buildx version | awk '{print $2}')"
fi
