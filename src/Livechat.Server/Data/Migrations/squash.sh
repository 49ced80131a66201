#!/usr/bin/env bash
# Squashes the migrations of both providers to one generated Initial (the whole current model) plus the hand-written
# Search (the raw SQL the model cannot say), and freezes the chain they replace as SQL in Legacy/, from which the server
# brings an existing database up to that chain's end and re-baselines it (Data/LegacyMigrations.cs).
#
#   src/Livechat.Server/Data/Migrations/squash.sh [LEGACY_REV]
#
# LEGACY_REV is a commit whose Sqlite/ and Postgres/ folders hold the whole unsquashed chain that databases in use may
# have (default: the one recorded in Legacy/SOURCE by the last run). After a branch that added a migration on top of
# that chain is merged, name that branch's tip (or a main that has it): its migrations join Legacy/, and Initial is
# regenerated from today's model. Deterministic: the same LEGACY_REV and model give the same files, byte for byte.
# The Initial and Search ids are the chain's last id plus one and two seconds, so they change whenever the legacy chain
# grows, and a database stamped by an earlier squash is refused instead of being taken for up to date.
#
# Needs: dotnet (the tool manifest's dotnet-ef), git. Rewrites Sqlite/, Postgres/ and Legacy/ in the working tree;
# on failure it puts them back as they were. Review `git status` and commit the result.
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
M=src/Livechat.Server/Data/Migrations
legacy=${1:-$(cat "$M/Legacy/SOURCE" 2>/dev/null || true)}
[ -n "$legacy" ] || { echo "usage: $0 LEGACY_REV (no Legacy/SOURCE to default to)" >&2; exit 2; }
legacy=$(git rev-parse --verify "$legacy^{commit}")
if git cat-file -e "$legacy:$M/Legacy" 2>/dev/null; then
  echo "$legacy is already squashed: name a commit whose migrations are the unsquashed chain" >&2
  exit 2
fi
ef() { dotnet ef "$@" --project src/Livechat.Server --no-build; }
build() { dotnet build src/Livechat.Server -p:SkipLivechatWidget=true -v q -nologo >/dev/null; }

backup=$(mktemp -d)
cp -a "$M/." "$backup/"
ok=
trap '[ -n "$ok" ] || { echo "squash failed: migrations restored" >&2; rm -rf "$M"; mkdir -p "$M"; cp -a "$backup/." "$M/"; }; rm -rf "$backup"' EXIT
dotnet tool restore >/dev/null

# 1. The legacy chain, compiled in place of ours, as one SQL file per migration and provider.
rm -rf "$M/Sqlite" "$M/Postgres" "$M/Legacy"
git archive "$legacy" "$M/Sqlite" "$M/Postgres" | tar -x
build
last=0
for p in Sqlite Postgres; do
  mkdir -p "$M/Legacy/$p"
  prev=0
  for id in $(grep -ho '\[Migration("[^"]*")\]' "$M/$p"/*.cs | sed 's/.*("\(.*\)").*/\1/' | sort -u); do
    ef migrations script "$prev" "$id" --context "${p}LivechatDb" --no-transactions -o "$M/Legacy/$p/$id.sql" >/dev/null
    sed -i '1s/^\xEF\xBB\xBF//' "$M/Legacy/$p/$id.sql"
    prev=$id
    if [ "${id%%_*}" \> "$last" ]; then last=${id%%_*}; fi
  done
done
echo "$legacy" > "$M/Legacy/SOURCE"

# 2. Initial from the model, Search (kept from the working tree) after it.
stamp() { date -u -d "${last:0:4}-${last:4:2}-${last:6:2} ${last:8:2}:${last:10:2}:${last:12:2} UTC + $1 second" +%Y%m%d%H%M%S; }
initial="$(stamp 1)_Initial"
search="$(stamp 2)_Search"
for p in Sqlite Postgres; do
  rm -rf "$M/$p"
  mkdir -p "$M/$p"
  src=$(ls "$backup/$p"/*_Search.cs)
  sed "s/\[Migration(\"[^\"]*\")\]/[Migration(\"$search\")]/" "$src" > "$M/$p/${search}.cs"
done
build
for p in Sqlite Postgres; do
  ef migrations add Initial --context "${p}LivechatDb" -o "Data/Migrations/$p" >/dev/null
  for f in "$M/$p"/*_Initial.cs "$M/$p"/*_Initial.Designer.cs; do
    [ "$f" = "$M/$p/${initial}${f##*_Initial}" ] || mv "$f" "$M/$p/${initial}${f##*_Initial}"
  done
  sed -i "s/\[Migration(\"[^\"]*_Initial\")\]/[Migration(\"$initial\")]/" "$M/$p/${initial}.Designer.cs"
done
build
ok=1
echo "Legacy chain from $legacy; new chain: $initial, $search"
