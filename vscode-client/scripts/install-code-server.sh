#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) from npm into a cache folder
# outside the repository, for the end-to-end test. Idempotent: a complete
# install is reused. Prints the path of the code-server executable.
#
#   HELIX_TEST_CACHE  cache root (default: $HOME/.cache/helix-lsp-tests)
set -euo pipefail

VERSION=4.100.3
CACHE="${HELIX_TEST_CACHE:-$HOME/.cache/helix-lsp-tests}"
DEST="$CACHE/code-server-$VERSION"
BIN="$DEST/node_modules/.bin/code-server"

if [[ -x "$BIN" && -f "$DEST/.complete" ]]; then
  echo "$BIN"
  exit 0
fi

command -v rg >/dev/null || { echo "ripgrep (rg) is required: apt-get install ripgrep" >&2; exit 1; }

rm -rf "$DEST"
mkdir -p "$DEST"

# @vscode/ripgrep's postinstall downloads rg from GitHub, which is not
# reachable here: pre-seed its download cache with the system's rg.
TMP_ROOT="${TMPDIR:-/tmp}"
RG_CACHE="$TMP_ROOT/vscode-ripgrep-cache-1.15.11"
RG_TARBALL="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$RG_TARBALL" ]]; then
  mkdir -p "$RG_CACHE"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -C "$staging" -czf "$RG_TARBALL" rg
  rm -rf "$staging"
fi

cd "$DEST"
echo '{"name":"helix-code-server","private":true}' > package.json
npm_config_yes=true npm_config_unsafe_perm=true \
  npm install --no-audit --no-fund --no-save --foreground-scripts "code-server@$VERSION" >&2
test -x "$BIN"
touch "$DEST/.complete"
echo "$BIN"
