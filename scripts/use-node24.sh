# Source this file (". scripts/use-node24.sh"): it puts Node.js 24 first on PATH.
# bridle needs Node >= 24 (isolated-vm 7 and the ESM loader it relies on). When the machine's node is
# older, Node 24 is installed once from the npm registry (package node@24) into a cache folder outside
# the repository and reused afterwards. Nothing is changed when node is already new enough.
bridle_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(bridle_node_major)" -lt 24 ]; then
  bridle_node_home="${BRIDLE_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/bridle/node24}"
  if [ ! -x "$bridle_node_home/node_modules/node/bin/node" ]; then
    echo "bridle: node $(node -v 2>/dev/null || echo missing) is older than 24; installing node@24 into $bridle_node_home" >&2
    mkdir -p "$bridle_node_home"
    # node@24 fetches its platform binary (node-<os>-<arch>) in a preinstall script; npm blocks install
    # scripts unless package.json allows them, so the cache folder gets one that allows exactly that one.
    echo '{"private":true,"allowScripts":{"node":true}}' > "$bridle_node_home/package.json"
    npm install --prefix "$bridle_node_home" --no-save --no-package-lock --no-audit --no-fund \
      node@24 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$bridle_node_home/node_modules/node/bin:$PATH"
  if [ "$(bridle_node_major)" -lt 24 ]; then
    echo "bridle: could not bring Node 24 onto PATH (found $(node -v))" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
unset -f bridle_node_major
