#!/usr/bin/env bash
# Prepares a Debian VPS for bot-mox releases (DESIGN §7, §14), from a copy of the repo's scripts/
# and deploy/ (scripts/vps-remote.sh uploads them to $BOT_MOX_DIR/release).
# Idempotent: it prints each thing it changed ("changed: ..."), and a second run changes nothing.
#
# As root (a person, once on a fresh VPS and again when deploy/systemd changes), it also does
# what needs root: installs Debian's docker.io when no dockerd is there and the compose v2 plugin
# when `docker compose` is missing (from trixie's docker-compose .deb: bookworm's is v1), creates
# the deploy user (group docker) and $BOT_MOX_DIR owned by it, and installs the systemd units of
# deploy/systemd (*.service, *.timer; timers enabled) when systemd runs. As the deploy user it
# checks those instead and does the rest.
#
# It refuses to go on without $BOT_MOX_DIR/.env.prod, which a person writes (never CI): every key
# of deploy/compose.prod.env.example must be there, and none may keep the example's placeholder.
#   usage: vps-bootstrap.sh
#   env:   BOT_MOX_DIR (default /opt/bot-mox), DEPLOY_USER (default deploy; as root only),
#          SYSTEMD_UNIT_DIR (default /etc/systemd/system)
set -euo pipefail

DIR="${BOT_MOX_DIR:-/opt/bot-mox}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXAMPLE="$SRC/deploy/compose.prod.env.example"
ENV_FILE="$DIR/.env.prod"
UNIT_DIR="${SYSTEMD_UNIT_DIR:-/etc/systemd/system}"
changes=0

log() { echo "[bootstrap] $*"; }
fail() {
  echo "[bootstrap] refused: $*" >&2
  exit 1
}
changed() {
  echo "[bootstrap] changed: $*"
  changes=$((changes + 1))
}
apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }

if [ "$(id -u)" = 0 ]; then
  USER_NAME="${DEPLOY_USER:-deploy}"
  # 1. The engine and the compose v2 plugin, from Debian's packages when missing.
  if command -v dockerd >/dev/null 2>&1; then
    log "docker engine present ($(dockerd --version))"
  else
    apt-get update -qq
    apt_install docker.io ca-certificates
    changed "installed Debian's docker.io"
  fi
  # Each docker CLI call costs a second or more on a small, busy VPS: one call per fact.
  if compose="$(docker compose version --short 2>/dev/null)"; then
    log "compose plugin present ($compose)"
  else
    apt-get update -qq
    apt_install debian-archive-keyring # trixie's signing key
    . "$SRC/scripts/lib/trixie-debs.sh"
    extract_trixie_debs / docker-compose
    changed "installed the compose v2 plugin (Debian trixie's docker-compose) in /usr/libexec/docker/cli-plugins"
  fi
  # The deploy probes new replicas and smokes through Caddy with curl.
  if ! command -v curl >/dev/null 2>&1; then
    apt-get update -qq
    apt_install curl
    changed "installed curl"
  fi
  if ! docker info >/dev/null 2>&1; then
    [ -d /run/systemd/system ] || fail "the Docker engine does not answer, and no systemd runs to start it (start dockerd)"
    systemctl enable --now docker.service
    changed "enabled and started docker.service"
    docker info >/dev/null 2>&1 || fail "docker.service started, but the engine does not answer"
  fi

  # 2. The deploy user, in group docker, and the directory it owns.
  if ! id "$USER_NAME" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash --groups docker "$USER_NAME"
    changed "created user $USER_NAME (group docker); add its SSH key to ~$USER_NAME/.ssh/authorized_keys"
  elif ! id -nG "$USER_NAME" | tr ' ' '\n' | grep -qx docker; then
    usermod -aG docker "$USER_NAME"
    changed "added $USER_NAME to group docker"
  fi
  if [ ! -d "$DIR" ]; then
    install -d -m 750 -o "$USER_NAME" -g "$USER_NAME" "$DIR"
    changed "created $DIR owned by $USER_NAME"
  elif [ "$(stat -c %U "$DIR")" != "$USER_NAME" ]; then
    chown "$USER_NAME:$USER_NAME" "$DIR"
    changed "$DIR owned by $USER_NAME"
  fi
  # What root creates below belongs to the deploy user, as if it had run this itself.
  as_owner() { chown "$USER_NAME:$USER_NAME" "$@"; }
else
  engine="$(docker info --format '{{.ServerVersion}}' 2>/dev/null)" ||
    fail "the Docker engine does not answer for $(id -un) (run this script as root once: it installs docker.io and adds the deploy user to group docker)"
  compose="$(docker compose version --short 2>/dev/null)" || fail "the docker compose v2 plugin is missing (run this script as root once)"
  log "docker $engine, compose $compose"
  [ -d "$DIR" ] || fail "$DIR does not exist (run this script as root once, or create it owned by $(id -un))"
  as_owner() { :; }
fi

# 2. The env file: present, private, complete, no placeholder left.
[ -f "$ENV_FILE" ] || fail "$ENV_FILE is missing: write it from deploy/compose.prod.env.example"

env_value() { # <file> <key>: the key's last value, surrounding quotes removed; exit 1 if absent
  local line
  line="$(grep -E "^$2=" "$1" | tail -n 1)" || return 1
  line="${line#*=}"
  line="${line%\"}"
  line="${line#\"}"
  printf '%s' "$line"
}

# Keys whose example value is a sensible production default, not a placeholder.
keep_line="$(grep -E '^# bootstrap-defaults:' "$EXAMPLE" || true)"
read -r -a defaults <<<"${keep_line#*:}"
problems=()
while IFS= read -r key; do
  if ! actual="$(env_value "$ENV_FILE" "$key")"; then
    problems+=("$key is missing")
  elif [ "$actual" = "$(env_value "$EXAMPLE" "$key")" ] && [[ " ${defaults[*]} " != *" $key "* ]]; then
    problems+=("$key still has the example's placeholder")
  fi
done < <(grep -oE '^[A-Z][A-Z0-9_]*=' "$EXAMPLE" | tr -d '=')
if [ ${#problems[@]} -gt 0 ]; then
  printf '[bootstrap]   %s\n' "${problems[@]}" >&2
  fail "$ENV_FILE is not ready (${#problems[@]} problems above)"
fi
log "$ENV_FILE has every required key"
if [ "$(stat -c %a "$ENV_FILE")" != 600 ]; then
  chmod 600 "$ENV_FILE"
  changed "$ENV_FILE mode 600"
fi
# The deploy rewrites IMAGE_TAG in it: the deploy user owns it.
if [ "$(id -u)" = 0 ] && [ "$(stat -c %U "$ENV_FILE")" != "$USER_NAME" ]; then
  as_owner "$ENV_FILE"
  changed "$ENV_FILE owned by $USER_NAME"
fi

# 3. The directories next to the compose file (DESIGN §7).
for d in caddy-data caddy-config postgres-data minio-data backups; do
  if [ ! -d "$DIR/$d" ]; then
    mkdir -p "$DIR/$d"
    as_owner "$DIR/$d"
    changed "created $DIR/$d"
  fi
done

# 4. The deploy files, copied only when they differ.
install_file() { # <source relative to deploy/> <target relative to $DIR>
  local from="$SRC/deploy/$1" to="$DIR/$2"
  if ! cmp -s "$from" "$to"; then
    mkdir -p "$(dirname "$to")"
    cp "$from" "$to"
    as_owner "$(dirname "$to")" "$to"
    changed "installed $to"
  fi
}
install_file compose.stack.yml compose.stack.yml
install_file images.env images.env
install_file caddy/Caddyfile caddy/Caddyfile
install_file postgres/pg_hba.conf postgres/pg_hba.conf
install_file postgres/drill-start.sh postgres/drill-start.sh
# The deploy and rollback scripts, so that a rollback needs nothing copied first.
for script in deploy-vps.sh rollback-vps.sh; do install_file "../scripts/$script" "scripts/$script"; done

# 5. The systemd units of deploy/systemd (the weekly restore drill's timer, ...): copied when
# they differ, timers enabled. Only as root, and only where systemd runs (not in a container).
units=()
for unit in "$SRC"/deploy/systemd/*.service "$SRC"/deploy/systemd/*.timer; do
  [ -f "$unit" ] && units+=("$unit")
done
if [ ${#units[@]} -eq 0 ]; then
  log "no systemd units in deploy/systemd"
elif [ ! -d /run/systemd/system ]; then
  log "no systemd here (/run/systemd/system is missing): skipped the units of deploy/systemd: $(basename -a "${units[@]}" | tr '\n' ' ')"
elif [ "$(id -u)" != 0 ]; then
  stale=()
  for unit in "${units[@]}"; do cmp -s "$unit" "$UNIT_DIR/$(basename "$unit")" || stale+=("$(basename "$unit")"); done
  if [ ${#stale[@]} -gt 0 ]; then
    log "not root: systemd units not installed or changed, run this script as root: ${stale[*]}"
  else
    log "systemd units up to date"
  fi
else
  reload=0
  for unit in "${units[@]}"; do
    if ! cmp -s "$unit" "$UNIT_DIR/$(basename "$unit")"; then
      install -m 644 "$unit" "$UNIT_DIR/$(basename "$unit")"
      changed "installed $UNIT_DIR/$(basename "$unit")"
      reload=1
    fi
  done
  [ "$reload" = 0 ] || systemctl daemon-reload
  for unit in "${units[@]}"; do
    name="$(basename "$unit")"
    case "$name" in *.timer) ;; *) continue ;; esac
    if ! systemctl is-enabled --quiet "$name" || ! systemctl is-active --quiet "$name"; then
      systemctl enable --now "$name"
      changed "enabled and started $name"
    fi
  done
fi

if [ "$changes" -eq 0 ]; then log "nothing changed"; else log "$changes changes"; fi
