"""Under `make test`, every notebook nbval runs records its metrics in a file of its own,
$COURSE_TEST_METRICS_DIR/<lang>/<lesson>.json, for the learning checks in tests/after_notebooks/."""
import os
from pathlib import Path

import pytest

_started: set[Path] = set()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before nbval starts a notebook's kernel: point COURSE_METRICS_FILE at that notebook's own file."""
    folder = os.environ.get("COURSE_TEST_METRICS_DIR")
    notebook = Path(str(item.path))
    if not folder or notebook.suffix != ".ipynb":
        return
    target = Path(folder).resolve() / notebook.parent.name / f"{notebook.stem}.json"
    if notebook not in _started:  # a fresh file per run, not last run's figures
        _started.add(notebook)
        target.unlink(missing_ok=True)
    os.environ["COURSE_METRICS_FILE"] = str(target)
