"""`make test-browser` in CI: a missing browser is a failure (CI=true), not a skip; on a laptop it is a skip."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "install_browser.sh"


def install(ci: bool, chromium: str, python: str) -> subprocess.CompletedProcess:
    """Run tools/install_browser.sh where apt-get cannot be found (nothing is installed)."""
    env = {"PATH": "/nonexistent", "HOME": os.environ.get("HOME", "/tmp"), "COURSE_CHROMIUM": chromium,
           "PYTHON": python}
    if ci:
        env["CI"] = "true"
    return subprocess.run(["/bin/bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.parametrize("chromium, python, missing", [
    ("/nonexistent/chromium", "/bin/true", "chromium (/nonexistent/chromium)"),
    ("/bin/true", "/bin/false", "playwright"),
])
def test_install_script_fails_in_ci_when_a_piece_is_missing(chromium, python, missing):
    result = install(True, chromium, python)
    assert result.returncode == 1
    assert f"missing: {missing}" in result.stderr and "CI=true" in result.stderr
    result = install(False, chromium, python)  # a laptop: a note, and the tests skip
    assert result.returncode == 0 and f"missing: {missing}; the browser tests will be skipped" in result.stdout


def test_install_script_passes_in_ci_when_everything_is_there():
    result = install(True, "/bin/true", "/bin/true")
    assert result.returncode == 0 and "missing" not in result.stdout + result.stderr


def run_browser_tests(ci: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "COURSE_BROWSER_TESTS": "1", "COURSE_CHROMIUM": "/nonexistent/chromium"}
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "tests/browser", "-p", "no:nbval", "-o", "addopts=",
                           "-p", "no:cacheprovider", "--noconftest", "-rs", "-q"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_browser_test_fails_in_ci_without_chromium_and_skips_elsewhere():
    result = run_browser_tests(ci=True)
    assert result.returncode != 0, result.stdout
    assert "CI=true and the browser test cannot run, missing: Chromium (/nonexistent/chromium" in result.stdout
    result = run_browser_tests(ci=False)
    assert result.returncode == 0 and "2 skipped" in result.stdout, result.stdout  # en and hi
    assert "browser tests skipped, missing: Chromium (/nonexistent/chromium" in result.stdout
