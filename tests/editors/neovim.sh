#!/usr/bin/env bash
# Installs the two Neovims the Neovim client's tests run against.
#
#   * Neovim 0.7.2: Debian bookworm's `neovim` package (`nvim` on PATH).
#   * Neovim 0.10.4: Debian trixie's packages, extracted (not installed) into
#     $HELIX_TEST_CACHE/nvim-0.10 (default ~/.cache/helix-lsp-tests/nvim-0.10)
#     and run through a wrapper script, $HELIX_TEST_CACHE/nvim-0.10/nvim, that
#     starts it with trixie's own dynamic loader and libraries.
#
# The trixie packages are fetched with a private apt configuration (its own
# sources list, lists and cache under the cache directory); the system's apt
# sources are left untouched. Running the script again does nothing once both
# editors work. Prints the two commands on its last two lines:
#   nvim-0.7=/usr/bin/nvim
#   nvim-0.10=/root/.cache/helix-lsp-tests/nvim-0.10/nvim
set -euo pipefail

CACHE="${HELIX_TEST_CACHE:-$HOME/.cache/helix-lsp-tests}"
NV10="$CACHE/nvim-0.10"
WRAPPER="$NV10/nvim"
TRIXIE_MIRROR="${HELIX_TRIXIE_MIRROR:-http://deb.debian.org/debian}"
TRIXIE_PACKAGES=(neovim neovim-runtime libc6 libgcc-s1 libluajit-5.1-2
  libluajit-5.1-common libmsgpack-c2 libtree-sitter0.22 libunibilium4 libuv1t64
  libvterm0 lua-lpeg lua-luv)

log() { printf 'neovim.sh: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root (or sudo) to run: $*"; return 1
  fi
}

nvim_version() {  # prints "0.7.2" for a working nvim command, nothing otherwise
  "$@" --headless --clean -u NONE -i NONE --version 2>/dev/null \
    | sed -n '1s/^NVIM v\([0-9][0-9.]*\).*/\1/p' || true
}

# ---- Neovim 0.7 from the system's sources -------------------------------
install_nvim07() {
  if command -v nvim >/dev/null 2>&1 && [ -n "$(nvim_version nvim)" ]; then
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! as_root apt-get install -y --no-install-recommends neovim; then
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends neovim
  fi
}

# ---- Neovim 0.10 from trixie, extracted ----------------------------------
install_nvim010() {
  case "$(nvim_version "$WRAPPER")" in 0.10.*) return 0 ;; esac
  command -v dpkg >/dev/null && command -v apt-get >/dev/null || {
    log "apt-get and dpkg are needed to fetch Neovim 0.10"; return 1; }

  local apt="$CACHE/apt-trixie"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mkdir -p "$apt/etc/preferences.d" "$apt/etc/sources.list.d" \
    "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  : > "$apt/state/status"
  cat > "$apt/etc/sources.list" <<EOF
deb [signed-by=$keyring] $TRIXIE_MIRROR trixie main
EOF
  local opts=(
    -o "Dir::Etc::SourceList=$apt/etc/sources.list"
    -o "Dir::Etc::SourceParts=$apt/etc/sources.list.d"
    -o "Dir::Etc::Preferences=$apt/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d"
    -o "Dir::State=$apt/state"
    -o "Dir::State::Lists=$apt/state/lists"
    -o "Dir::State::status=$apt/state/status"
    -o "Dir::Cache=$apt/cache"
    -o "Dir::Cache::archives=$apt/cache/archives"
    -o "APT::Architecture=amd64"
    -o "APT::Architectures::=amd64"
    -o "Debug::NoLocking=1"
    -o "Acquire::Languages=none"
    -o "APT::Sandbox::User=$(id -un)"
  )
  log "fetching the trixie package lists into $apt"
  apt-get "${opts[@]}" update >&2
  rm -f "$apt/debs"/*.deb
  log "downloading: ${TRIXIE_PACKAGES[*]}"
  (cd "$apt/debs" && apt-get "${opts[@]}" download "${TRIXIE_PACKAGES[@]}" >&2)

  rm -rf "$NV10.tmp"
  mkdir -p "$NV10.tmp/root"
  local deb
  for deb in "$apt/debs"/*.deb; do
    dpkg-deb -x "$deb" "$NV10.tmp/root"
  done
  cat > "$NV10.tmp/nvim" <<'EOF'
#!/bin/sh
# Runs the Neovim 0.10 extracted from Debian trixie packages beside this script.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
R="$here/root"
VIMRUNTIME="$R/usr/share/nvim/runtime"
export VIMRUNTIME
exec "$R/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
  --library-path "$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu" \
  "$R/usr/bin/nvim" "$@"
EOF
  chmod +x "$NV10.tmp/nvim"
  rm -rf "$NV10"
  mv "$NV10.tmp" "$NV10"
  case "$(nvim_version "$WRAPPER")" in
    0.10.*) ;;
    *) log "the extracted Neovim does not run: $WRAPPER"; "$WRAPPER" --version >&2 || true; return 1 ;;
  esac
}

install_nvim07
install_nvim010
log "Neovim $(nvim_version nvim) at $(command -v nvim); Neovim $(nvim_version "$WRAPPER") at $WRAPPER"
echo "nvim-0.7=$(command -v nvim)"
echo "nvim-0.10=$WRAPPER"
