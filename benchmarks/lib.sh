# Shared by run.sh and drill.sh (sourced from the repository root): build the benchmarks jar, start a private
# redis-server on a free loopback port without persistence, and stop everything started on exit.
JAR=benchmarks/target/mcp-state-benchmarks.jar
BUILD=1
ARGS=()
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then BUILD=0; else ARGS+=("$a"); fi
done
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building (./mvnw package -pl benchmarks -am) ..." >&2
  log=$(mktemp)
  ./mvnw -B -q package -DskipTests -pl benchmarks -am >"$log" 2>&1 || { tail -40 "$log"; exit 1; }
  rm -f "$log"
fi
for tool in redis-server redis-cli java python3; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install redis-server)" >&2; exit 1; }
done

REDIS_DIR=$(mktemp -d)
REDIS_PORT=$(scripts/free-port)
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$REDIS_DIR" \
  --logfile "$REDIS_DIR/redis.log" --daemonize no &
REDIS_PID=$!
JAVA_PID=
cleanup() {
  if [ -n "$JAVA_PID" ]; then kill "$JAVA_PID" 2>/dev/null; wait "$JAVA_PID" 2>/dev/null; fi
  kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null
  rm -rf "$REDIS_DIR"
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

# runs java in the background (so the trap can stop it) and returns its exit code
run_java() {
  java "$@" &
  JAVA_PID=$!
  set +e
  wait "$JAVA_PID"
  local rc=$?
  set -e
  JAVA_PID=
  return $rc
}
