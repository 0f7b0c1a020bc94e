#!/usr/bin/env bash
# The previous release's API tests against this release's schema. Migrations are expand-only
# within a release: the live version keeps serving on the new schema during a deploy, and again
# after a rollback (deploy-vps.sh runs no down-migration). A migration that breaks the previous
# code fails here, before any deploy. Checks out <ref> beside the repository, replaces its
# supabase/migrations with this checkout's, and runs its packages/acceptance integration API
# tests (Postgres from the manifest, migrated with the new files).
#   usage: scripts/schema-compat.sh [ref] [json report]   (ref default: HEAD^1, the release
#          before this commit on main; CI passes the previous release's commit where it knows it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ref="${1:-HEAD^1}"
report="${2:-}"
dir="$PWD/.cache/schema-compat"

commit="$(git rev-parse --verify --quiet "$ref^{commit}")" ||
  { echo "schema-compat: '$ref' is not a commit here (a shallow clone? fetch-depth 2 at least)" >&2; exit 2; }
echo "[schema-compat] previous code: $(git log -1 --format='%h %s' "$commit")"
echo "[schema-compat] new schema:    $(ls supabase/migrations | wc -l) migrations of $(git rev-parse --short HEAD)"

git worktree remove --force "$dir" >/dev/null 2>&1 || rm -rf "$dir"
git worktree prune
git worktree add --quiet --detach "$dir" "$commit"
trap 'git worktree remove --force "$dir" >/dev/null 2>&1 || true' EXIT
rm -rf "$dir/supabase/migrations"
cp -r supabase/migrations "$dir/supabase/migrations"
if [ ! -f "$dir/packages/acceptance/src/integration/api.test.ts" ]; then
  echo "[schema-compat] $commit has no packages/acceptance/src/integration/api.test.ts: nothing to run" >&2
  exit 2
fi

cd "$dir"
echo "[schema-compat] installing the previous release's dependencies"
pnpm install --frozen-lockfile --prefer-offline --reporter=append-only | tail -n 2
args=(--project backend-integration packages/acceptance/src/integration/api.test.ts --reporter=default)
[ -z "$report" ] || args+=(--reporter=json "--outputFile.json=$report")
pnpm exec vitest run "${args[@]}"
