# Sourced by the prod-sim scripts: the manifest, the generated env, and a compose wrapper.
. scripts/lib/images.sh
PROD_SIM_ENV=deploy/.env.prod-sim

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Creates deploy/.env.prod-sim from the example on first use, with fresh random secrets.
# The volumes a compose project left behind (data made with that project's secrets).
project_volumes() {
  docker volume ls -q --filter "label=com.docker.compose.project=${STACK_PROJECT:-bot-mox}" 2>/dev/null
}

ensure_prod_sim_env() {
  if [ ! -f "$PROD_SIM_ENV" ] && [ -n "$(project_volumes)" ]; then
    # New secrets would not open the old database: say so rather than fail later in migrate.
    echo "[prod-sim] volumes of project ${STACK_PROJECT:-bot-mox} exist, but $PROD_SIM_ENV (their secrets) is gone." >&2
    echo "[prod-sim] restore that file, or delete prod-sim's data with: bash scripts/stack-prod-sim-down.sh --volumes" >&2
    return 1
  fi
  if [ ! -f "$PROD_SIM_ENV" ]; then
    umask 077
    while IFS= read -r line; do
      while [[ "$line" == *__GENERATE__* ]]; do
        line="${line/__GENERATE__/$(random_secret)}"
      done
      printf '%s\n' "$line"
    done <deploy/compose.prod-sim.env.example >"$PROD_SIM_ENV"
    echo "[prod-sim] generated $PROD_SIM_ENV (dev-only secrets; git-ignored)"
  fi
  # Secrets the example gained since the file was made (e.g. BACKUP_DB_PASSWORD): add them.
  local key
  while IFS= read -r line; do
    [[ "$line" == *=__GENERATE__ ]] || continue
    key="${line%%=*}"
    if ! grep -q "^$key=" "$PROD_SIM_ENV"; then
      printf '%s=%s\n' "$key" "$(random_secret)" >>"$PROD_SIM_ENV"
      echo "[prod-sim] added a generated $key to $PROD_SIM_ENV"
    fi
  done <deploy/compose.prod-sim.env.example
  set -a; . "$PROD_SIM_ENV"; set +a
  # STACK_HTTPS_PORT from the caller's env wins over the file (e.g. 8443 where 443 is taken).
  if [ -n "${STACK_HTTPS_PORT_OVERRIDE:-}" ]; then STACK_HTTPS_PORT="$STACK_HTTPS_PORT_OVERRIDE"; fi
  if [ "${STACK_HTTPS_PORT:-443}" = 443 ]; then STACK_PORT_SUFFIX=""; else STACK_PORT_SUFFIX=":$STACK_HTTPS_PORT"; fi
  export STACK_HTTPS_PORT STACK_PORT_SUFFIX
  export IMAGE_TAG="${IMAGE_TAG:-$(image_tag)}"
}

stack_compose() {
  local files=(--env-file deploy/images.env)
  [ -n "${IMAGES_OVERRIDE:-}" ] && files+=(--env-file "$IMAGES_OVERRIDE")
  docker compose --project-name "${STACK_PROJECT:-bot-mox}" "${files[@]}" --env-file "$PROD_SIM_ENV" \
    -f deploy/compose.stack.yml "$@"
}
