#!/usr/bin/env bash
# install.sh — install the TypeScript reference subject's dependencies from
# its lockfile (npm ci) and compile it with tsc into dist/.
#
# better-sqlite3 is compiled from source by node-gyp against this machine's
# Node headers (the include/node directory beside the node binary): its
# install script would otherwise try to download a prebuilt binary, and
# node-gyp the headers, from hosts outside the npm registry. The grammars'
# .wasm files ship inside the tree-sitter-go and tree-sitter-c packages.
# (npm warns that build-from-source is an unknown npm setting; the variable
# is for better-sqlite3's install script, which reads it.)
set -euo pipefail
cd "$(dirname "$0")"

node_bin="$(readlink -f "$(command -v node)")"
node_dir="$(dirname "$(dirname "$node_bin")")"
if [ ! -f "$node_dir/include/node/node.h" ]; then
	echo "install.sh: no Node headers at $node_dir/include/node (node is $node_bin); install the Node development headers" >&2
	exit 3
fi
npm_config_build_from_source=better-sqlite3 npm_config_nodedir="$node_dir" npm ci --no-audit --no-fund
./node_modules/.bin/tsc -p tsconfig.json
