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
# Steps, each printed and timed: lock, pull, prepare (the tag's containers created, beside the
# backup), backup, data, migrate, rollout (backend and frontend together), caddy, ops (beside the
# smoke), smoke, record; a rollback to a release that served before has no backup step (it runs
# no migration: see the end). A failed smoke rolls back to the
# previous tag (and smokes that). Every attempt, refused ones included, appends one JSON line to
# $BOT_MOX_DIR/releases.jsonl.
# Readiness is probed by this script (curl on a new replica's address, `ops health` in the backup
# container) instead of waiting for Docker's health status: Docker 20.10 runs a container's first
# check only one interval after its start, which cost 5-30 s per step.
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
# A service's containers by compose's labels (-a: in any state), one docker call: cheaper than
# `compose ps`, which parses the manifest first. One-off containers (compose run) are no replicas.
ids_of() { # [-a | --created] <service>
  local all=()
  case "$1" in
    -a) all=(-a) && shift ;;
    --created) all=(-a --filter status=created) && shift ;; # created, never started
  esac
  docker ps -q --no-trunc "${all[@]}" --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" --filter label=com.docker.compose.oneoff=False
}
running() { ids_of "$1" 2>/dev/null; }
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
result=failed failed_step="" message="" digests="" steps="" holding_lock=0 backup_record=""
record() {
  local code=$?
  # Background steps (the old replicas' drain, the backup service) end before the attempt does:
  # the state this script leaves is final when it returns, and no child keeps the lock's fd.
  wait 2>/dev/null || true
  # Failed before the rollout started anything: the containers created for $tag go.
  [ "$result" = ok ] || [ "$touched" = 0 ] || unprepare || say "   (removing the containers created for $tag failed: docker ps shows them)"
  [ "$holding_lock" = 0 ] || rm -f "$LOCK_NOTE"
  [ "$result" = ok ] || [ "$code" -ne 0 ] || result=failed
  printf '{"time":"%s","actor":%s,"kind":"%s","tag":"%s","previous_tag":"%s","result":"%s","failed_step":"%s","message":%s,"seconds":{%s},"digests":{%s},"backup":{%s}}\n' \
    "$started_at" "$(json_str "$ACTOR")" "$kind" "$tag" "$live_tag" "$result" "$failed_step" \
    "$(json_str "$message")" "$steps" "$digests" "$backup_record" >>"$RELEASES"
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

# Background steps: step_<name> runs beside the next steps, its output and seconds kept until
# await_step collects them. It must not call fail (a subshell's exit would not stop the attempt):
# it prints why and returns non-zero, and await_step fails the attempt with that line.
declare -A bg_pid=()
bg_step() { # <name> [args]
  local name="$1"
  say "== $name ($(date -u +%H:%M:%S), beside the next steps)"
  (
    exec 9>&- # the lock stays with the main process
    t0="$(now_ms)"
    rc=0
    "step_$@" >"$STATE/$name.out" 2>&1 || rc=$?
    echo "$rc $(($(now_ms) - t0))" >"$STATE/$name.rc"
  ) &
  bg_pid[$name]=$!
}
await_step() { # <name>
  local name="$1" rc ms
  [ -n "${bg_pid[$name]:-}" ] || return 0
  wait "${bg_pid[$name]}" || true
  unset "bg_pid[$name]"
  cat "$STATE/$name.out"
  read -r rc ms <"$STATE/$name.rc" || rc=1 ms=0
  steps="${steps:+$steps,}\"$name\":$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  say "   $name done in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
  current_step="$name"
  [ "$rc" = 0 ] || fail "$(grep -v '^\s*$' "$STATE/$name.out" | tail -n 1 | sed 's/^\[deploy\] *//')"
}

# A rollback to a release that served before applies no migration (its schema is a subset of
# the live one): its one-shots run inside the rollout's compose call. Any other tag takes the
# deploy's path.
known_release=0
if [ "$kind" = rollback ] && grep '"result":"ok"' "$RELEASES" 2>/dev/null | grep -q "\"tag\":\"$tag\""; then
  known_release=1
fi

# 2. Every image of the tag, before anything changes. A rollback uses the images kept here.
step_pull() {
  # Ours afresh on a deploy, the third-party ones (pinned) and a rollback's only when missing;
  # one docker call each, in parallel.
  local name key ref refs=() pids=() policy=always bad=0
  [ "$kind" = deploy ] || policy=missing
  for name in "${OUR_IMAGES[@]}"; do refs+=("$policy $(image_ref "$name" "$tag")"); done
  for key in CADDY_IMAGE POSTGRES_IMAGE S3_IMAGE; do
    refs+=("missing $(env_value "$ENV_FILE" "$key" || env_value images.env "$key")")
  done
  for ref in "${refs[@]}"; do
    # shellcheck disable=SC2086 # "<policy> <ref>"
    set -- $ref
    { [ "$1" = missing ] && docker image inspect "$2" >/dev/null 2>&1 || docker pull -q "$2" >/dev/null; } &
    pids+=($!)
  done
  for ref in "${pids[@]}"; do wait "$ref" || bad=1; done
  [ "$bad" = 0 ] || fail "cannot pull every image of $tag (is the tag pushed?); nothing was changed"
  refs=()
  for name in "${OUR_IMAGES[@]}"; do refs+=("$(image_ref "$name" "$tag")"); done
  local digest i=0
  while read -r digest; do
    name="${OUR_IMAGES[$i]}" i=$((i + 1))
    digest="$(tr ' ' '\n' <<<"$digest" | grep -m1 @ || true)"
    digests="${digests:+$digests,}\"$name\":\"${digest#*@}\""
    say "   $(image_ref "$name" "$tag") ${digest#*@}"
  done < <(docker image inspect --format '{{join .RepoDigests " "}}' "${refs[@]}")
  # What needs no backup first is created now, beside the backup step (nothing is started).
  touched=1
  bg_step prepare
}

# The containers of $tag, created by one compose call and started by later steps by id: the
# one-shots (their old containers removed first: with --no-recreate compose would keep them, on
# the old tag), new replicas of backend and frontend beside the running ones, and a second
# container of the backup service (the running one still takes the pre-deploy backup; the
# rollout swaps them). `create` gives them the config hash `up` would, so a later plain
# `docker compose up -d` recreates nothing; compose 2.26's `up` would also start the one-shots
# again (see rollout). A compose call costs seconds on the loaded VPS: beside the backup, not
# after it.
prepared=0 touched=0
step_prepare() {
  # Never-started containers are left over from an interrupted attempt, maybe on another tag.
  remove_created
  remove_one_shots
  create_replicas "$tag" backend frontend backup -- migrate storage-init backup-init
}
# Creates on <tag>, with one compose call, a new replica beside each running one of the services
# before "--" (one if none runs) and the services after it; starts nothing.
create_replicas() { # <tag> <replicated service>... [-- <service>...]
  local to="$1" svc n scale=() services=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    n="$(running "$1" | wc -l)"
    scale+=(--scale "$1=$((n > 0 ? n * 2 : 1))") services+=("$1")
    shift
  done
  [ $# = 0 ] || shift
  at "$to" create --no-recreate "${scale[@]}" "${services[@]}" "$@" >"$STATE/create.out" 2>&1 || {
    tail -n 5 "$STATE/create.out" | sed 's/^/   | /'
    say "compose create on $to failed"
    return 1
  }
}
await_prepare() { # (its failure fails the attempt: the exit trap runs unprepare)
  [ -n "${bg_pid[prepare]:-}" ] || return 0
  local step_now="$current_step"
  await_step prepare
  current_step="$step_now" # a later failure is the awaiting step's, not prepare's
  prepared=1
}
# The replicated services' containers that were created and never started, removed.
remove_created() {
  local ids
  ids="$(for svc in backend frontend backup; do ids_of --created "$svc"; done)"
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
}
# The containers step_prepare created (never started) gone, the one-shots back on the live tag:
# the state before this attempt.
unprepare() {
  touched=0
  remove_created
  prepared=0
  backup_undo
  one_shots_back
}

# 3. A restore point of the live database first (deploy/README.md "Backups"): `ops backup --kind
# auto` names a point in the streamed WAL (a base backup and healthy streaming make it
# recoverable: `ops pitr-drill --to-name`), in about a second; without them it takes a dump and
# says why. By id in the running container: `compose exec` would parse the manifest first.
pre_backup() {
  local out id summary
  id="$(running backup | head -n 1)"
  out="$(docker exec "$id" ops backup --reason "pre-$kind" --kind auto --label "$tag" 2>&1)" || {
    echo "$out" | tail -n 5 | sed 's/^/   | /'
    say "the pre-$kind backup failed"
    return 1
  }
  summary="$(tail -n 1 <<<"$out")"
  # Its progress lines, timestamped: where the step's seconds went.
  grep -v '^{' <<<"$out" | sed 's/^/   | /' || true
  json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$summary"; }
  if [ "$(json_field kind)" = wal ]; then
    backup_record="\"kind\":\"restore_point\",\"name\":$(json_str "$(json_field restore_point)"),\"lsn\":\"$(json_field lsn)\""
    say "   pre-$kind restore point: $(json_field restore_point) at $(json_field lsn) (WAL segment $(json_field segment) streamed)"
  else
    backup_record="\"kind\":\"dump\",\"file\":$(json_str "$(json_field dump)"),\"why\":$(json_str "$(json_field restore_point_skipped)")"
    say "   no restore point: $(json_field restore_point_skipped)"
    say "   pre-$kind dump: $summary"
  fi
}
step_backup() {
  if [ "$skip_backup" = 1 ]; then
    say "   skipped (--skip-backup)"
  elif [ -z "$(running db)" ]; then
    say "   no live database yet: nothing to back up"
  elif [ -z "$(running backup)" ]; then
    fail "the backup service is not running: start it, or pass --skip-backup to deploy without a backup"
  else
    # Not beside the rollout: a dump there met the stand-in db's crash recovery (a server process
    # died while the one-shots and the new replicas connected), and the dump failed.
    pre_backup || fail "the pre-$kind backup failed; nothing was changed"
  fi
}

# 4. The data services: started on a first deploy, left as they are afterwards unless the files
# their config comes from (compose file, images manifest, .env.prod but its IMAGE_TAG) changed
# since the last deploy that checked them: then `up -d db minio`, which recreates only a service
# whose config changed, as a later plain `docker compose up -d` would. A checksum here, not
# compose's config hash: `compose config --hash` cost 3 s of the step on the loaded VPS.
data_config_sum() {
  { cat compose.stack.yml images.env; grep -v '^IMAGE_TAG=' "$ENV_FILE"; } | sha256sum | cut -d' ' -f1
}
step_data() {
  local ids sum
  ids="$(running db; running minio)" sum="$(data_config_sum)"
  # shellcheck disable=SC2086 # ids, one per word
  if [ "$(wc -w <<<"$ids")" = 2 ] &&
    [ "$(docker inspect --format '{{.State.Health.Status}}' $ids | sort -u)" = healthy ]; then
    if [ "$sum" = "$(cat "$STATE/data-config.sha256" 2>/dev/null)" ]; then
      say "   db and minio running and healthy, their config files unchanged"
      return
    fi
    say "   the config files changed since the last deploy: up -d db minio (recreates what changed)"
  fi
  await_prepare # no two compose calls at once
  start_healthy "$tag" "$DATA_TIMEOUT" db minio || fail "db or minio did not become healthy in $DATA_TIMEOUT s"
  echo "$sum" >"$STATE/data-config.sha256"
}

# docker start of each container in parallel (`docker start a b` starts one after the other, and
# a start costs seconds on the loaded VPS); non-zero if one failed.
start_all() { # <container id>...
  local id pids=() bad=0
  for id in "$@"; do
    docker start "$id" >/dev/null 9>&- &
    pids+=($!)
  done
  for id in "${pids[@]}"; do wait "$id" || bad=1; done
  return "$bad"
}

# Runs the one-shots on <tag> to completion, in the order their depends_on in compose.stack.yml
# gives: migrate and storage-init side by side (neither needs the other), backup-init once
# migrate succeeded (it grants on ops.runs, which a migration creates). Compose creates them
# (the config `up` would give them, so a later plain `docker compose up -d` recreates nothing);
# this script starts them by id: compose 2.26's `up` first waits on each dependency's health,
# then polls a completed one before starting its dependent (seconds at a time on a loaded host).
# Prints when each was created, started and exited, migrate's last lines and those of one that
# failed; non-zero if one failed or did not run. On $tag, step_prepare created them already, and
# backup-init is only started (in the background, by start_backup_swap) once migrate succeeded:
# nothing on the request path needs it, only the backup service.
backup_init_id=""
one_shots() { # <tag>
  local to="$1" since t0 bad=0 migrate storage backup_init svc name state code defer=0
  since="$(date -u +%Y-%m-%dT%H:%M:%S)" t0="$(now_ms)"
  if [ "$prepared" = 0 ] || [ "$to" != "$tag" ]; then
    remove_one_shots
    at "$to" create --no-recreate migrate storage-init backup-init >"$STATE/one-shots.create" 2>&1 || {
      tail -n 5 "$STATE/one-shots.create" | sed 's/^/   | /'
      return 1
    }
  else
    defer=1
  fi
  migrate="$(ids_of -a migrate | head -n 1)" storage="$(ids_of -a storage-init | head -n 1)"
  backup_init="$(ids_of -a backup-init | head -n 1)"
  [ -n "$migrate" ] && [ -n "$storage" ] && [ -n "$backup_init" ] || return 1
  start_all "$migrate" "$storage" || bad=1
  if [ "$(docker inspect --format '{{.State.Status}}' "$migrate")" != created ] &&
    [ "$(docker wait "$migrate")" = 0 ]; then
    if [ "$defer" = 1 ]; then
      backup_init_id="$backup_init"
      start_backup_swap
    else
      docker start "$backup_init" >/dev/null || bad=1
    fi
  fi
  local ids=("$migrate" "$storage") waiting=()
  [ "$defer" = 1 ] || ids+=("$backup_init")
  while read -r name state; do
    [ "$state" != running ] || waiting+=("$name")
  done < <(docker inspect --format '{{.Id}} {{.State.Status}}' "${ids[@]}")
  [ "${#waiting[@]}" = 0 ] || docker wait "${waiting[@]}" >/dev/null
  local created started finished timing=""
  ms_at() { echo $(($(date -d "$1" +%s%N) / 1000000 - t0)); } # ms since t0 of an RFC 3339 time
  while read -r name state code created started finished; do
    svc="${name#/"$PROJECT"-}" svc="${svc%-[0-9]*}"
    if [ "$state" = created ]; then
      say "   $svc: not run (a service it depends on failed)"
      bad=1
      continue
    fi
    timing+="$svc $(ms_at "$created")/$(ms_at "$started")/$(ms_at "$finished"), "
    if [ "$code" != 0 ] || [ "$svc" = migrate ]; then
      # This run's last lines, without terminal escapes.
      docker logs --since "$since" "${name#/}" 2>&1 | tail -n 3 | sed "s/\x1b\[[0-9;]*[A-Za-z]//g; s/^/   $svc: /"
      [ "$code" = 0 ] || bad=1
    fi
  done < <(docker inspect --format '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{.Created}} {{.State.StartedAt}} {{.State.FinishedAt}}' "${ids[@]}")
  say "   one-shots (ms after the step began: created/started/exited): ${timing%, }"
  return "$bad"
}

# 5. Migrations (expand-only within a release, so the old version keeps working on the new
# schema), then the bucket and the backup role, idempotent.
step_migrate() {
  await_prepare
  stop_old_backup
  if [ "$known_release" = 1 ]; then
    # step_prepare created the one-shots on $tag; they are not run (each would be a no-op: $tag's
    # migrations, bucket and backup role are all in place), so that a later plain
    # `docker compose up -d` means $tag and recreates nothing.
    say "   nothing to migrate: $tag served before; its one-shots are created, not run"
    start_backup_swap
    return
  fi
  # No retry: the dropped `ops init` connection that one covered was Postgres's crash recovery
  # from an orphaned healthcheck probe, gone with the db's `init: true` (docs/design.md, §8).
  one_shots "$tag" && return
  local migrate_exit
  migrate_exit="$(docker inspect --format '{{.State.ExitCode}}' "$(ids_of -a migrate | head -n 1)" 2>/dev/null || true)"
  # (the exit trap puts the one-shots back on the live tag and removes the new containers)
  [ "$migrate_exit" = 0 ] || fail "migrate failed; ${live_tag:-the live release} keeps serving, unchanged"
  fail "storage-init or backup-init failed; ${live_tag:-the live release} keeps serving"
}
# The exited one-shots' containers, so that compose creates them anew on the next tag (with
# --no-recreate it would start the old ones, on the old tag).
remove_one_shots() {
  local ids
  ids="$(for svc in migrate storage-init backup-init; do ids_of -a "$svc"; done)"
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
}
# The one-shots' containers back on the live tag (each a no-op there), so that a plain
# `docker compose up -d` still means the live release and recreates nothing.
one_shots_back() {
  [ -n "$live_tag" ] && [ "$live_tag" != "$tag" ] || return 0
  say "   one-shots back on $live_tag"
  one_shots "$live_tag" >/dev/null || say "   (they failed there too)"
}

health() { docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1"; }
# Waits until every container is running and healthy by Docker's health checks (the data
# services and Caddy on a first deploy); fails on one that stopped, on one that turned unhealthy
# (unless told to tolerate it: the data services recover under load), and at the deadline.
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

# What the health checks of compose.stack.yml probe, asked by this script on the replica's
# address on the app network: an answer as soon as the replica is up, not a check interval later.
# The backend's readiness also covers its database, migrations and S3.
probe_path() { # <service>
  case "$1" in
    backend) echo /api/v1/health/ready ;;
    frontend) echo /healthz ;;
  esac
}
# Waits until every container answers its probe; fails on one that stopped, and at the deadline.
wait_ready() { # <seconds> <container id>...
  local deadline=$(($(date +%s) + $1)) id svc state ip tick=0
  shift
  declare -A pending=()
  for id in "$@"; do pending[$id]=""; done
  while [ "${#pending[@]}" -gt 0 ]; do
    # The addresses, and whether each is still running: every 2 s (a docker call costs).
    if [ $((tick % 20)) = 0 ]; then
      while read -r id svc state restarts ip; do
        [ "$state" = running ] && [ "$restarts" = 0 ] ||
          { say "   $svc ${id:0:12} is $state, restarted $restarts times"; return 1; }
        pending[$id]="$svc ${ip:-}"
      done < <(docker inspect --format "{{.Id}} {{index .Config.Labels \"com.docker.compose.service\"}} {{.State.Status}} {{.RestartCount}} {{with index .NetworkSettings.Networks \"${PROJECT}_app\"}}{{.IPAddress}}{{end}}" "${!pending[@]}")
    fi
    for id in "${!pending[@]}"; do
      read -r svc ip <<<"${pending[$id]}"
      [ -n "${ip:-}" ] && curl -fso /dev/null --max-time 2 "http://$ip:8080$(probe_path "$svc")" &&
        unset "pending[$id]"
    done
    [ "${#pending[@]}" = 0 ] && break
    [ "$(date +%s)" -le "$deadline" ] || { say "   not ready after $HEALTH_TIMEOUT s: ${!pending[*]}"; return 1; }
    tick=$((tick + 1))
    sleep 0.1
  done
}

# Zero-downtime rollout of services (DESIGN §11), all of them at once: their new replicas (created
# beside the old ones by step_prepare, else here in one compose call) started by id, wait until
# each answers its probe, then stop the old ones by id (in the background: their drain goes on
# beside the next steps). Caddy dials the service name, which Docker DNS resolves to every running
# replica at each dial, and moves on to the next address when one refuses (starting, or done
# draining). Without a running replica (first deploy) it starts one.
# `create`, not `up`: compose 2.26's `up` starts every exited one-shot the services depend on
# again (migrate, then backup-init, one after the other, each a node start on half a CPU: most of
# the step's 21 s), although the migrate step has just run them on this tag. `create` gives the
# new containers the same config hash as `up` (it reads the dependencies too), so a later plain
# `docker compose up -d` recreates nothing.
draining_pid=""
rollout() { # <tag> <service>...
  local to="$1" svc n old="" new report=""
  shift
  local ids
  for svc in "$@"; do
    ids="$(running "$svc")"
    n="$(grep -c . <<<"$ids" || true)"
    old+="$ids"$'\n'
    report+="$svc: $((n > 0 ? n : 1)) new, $n old; "
  done
  old="$(grep . <<<"$old" | sort || true)"
  local up_ok=1 t0 t_created t_started
  t0="$(now_ms)"
  : >"$STATE/rollout.up"
  if [ "$prepared" = 0 ] || [ "$to" != "$tag" ]; then
    create_replicas "$to" "$@" >>"$STATE/rollout.up" 2>&1 || up_ok=0
  fi
  t_created="$(now_ms)"
  new="$(for svc in "$@"; do ids_of --created "$svc"; done)"
  # shellcheck disable=SC2086 # ids, one per word
  [ "$up_ok" = 0 ] || [ -z "$new" ] || start_all $new 2>>"$STATE/rollout.up" || up_ok=0
  t_started="$(now_ms)"
  # shellcheck disable=SC2086 # ids, one per word
  if [ "$up_ok" = 0 ] || ! wait_ready "$HEALTH_TIMEOUT" $new; then
    [ "$up_ok" = 1 ] || tail -n 5 "$STATE/rollout.up" | sed 's/^/   | /'
    for id in $new; do
      say "   new ${id:0:12} is '$(health "$id")': removing the new replicas; the old ones keep serving"
      docker logs --tail 20 "$id" 2>&1 | sed 's/^/   | /'
    done
    [ -z "$new" ] || docker rm -f $new >/dev/null
    return 1
  fi
  if [ -n "$old" ]; then
    # shellcheck disable=SC2086 # ids, one per word
    (exec 9>&- && docker stop $old >/dev/null && docker rm $old >/dev/null) &
    draining_pid=$!
  fi
  say "   ${report%; } (the old ones draining); compose create $((t_created - t0)) ms, docker start $((t_started - t_created)) ms, ready after $(($(now_ms) - t_started)) ms"
}
await_drained() {
  [ -n "$draining_pid" ] || return 0
  wait "$draining_pid" || say "   (stopping an old replica failed: docker ps shows it)"
  draining_pid=""
}

# The backup service is not on the request path, and swaps containers in the background: the
# running one stops once the pre-deploy backup is done (step_migrate; both would stream WAL on the
# one slot, and the slot keeps the WAL meanwhile), its container on $tag (created by step_prepare)
# starts when backup-init has succeeded (started when migrate exits: nothing on the request path
# needs it), beside the rollout. The ops step waits for its health, then removes the old one.
backup_id="" old_backup="" backup_stop_pid="" backup_swap_pid=""
stop_old_backup() {
  backup_id="$(ids_of --created backup | head -n 1)" old_backup=""
  rm -f "$STATE/backup-swap.rc"
  [ -n "$backup_id" ] || return 0
  old_backup="$(running backup)"
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$old_backup" ] || { (exec 9>&- && docker stop $old_backup >/dev/null) & backup_stop_pid=$!; }
}
swap_backup() { # (in the background) backup-init if it is to run, then the new backup container
  if [ -n "$backup_init_id" ]; then
    docker start "$backup_init_id" >/dev/null && [ "$(docker wait "$backup_init_id")" = 0 ] || {
      docker logs --tail 3 "$backup_init_id" 2>&1 | sed 's/^/   backup-init: /'
      echo "backup-init failed on $tag: the backup service stays on ${live_tag:-nothing}"
      # shellcheck disable=SC2086 # ids, one per word
      [ -z "$old_backup" ] || { docker wait $old_backup >/dev/null && docker start $old_backup >/dev/null; }
      return 1
    }
  fi
  [ -n "$backup_id" ] || return 0
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$old_backup" ] || docker wait $old_backup >/dev/null
  docker start "$backup_id" >/dev/null
}
start_backup_swap() {
  (
    exec 9>&-
    rc=0
    swap_backup || rc=$?
    echo "$rc" >"$STATE/backup-swap.rc"
  ) >"$STATE/backup-swap.out" 2>&1 &
  backup_swap_pid=$!
}
# The old backup container running again, the new one gone (the attempt failed before its cutover).
backup_undo() {
  [ -z "$backup_swap_pid" ] || wait "$backup_swap_pid" 2>/dev/null || true
  [ -z "$backup_stop_pid" ] || wait "$backup_stop_pid" 2>/dev/null || true
  [ -z "$backup_id" ] || docker rm -f "$backup_id" >/dev/null 2>&1 || true
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$old_backup" ] || docker start $old_backup >/dev/null ||
    say "   (the backup service did not come back: docker ps -a shows it)"
  backup_id="" old_backup="" backup_swap_pid="" backup_stop_pid=""
}
step_rollout() {
  await_prepare
  touched=0 # from here on, a failure is this step's or the smoke's to undo
  rollout "$tag" backend frontend || {
    backup_undo
    one_shots_back
    fail "the new backend or frontend never became ready; ${live_tag:-the live release} keeps serving"
  }
}

# 8. Caddy: started on a first deploy; afterwards only reloaded (never restarted), and only when
# the Caddyfile differs from the one it last loaded.
step_caddy() {
  local sum
  sum="$(sha256sum caddy/Caddyfile | cut -d' ' -f1)"
  if [ -z "$(running caddy)" ]; then
    # Created by compose and started by id, as the rollout does: its dependencies (backend,
    # frontend) answered their probes already, and `up` would wait for their Docker health and
    # run the one-shots once more.
    local id
    at "$tag" create --no-recreate caddy >"$STATE/caddy.up" 2>&1 && id="$(ids_of -a caddy)" &&
      docker start "$id" >/dev/null 2>>"$STATE/caddy.up" && wait_healthy "$HEALTH_TIMEOUT" 0 "$id" || {
      tail -n 5 "$STATE/caddy.up" | sed 's/^/   | /'
      fail "caddy did not become healthy"
    }
  elif [ "$sum" != "$(cat "$STATE/caddy.sha256" 2>/dev/null)" ]; then
    say "   Caddyfile changed: caddy reload"
    compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile ||
      fail "caddy reload refused the new Caddyfile (the old config keeps serving)"
  else
    say "   Caddyfile unchanged: nothing to do"
  fi
  echo "$sum" >"$STATE/caddy.sha256"
}

# 9. The backup service on <tag> (started by the rollout; by ops_up after a failed smoke), until
# `ops health` (its health check) passes in it. Not on the request path: beside the smoke.
ops_up() { # <tag>
  backup_id=""
  rm -f "$STATE/backup-swap.rc"
  at "$1" up -d backup >/dev/null 2>&1 || { say "the backup service did not start"; return 1; }
  ops_healthy "$1"
}
ops_healthy() { # <tag>
  local deadline=$(($(date +%s) + HEALTH_TIMEOUT)) id state
  # In any state: the rollout may still be starting it in the background ("created").
  id="${backup_id:-$(ids_of -a backup | head -n 1)}"
  until [ -n "$id" ] && docker exec "$id" ops health >/dev/null 2>&1; do
    state="$( [ -z "$id" ] || docker inspect --format '{{.State.Status}}' "$id")"
    [ "$(cat "$STATE/backup-swap.rc" 2>/dev/null || echo 0)" = 0 ] || state=swap-failed
    if [ "$state" != running ] && [ "$state" != created ] || [ "$(date +%s)" -gt "$deadline" ]; then
      cat "$STATE/backup-swap.out" 2>/dev/null || true
      say "the backup service did not become healthy: $(docker exec "$id" ops health 2>&1 | tail -n 1)"
      return 1
    fi
    sleep 0.3
  done
  say "   backup service healthy on $1"
}
step_ops() {
  ops_healthy "$tag" || return 1
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$old_backup" ] || docker rm $old_backup >/dev/null || say "   (removing the old backup container failed)"
}

# 10. Through Caddy's published HTTPS port on this host: the API reports <tag>, the db and S3 are
# ready, the SPA's root answers 200. Retried for 10 s (an old replica may still be draining).
smoke() { # <tag>
  local domain addr port deadline=$(($(date +%s) + 10)) try=0 api app health
  domain="$(env_value "$ENV_FILE" STACK_DOMAIN)"
  addr="$(env_value "$ENV_FILE" STACK_BIND_ADDRESS || echo 0.0.0.0)"
  [ "$addr" != 0.0.0.0 ] || addr=127.0.0.1
  port="$(env_value "$ENV_FILE" STACK_HTTPS_PORT || echo 443)"
  curl_caddy() { # <host> <path>: the body, then the status on a line of its own
    curl -sk --max-time 5 --connect-to "$1:443:$addr:$port" -w '\n%{http_code}' "https://$1$2" || echo 000
  }
  field() { grep -o "\"$1\":[^,}]*" <<<"$health" | head -n 1 | cut -d: -f2- | tr -d '"'; }
  while :; do
    try=$((try + 1))
    health="$(curl_caddy "api.$domain" /api/v1/health)"
    api="$(tail -n 1 <<<"$health")"
    app="$(curl_caddy "app.$domain" / | tail -n 1)"
    echo "   smoke $try: api $api tag=$(field image_tag) db_ready=$(field supabase_ready) s3_ready=$(field s3_ready); app / $app"
    [ "$api" = 200 ] && [ "$(field image_tag)" = "$1" ] && [ "$(field supabase_ready)" = true ] &&
      [ "$(field s3_ready)" = true ] && [ "$app" = 200 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# On a failed smoke: the previous tag back on the same path (no migrate: its schema is a subset).
auto_rollback() {
  say "== rollback to $live_tag (the smoke of $tag failed)"
  local t0
  t0="$(now_ms)"
  await_drained
  wait "${bg_pid[ops]:-}" "${backup_swap_pid:-}" 2>/dev/null || true
  # shellcheck disable=SC2086 # ids, one per word
  [ -z "$old_backup" ] || docker rm -f $old_backup >/dev/null 2>&1 || true
  one_shots_back
  rollout "$live_tag" backend frontend && ops_up "$live_tag" && await_drained && smoke "$live_tag" || {
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
  # A rollback to a release that served before pulled nothing (its images were kept): no prune.
  [ "$known_release" = 0 ] || return 0
  local keep name filters=() old
  keep="$( (grep '"result":"ok"' "$RELEASES" 2>/dev/null | sed -n 's/.*"tag":"\([^"]*\)".*/\1/p'; echo "$live_tag"; echo "$tag") |
    tac | awk 'NF && !seen[$0]++' | head -n $((KEEP_RELEASES + 1)))"
  for name in "${OUR_IMAGES[@]}"; do filters+=(--filter "reference=$(image_ref "$name" "$tag" | sed 's/:[^:/]*$//')"); done
  docker image ls --format '{{.Repository}}:{{.Tag}}' "${filters[@]}" | while read -r old; do
    grep -qx "${old##*:}" <<<"$keep" || { docker rmi "$old" >/dev/null 2>&1 && say "   pruned $old"; } || true
  done
}

for s in lock pull backup data migrate rollout caddy; do
  if [ "$s" = backup ] && [ "$known_release" = 1 ]; then
    # No dump, and no backup step in the record: this rollback runs no migration, and releasing
    # code changes no data by itself, so the database stays as it is now, which the WAL stream
    # and the last dump and base backup (backup service) already cover. The deploy that changed
    # the schema took its own pre-deploy dump.
    say "== backup: none (a rollback to $tag, which served before, runs no migration)"
    continue
  fi
  step "$s"
done
# The backup service's health beside the smoke; the old replicas drain meanwhile.
bg_step ops
step smoke
await_step ops
await_drained
step record
result=ok
