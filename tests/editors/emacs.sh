#!/bin/sh
# Installs the Emacs + eglot client used by tests/editors/test_emacs_eglot.py:
# Debian's Emacs 28 (emacs-nox) and eglot 1.9 (elpa-eglot), nothing else.
# Idempotent: does nothing when both are already installed; runs
# `apt-get update` once, only when a package cannot be found.
set -eu

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if have emacs-nox && have elpa-eglot && command -v emacs >/dev/null 2>&1; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

if ! $SUDO apt-get install -y --no-install-recommends emacs-nox elpa-eglot; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends emacs-nox elpa-eglot
fi
emacs --version | head -n 1
