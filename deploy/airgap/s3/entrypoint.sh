#!/usr/bin/env bash
# S3 stand-in (DESIGN §9): a one-node Ceph cluster (mon + one BlueStore OSD on a sparse file in
# /data) with radosgw in front, in MinIO's contract: keys from S3_ACCESS_KEY/S3_SECRET_KEY or
# MINIO_ROOT_USER/MINIO_ROOT_PASSWORD, port S3_PORT (default 9000), state in /data.
# MinIO's arguments ("server /data --address :9000 --console-address :9001") are accepted; only
# --address is used. Any other command is run as is.
set -euo pipefail

log() { echo "[s3] $*" >&2; }
die() {
  echo "[s3] error: $*" >&2
  exit 64
}

if [ $# -gt 0 ] && [ "$1" != server ] && [ "${1#-}" = "$1" ]; then exec "$@"; fi

DATA=/data
PORT="${S3_PORT:-9000}"
while [ $# -gt 0 ]; do
  case "$1" in
    --address) PORT="${2:-}"; PORT="${PORT##*:}"; shift 2 || shift ;;
    --address=*) PORT="${1##*:}"; shift ;;
    *) shift ;;
  esac
done
ACCESS_KEY="${S3_ACCESS_KEY:-${MINIO_ROOT_USER:-}}"
SECRET_KEY="${S3_SECRET_KEY:-${MINIO_ROOT_PASSWORD:-}}"
S3_USER="${S3_USER:-s3admin}"

[ -n "$ACCESS_KEY" ] && [ -n "$SECRET_KEY" ] ||
  die "no S3 keys given: set S3_ACCESS_KEY and S3_SECRET_KEY (or MINIO_ROOT_USER and MINIO_ROOT_PASSWORD)"
[ ${#ACCESS_KEY} -ge 3 ] || die "the access key must be at least 3 characters long"
[ ${#SECRET_KEY} -ge 8 ] || die "the secret key must be at least 8 characters long"
case "$ACCESS_KEY$SECRET_KEY" in *[[:space:]]*) die "the keys must not contain whitespace" ;; esac
case "$PORT" in '' | *[!0-9]*) die "S3_PORT must be a port number, got '$PORT'" ;; esac

started=$(date +%s%N)
elapsed() { echo "$(((($(date +%s%N) - started) / 1000000)))ms"; }

mkdir -p "$DATA" /run/ceph /var/lib/ceph
echo "$PORT" >/run/ceph/s3-port
ceph() { command ceph --connect-timeout 60 "$@"; }

# A volume is initialized once its marker exists; anything else there from an interrupted first
# start is ours to redo.
fresh=0
if [ ! -f "$DATA/.initialized" ]; then
  fresh=1
  rm -rf "${DATA:?}/mon" "$DATA/osd" "$DATA/fsid" "$DATA/s3-user.sha256"
  cat /proc/sys/kernel/random/uuid >"$DATA/fsid"
fi
FSID="$(cat "$DATA/fsid")"
sed -e "s/@FSID@/$FSID/" -e "s/@PORT@/$PORT/" /usr/local/share/s3/ceph.conf.template >/etc/ceph/ceph.conf

MON_PID='' OSD_PID='' RGW_PID=''
stop_one() { # <pid> <name> <seconds>: SIGTERM, then SIGKILL after the grace time
  local pid="$1" name="$2" i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $3 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop in $3 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
stop_all() {
  trap - TERM INT
  log "stopping"
  stop_one "$RGW_PID" radosgw 3
  stop_one "$OSD_PID" ceph-osd 4
  stop_one "$MON_PID" ceph-mon 2
  log "stopped"
}
trap 'stop_all; exit 0' TERM INT

if [ $fresh = 1 ]; then
  log "first start: creating the cluster in $DATA"
  monmaptool --create --fsid "$FSID" --addv a '[v2:127.0.0.1:3300]' /tmp/monmap >/dev/null
  ceph-mon --mkfs -i a --monmap /tmp/monmap
  rm -f /tmp/monmap
fi
ceph-mon -f -i a &
MON_PID=$!

if [ $fresh = 1 ]; then
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  ceph osd new "$osd_uuid" >/dev/null
  ceph osd crush add osd.0 1 root=default host=standin >/dev/null 2>&1
  mkdir -p "$DATA/osd"
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >/dev/null
  touch "$DATA/.initialized"
else
  # The OSD may not have said goodbye (killed container): without this the new one waits.
  ceph osd down 0 >/dev/null 2>&1 || true
fi
ceph-osd -f -i 0 &
OSD_PID=$!
until ceph osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1'; do
  kill -0 "$OSD_PID" 2>/dev/null || die "ceph-osd exited during start"
  sleep 0.2
done
log "mon and osd up after $(elapsed)"

# The S3 user, created (or given the keys from env) only once the OSD is up.
want="$(printf '%s\n%s\n%s\n' "$S3_USER" "$ACCESS_KEY" "$SECRET_KEY" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$DATA/s3-user.sha256" 2>/dev/null)" != "$want" ]; then
  if info="$(radosgw-admin user info --uid="$S3_USER" 2>/dev/null)"; then
    radosgw-admin key create --uid="$S3_USER" --key-type=s3 \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
    for old in $(python3 -c 'import json,sys; print(*(k["access_key"] for k in json.load(sys.stdin)["keys"]))' <<<"$info"); do
      [ "$old" = "$ACCESS_KEY" ] ||
        radosgw-admin key rm --uid="$S3_USER" --key-type=s3 --access-key="$old" >/dev/null
    done
    log "keys of user $S3_USER replaced"
  else
    radosgw-admin user create --uid="$S3_USER" --display-name="S3 stand-in" \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
    log "user $S3_USER created after $(elapsed)"
  fi
  echo "$want" >"$DATA/s3-user.sha256"
fi

radosgw -f -n client.rgw &
RGW_PID=$!
until /usr/local/bin/s3-healthcheck; do
  kill -0 "$RGW_PID" 2>/dev/null || die "radosgw exited during start"
  sleep 0.1
done
log "serving S3 on port $PORT after $(elapsed)"

# Runs until a signal (trap above) or until one daemon dies, which takes the others down.
set +e
wait -n "$MON_PID" "$OSD_PID" "$RGW_PID"
rc=$?
log "a daemon exited (status $rc)"
stop_all
exit 1
