#!/bin/sh
# firebase-server with what firebase-admin needs of it (DESIGN §4): -s owner, because the Admin
# SDK signs in to an emulator with the credential "owner" and the server admits exactly its
# secret; -n <host:port>, the name it tells clients to use; -e, its REST API. It starts empty
# when no data file is mounted.
set -eu
data="${RTDB_DATA_FILE:-/data/rtdb.json}"
set -- -p "${RTDB_PORT:-9000}" -e -s owner -n "${RTDB_NAME:-localhost:${RTDB_PORT:-9000}}"
if [ -s "$data" ]; then set -- "$@" -f "$data"; fi
exec node /opt/firebase-server/node_modules/firebase-server/bin/firebase-server.js "$@"
