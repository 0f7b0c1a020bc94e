#!/bin/bash
# Starts the VPS: remounts /sys, /proc/sys and the cgroup mounts read-write (they are read-only
# without --privileged, and dockerd needs them), makes its host key, installs the deploy user's
# authorized key from $AUTHORIZED_KEY (if given), then runs dockerd and sshd. tini is PID 1.
set -euo pipefail

log() { echo "[vps] $*"; }

remount_rw() { # <mount point>: read-write, if it is a mount (/proc/sys is one only when masked)
  mountpoint -q "$1" || return 0
  mount -o remount,rw,bind "$1" 2>/dev/null || mount -o remount,rw "$1"
}
remount_rw /sys
remount_rw /proc/sys
while read -r _ target fstype _; do
  case "$fstype" in cgroup | cgroup2) remount_rw "$target" ;; esac
done </proc/mounts

# A restart keeps the container's filesystem: clear what a real boot's tmpfs /run would not hold.
rm -rf /run/docker /run/docker.pid /run/containerd /run/sshd.pid
mkdir -p /run/sshd

# One ed25519 host key, made on first start (never in the image); RSA would cost seconds here.
[ -f /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
if [ -n "${AUTHORIZED_KEY:-}" ]; then
  echo "$AUTHORIZED_KEY" >/home/deploy/.ssh/authorized_keys
  chown deploy:deploy /home/deploy/.ssh/authorized_keys
  chmod 0600 /home/deploy/.ssh/authorized_keys
fi

log "starting dockerd"
dockerd >/var/log/dockerd.log 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 120); do
  docker info >/dev/null 2>&1 && break
  kill -0 "$dockerd_pid" 2>/dev/null || { tail -n 30 /var/log/dockerd.log >&2; exit 1; }
  sleep 0.5
done
docker info >/dev/null 2>&1 || { log "dockerd did not answer"; tail -n 30 /var/log/dockerd.log >&2; exit 1; }
log "dockerd ready"

# sshd in the foreground; dockerd goes down with the container (tini forwards the signal to us).
trap 'kill -TERM "$dockerd_pid" 2>/dev/null; wait "$dockerd_pid"; exit 0' TERM INT
/usr/sbin/sshd -D -e &
sshd_pid=$!
log "sshd ready"
wait -n "$sshd_pid" "$dockerd_pid"
