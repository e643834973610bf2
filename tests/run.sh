#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine or a developer's: installs
# what the tests need (Python packages, PostgreSQL and the editors from Debian
# and npm), runs the linters and type checker, then every test. The tests start
# a throwaway PostgreSQL cluster of their own (HELIX_TEST_PG_URL names an
# existing server to use instead).
set -euo pipefail
cd "$(dirname "$0")/.."
export HELIX_TEST_CACHE="${HELIX_TEST_CACHE:-$HOME/.cache/helix-lsp-tests}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

echo "== Python packages"
python3 -m pip install --quiet -e '.[test]'

echo "== system tools, PostgreSQL and editors"
bash tests/system-packages.sh
bash tests/editors/emacs.sh
bash tests/editors/neovim.sh

echo "== lint and types"
python3 -m ruff check helix_lsp tests bench
python3 -m mypy

echo "== VS Code extension: build, package, unit and end-to-end tests"
bash vscode-client/scripts/test-all.sh

echo "== tests"
python3 -m pytest "$@"
