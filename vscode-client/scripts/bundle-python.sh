#!/usr/bin/env bash
# Puts the helix_lsp package and its pure-Python dependencies into
# bundled/libs, so the extension runs the server with any Python >= 3.10:
#   PYTHONPATH=bundled/libs python -m helix_lsp
# Dependencies are resolved for Python 3.10 as pure wheels (py3-none-any),
# so back-ports needed on 3.10 are included and nothing is platform-specific.
#
#   PYTHON   the interpreter used to build (default: python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$here/.." && pwd)"
PYTHON="${PYTHON:-python3}"
libs="$here/bundled/libs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The project itself, as a wheel (its dependencies come next).
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$work/wheels" "$repo"

rm -rf "$libs"
mkdir -p "$libs"
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-compile \
  --target "$libs" \
  --python-version 3.10 --implementation py --abi none --platform any --only-binary=:all: \
  "$work"/wheels/helix_lsp-*.whl \
  "exceptiongroup>=1.1.1"
# (pip evaluates environment markers against the running interpreter, not
# --python-version: cattrs needs exceptiongroup on 3.10 only, so name it.)

# Metadata and console scripts are of no use inside the extension.
rm -rf "$libs"/bin
find "$libs" -name '__pycache__' -type d -prune -exec rm -rf {} +

test -f "$libs/helix_lsp/__init__.py" || { echo "bundle-python: helix_lsp missing from $libs" >&2; exit 1; }
echo "bundle-python: $(ls "$libs" | grep -v '\.dist-info$' | tr '\n' ' ')"
