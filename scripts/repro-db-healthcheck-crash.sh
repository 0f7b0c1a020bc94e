#!/usr/bin/env bash
# Reproduces Postgres crash recovery from a timed-out healthcheck ("server process (PID n) was
# terminated by signal 13: Broken pipe"; docs/design.md, "Corrections", §8) with the db service
# of a compose file: it starts that service alone, then N times freezes the postmaster from the
# host for 4.5 s (longer than the 3 s healthcheck timeout, as a loaded host does), and counts the
# crash recoveries in the db log. Needs root on the Docker host (it signals the container's
# postmaster by its host pid). Too slow and host-bound for CI: the test
# packages/acceptance/src/stack/db-orphans.test.ts covers the orphan itself.
#   scripts/repro-db-healthcheck-crash.sh [freezes (5)] [compose file (deploy/compose.stack.yml)]
# Prints: `freezes N crash-recoveries M`, then the crash lines. Images from IMAGES_OVERRIDE or
# deploy/images.env.
set -euo pipefail
cd "$(dirname "$0")/.."
freezes="${1:-5}" file="$(realpath "${2:-deploy/compose.stack.yml}")"
project="repro-db-$$"
set -a
. deploy/images.env
[ -z "${IMAGES_OVERRIDE:-}" ] || . "$IMAGES_OVERRIDE"
set +a
export POSTGRES_PASSWORD=repro BACKUP_DB_PASSWORD=repro SUPABASE_JWT_SECRET=repro S3_ACCESS_KEY=repro S3_SECRET_KEY=repro
export IMAGE_TAG=repro STACK_DOMAIN=localhost
dc() { docker compose --ansi never --project-name "$project" --project-directory deploy -f "$file" "$@"; }
trap 'dc down -v -t 5 >/dev/null 2>&1' EXIT

dc up -d --no-deps --wait db >/dev/null 2>&1
id="$(dc ps -q db)"
# The postmaster's host pid: PID 1 of the container, or docker-init's child with `init: true`.
postmaster_nspid="$(docker exec "$id" head -n 1 /var/lib/postgresql/data/postmaster.pid)"
ns="$(readlink "/proc/$(docker inspect --format '{{.State.Pid}}' "$id")/ns/pid")"
postmaster=''
for status in /proc/[0-9]*/status; do
  pid="${status#/proc/}" pid="${pid%/status}"
  [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" = "$ns" ] || continue
  if awk -v p="$postmaster_nspid" '/^NSpid:/ { exit !($NF == p) }' "$status" 2>/dev/null; then
    postmaster="$pid"
    break
  fi
done
[ -n "$postmaster" ] || { echo "postmaster not found" >&2; exit 1; }
echo "db: $(docker inspect --format 'init={{.HostConfig.Init}} healthcheck={{json .Config.Healthcheck.Test}}' "$id")"

for _ in $(seq "$freezes"); do
  kill -STOP "$postmaster"
  sleep 4.5
  kill -CONT "$postmaster"
  sleep 3
done
sleep 3
logs="$(dc logs --no-color --no-log-prefix db 2>&1)"
echo "freezes $freezes crash-recoveries $(grep -c 'terminating any other active server processes' <<<"$logs" || true)"
grep -E 'terminated by signal|exited with exit code [^01]' <<<"$logs" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' || true
