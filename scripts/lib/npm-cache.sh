# Sourced by scripts that run npm packages without touching the project: installs packages once into a cache
# folder, with the machine's npm and the npm registry only.
#
#   npm_cache_install DIR LABEL PACKAGE...    returns 0 when DIR/node_modules has them, 3 when npm or the registry
#                                            is missing (the callers' "cannot be installed" status)
npm_cache_install() {
  local dir="$1" label="$2"; shift 2
  command -v npm >/dev/null || { echo "$label: npm is not installed; cannot fetch $*" >&2; return 3; }
  mkdir -p "$dir"
  if ! ( cd "$dir"
         [ -f package.json ] || echo '{"name":"mcp-state-npm-cache","private":true}' > package.json
         npm install --no-audit --no-fund --loglevel=error "$@" >/dev/null ); then
    echo "$label: could not install $* from the npm registry" >&2
    return 3
  fi
}
