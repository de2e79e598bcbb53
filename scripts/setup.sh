#!/usr/bin/env bash
# Installs what building and testing need, only where it is missing. Everything comes
# from the package registries (Debian, crates.io, npm); nothing is downloaded elsewhere.
# Usage: scripts/setup.sh [serve|test]
set -euo pipefail
cd "$(dirname "$0")/.."
need="${1:-test}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@"
}

# Rust target for the browser.
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# Trunk 0.21.14: 0.22 needs a newer rustc than this machine's.
if [ "$(trunk --version 2>/dev/null || true)" != "trunk 0.21.14" ]; then
  cargo install trunk --version 0.21.14 --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen version pinned in Cargo.lock.
wbg=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg" ]; then
  # Without --locked: with it, a pinned dependency is missing from the registry.
  cargo install wasm-bindgen-cli --version "$wbg"
fi

# Node is needed by the Trunk hook that writes the CSP hash.
command -v node >/dev/null || apt_install nodejs npm

if [ "$need" = test ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v espeak-ng >/dev/null || missing+=(espeak-ng)
  command -v sox >/dev/null || missing+=(sox)
  fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  # playwright-core (drives Debian's Chromium, downloads no browser) and axe-core (the
  # accessibility checks of the e2e tests).
  { [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ]; } || npm ci --no-audit --no-fund
fi
