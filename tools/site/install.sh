#!/usr/bin/env bash
# What `make site` needs from npm (KaTeX, pinned by tools/site/package-lock.json), installed into
# build/site-tools/node_modules. Installs Node.js and npm from Debian first where they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=build/site-tools
if ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
    echo "installing Debian packages nodejs and npm (make site renders formulas with KaTeX at build time)..."
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "make site needs Node.js and npm (to install KaTeX): install them, then run make site again." >&2
    exit 1
  fi
fi
if [ -f "$target/node_modules/katex/package.json" ] && cmp -s tools/site/package-lock.json "$target/package-lock.json"; then
  exit 0
fi
mkdir -p "$target"
cp tools/site/package.json tools/site/package-lock.json "$target/"
echo "installing KaTeX from npm into $target (tools/site/package-lock.json)..."
(cd "$target" && npm ci --no-audit --no-fund --loglevel=error)
