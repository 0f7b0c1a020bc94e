#!/usr/bin/env bash
# Prepares the VPS for bot-mox releases (DESIGN §7, §14); run on the VPS as the deploy user, over
# SSH, from a copy of the repo's scripts/ and deploy/ (the workflow copies them).
# Idempotent: it prints each thing it changed, and a second run changes nothing.
# It refuses to go on without $BOT_MOX_DIR/.env.prod, which a person writes (never CI): every key
# of deploy/compose.prod.env.example must be there, and none may keep the example's placeholder.
#   usage: vps-bootstrap.sh        env: BOT_MOX_DIR (default /opt/bot-mox)
set -euo pipefail

DIR="${BOT_MOX_DIR:-/opt/bot-mox}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXAMPLE="$SRC/deploy/compose.prod.env.example"
ENV_FILE="$DIR/.env.prod"
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

# 1. The engine and the compose v2 plugin, usable by this user.
docker info >/dev/null 2>&1 ||
  fail "the Docker engine does not answer for $(id -un) (install docker.io; add $(id -un) to group docker)"
docker compose version >/dev/null 2>&1 || fail "the docker compose v2 plugin is missing"
log "docker $(docker version --format '{{.Server.Version}}'), compose $(docker compose version --short)"

# 2. The env file: present, private, complete, no placeholder left.
[ -d "$DIR" ] || fail "$DIR does not exist (create it, owned by $(id -un), then write $ENV_FILE)"
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

# 3. The directories next to the compose file (DESIGN §7).
for d in caddy-data caddy-config postgres-data minio-data backups; do
  if [ ! -d "$DIR/$d" ]; then
    mkdir -p "$DIR/$d"
    changed "created $DIR/$d"
  fi
done

# 4. The deploy files, copied only when they differ.
install_file() { # <source relative to deploy/> <target relative to $DIR>
  local from="$SRC/deploy/$1" to="$DIR/$2"
  if ! cmp -s "$from" "$to"; then
    mkdir -p "$(dirname "$to")"
    cp "$from" "$to"
    changed "installed $to"
  fi
}
install_file compose.stack.yml compose.stack.yml
install_file images.env images.env
install_file caddy/Caddyfile caddy/Caddyfile
install_file postgres/pg_hba.conf postgres/pg_hba.conf
# The deploy and rollback scripts, so that a rollback needs nothing copied first.
for script in deploy-vps.sh rollback-vps.sh; do install_file "../scripts/$script" "scripts/$script"; done

if [ "$changes" -eq 0 ]; then log "nothing changed"; else log "$changes changes"; fi
