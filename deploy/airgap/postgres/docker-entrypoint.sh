#!/usr/bin/env bash
# The official postgres entrypoint's contract, condensed, plus the Supabase init steps.
set -Eeo pipefail

file_env() { # VAR or VAR_FILE, like the official image
  local var="$1" fileVar="${1}_FILE" def="${2:-}"
  if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then echo >&2 "error: both $var and $fileVar are set"; exit 1; fi
  local val="$def"
  if [ -n "${!var:-}" ]; then val="${!var}"; elif [ -n "${!fileVar:-}" ]; then val="$(<"${!fileVar}")"; fi
  export "$var"="$val"; unset "$fileVar"
}

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA"
  exec gosu postgres "$BASH_SOURCE" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo >&2 'error: database is uninitialized and POSTGRES_PASSWORD is not set'
    exit 1
  fi

  # As on supabase/postgres, role postgres is no superuser: when it is the requested user, the
  # bootstrap superuser is supabase_admin. Any other POSTGRES_USER is the superuser, as upstream.
  BOOTSTRAP_USER="$POSTGRES_USER"
  [ "$POSTGRES_USER" = postgres ] && BOOTSTRAP_USER=supabase_admin

  initdb --username="$BOOTSTRAP_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" $POSTGRES_INITDB_ARGS
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

  # Temporary server on the socket only, so nothing connects before init is done.
  PGUSER="$BOOTSTRAP_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  psql_su=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$BOOTSTRAP_USER" --no-password)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql_su[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'create database :"db";'
    echo "created database $POSTGRES_DB"
  fi
  # Supabase's roles and schemas, in every database a client may use.
  for db in postgres "$POSTGRES_DB"; do
    "${psql_su[@]}" --dbname "$db" --set pw="$POSTGRES_PASSWORD" --set db="$db" \
      -f /usr/local/share/supabase-init/supabase-init.sql >/dev/null
    [ "$db" = "$POSTGRES_DB" ] && break
  done
  echo "supabase-init: roles, schemas and auth helpers created"

  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then echo "running $f"; "$f"; else echo "sourcing $f"; . "$f"; fi ;;
      *.sql) echo "running $f"; "${psql_su[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql_su[@]}" --dbname "$POSTGRES_DB" ;;
      *) [ -e "$f" ] && echo "ignoring $f" ;;
    esac
  done

  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
