#!/usr/bin/env bash
# The benchmark: publishes the server in Release, starts it on a fresh database, seeds N rooms, warms up, then
# drives each endpoint with wrk (concurrency 32, fixed duration) and compares it with the ceiling (GET /api/info on the
# same server). What wrk cannot drive (a visitor's registration chained with opening the room, visitor messages from
# visitors with open rooms, simultaneous visitor and agent messages into one room) runs on bench/Load, the same way.
# Prints markdown tables and records them in bench/RESULTS.md and bench/results.json.
#
#   bench/run.sh [--rooms N] [--postgres] [--duration SECONDS] [--connections C] [--port P] [--trace FILE [--scenario S]]
#
# --trace FILE: after the warm-up, only one scenario runs (--scenario: saveinfo, the default; messages; pairs), while
# perf samples the server's CPU into FILE (perf.data); nothing is recorded in RESULTS.md. bench/profile.sh uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

ROOMS=10000; PROVIDER=Sqlite; DURATION=15; CONNECTIONS=32; PORT=3100; TRACE=""; SCENARIO=saveinfo
while [ $# -gt 0 ]; do
  case "$1" in
    --rooms) ROOMS=$2; shift 2 ;;
    --postgres) PROVIDER=Postgres; shift ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --trace) TRACE=$(realpath -m "$2"); shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done

# A server already listening there would be measured instead of this one.
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "port $PORT is in use (another benchmark?): pass --port"; exit 2; fi

if ! command -v wrk >/dev/null; then
  echo "installing wrk…"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

WORK=$(mktemp -d /tmp/livechat-bench-XXXXXX)
chmod 755 "$WORK"
SERVER_PID=""; PG_BIN=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  cp "$WORK/server.log" "$ROOT/bench/out/server.log" 2>/dev/null || true  # warnings and errors of the last run
  if [ -n "$PG_BIN" ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== publishing the server (Release)"
dotnet publish src/Livechat.Server -c Release -o bench/out/server --nologo -v quiet >/dev/null
dotnet publish bench/Load -c Release -o bench/out/load --nologo -v quiet >/dev/null

if [ "$PROVIDER" = Postgres ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$PG_BIN/initdb" ] || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); }
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  chown postgres "$WORK"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
    -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=200" start >/dev/null
  export ConnectionStrings__Livechat="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=livechat;Max Auto Prepare=50"
  runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" livechat
else
  export ConnectionStrings__Livechat="Data Source=$WORK/livechat.db"
fi
export Database__Provider=$PROVIDER ADMIN_USERNAME=admin ADMIN_PASS=bench-admin-pass ADMIN_EMAIL=admin@example.com
export Settings__API_Enable_Rate_Limiter=false Settings__Block_Multiple_Failed_Logins_Enabled=false
export Logging__LogLevel__Default=Warning ASPNETCORE_URLS="http://127.0.0.1:$PORT"

echo "== seeding $ROOMS rooms ($PROVIDER)"
SEED_START=$(date +%s.%N)
(cd "$WORK" && dotnet "$ROOT/bench/out/server/Livechat.Server.dll" seed --rooms "$ROOMS" | tail -1)
SEED_SECONDS=$(python3 -c "print(round($(date +%s.%N) - $SEED_START, 1))")

echo "== starting the server"
# for --trace: the runtime writes /tmp/perf-PID.map, which names JIT-compiled frames in perf's samples; perf finds
# them only in plain executable memory (no W^X double mapping) and only for JIT-compiled code (no ReadyToRun images).
# Without tiered compilation every method is compiled once, optimized: otherwise the background re-compilation of the
# warm-up's code took almost half of the samples on a loaded machine and hid the requests' own work.
if [ -n "$TRACE" ]; then
  export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 DOTNET_TieredCompilation=0
fi
(cd "$WORK" && exec dotnet "$ROOT/bench/out/server/Livechat.Server.dll" >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/api/info" >/dev/null && break; sleep 0.5; done
# the dotnet process itself (the subshell execs it)
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }

export BENCH_DATA="$WORK/data.lua" BENCH_LUA="$ROOT/bench/lua"
python3 bench/prepare.py "http://127.0.0.1:$PORT" "$BENCH_DATA"

run() { # name script seconds
  # a 10 s timeout, so slow answers count in the latencies instead of as socket errors
  wrk -t2 -c"$CONNECTIONS" -d"$3"s --timeout 10s --latency -s "bench/lua/$2.lua" "http://127.0.0.1:$PORT" | grep '^BENCH ' | sed 's/^BENCH //'
}

load() { # mode [options…]: bench/Load, same server, same concurrency
  dotnet bench/out/load/Livechat.Load.dll "$1" --url "http://127.0.0.1:$PORT" --connections "$CONNECTIONS" "${@:2}" | grep '^BENCH ' | sed 's/^BENCH //'
}

echo "== warming up"
for s in info saveinfo roominfo rooms-tag rooms-field login; do run "$s" "$s" 3 >/dev/null; done
load pairs --duration 3 >/dev/null; load messages --duration 3 >/dev/null
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)

if [ -n "$TRACE" ]; then
  scenario() { # seconds: the traced scenario once
    case "$SCENARIO" in
      saveinfo) run saveInfo saveinfo "$1" ;;
      messages|pairs) load "$SCENARIO" --duration "$1" ;;
      *) echo "unknown scenario $SCENARIO (saveinfo, messages, pairs)" >&2; exit 2 ;;
    esac
  }
  scenario 15 >/dev/null  # until tiered compilation has settled on the hot path
  echo "== sampling the server's CPU during $SCENARIO ($DURATION s, $CONNECTIONS connections)"
  # perf: on-CPU samples with call stacks (frame pointers), JIT-compiled frames named through /tmp/perf-PID.map
  perf record -F 499 -g -p "$SERVER_PID" -o "$TRACE" -- sleep "$DURATION" >"$WORK/perf.log" 2>&1 &
  TRACER=$!
  sleep 1  # the sampling starts before the load and ends before it
  echo "   $SCENARIO (sampled): $(scenario $((DURATION + 2)))"
  wait "$TRACER" || { cat "$WORK/perf.log"; exit 1; }
  exit 0
fi

echo "== measuring ($DURATION s each, $CONNECTIONS connections)"
RESULTS="$WORK/results.jsonl"
for pair in "ceiling:info" "saveInfo:saveinfo" "rooms.info:roominfo" "rooms by tag:rooms-tag" "rooms by custom field:rooms-field" "login:login"; do
  name=${pair%%:*}; script=${pair##*:}
  line=$(run "$name" "$script" "$DURATION")
  echo "{\"name\":\"$name\",\"rss_mb\":$(rss_mb),\"result\":$line}" >> "$RESULTS"
  echo "   $name: $line"
done
# Chained and simultaneous requests (bench/Load): pairs/s for registration + room, messages/s for visitor messages.
for pair in "visitor + room (pairs):pairs" "visitor messages:messages"; do
  name=${pair%%:*}; mode=${pair##*:}
  line=$(load "$mode" --duration "$DURATION")
  echo "{\"name\":\"$name\",\"rss_mb\":$(rss_mb),\"result\":$line}" >> "$RESULTS"
  echo "   $name: $line"
done
# 20 messages at one instant into one room (half visitor, half the serving agent), 50 rooms in turn; then 400 at one
# instant over 300 rooms at random. The agent is the seed's agent-1, available; each room is opened with agentId.
for pair in "20 at once into one room, 50 rooms:--rooms 50 --messages 20" "400 at once over 300 rooms:--rooms 300 --messages 400 --spread"; do
  name=${pair%%:*}; options=${pair##*:}
  # shellcheck disable=SC2086
  line=$(load burst $options)
  echo "{\"name\":\"$name\",\"rss_mb\":$(rss_mb),\"result\":$line}" >> "$RESULTS"
  echo "   $name: $line"
done

python3 bench/report.py "$RESULTS" "$PROVIDER" "$ROOMS" "$SEED_SECONDS" "$CONNECTIONS" "$DURATION" "$LOAD_START"
