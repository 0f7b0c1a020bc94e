#!/usr/bin/env bash
# Removes what test runs left behind: containers and networks labelled by Testcontainers
# (needed where Ryuk, its reaper, cannot run), and the compose projects the stack and e2e
# suites started (botmox-test-*, botmox-e2e-*) with their volumes. Safe to run at any time.
set -uo pipefail
command -v docker >/dev/null && docker info >/dev/null 2>&1 || exit 0

containers=$(docker ps -aq --filter label=org.testcontainers=true)
[ -n "$containers" ] && docker rm -f -v $containers >/dev/null &&
  echo "[cleanup] removed $(echo "$containers" | wc -w) test container(s)"

for project in $(docker ps -a --format '{{.Label "com.docker.compose.project"}}' | grep -E '^botmox-(test|e2e)-' | sort -u); do
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null
  echo "[cleanup] removed compose project $project"
done
for volume in $(docker volume ls -q | grep -E '^botmox-(test|e2e)-'); do
  docker volume rm "$volume" >/dev/null 2>&1 && echo "[cleanup] removed volume $volume"
done

networks=$( (docker network ls -q --filter label=org.testcontainers=true
  docker network ls --format '{{.ID}} {{.Name}}' | awk '$2 ~ /^botmox-(test|e2e)-/ {print $1}') | sort -u)
[ -n "$networks" ] && docker network rm $networks >/dev/null 2>&1 &&
  echo "[cleanup] removed $(echo "$networks" | wc -w) test network(s)"
exit 0
