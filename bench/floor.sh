#!/usr/bin/env bash
# The floor: how fast this machine answers requests that do only part of a save, next to saveInfo and the ceiling
# (GET /api/info), in the same run. bench/floor.patch adds five probe routes to a throw-away copy of the server (they
# never ship), each with saveinfo.lua's bodies, auth and view-l-room check:
#   auth           the request, its authentication, the permission check and the JSON body; nothing else
#   raw-read       + one hand-written read of the room's version (ADO.NET)
#   write          + one version bump of the room through the write path (SQLite's group commit; PostgreSQL's transaction), no read
#   ef-read        + one untracked EF Core read of the room's version
#   ef-read-write  + the EF read, then the write
# Each runs twice, alternating. Nothing is recorded in RESULTS.md; the figures are printed.
#
#   bench/floor.sh [--rooms N] [--postgres] [--duration SECONDS] [--port P]
set -euo pipefail
cd "$(dirname "$0")/.."
COPY=$(mktemp -d /tmp/livechat-floor-XXXXXX)
trap 'git worktree remove --force "$COPY" >/dev/null 2>&1 || rm -rf "$COPY"' EXIT
git worktree add -q --detach "$COPY" HEAD
git -C "$COPY" apply "$(pwd)/bench/floor.patch"
"$COPY/bench/run.sh" "$@"
