#!/usr/bin/env bash
# Removes what test runs left behind: containers and networks labelled by Testcontainers
# (needed where Ryuk, its reaper, cannot run). Safe to run at any time.
set -uo pipefail
command -v docker >/dev/null && docker info >/dev/null 2>&1 || exit 0
containers=$(docker ps -aq --filter label=org.testcontainers=true)
[ -n "$containers" ] && docker rm -f -v $containers >/dev/null && echo "[cleanup] removed $(echo "$containers" | wc -w) test container(s)"
networks=$(docker network ls -q --filter label=org.testcontainers=true)
[ -n "$networks" ] && docker network rm $networks >/dev/null && echo "[cleanup] removed $(echo "$networks" | wc -w) test network(s)"
exit 0
