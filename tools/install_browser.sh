#!/usr/bin/env bash
# What `make test-browser` needs: Debian's chromium + chromium-driver, a Devanagari font, and Playwright's
# Python package (it drives /usr/bin/chromium; Playwright's own browser download is not used).
# On a laptop, what cannot be installed is reported and the browser tests skip, saying why.
# In CI (CI=true) a missing piece is a failure: CI must not pass without having run the browser tests.
set -u
PYTHON=${PYTHON:-python3}
CHROMIUM=${COURSE_CHROMIUM:-/usr/bin/chromium}
missing=""
if [ ! -x "$CHROMIUM" ] || [ ! -d /usr/share/fonts/truetype/lohit-devanagari ]; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
    echo "installing Debian packages chromium, chromium-driver and fonts-lohit-deva..."
    $sudo apt-get update -qq >/dev/null 2>&1
    $sudo apt-get install -y -qq chromium chromium-driver fonts-lohit-deva >/dev/null 2>&1 \
      || echo "apt-get could not install chromium, chromium-driver and fonts-lohit-deva."
  else
    echo "chromium or fonts-lohit-deva is not installed and cannot be (no apt-get, or no root rights)."
  fi
fi
[ -x "$CHROMIUM" ] || missing="$missing chromium ($CHROMIUM)"
"$PYTHON" -c "import playwright" 2>/dev/null || "$PYTHON" -m pip install --quiet "playwright>=1.40" \
  || echo "pip could not install playwright."
"$PYTHON" -c "import playwright.sync_api" 2>/dev/null || missing="$missing playwright"
if [ -n "$missing" ]; then
  case "${CI:-}" in
    1|true|TRUE|True|yes)
      echo "error: the browser tests cannot run, missing:$missing (CI=$CI: this is a failure)." >&2
      exit 1 ;;
    *)
      echo "note: missing:$missing; the browser tests will be skipped." ;;
  esac
fi
exit 0
