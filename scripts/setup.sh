#!/usr/bin/env bash
# Installs what Gateway Studio needs on Debian 12 / Ubuntu, only what is missing, quietly.
#   scripts/setup.sh build   packages to build and run the app, npm dependencies
#   scripts/setup.sh test    plus Xvfb, WebKitWebDriver, tauri-driver and a Secret Service
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-build}

build_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libssl-dev pkg-config libxdo-dev file build-essential curl)
test_pkgs=(xvfb xauth webkit2gtk-driver x11-utils dbus dbus-x11 gnome-keyring libsecret-tools
  libdbus-1-dev)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: missing packages (${missing[*]}) and no apt-get: install them with your package manager" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "setup: '$tool' is required (Rust via rustup, Node.js 20+ with npm)" >&2; exit 1; }
done

# npm dependencies: reinstall only when the lock file changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$what" = test ]; then
  # tauri-driver 2.x bridges WebDriver to WebKitWebDriver for the end-to-end suite.
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "setup: installing tauri-driver (about 2 minutes, once)"
    cargo install tauri-driver --version '^2' --locked --quiet
  fi
fi
