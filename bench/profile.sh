#!/usr/bin/env bash
# Where the server's CPU goes during room.saveInfo (or, with --scenario, visitor messages or visitor + room pairs):
# bench/run.sh --trace (publish, seed, warm up, then the scenario at c=32 while perf samples the server process at
# 499 Hz with call stacks), then bench/profile.py prints the CPU by area and the top frames. perf, not dotnet-trace:
# dotnet-trace's sampler records every managed thread's stack whether it runs or waits, and an async server's waits
# are not on any stack, so its "CPU" is mostly thread-pool parking;
# perf counts only on-CPU time, native SQLite and the kernel included.
#
#   bench/profile.sh [--rooms N] [--postgres] [--duration SECONDS] [--top N] [--scenario saveinfo|messages|pairs] [--port P]
set -euo pipefail
cd "$(dirname "$0")/.."

ARGS=(); TOP=25; ROOMS=1000; DURATION=20; SCENARIO=saveinfo
while [ $# -gt 0 ]; do
  case "$1" in
    --top) TOP=$2; shift 2 ;;
    --rooms) ROOMS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if ! command -v perf >/dev/null; then
  echo "installing perf…"; apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null
fi

mkdir -p bench/out
DATA=bench/out/$SCENARIO.perf.data
rm -f "$DATA"
bench/run.sh --rooms "$ROOMS" --duration "$DURATION" --trace "$DATA" --scenario "$SCENARIO" "${ARGS[@]}"
echo
echo "== where the server's CPU went during $SCENARIO ($DATA)"
perf script -i "$DATA" 2>/dev/null | python3 bench/profile.py "$TOP" | tee "bench/out/$SCENARIO.profile.txt"
