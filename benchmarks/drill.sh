#!/usr/bin/env bash
# Kill-a-node drill: 3 Redis-backed nodes behind the round-robin LB, 50 sessions x 100 mixed calls (JSON echo,
# SSE slow_count cut and resumed with GET + Last-Event-ID, listening GETs); node-2 is killed with SIGKILL and
# restarted mid-run. Exits non-zero on any lost or duplicated event or any call that never completed.
# --failover: the failover drill instead, on a fresh local Redis Cluster (3 masters x --replicas N, default 1): a
# master killed mid-run, first with every durable write waiting for --wait-replicas N (default 1) replicas (decides
# the exit code), then without WAIT; each run checks every event a client received in the store afterwards.
#   benchmarks/drill.sh [--sessions N] [--calls N] [--steps N] [--interval-ms N] [--fast] [--no-build]
#                       [--failover [--masters N] [--replicas N] [--wait-replicas N]]
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

run_java -Xmx2g -cp "$JAR" dev.mcpstate.benchmarks.DrillMain --redis-url "$REDIS_URL" \
  --lb-jar loadbalancer-demo/target/mcp-state-lb.jar ${ARGS[@]+"${ARGS[@]}"}
