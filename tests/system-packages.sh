#!/bin/sh
# Installs the Debian tools the tests use besides the editors:
#   faketime   - runs the CLI with a shifted clock (clock-jump tests)
#   postgresql - the server the suite starts a throwaway cluster of
#                (tests/postgres.py finds /usr/lib/postgresql/<version>/bin)
# Idempotent: does nothing when all are installed; runs `apt-get update`
# once, only when a package cannot be found.
set -eu

PACKAGES="faketime postgresql"

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=""
for p in $PACKAGES; do have "$p" || missing="$missing $p"; done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# shellcheck disable=SC2086
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    # shellcheck disable=SC2086
    $SUDO apt-get install -y --no-install-recommends $missing
fi

# The suite starts its own cluster; check that the server programs are there.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "system-packages.sh: postgresql is installed but no /usr/lib/postgresql/*/bin/initdb" >&2
    exit 1
fi
