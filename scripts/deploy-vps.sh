#!/usr/bin/env bash
# Deploys one image tag of bot-mox on the VPS (DESIGN §7, §11, §14). Run on the VPS as the deploy
# user, over SSH (the deploy workflow and the acceptance suite do exactly that), after
# scripts/vps-bootstrap.sh installed the compose file next to .env.prod.
#   usage: deploy-vps.sh [--break-lock] [--skip-backup] <tag>       deploy <tag>
#          deploy-vps.sh --rollback [--break-lock] [--skip-backup] [tag]
#                                        the same path to [tag] (default: the previous release)
#          deploy-vps.sh --plan <tag>    dry run: images, pending migrations, env keys; no change
#   env: BOT_MOX_DIR (/opt/bot-mox), DEPLOY_ACTOR (who deploys; default GITHUB_ACTOR, else the
#        user), KEEP_RELEASES (3: earlier release tags whose images stay), HEALTH_TIMEOUT (180 s: new
#        replicas healthy), DATA_TIMEOUT (300 s: db and minio healthy)
# Steps, each printed and timed: lock, pull, backup, data, migrate, backend, frontend, caddy,
# ops, smoke, record. A failed smoke rolls back to the previous tag (and smokes that).
# Every attempt, refused ones included, appends one JSON line to $BOT_MOX_DIR/releases.jsonl.
set -euo pipefail

DIR="${BOT_MOX_DIR:-/opt/bot-mox}"
ENV_FILE="$DIR/.env.prod"
RELEASES="$DIR/releases.jsonl"
LOCK="$DIR/deploy.lock"
LOCK_NOTE="$DIR/deploy.lock.json"
STATE="$DIR/.deploy"
KEEP_RELEASES="${KEEP_RELEASES:-3}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-180}"
DATA_TIMEOUT="${DATA_TIMEOUT:-300}"
ACTOR="${DEPLOY_ACTOR:-${GITHUB_ACTOR:-$(id -un)}}"
PROJECT=bot-mox
# Our images, named ${REGISTRY}/bot-mox-<name>:<tag> in compose.stack.yml.
OUR_IMAGES=(backend frontend ops)

say() { echo "[deploy] $*"; }
die() { # <exit code> <message>: one line on stderr
  echo "[deploy] $2" >&2
  exit "$1"
}
usage() { die 2 "usage: deploy-vps.sh [--rollback] [--plan] [--break-lock] [--skip-backup] <tag>"; }

kind=deploy plan=0 break_lock=0 skip_backup=0 tag=""
for arg in "$@"; do
  case "$arg" in
    --rollback) kind=rollback ;;
    --plan) plan=1 ;;
    --break-lock) break_lock=1 ;;
    --skip-backup) skip_backup=1 ;;
    -*) die 2 "unknown flag $arg" ;;
    *) [ -z "$tag" ] || usage; tag="$arg" ;;
  esac
done
valid_tag() { [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; }
[ -z "$tag" ] || valid_tag "$tag" || die 2 "tag: '$tag' is not a Docker image tag"
[ -f "$ENV_FILE" ] || die 2 "$ENV_FILE is missing: run scripts/vps-bootstrap.sh first"
cd "$DIR"

env_value() { # <file> <key>: the key's last value, surrounding quotes removed
  local line
  line="$(grep -E "^$2=" "$1" | tail -n 1)" || return 1
  line="${line#*=}"
  line="${line%\"}"
  printf '%s' "${line#\"}"
}
# Compose with the manifest and the VPS's env (later files win); IMAGE_TAG from the caller's
# environment wins over both, which is how a step runs one tag while .env.prod names another.
compose() {
  docker compose --project-name "$PROJECT" --env-file images.env --env-file "$ENV_FILE" \
    -f compose.stack.yml "$@"
}
at() { IMAGE_TAG="$1" compose "${@:2}"; }
# Never `up --no-deps`: compose 2.26 (Debian's) hashes a service without its depends_on then
# (docker/compose#12069), so a later plain `docker compose up -d` would recreate every service
# with dependencies, the backend and Caddy included. With dependencies, `up` re-runs the one-shots
# they need (migrate, storage-init, backup-init): each is idempotent, a no-op the second time.
REGISTRY="$(env_value "$ENV_FILE" REGISTRY || env_value images.env REGISTRY)"
image_ref() { echo "$REGISTRY/bot-mox-$1:$2"; } # <name> <tag>
json_str() { # JSON string literal of $1
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/ }"
  printf '"%s"' "${s//$'\t'/ }"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The live release: the env file's tag once a backend runs (before the first deploy it is only
# what a person wrote there).
running() { compose ps -q --status running "$1" 2>/dev/null; }
live_tag=""
if [ -n "$(running backend)" ]; then
  live_tag="$(env_value "$ENV_FILE" IMAGE_TAG || true)"
fi

# The previous release: what the live release replaced, per the last successful attempt.
previous_release() {
  local line
  line="$(grep '"result":"ok"' "$RELEASES" 2>/dev/null | tail -n 1)" || return 1
  [[ "$line" =~ \"previous_tag\":\"([^\"]*)\" ]] && [ -n "${BASH_REMATCH[1]}" ] || return 1
  echo "${BASH_REMATCH[1]}"
}
if [ "$kind" = rollback ] && [ -z "$tag" ]; then
  tag="$(previous_release)" || die 1 "no previous release in $RELEASES: name the tag to roll back to"
  say "rollback to the previous release: $tag"
fi
[ -n "$tag" ] || usage

# ---------------------------------------------------------------------------------------------
# --plan: what a deploy of <tag> would change. It may pull the tag's images (the deploy's first
# step would too) but starts, stops and writes nothing else.
if [ "$plan" = 1 ]; then
  say "plan for $tag (live: ${live_tag:-none}); nothing is changed"
  missing=0
  for name in "${OUR_IMAGES[@]}"; do
    ref="$(image_ref "$name" "$tag")"
    if docker image inspect "$ref" >/dev/null 2>&1; then
      say "image $ref: present"
    elif docker pull -q "$ref" >/dev/null 2>&1; then
      say "image $ref: pulled (was not on this host)"
    else
      say "image $ref: MISSING from the registry"
      missing=1
    fi
  done
  for key in CADDY_IMAGE POSTGRES_IMAGE S3_IMAGE; do
    ref="$(env_value "$ENV_FILE" "$key" || env_value images.env "$key")"
    docker image inspect "$ref" >/dev/null 2>&1 && say "image $ref: present" || say "image $ref: would pull"
  done
  if [ "$missing" = 0 ] && [ -n "$(compose ps -q --status running db 2>/dev/null)" ]; then
    at "$tag" run --rm --no-deps -T migrate cli db:migrate --dry-run 2>&1 |
      sed -n 's/^db:migrate: \(would apply .*\)/[deploy] migrations: \1/p'
  else
    say "migrations: unknown (no live database, or the backend image is missing)"
  fi
  # Env keys: those compose.stack.yml reads versus those images.env and .env.prod set.
  used="$(grep -oE '\$\{[A-Z_][A-Z0-9_]*' compose.stack.yml | tr -d '${' | sort -u)"
  required="$(grep -oE '\$\{[A-Z_][A-Z0-9_]*:\?' compose.stack.yml | tr -d '${:?' | sort -u)"
  set_keys="$(cat images.env "$ENV_FILE" | grep -oE '^[A-Z_][A-Z0-9_]*=' | tr -d '=' | sort -u)"
  missing_keys="$(comm -23 <(echo "$required") <(echo "$set_keys") | { grep -vx IMAGE_TAG || true; } | xargs)"
  unused_keys="$(comm -13 <(echo "$used") <(grep -oE '^[A-Z_][A-Z0-9_]*=' "$ENV_FILE" | tr -d '=' | sort -u) | xargs)"
  say "env keys missing: ${missing_keys:-none}"
  say "env keys unused: ${unused_keys:-none}"
  say "would then roll backend and frontend to $tag, reload Caddy only if its Caddyfile changed"
  [ "$missing" = 0 ] && [ -z "$missing_keys" ]
  exit
fi

# ---------------------------------------------------------------------------------------------
# The attempt's record, written on every exit (one JSON line, appended, never rewritten).
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
result=failed failed_step="" message="" digests="" steps="" holding_lock=0
record() {
  local code=$?
  [ "$holding_lock" = 0 ] || rm -f "$LOCK_NOTE"
  [ "$result" = ok ] || [ "$code" -ne 0 ] || result=failed
  printf '{"time":"%s","actor":%s,"kind":"%s","tag":"%s","previous_tag":"%s","result":"%s","failed_step":"%s","message":%s,"seconds":{%s},"digests":{%s}}\n' \
    "$started_at" "$(json_str "$ACTOR")" "$kind" "$tag" "$live_tag" "$result" "$failed_step" \
    "$(json_str "$message")" "$steps" "$digests" >>"$RELEASES"
  # A failed or refused attempt says why on stderr, where a caller looks for errors.
  if [ "$result" = ok ]; then
    say "result: ok"
  else
    say "result: $result${failed_step:+ at $failed_step}${message:+: $message}" >&2
  fi
}
trap record EXIT

# Runs step <name> (the function step_<name>), printing it and adding its seconds to the record.
step() {
  local name="$1" t0
  say "== $name ($(date -u +%H:%M:%S))"
  t0="$(now_ms)"
  current_step="$name"
  "step_$name"
  local ms=$(($(now_ms) - t0))
  steps="${steps:+$steps,}\"$name\":$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  say "   $name done in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
}
fail() { # <message>: stops the attempt at the current step
  failed_step="$current_step" message="$1"
  exit 1
}

# 1. The lock: flock on $LOCK for the whole run, plus a note saying who holds it since when.
step_lock() {
  exec 9>>"$LOCK"
  if ! flock -n 9; then
    local holder
    holder="$(cat "$LOCK_NOTE" 2>/dev/null || echo '{}')"
    if [ "$break_lock" = 0 ]; then
      result=refused
      fail "another deploy holds the lock: $holder (wait for it, or --break-lock if it hangs)"
    fi
    say "breaking the lock held by $holder"
    local pid
    pid="$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' <<<"$holder")"
    # Its whole process group: the script and the docker commands it runs.
    [ -n "$pid" ] && kill -TERM -- "-$(ps -o pgid= -p "$pid" | tr -d ' ')" 2>/dev/null || true
    flock -w 30 9 || fail "the lock is still held after --break-lock"
  elif [ -s "$LOCK_NOTE" ]; then
    say "note: an earlier deploy did not finish cleanly: $(cat "$LOCK_NOTE")"
  fi
  printf '{"actor":%s,"pid":%d,"since":"%s","kind":"%s","tag":"%s"}\n' \
    "$(json_str "$ACTOR")" "$$" "$started_at" "$kind" "$tag" >"$LOCK_NOTE"
  holding_lock=1
  mkdir -p "$STATE"
}

# 2. Every image of the tag, before anything changes. A rollback uses the images kept here.
step_pull() {
  # The third-party images only when missing (pinned); ours afresh on a deploy.
  at "$tag" pull --quiet --policy missing &&
    { [ "$kind" = rollback ] || at "$tag" pull --quiet --policy always backend frontend backup; } ||
    fail "cannot pull every image of $tag (is the tag pushed?); nothing was changed"
  local name ref digest
  for name in "${OUR_IMAGES[@]}"; do
    ref="$(image_ref "$name" "$tag")"
    digest="$(docker image inspect --format '{{join .RepoDigests " "}}' "$ref" | tr ' ' '\n' | grep -m1 @ || true)"
    digests="${digests:+$digests,}\"$name\":\"${digest#*@}\""
    say "   $ref ${digest#*@}"
  done
}

# 3. A dump of the live database first (deploy/README.md "Backups").
step_backup() {
  if [ "$skip_backup" = 1 ]; then
    say "   skipped (--skip-backup)"
  elif [ -z "$(running db)" ]; then
    say "   no live database yet: nothing to back up"
  elif [ -z "$(running backup)" ]; then
    fail "the backup service is not running: start it, or pass --skip-backup to deploy without a dump"
  else
    local out
    out="$(compose exec -T backup ops backup --reason "pre-$kind" 2>&1)" || {
      echo "$out" | tail -n 5 | sed 's/^/   | /'
      fail "the pre-$kind backup failed; nothing was changed"
    }
    say "   pre-$kind dump: $(tail -n 1 <<<"$out")"
  fi
}

# 4. The data services: started on a first deploy, left as they are afterwards.
step_data() {
  start_healthy "$tag" "$DATA_TIMEOUT" db minio || fail "db or minio did not become healthy in $DATA_TIMEOUT s"
}

# Runs one-shot services to completion and prints their output; non-zero if one failed.
one_shots() { # <tag> <service>...
  local to="$1" svc id code bad=0 since
  shift
  since="$(date -u +%Y-%m-%dT%H:%M:%S)"
  at "$to" up -d "$@" >/dev/null 2>&1 || return 1
  for svc in "$@"; do
    id="$(compose ps -aq "$svc")"
    code="$(docker wait "$id")"
    # This run's last lines, without terminal escapes.
    docker logs --since "$since" "$id" 2>&1 | tail -n 3 | sed "s/\x1b\[[0-9;]*[A-Za-z]//g; s/^/   $svc: /"
    [ "$code" = 0 ] || bad=1
  done
  return "$bad"
}

# 5. Migrations (expand-only within a release, so the old version keeps working on the new
# schema), then the bucket and the backup role, idempotent.
step_migrate() {
  one_shots "$tag" migrate || {
    one_shots_back
    fail "migrate failed; ${live_tag:-the live release} keeps serving, unchanged"
  }
  # Idempotent: one retry, once the db is healthy again (a fresh db here has dropped the first
  # `ops init` connection: a server process killed by SIGPIPE, then crash recovery).
  one_shots "$tag" storage-init backup-init || {
    say "   a one-shot failed: retrying once"
    start_healthy "$tag" "$DATA_TIMEOUT" db minio && one_shots "$tag" storage-init backup-init
  } || {
    one_shots_back
    fail "storage-init or backup-init failed; ${live_tag:-the live release} keeps serving"
  }
}
# The one-shots' containers back on the live tag (each a no-op there), so that a plain
# `docker compose up -d` still means the live release and recreates nothing.
one_shots_back() {
  [ -n "$live_tag" ] && [ "$live_tag" != "$tag" ] || return 0
  say "   one-shots back on $live_tag"
  one_shots "$live_tag" migrate storage-init backup-init >/dev/null || say "   (they failed there too)"
}

health() { docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1"; }
# Waits until every container is running and healthy; fails on one that stopped, on one that
# turned unhealthy (unless told to tolerate it: the data services recover under load), and at
# the deadline.
wait_healthy() { # <seconds> <tolerate unhealthy: 0|1> <container id>...
  local deadline=$(($(date +%s) + $1)) tolerate="$2" id status
  shift 2
  for id in "$@"; do
    while status="$(health "$id")" && [ "$status" != "running healthy" ]; do
      case "$status" in
        "running starting") ;;
        "running unhealthy") [ "$tolerate" = 1 ] || return 1 ;;
        *) return 1 ;;
      esac
      [ "$(date +%s)" -le "$deadline" ] || return 1
      sleep 0.5
    done
  done
}

# Starts services on <tag> (or leaves them as they are) and waits until they are healthy.
start_healthy() { # <tag> <seconds> <service>...
  at "$1" up -d "${@:3}" >/dev/null 2>&1 || return 1
  local svc ids=()
  for svc in "${@:3}"; do ids+=($(running "$svc")); done
  wait_healthy "$2" 1 "${ids[@]}"
}

# Zero-downtime rollout of one service (DESIGN §11): new replicas beside the old, wait until they
# are healthy, then stop the old ones by id. Caddy dials the service name, which Docker DNS
# resolves to every running replica at each dial, and moves on to the next address when one
# refuses (starting, or done draining). Without a running replica (first deploy) it just starts one.
roll() { # <service> <tag>
  local svc="$1" to="$2" old new id status deadline
  old="$(running "$svc" | sort)"
  if [ -z "$old" ]; then
    start_healthy "$to" "$HEALTH_TIMEOUT" "$svc"
    return
  fi
  local n
  n="$(wc -l <<<"$old")"
  at "$to" up -d --no-recreate --scale "$svc=$((n * 2))" "$svc" >/dev/null 2>&1 || return 1
  new="$(comm -13 <(echo "$old") <(compose ps -q "$svc" | sort))"
  # shellcheck disable=SC2086 # ids, one per word
  if ! wait_healthy "$HEALTH_TIMEOUT" 0 $new; then
    for id in $new; do
      say "   new $svc ${id:0:12} is '$(health "$id")': removing the new replicas; the old ones keep serving"
      docker logs --tail 20 "$id" 2>&1 | sed 's/^/   | /'
    done
    docker rm -f $new >/dev/null
    return 1
  fi
  sleep 2 # a margin: the new replicas take their first connections before the old drain
  # shellcheck disable=SC2086 # ids, one per word
  docker stop $old >/dev/null && docker rm $old >/dev/null
  say "   $svc: $(wc -w <<<"$new") new replica(s) serving, $n old stopped"
}

step_backend() { roll backend "$tag" || fail "the new backend never became healthy; ${live_tag:-the live release} keeps serving"; }
step_frontend() { roll frontend "$tag" || fail "the new frontend never became healthy"; }

# 8. Caddy: started on a first deploy; afterwards only reloaded (never restarted), and only when
# the Caddyfile differs from the one it last loaded.
step_caddy() {
  local sum
  sum="$(sha256sum caddy/Caddyfile | cut -d' ' -f1)"
  if [ -z "$(running caddy)" ]; then
    start_healthy "$tag" "$HEALTH_TIMEOUT" caddy || fail "caddy did not become healthy"
  elif [ "$sum" != "$(cat "$STATE/caddy.sha256" 2>/dev/null)" ]; then
    say "   Caddyfile changed: caddy reload"
    compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile ||
      fail "caddy reload refused the new Caddyfile (the old config keeps serving)"
  else
    say "   Caddyfile unchanged: nothing to do"
  fi
  echo "$sum" >"$STATE/caddy.sha256"
}

# 9. The backup service on the new ops image.
step_ops() { start_healthy "$tag" "$HEALTH_TIMEOUT" backup || fail "the backup service did not become healthy"; }

# 10. Through Caddy, from the ops image on the app network: the API reports <tag>, the db and S3
# are ready, the SPA's root answers 200.
smoke() { # <tag>
  local domain port
  domain="$(env_value "$ENV_FILE" STACK_DOMAIN)"
  at "$1" run --rm --no-deps -T -e "EXPECT_TAG=$1" -e "DOMAIN=$domain" --entrypoint bash ops -c '
    curl_caddy() { curl -sk --max-time 5 --connect-to "$1:443:caddy:443" -o /tmp/body -w "%{http_code}" "https://$1$2"; }
    for try in $(seq 10); do
      api="$(curl_caddy "api.$DOMAIN" /api/v1/health || true)"
      health="$(cat /tmp/body 2>/dev/null)"
      app="$(curl_caddy "app.$DOMAIN" / || true)"
      tag="$(jq -r .image_tag <<<"$health" 2>/dev/null)"
      db="$(jq -r .supabase_ready <<<"$health" 2>/dev/null)"
      s3="$(jq -r .s3_ready <<<"$health" 2>/dev/null)"
      echo "   smoke $try: api $api tag=$tag db_ready=$db s3_ready=$s3; app / $app"
      [ "$api" = 200 ] && [ "$tag" = "$EXPECT_TAG" ] && [ "$db" = true ] && [ "$s3" = true ] && [ "$app" = 200 ] && exit 0
      sleep 1
    done
    exit 1'
}

# On a failed smoke: the previous tag back on the same path (no migrate: its schema is a subset).
auto_rollback() {
  say "== rollback to $live_tag (the smoke of $tag failed)"
  local t0
  t0="$(now_ms)"
  one_shots_back
  roll backend "$live_tag" && roll frontend "$live_tag" && start_healthy "$live_tag" "$HEALTH_TIMEOUT" backup &&
    smoke "$live_tag" || {
    steps="${steps:+$steps,}\"rollback\":$((($(now_ms) - t0) / 1000))"
    fail "the smoke of $tag failed, and so did the rollback to $live_tag: look now"
  }
  steps="${steps:+$steps,}\"rollback\":$((($(now_ms) - t0) / 1000))"
  result=rolled_back
  fail "the smoke of $tag failed; rolled back to $live_tag, which passed its smoke"
}

step_smoke() {
  smoke "$tag" && return
  if [ -n "$live_tag" ] && [ "$live_tag" != "$tag" ]; then auto_rollback; fi
  fail "the smoke of $tag failed and there is no previous release to roll back to"
}

# 11. The env file names the live tag (a plain `docker compose up -d` now changes nothing), and
# only images of the last $KEEP_RELEASES releases and the live one stay.
step_record() {
  sed -i "s/^IMAGE_TAG=.*/IMAGE_TAG=$tag/" "$ENV_FILE"
  say "   $ENV_FILE: IMAGE_TAG=$tag"
  local keep name ref
  keep="$( (grep '"result":"ok"' "$RELEASES" 2>/dev/null | sed -n 's/.*"tag":"\([^"]*\)".*/\1/p'; echo "$live_tag"; echo "$tag") |
    tac | awk 'NF && !seen[$0]++' | head -n $((KEEP_RELEASES + 1)))"
  for name in "${OUR_IMAGES[@]}"; do
    ref="$(image_ref "$name" "$tag")"
    docker image ls --format '{{.Repository}}:{{.Tag}}' "${ref%:*}" | while read -r old; do
      grep -qx "${old##*:}" <<<"$keep" || { docker rmi "$old" >/dev/null 2>&1 && say "   pruned $old"; } || true
    done
  done
}

for s in lock pull backup data migrate backend frontend caddy ops smoke record; do step "$s"; done
result=ok
