#!/usr/bin/env bash
# tools/call echo under wrk (an outside load generator), one server at a time, with the CPU each request costs.
#   benchmarks/wrk.sh [--sessions N] [--warm S] [--rounds N] [--seconds S] [--no-build] [VARIANT...]
# VARIANT: bare, floor-redis, floor-sqlite, filter+redis, filter+sqlite (default: these five, in that order), or
# filter+memory (the filter on the in-memory store: what the filter costs without any store round trip).
# Each variant: a fresh NodeMain process, N sessions (default 8, one wrk connection each, closed loop), a warm-up of
# S seconds (default 60: the filter has more code for the JIT than the bare server), then rounds (default 3 x 10 s).
# Prints one line per round and a median line per variant: req/s, p50/p99 ms, server and Redis CPU per request
# (from /proc, in microseconds). Starts its own redis-server (lib.sh) and stops everything it started on exit.
# NODE_ARGS adds server flags to the filter variants, e.g. NODE_ARGS="--closed-stream-max-age 2m".
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=8 WARM=60 ROUNDS=3 SECONDS_PER_ROUND=10
REST=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sessions) SESSIONS=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_PER_ROUND=$2; shift 2 ;;
    *) REST+=("$1"); shift ;;
  esac
done
set -- ${REST[@]+"${REST[@]}"}
. benchmarks/lib.sh
command -v wrk >/dev/null || { echo "wrk not found (Debian: apt-get install wrk)" >&2; exit 1; }
VARIANTS=()
for a in ${ARGS[@]+"${ARGS[@]}"}; do VARIANTS+=("$a"); done
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(bare floor-redis floor-sqlite filter+redis filter+sqlite)

WORK=$(mktemp -d)
NODE_PID=
stop_node() {
  if [ -n "$NODE_PID" ]; then kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi
  NODE_PID=
}
trap 'stop_node; rm -rf "$WORK"; cleanup' EXIT INT TERM
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
TICK_US=$((1000000 / $(getconf CLK_TCK)))

echo "wrk echo: $SESSIONS sessions, warm-up ${WARM} s, $ROUNDS x ${SECONDS_PER_ROUND} s; load $(cut -d' ' -f1-3 /proc/loadavg)"
for variant in "${VARIANTS[@]}"; do
  case "$variant" in
    bare) args=(--bare) ;;
    floor-redis) args=(--floor-redis "$REDIS_URL") ;;
    floor-sqlite) args=(--floor-sqlite "$WORK/floor.db") ;;
    filter+redis) args=(--store redis --redis-url "$REDIS_URL") ;;
    filter+sqlite) args=(--store sqlite --db "$WORK/filter.db") ;;
    filter+memory) args=(--store memory) ;;
    *) echo "unknown variant: $variant" >&2; exit 2 ;;
  esac
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  # shellcheck disable=SC2086 # NODE_ARGS: more server flags, split on spaces
  java -Xmx1g -cp "$JAR" dev.mcpstate.benchmarks.NodeMain --port 0 "${args[@]}" ${NODE_ARGS:-} \
    >"$WORK/node.out" 2>"$WORK/node.err" &
  NODE_PID=$!
  for _ in $(seq 1 300); do grep -q '^node ready' "$WORK/node.out" && break; sleep 0.1; done
  url=$(sed -n 's/^node ready url=//p' "$WORK/node.out")
  [ -n "$url" ] || { echo "$variant did not start:" >&2; tail -20 "$WORK/node.err" >&2; exit 1; }
  export MCP_SESSIONS
  MCP_SESSIONS=$(java -cp "$JAR" dev.mcpstate.benchmarks.Sessions "$url" "$SESSIONS")
  wrk -t"$SESSIONS" -c"$SESSIONS" -d"${WARM}s" -s benchmarks/wrk/echo.lua "$url" >/dev/null 2>&1
  rows=()
  for round in $(seq 1 "$ROUNDS"); do
    j0=$(cpu_ticks "$NODE_PID"); r0=$(cpu_ticks "$REDIS_PID")
    line=$(wrk -t"$SESSIONS" -c"$SESSIONS" -d"${SECONDS_PER_ROUND}s" -s benchmarks/wrk/echo.lua "$url" 2>/dev/null \
      | grep '^{')
    j1=$(cpu_ticks "$NODE_PID"); r1=$(cpu_ticks "$REDIS_PID")
    row=$(python3 - "$line" "$((j1 - j0))" "$((r1 - r0))" "$TICK_US" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); n = max(r["requests"], 1); tick = int(sys.argv[4])
if r["errors"] or r["socket_errors"]:
    sys.exit("errors in round: %s" % sys.argv[1])
print("%.0f %.3f %.3f %.0f %.0f" % (r["rps"], r["p50_ms"], r["p99_ms"],
      int(sys.argv[2]) * tick / n, int(sys.argv[3]) * tick / n))
PY
)
    rows+=("$row")
    read -r rps p50 p99 jvm redis <<<"$row"
    printf '%-14s round %d  %8s req/s  p50 %6s ms  p99 %7s ms  server %5s us/req  redis %4s us/req\n' \
      "$variant" "$round" "$rps" "$p50" "$p99" "$jvm" "$redis"
  done
  read -r rps p50 p99 jvm redis <<<"$(printf '%s\n' "${rows[@]}" | sort -n -k1 | sed -n "$(( (ROUNDS + 1) / 2 ))p")"
  printf '%-14s MEDIAN   %8s req/s  p50 %6s ms  p99 %7s ms  server %5s us/req  redis %4s us/req\n' \
    "$variant" "$rps" "$p50" "$p99" "$jvm" "$redis"
  stop_node
done
