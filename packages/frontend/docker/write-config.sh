#!/bin/sh
# Writes the SPA's runtime config (/config.json) from env at container start, so one image runs
# in every environment. Usage: write-config.sh [OUT] (default: /srv/config.json).
#   FRONTEND_API_URL            required  e.g. https://api.example.com   (/api/v1 is appended by the app)
#   FRONTEND_SUPABASE_URL       required  e.g. https://api.example.com   (/auth/v1 is appended)
#   FRONTEND_SUPABASE_ANON_KEY  optional  the public anon key ("" where no login service runs)
#   FRONTEND_WS_URL             optional  default: API URL with ws(s):// + /api/v1/ws
#   FRONTEND_ENVIRONMENT        optional  label shown in the header, e.g. prod-sim
#   FRONTEND_IMAGE_TAG          optional  shown on the System status page
set -eu
out="${1:-/srv/config.json}"
missing=0
for var in FRONTEND_API_URL FRONTEND_SUPABASE_URL; do
  eval "value=\${$var:-}"
  if [ -z "$value" ]; then echo "write-config: $var is required" >&2; missing=1; fi
done
[ "$missing" -eq 0 ] || exit 1

json() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"; }
{
  printf '{\n  "apiUrl": %s,\n  "supabaseUrl": %s,\n  "supabaseAnonKey": %s' \
    "$(json "$FRONTEND_API_URL")" "$(json "$FRONTEND_SUPABASE_URL")" "$(json "${FRONTEND_SUPABASE_ANON_KEY:-}")"
  [ -n "${FRONTEND_WS_URL:-}" ] && printf ',\n  "wsUrl": %s' "$(json "$FRONTEND_WS_URL")"
  [ -n "${FRONTEND_ENVIRONMENT:-}" ] && printf ',\n  "environment": %s' "$(json "$FRONTEND_ENVIRONMENT")"
  [ -n "${FRONTEND_IMAGE_TAG:-}" ] && printf ',\n  "imageTag": %s' "$(json "$FRONTEND_IMAGE_TAG")"
  printf '\n}\n'
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "write-config: wrote $out"
