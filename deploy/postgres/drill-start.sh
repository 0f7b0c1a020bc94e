#!/usr/bin/env bash
# drill-db's entrypoint (compose mounts it; the db image is not modified): it ends by running
# the image's own entrypoint (docker-entrypoint.sh, in both the stand-in and supabase/postgres).
#   DRILL_MODE=dump (default)  a fresh server for `ops restore-drill`: a data directory left by
#                              a PITR drill is wiped first, so initdb runs again.
#   DRILL_MODE=pitr            for `ops pitr-drill`: waits for its request (/backups/drill/request,
#                              written after this container started), replaces the data directory
#                              with the restored base backup that ops prepared next to it (with
#                              recovery.signal, restore_command and the target in
#                              postgresql.auto.conf), and starts recovery.
# The backups volume is mounted read-only: the drill never writes to the backups, and it never
# talks to the live db (the restored cluster has no primary_conninfo, archiving is off).
set -euo pipefail
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
DRILL_DIR=/backups/drill
MARKER="$PGDATA/botmox-drill-request"

wipe() { find "$PGDATA" -mindepth 1 -delete; }

if [ "${DRILL_MODE:-dump}" = pitr ]; then
  started="$(date +%s)"
  deadline=$((started + ${DRILL_REQUEST_WAIT_SECONDS:-900}))
  echo "drill-start: waiting for a request from ops pitr-drill in $DRILL_DIR/request"
  until [ -f "$DRILL_DIR/request" ] && [ "$(stat -c %Y "$DRILL_DIR/request")" -ge "$started" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "drill-start: no request within ${DRILL_REQUEST_WAIT_SECONDS:-900} s" >&2
      exit 1
    fi
    sleep 0.5
  done
  request="$(cat "$DRILL_DIR/request")"
  echo "drill-start: $request: copying $DRILL_DIR/pgdata into $PGDATA"
  wipe
  cp -a "$DRILL_DIR/pgdata/." "$PGDATA/"
  echo "$request" >"$MARKER"
elif [ -f "$MARKER" ]; then
  echo "drill-start: wiping the data directory of $(cat "$MARKER") for a fresh server"
  wipe
fi
exec docker-entrypoint.sh "$@"
