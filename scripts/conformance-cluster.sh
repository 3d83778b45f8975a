#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance) against the mcp-state
# conformance fixture server twice and prints one table per run:
#
#   1. one node, SQLite                                   (the baseline)
#   2. three nodes on one Redis, behind the round-robin LB (every request goes to the next node)
#
#   scripts/conformance-cluster.sh [--spec-version V]... [--scenario NAME]... [--results DIR]
#
#   --spec-version V  run the suite at this spec version (repeatable); default: 2025-11-25 and 2026-07-28, both
#                     on the same nodes (one endpoint serves both protocol eras)
#   --scenario NAME   run only this scenario (repeatable); default: every server scenario of each spec version,
#                     the ones the suite marks pending included (`--suite all`; extensions such as tasks and
#                     skills carry no spec version, so the version filter leaves them out)
#   --results DIR     keep the suite's checks.json files and the server logs here (default: a temp dir,
#                     deleted on exit)
#
# Needs: a JDK 17+, redis-server and redis-cli on the PATH, python3, and npm with the npm registry reachable:
# scripts/conformance.sh installs Node 22 and the suite into a cache on first use.
# Builds examples/target/mcp-state-conformance-server.jar and loadbalancer-demo/target/mcp-state-lb.jar when
# missing. Everything listens on 127.0.0.1 only; everything started here is stopped on exit.
#
# Exit status: 0 when the cluster run passes at least as many scenarios as the single-node run, 1 when it
# passes fewer, 2 for usage or setup errors, 3 when the suite cannot be installed (npm or its registry missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC_VERSIONS=()
CONFORMANCE_SH="$ROOT/scripts/conformance.sh"
SERVER_JAR="$ROOT/examples/target/mcp-state-conformance-server.jar"
LB_JAR="$ROOT/loadbalancer-demo/target/mcp-state-lb.jar"
KEY="conformance-cluster-request-state-key-$$-$RANDOM-0123456789"
READY_TIMEOUT_SECONDS=60

scenarios=()
results=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --spec-version) [ "$#" -ge 2 ] || { echo "error: --spec-version needs a value" >&2; exit 2; }
                SPEC_VERSIONS+=("$2"); shift 2 ;;
    --scenario) [ "$#" -ge 2 ] || { echo "error: --scenario needs a value" >&2; exit 2; }
                scenarios+=("$2"); shift 2 ;;
    --results)  [ "$#" -ge 2 ] || { echo "error: --results needs a value" >&2; exit 2; }
                results="$2"; shift 2 ;;
    -h|--help)  sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "error: unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [ "${#SPEC_VERSIONS[@]}" -eq 0 ]; then SPEC_VERSIONS=(2025-11-25 2026-07-28); fi

for tool in java redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found on the PATH" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/mcp-conformance.XXXXXX")"
if [ -z "$results" ]; then results="$work/results"; fi
mkdir -p "$results"
results="$(cd "$results" && pwd)"

pids=()
redis_port=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$redis_port" ]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
  case "$results" in "$work"/*) ;; *) echo "results kept in $results" ;; esac
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$ROOT/scripts/free-port"
}

# wait_for_line FILE PATTERN PID: waits until FILE has a line matching PATTERN; fails when PID dies first.
wait_for_line() {
  local file="$1" pattern="$2" pid="$3" deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until grep -q "$pattern" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: process $pid exited before printing '$pattern'; its log:" >&2; cat "$file" "$file.err" >&2 || true
      exit 2
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then echo "error: timed out waiting for '$pattern' in $file" >&2; exit 2; fi
    sleep 0.2
  done
}

# start_node NAME ARGS...: starts a fixture server node on a free port; sets node_url to its base URL.
start_node() {
  local name="$1"; shift
  local port log="$results/$name.log"
  port="$(free_port)"
  java -jar "$SERVER_JAR" --host 127.0.0.1 --port "$port" --request-state-key "$KEY" "$@" >"$log" 2>"$log.err" &
  pids+=("$!")
  wait_for_line "$log" "ready: url=" "$!"
  node_url="http://127.0.0.1:$port"
}

# run_suite URL OUT: runs every spec version against URL; results in OUT/<version>.
run_suite() {
  local url="$1" out="$2" version
  for version in "${SPEC_VERSIONS[@]}"; do
    mkdir -p "$out/$version"
    local args=(--spec-version "$version" -o "$out/$version") s
    if [ "${#scenarios[@]}" -gt 0 ]; then
      for s in "${scenarios[@]}"; do suite "$url" "${args[@]}" --scenario "$s" >>"$out/$version/suite.log" 2>&1 || true; done
    else
      suite "$url" "${args[@]}" --suite all >>"$out/$version/suite.log" 2>&1 || true
    fi
  done
}

suite() {
  "$CONFORMANCE_SH" "$@"
}

# summarize DIR: prints "scenario<TAB>PASS|FAIL<TAB>detail" per scenario, from the suite's checks.json files.
summarize() {
  python3 - "$1" <<'PY'
import json, os, re, sys
root = sys.argv[1]
rows = {}
for d in sorted(os.listdir(root)):
    m = re.match(r"server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$", d)
    path = os.path.join(root, d, "checks.json")
    if not m or not os.path.isfile(path):
        continue
    checks = json.load(open(path))
    failed = [c for c in checks if c.get("status") == "FAILURE"]
    warned = [c for c in checks if c.get("status") == "WARNING"]
    passed = sum(1 for c in checks if c.get("status") == "SUCCESS")
    detail = f"{passed} passed, {len(failed)} failed" + (f", {len(warned)} warnings" if warned else "")
    if failed:
        detail += ": " + "; ".join(f"{c['id']}: {(c.get('errorMessage') or '')[:160]}" for c in failed)
    rows[m.group(1)] = ("FAIL" if failed else "PASS", detail)
for name, (status, detail) in rows.items():
    print(f"{name}\t{status}\t{detail}")
PY
}

print_table() {
  local title="$1" file="$2"
  echo
  echo "== $title: $(grep -c $'\tPASS\t' "$file" || true)/$(wc -l <"$file" | tr -d ' ') scenarios pass"
  awk -F'\t' '{ printf "  %-32s %-4s  %s\n", $1, $2, $3 }' "$file"
}

# --- the suite itself, installed once -------------------------------------------------------------------------
if ! "$CONFORMANCE_SH" --list >/dev/null; then
  echo "error: the conformance suite cannot be installed (scripts/conformance.sh needs npm and the npm registry)" >&2
  exit 3
fi

# --- build what is missing --------------------------------------------------------------------------------------
if [ ! -f "$SERVER_JAR" ] || [ ! -f "$LB_JAR" ]; then
  echo "building the fixture server and the load balancer..."
  (cd "$ROOT" && ./mvnw -B -q -pl examples,loadbalancer-demo -am package -DskipTests)
fi

# --- 1. one node, SQLite ----------------------------------------------------------------------------------------
echo "single node (SQLite)..."
start_node single --store sqlite --db "$work/single.db" --node-id single
run_suite "$node_url/mcp" "$results/single"
kill "${pids[0]}" 2>/dev/null || true; wait "${pids[0]}" 2>/dev/null || true
pids=()
for version in "${SPEC_VERSIONS[@]}"; do summarize "$results/single/$version" >"$work/single-$version.tsv"; done

# --- 2. three nodes on Redis behind the round-robin LB ----------------------------------------------------------
echo "three nodes (Redis) behind the round-robin load balancer..."
redis_port="$(free_port)"
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$results/redis.log" >/dev/null
until redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
backends=()
for n in 1 2 3; do
  start_node "n$n" --store redis --redis-url "redis://127.0.0.1:$redis_port" --node-id "n$n"
  backends+=(--backend "$node_url")
done
lb_port="$(free_port)"
java -jar "$LB_JAR" --host 127.0.0.1 --port "$lb_port" "${backends[@]}" >"$results/lb.log" 2>"$results/lb.log.err" &
pids+=("$!")
wait_for_line "$results/lb.log" "listening on" "$!"
run_suite "http://127.0.0.1:$lb_port/mcp" "$results/cluster"
for version in "${SPEC_VERSIONS[@]}"; do summarize "$results/cluster/$version" >"$work/cluster-$version.tsv"; done

# --- report -----------------------------------------------------------------------------------------------------
status=0
for version in "${SPEC_VERSIONS[@]}"; do
  print_table "spec $version, single node (SQLite)" "$work/single-$version.tsv"
  print_table "spec $version, 3 nodes (Redis) via round-robin LB" "$work/cluster-$version.tsv"
done
echo
for version in "${SPEC_VERSIONS[@]}"; do
  single_pass="$(grep -c $'\tPASS\t' "$work/single-$version.tsv" || true)"
  cluster_pass="$(grep -c $'\tPASS\t' "$work/cluster-$version.tsv" || true)"
  echo "suite ${CONFORMANCE_VERSION:-0.2.0-alpha.12}, spec $version: single node $single_pass passed, cluster $cluster_pass passed"
  if [ "$cluster_pass" -lt "$single_pass" ]; then
    echo "FAIL: at spec $version the cluster passes fewer scenarios than one node:" >&2
    join -t $'\t' <(sort "$work/single-$version.tsv") <(sort "$work/cluster-$version.tsv") \
      | awk -F'\t' '$2 == "PASS" && $4 != "PASS" { print "  " $1 }' >&2
    status=1
  fi
done
exit "$status"
