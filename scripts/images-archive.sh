#!/usr/bin/env bash
# Carries the images the acceptance suite ran on from one CI job to another, by image ID (the
# digest of the image's config, so the same ID is the same image, byte for byte):
#   save <dir>: docker save of our images (tag from IMAGE_TAG or HEAD, as images-build.sh tags
#               them) to <dir>/images.tar, and their IDs to <dir>/images.ids (<ref> <id>);
#   load <dir>: docker load, then refuses (exit 1) unless every ref has the ID recorded at save.
# images.yml saves them after the stack and e2e suites passed and loads them in the push job.
#   usage: scripts/images-archive.sh save|load <dir>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/images.sh

mode="${1:-}" dir="${2:-}"
[ -n "$dir" ] || { echo "usage: scripts/images-archive.sh save|load <dir>" >&2; exit 2; }

case "$mode" in
  save)
    mkdir -p "$dir"
    refs=()
    for name in backend frontend ops; do refs+=("$REGISTRY/bot-mox-$name:$(image_tag)"); done
    : >"$dir/images.ids"
    for ref in "${refs[@]}"; do
      echo "$ref $(docker image inspect -f '{{.Id}}' "$ref")" >>"$dir/images.ids"
    done
    docker save -o "$dir/images.tar" "${refs[@]}"
    echo "[images] saved to $dir/images.tar:"
    sed 's/^/[images]   /' "$dir/images.ids"
    ;;
  load)
    docker load -q -i "$dir/images.tar"
    while read -r ref id; do
      have="$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null || echo missing)"
      [ "$have" = "$id" ] || { echo "images-archive: $ref is $have, not the tested $id" >&2; exit 1; }
      echo "[images] $ref is the tested $id"
    done <"$dir/images.ids"
    ;;
  *) echo "usage: scripts/images-archive.sh save|load <dir>" >&2; exit 2 ;;
esac
