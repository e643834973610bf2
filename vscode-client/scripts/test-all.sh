#!/usr/bin/env bash
# Everything the VS Code extension's tests need, on a fresh Debian machine as
# root (or with the packages below already installed):
#   apt packages (libkrb5-dev ripgrep chromium; build-essential and
#   python3-pip when missing), npm ci, npm run package
#   (bundles helix_lsp and its dependencies into the .vsix), the unit tests,
#   code-server 4.100.3 (installed once into a cache folder), the end-to-end
#   test in code-server + headless Chromium.
#
#   HELIX_TEST_CACHE    cache root for code-server (default: $HOME/.cache/helix-lsp-tests)
#   HELIX_SKIP_E2E=1    stop after the unit tests
#   PYTHON              interpreter that builds the bundled server (default: python3)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

missing=()
command -v rg >/dev/null || missing+=(ripgrep)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
# code-server compiles native modules on install; the Python bundle needs pip.
{ command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
"${PYTHON:-python3}" -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" \
    || { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; }
fi

step "npm ci"
npm ci --no-audit --no-fund

step "npm run package"
npm run package

step "unit tests"
npm run test:unit

if [[ "${HELIX_SKIP_E2E:-}" == 1 ]]; then
  echo "HELIX_SKIP_E2E=1: end-to-end test skipped"
  exit 0
fi

step "code-server 4.100.3"
bash scripts/install-code-server.sh

step "end-to-end test (code-server + headless Chromium)"
npm run test:e2e
