#!/usr/bin/env bash
# Removes what test runs left behind: containers and networks labelled by Testcontainers
# (needed where Ryuk, its reaper, cannot run). Safe to run at any time.
set -uo pipefail
command -v docker >/dev/null && docker info >/dev/null 2>&1 || # Compose projects the stack suite started (botmox-test-*), with their volumes.
for project in $(docker ps -a --format '{{.Label "com.docker.compose.project"}}' | grep '^botmox-test-' | sort -u); do
  docker compose -p "$project" down --volumes --remove-orphans >/dev/null 2>&1 || true
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null
  echo "[cleanup] removed compose project $project"
done
for volume in $(docker volume ls -q | grep '^botmox-test-'); do docker volume rm "$volume" >/dev/null 2>&1 || true; done
for network in $(docker network ls --format '{{.Name}}' | grep '^botmox-test-'); do docker network rm "$network" >/dev/null 2>&1 || true; done
exit 0
containers=$(docker ps -aq --filter label=org.testcontainers=true)
[ -n "$containers" ] && docker rm -f -v $containers >/dev/null && echo "[cleanup] removed $(echo "$containers" | wc -w) test container(s)"
networks=$(docker network ls -q --filter label=org.testcontainers=true)
[ -n "$networks" ] && docker network rm $networks >/dev/null && echo "[cleanup] removed $(echo "$networks" | wc -w) test network(s)"
# Compose projects the stack suite started (botmox-test-*), with their volumes.
for project in $(docker ps -a --format '{{.Label "com.docker.compose.project"}}' | grep '^botmox-test-' | sort -u); do
  docker compose -p "$project" down --volumes --remove-orphans >/dev/null 2>&1 || true
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null
  echo "[cleanup] removed compose project $project"
done
for volume in $(docker volume ls -q | grep '^botmox-test-'); do docker volume rm "$volume" >/dev/null 2>&1 || true; done
for network in $(docker network ls --format '{{.Name}}' | grep '^botmox-test-'); do docker network rm "$network" >/dev/null 2>&1 || true; done
exit 0
