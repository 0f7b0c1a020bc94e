#!/usr/bin/env bash
# The browser for `pnpm e2e` (DESIGN §8): Debian's chromium, plus certutil (libnss3-tools),
# with which the e2e setup makes the browser trust Caddy's internal root CA, and ffmpeg, with
# which Playwright records the video of a failing test.
# Playwright never downloads a browser of its own here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
# Idempotent: installs only what is missing; prints the browser's version.
# PLAYWRIGHT_CHROMIUM_EXECUTABLE names another Chromium-family browser to use instead (the GitHub
# workflows point it at the runner's Chrome: Ubuntu's `chromium` package is a snap stub).
#   usage: scripts/setup-chromium.sh
set -euo pipefail

log() { echo "[setup-chromium] $*"; }
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
browser="${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-chromium}"
if [ -n "${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-}" ]; then
  [ -x "$browser" ] || { log "PLAYWRIGHT_CHROMIUM_EXECUTABLE=$browser is not an executable"; exit 1; }
else
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)

if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian's ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
log "$("$browser" --version 2>/dev/null || echo "$browser: no version") at $(command -v "$browser"); certutil at $(command -v certutil); ffmpeg at $(command -v ffmpeg)"
