#!/usr/bin/env bash
# Kill-a-node drill: 3 Redis-backed nodes behind the round-robin LB, 50 sessions x 100 mixed calls (JSON echo,
# SSE slow_count cut and resumed with GET + Last-Event-ID, listening GETs); node-2 is killed with SIGKILL and
# restarted mid-run. Exits non-zero on any lost or duplicated event or any call that never completed.
#   benchmarks/drill.sh [--sessions N] [--calls N] [--steps N] [--interval-ms N] [--fast] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

run_java -Xmx2g -cp "$JAR" dev.mcpstate.benchmarks.DrillMain --redis-url "$REDIS_URL" \
  --lb-jar loadbalancer-demo/target/mcp-state-lb.jar ${ARGS[@]+"${ARGS[@]}"}
