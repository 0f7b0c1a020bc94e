#!/usr/bin/env bash
# What the deploy and rollback workflows do, and all they do: over SSH with a pinned host key
# (StrictHostKeyChecking yes, no trust on first use), copy scripts/ and deploy/ to
# $VPS_DEPLOY_PATH/release on the VPS, then run one of their scripts there as $VPS_USER.
# The acceptance suite runs this same script against the VPS simulator.
#   usage: scripts/vps-remote.sh deploy-vps.sh <tag> | rollback-vps.sh [tag] | vps-bootstrap.sh
#   env:   VPS_HOST, VPS_USER, VPS_SSH_KEY (the private key's text), VPS_KNOWN_HOSTS (the VPS's
#          known_hosts line(s): `host ssh-ed25519 AAAA...`, `[host]:port ...` for another port),
#          VPS_DEPLOY_PATH (default /opt/bot-mox), VPS_PORT (default 22);
#          optional GHCR_USER + GHCR_TOKEN: `docker login ghcr.io` on the VPS first (private
#          packages; the token needs read:packages only).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() {
  echo "vps-remote: $*" >&2
  exit 2
}
script="${1:-}"
shift || true
case "$script" in
  deploy-vps.sh) [ $# -eq 1 ] || fail "usage: vps-remote.sh deploy-vps.sh <tag>" ;;
  rollback-vps.sh) [ $# -le 1 ] || fail "usage: vps-remote.sh rollback-vps.sh [tag]" ;;
  vps-bootstrap.sh) [ $# -eq 0 ] || fail "usage: vps-remote.sh vps-bootstrap.sh" ;;
  *) fail "usage: vps-remote.sh deploy-vps.sh <tag> | rollback-vps.sh [tag] | vps-bootstrap.sh" ;;
esac
# A tag is typed by a person in the workflow form and ends up in a remote shell: only what
# Docker allows in a tag gets through.
for tag in "$@"; do
  [[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fail "'$tag' is not an image tag"
done
for var in VPS_HOST VPS_USER VPS_SSH_KEY VPS_KNOWN_HOSTS; do
  [ -n "${!var:-}" ] || fail "$var is not set"
done
remote_dir="${VPS_DEPLOY_PATH:-/opt/bot-mox}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(umask 077 && printf '%s\n' "$VPS_SSH_KEY" >"$work/key" && printf '%s\n' "$VPS_KNOWN_HOSTS" >"$work/known_hosts")
ssh_cmd=(ssh -i "$work/key" -p "${VPS_PORT:-22}" -o IdentitiesOnly=yes -o BatchMode=yes
  -o ConnectTimeout=20 -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$work/known_hosts"
  -o LogLevel=ERROR "$VPS_USER@$VPS_HOST")
q() { printf '%q' "$1"; }

echo "[vps-remote] copying scripts/ and deploy/ to $VPS_HOST:$remote_dir/release"
release="$(q "$remote_dir/release")"
tar -c --exclude=deploy/airgap scripts deploy |
  "${ssh_cmd[@]}" "rm -rf $release.new && mkdir -p $release.new && tar -x -C $release.new && rm -rf $release && mv $release.new $release"

if [ -n "${GHCR_TOKEN:-}" ]; then
  echo "[vps-remote] docker login ghcr.io as ${GHCR_USER:?GHCR_USER is needed with GHCR_TOKEN}"
  printf '%s' "$GHCR_TOKEN" | "${ssh_cmd[@]}" "docker login ghcr.io -u $(q "$GHCR_USER") --password-stdin >/dev/null"
fi

echo "[vps-remote] running $script $* on $VPS_HOST"
exec "${ssh_cmd[@]}" "BOT_MOX_DIR=$(q "$remote_dir") DEPLOY_ACTOR=$(q "${GITHUB_ACTOR:-$(id -un)}") bash $release/scripts/$script $*"
