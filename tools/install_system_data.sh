#!/usr/bin/env bash
# Offline data that comes from Debian, not PyPI: the full Fashion-MNIST (package dataset-fashion-mnist).
# Skipped with a message where apt-get or root rights are missing; the lessons then fall back further.
set -u
if [ -d /usr/share/datasets/fashion-mnist ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: no apt-get here, so Debian's dataset-fashion-mnist is not installed (only needed offline)."
  exit 0
fi
if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "note: installing dataset-fashion-mnist needs root: sudo apt-get install dataset-fashion-mnist"
  exit 0
fi
echo "installing Debian package dataset-fashion-mnist (offline Fashion-MNIST)..."
$sudo apt-get update -qq >/dev/null 2>&1
if ! $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null; then
  echo "note: apt-get could not install dataset-fashion-mnist; lessons will say which fallback they use."
fi
exit 0
