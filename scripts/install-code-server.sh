#!/usr/bin/env bash
# Installs what the integration suite needs on a clean Debian machine, offline except for the
# npm registry and apt. Idempotent: every step is skipped when its result is already present.
#   scripts/install-code-server.sh [target_dir=.vscode-test/code-server]
# Steps: apt packages (root only) -> seed @vscode/ripgrep's download cache with Debian's rg ->
# code-server 4.100.3 (VS Code 1.100.3, runs on Node 20) into an ignored folder of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${1:-.vscode-test/code-server}"
CS_VERSION=4.100.3
RG_PKG_VERSION=1.15.11   # @vscode/ripgrep version in code-server 4.100.3's shrinkwrap
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
APT_PACKAGES=(build-essential pkg-config python3 libkrb5-dev ripgrep chromium)

log() { echo "[install-code-server] $*"; }

installed_version() {
  node -p "require('./$TARGET/node_modules/code-server/package.json').version" 2>/dev/null || true
}

# 1) System packages. libkrb5-dev: code-server's native `kerberos` module; ripgrep: see 2;
#    chromium: the headless browser playwright-core drives (never `npx playwright install`).
if [ -x /usr/bin/chromium ] && command -v rg >/dev/null && command -v make >/dev/null \
   && [ -e /usr/include/gssapi/gssapi.h ]; then
  log "apt packages present"
elif [ "$(id -u)" = 0 ]; then
  log "apt-get install ${APT_PACKAGES[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
else
  log "missing system packages; as root run: apt-get install -y ${APT_PACKAGES[*]}" >&2
  exit 1
fi

if [ "$(installed_version)" = "$CS_VERSION" ]; then
  log "code-server $CS_VERSION present in $TARGET"
  exit 0
fi

# 2) @vscode/ripgrep's postinstall downloads rg from GitHub unless
#    $TMPDIR/vscode-ripgrep-cache-<version>/<asset> exists: seed it with Debian's rg.
CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-${RG_PKG_VERSION}"
if [ ! -f "$CACHE/$RG_ASSET" ]; then
  mkdir -p "$CACHE"
  STAGE="$(mktemp -d)"
  cp "$(command -v rg)" "$STAGE/rg"
  tar czf "$CACHE/$RG_ASSET" -C "$STAGE" rg
  rm -rf "$STAGE"
  log "seeded $CACHE/$RG_ASSET"
fi

# 3) code-server in its own folder (not a dependency of the extension). As root its postinstall
#    needs unsafe-perm; node-pty's postinstall runs `npx node-gyp` and needs `yes`.
log "npm install code-server@$CS_VERSION into $TARGET (about a minute)"
mkdir -p "$TARGET"
( cd "$TARGET"
  [ -f package.json ] || echo '{ "name": "code-server-cache", "private": true }' > package.json
  npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error \
    "code-server@${CS_VERSION}" )
[ "$(installed_version)" = "$CS_VERSION" ] || { log "install failed" >&2; exit 1; }
log "code-server $(installed_version) installed"
