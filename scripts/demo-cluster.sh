#!/usr/bin/env bash
# Starts a local mcp-state cluster on loopback: Redis, three example nodes (--store redis) and the
# round-robin load balancer in front of them, then prints what to run next. Ctrl-C stops everything.
#
#   scripts/demo-cluster.sh [--lb-port P] [--node-port P ...] [--redis-url URL] [--help]
#
# Environment: REDIS_URL (use this Redis instead of starting one), LB_PORT (3000),
# NODE_PORTS ("3001 3002 3003"). Builds the jars with ./mvnw when they are missing.
# Exit codes: 0 stopped by Ctrl-C, 1 a process failed to start or died, 2 bad arguments.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER_JAR="$ROOT/examples/target/mcp-state-server.jar"
LB_JAR="$ROOT/loadbalancer-demo/target/mcp-state-lb.jar"
HOST=127.0.0.1
LB_PORT=${LB_PORT:-3000}
read -r -a NODE_PORTS <<< "${NODE_PORTS:-3001 3002 3003}"
REDIS_URL=${REDIS_URL:-}

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

custom_nodes=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --lb-port) [[ $# -ge 2 ]] || { echo "error: --lb-port needs a value" >&2; exit 2; }; LB_PORT=$2; shift 2 ;;
        --node-port) [[ $# -ge 2 ]] || { echo "error: --node-port needs a value" >&2; exit 2; }
            custom_nodes+=("$2"); shift 2 ;;
        --redis-url) [[ $# -ge 2 ]] || { echo "error: --redis-url needs a value" >&2; exit 2; }
            REDIS_URL=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if [[ ${#custom_nodes[@]} -gt 0 ]]; then
    NODE_PORTS=("${custom_nodes[@]}")
fi
for port in "$LB_PORT" "${NODE_PORTS[@]}"; do
    [[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]] \
        || { echo "error: ports must be 1..65535, was: $port" >&2; exit 2; }
done

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

for port in "$LB_PORT" "${NODE_PORTS[@]}"; do
    if port_in_use "$port"; then
        echo "error: port $port on $HOST is in use; pick others with --lb-port / --node-port" >&2
        exit 1
    fi
done

if [[ ! -f "$SERVER_JAR" || ! -f "$LB_JAR" ]]; then
    echo "building the jars (./mvnw package -DskipTests) ..."
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
fi

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/mcp-state-demo.XXXXXX")
# Run copies, so that a rebuild while the cluster runs cannot pull classes from under the JVMs.
cp "$SERVER_JAR" "$LOGS/mcp-state-server.jar"
cp "$LB_JAR" "$LOGS/mcp-state-lb.jar"

# Every process runs in its own session (setsid): Ctrl-C reaches only this script, which stops the load
# balancer and the nodes first and Redis last, so the nodes can still reach Redis while they shut down.
REDIS_PID=
JAVA_PIDS=()

# stop PID...: SIGTERM, then up to 20 s for a clean exit, then SIGKILL.
stop() {
    [[ $# -gt 0 ]] || return 0
    kill "$@" 2>/dev/null || true
    for _ in $(seq 1 200); do
        local alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive -eq 1 ]] || break
        sleep 0.1
    done
    kill -9 "$@" 2>/dev/null || true
    wait "$@" 2>/dev/null || true
}

stop_all() {
    trap - INT TERM EXIT
    echo
    # The load balancer and the nodes first, while Redis still answers their shutdown; Redis last.
    if [[ ${#JAVA_PIDS[@]} -gt 0 ]]; then
        echo "stopping the load balancer and the nodes: ${JAVA_PIDS[*]}"
        stop "${JAVA_PIDS[@]}"
    fi
    if [[ -n "$REDIS_PID" ]]; then
        echo "stopping redis-server: $REDIS_PID"
        stop "$REDIS_PID"
    fi
    rm -f "$LOGS/mcp-state-server.jar" "$LOGS/mcp-state-lb.jar"
    echo "stopped; logs in $LOGS"
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

# wait_for NAME PID LOGFILE PATTERN: waits up to 60 s for PATTERN in LOGFILE while PID lives.
wait_for() {
    local name=$1 pid=$2 log=$3 pattern=$4
    for _ in $(seq 1 600); do
        if grep -q "$pattern" "$log" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: $name exited; its log ($log):" >&2
            tail -n 20 "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "error: $name not ready after 60 s; see $log" >&2
    exit 1
}

if [[ -z "$REDIS_URL" ]]; then
    command -v redis-server >/dev/null \
        || { echo "error: redis-server not on PATH; install it or set REDIS_URL" >&2; exit 1; }
    REDIS_PORT=
    for _ in $(seq 1 50); do
        candidate=$((10000 + RANDOM % 22768))  # below the ephemeral port range
        if ! port_in_use "$candidate"; then REDIS_PORT=$candidate; break; fi
    done
    [[ -n "$REDIS_PORT" ]] || { echo "error: no free port for Redis" >&2; exit 1; }
    setsid redis-server --bind "$HOST" --port "$REDIS_PORT" --save '' --appendonly no --dir "$LOGS" \
        > "$LOGS/redis.log" 2>&1 &
    REDIS_PID=$!
    wait_for redis-server "$REDIS_PID" "$LOGS/redis.log" "Ready to accept connections"
    REDIS_URL="redis://$HOST:$REDIS_PORT"
    echo "redis-server   $REDIS_URL (pid $REDIS_PID)"
else
    echo "redis          $REDIS_URL (given)"
fi

backends=()
for i in "${!NODE_PORTS[@]}"; do
    node="node-$((i + 1))"
    port=${NODE_PORTS[$i]}
    setsid java -jar "$LOGS/mcp-state-server.jar" --host "$HOST" --port "$port" \
        --store redis --redis-url "$REDIS_URL" \
        --node-id "$node" > "$LOGS/$node.log" 2>&1 &
    JAVA_PIDS+=($!)
    backends+=(--backend "http://$HOST:$port")
done
for i in "${!NODE_PORTS[@]}"; do
    node="node-$((i + 1))"
    wait_for "$node" "${JAVA_PIDS[$i]}" "$LOGS/$node.log" "mcp-state-server ready"
    echo "$node         http://$HOST:${NODE_PORTS[$i]}/mcp (pid ${JAVA_PIDS[$i]})"
done

setsid java -jar "$LOGS/mcp-state-lb.jar" --host "$HOST" --port "$LB_PORT" "${backends[@]}" > "$LOGS/lb.log" 2>&1 &
JAVA_PIDS=("$!" "${JAVA_PIDS[@]}")
wait_for mcp-state-lb "$!" "$LOGS/lb.log" "listening"
URL="http://$HOST:$LB_PORT/mcp"
echo "load balancer  $URL -> ${NODE_PORTS[*]} (round robin, every request; pid ${JAVA_PIDS[0]})"

CP="java -cp examples/target/mcp-state-server.jar dev.mcpstate.examples"
cat <<EOF

mcp-state demo cluster ready (logs in $LOGS). In another terminal, from $ROOT:

  # 1. open a session with the MCP Java SDK client; see which node served each call
  $CP.client.DemoClient --url $URL --calls 6
  # 2. continue that session, without initializing, on every node in turn
  $CP.client.ContinueSession --url $URL <SESSION_ID>
  # 3. cut an SSE stream mid-way and resume it with Last-Event-ID, most likely on another node
  $CP.client.ResumeDemo --url $URL
  # 4. watch sessions, streams and events in Redis, live
  $CP.monitor.RedisMonitor --redis-url $REDIS_URL

Press Ctrl-C to stop Redis, the nodes and the load balancer.
EOF

# Runs until Ctrl-C, or until one of the processes dies.
set +e
wait -n "${JAVA_PIDS[@]}" $REDIS_PID
status=$?
echo "error: a cluster process exited (status $status); see $LOGS" >&2
exit 1
