#!/usr/bin/env bash
# Pushes our images that are already built on this machine (scripts/images-build.sh) to a
# registry, by tag: never builds. Every image is checked before the first push, so a missing one
# fails with nothing pushed. Prints each pushed reference with its registry digest.
#   usage: REGISTRY=<host[:port][/namespace]> scripts/images-push.sh [--also <tag>]... [backend|frontend|ops ...]
#   env:   REGISTRY         where to push (required): ghcr.io/<owner>, or localhost:<port> for the
#                           VPS simulator's registry (plain HTTP on localhost)
#          IMAGE_TAG        the tag to push (default sha-<12 hex of HEAD>, as images-build.sh tags)
#          IMAGES_OVERRIDE  as for images-build.sh: names the local images' registry prefix
#          DIGESTS_FILE     if set, two lines per pushed image are appended there,
#                           <name>_repo=<repository> and <name>_digest=sha256:<hex> (the format
#                           of $GITHUB_OUTPUT, which the attestation steps read)
#   --also <tag>: push the same image under this tag too (main-latest).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Taken before the manifest is loaded: the manifest's REGISTRY names the local images.
TARGET="${REGISTRY:-}"
[ -n "$TARGET" ] || { echo "images-push: set REGISTRY to the registry to push to (e.g. ghcr.io/<owner>)" >&2; exit 2; }
TARGET="${TARGET,,}" # references are lowercase; GitHub owners may not be
. scripts/lib/images.sh
SOURCE="$REGISTRY"
TAG="$(image_tag)"

also=()
wanted=()
while [ $# -gt 0 ]; do
  case "$1" in
    --also)
      [ -n "${2:-}" ] || { echo "images-push: --also needs a tag" >&2; exit 2; }
      also+=("$2"); shift 2 ;;
    backend | frontend | ops) wanted+=("$1"); shift ;;
    *) echo "images-push: unknown argument $1 (usage: images-push.sh [--also <tag>]... [backend|frontend|ops ...])" >&2; exit 2 ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=(backend frontend ops)

for name in "${wanted[@]}"; do
  docker image inspect "$SOURCE/bot-mox-$name:$TAG" >/dev/null 2>&1 ||
    { echo "images-push: $SOURCE/bot-mox-$name:$TAG is not on this machine (build it: scripts/images-build.sh $name); nothing pushed" >&2; exit 1; }
done

for name in "${wanted[@]}"; do
  local_ref="$SOURCE/bot-mox-$name:$TAG"
  repo="$TARGET/bot-mox-$name"
  digest=""
  for tag in "$TAG" "${also[@]}"; do
    ref="$repo:$tag"
    [ "$ref" = "$local_ref" ] || docker tag "$local_ref" "$ref"
    # The last line of a push: "<tag>: digest: sha256:<hex> size: <n>".
    out="$(docker push "$ref" 2>&1)" || { echo "$out" >&2; echo "images-push: push of $ref failed" >&2; exit 1; }
    pushed="$(sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' <<<"$out" | tail -n 1)"
    # The temporary tag goes: the host keeps only the names images-build.sh gave.
    [ "$ref" = "$local_ref" ] || docker rmi "$ref" >/dev/null
    [ -n "$pushed" ] || { echo "$out" >&2; echo "images-push: no digest in the push output of $ref" >&2; exit 1; }
    [ -z "$digest" ] || [ "$digest" = "$pushed" ] ||
      { echo "images-push: $ref has digest $pushed, but $TAG has $digest" >&2; exit 1; }
    digest="$pushed"
    echo "[images] pushed $ref@$digest"
  done
  [ -z "${DIGESTS_FILE:-}" ] || printf '%s_repo=%s\n%s_digest=%s\n' "$name" "$repo" "$name" "$digest" >>"$DIGESTS_FILE"
done
