#!/usr/bin/env bash
# What `make test-browser` needs: Debian's chromium + chromium-driver and Playwright's Python package
# (it drives /usr/bin/chromium; Playwright's own browser download is not used). Never fails: where
# something cannot be installed the browser tests skip and say why.
set -u
PYTHON=${PYTHON:-python3}
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/lohit-devanagari ]; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
    echo "installing Debian packages chromium, chromium-driver and fonts-lohit-deva..."
    $sudo apt-get update -qq >/dev/null 2>&1
    $sudo apt-get install -y -qq chromium chromium-driver fonts-lohit-deva >/dev/null 2>&1 \
      || echo "note: apt-get could not install chromium; the browser tests will be skipped."
  else
    echo "note: chromium is not installed and cannot be (no apt-get or no root); the browser tests will be skipped."
  fi
fi
"$PYTHON" -c "import playwright" 2>/dev/null || "$PYTHON" -m pip install --quiet "playwright>=1.40" \
  || echo "note: pip could not install playwright; the browser tests will be skipped."
exit 0
