#!/usr/bin/env bash
# Runs every benchmark scenario side by side in one run and writes benchmarks/results/latest.json.
#   benchmarks/run.sh [--quick] [--only micro,echo,sse,replay,cross,streams,admission,sidecar,cluster] [--profile DIR] [--no-build]
# Starts its own redis-server (free port, no persistence), for "cluster" a Redis Cluster (3 masters + 3 replicas),
# and its server processes; stops all of them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  redis: $REDIS_URL" >&2
run_java -Xmx2g -jar "$JAR" --redis-url "$REDIS_URL" --out benchmarks/results/latest.json ${ARGS[@]+"${ARGS[@]}"}
