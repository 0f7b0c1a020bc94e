# Sourced by scripts: loads the image manifest (deploy/images.env) and, when IMAGES_OVERRIDE
# names one, the override on top, saying so. Defines image_tag.
set -a
. deploy/images.env
if [ -n "${IMAGES_OVERRIDE:-}" ]; then
  echo "[images] override $IMAGES_OVERRIDE:" $(grep -E '^[A-Z_]+=' "$IMAGES_OVERRIDE" | tr '\n' ' ') >&2
  . "$IMAGES_OVERRIDE"
fi
set +a

# sha-<12 hex> of HEAD; IMAGE_TAG wins when set (a deploy of a given tag).
image_tag() {
  if [ -n "${IMAGE_TAG:-}" ]; then echo "$IMAGE_TAG"; return; fi
  echo "sha-$(git rev-parse --short=12 HEAD)"
}
