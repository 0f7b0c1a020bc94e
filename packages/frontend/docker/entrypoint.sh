#!/bin/sh
# Writes the SPA's runtime config from env (write-config.sh), then runs Caddy.
set -eu
/usr/local/bin/write-config /run/app/config.json
exec "$@"
