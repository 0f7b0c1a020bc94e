#!/bin/sh
# Writes the SPA's runtime config (/config.json) from env, then runs Caddy.
set -eu

json_string() { # escape backslashes and double quotes for a JSON string value
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

missing=""
[ -n "${APP_API_URL:-}" ] || missing="$missing APP_API_URL"
[ -n "${APP_SUPABASE_URL:-}" ] || missing="$missing APP_SUPABASE_URL"
if [ -n "$missing" ]; then
  echo "frontend: missing env:$missing (the SPA's /config.json is written from them)" >&2
  exit 1
fi

mkdir -p /run/app
{
  printf '{\n  "apiUrl": %s,\n' "$(json_string "$APP_API_URL")"
  printf '  "supabaseUrl": %s,\n' "$(json_string "$APP_SUPABASE_URL")"
  printf '  "supabaseAnonKey": %s,\n' "$(json_string "${APP_SUPABASE_ANON_KEY:-}")"
  [ -n "${APP_WS_URL:-}" ] && printf '  "wsUrl": %s,\n' "$(json_string "$APP_WS_URL")"
  printf '  "environment": %s,\n' "$(json_string "${APP_ENVIRONMENT:-production}")"
  printf '  "imageTag": %s\n}\n' "$(json_string "${IMAGE_TAG:-dev}")"
} >/run/app/config.json.tmp
mv /run/app/config.json.tmp /run/app/config.json
echo "frontend: wrote /config.json (api $APP_API_URL, supabase $APP_SUPABASE_URL)"
exec "$@"
