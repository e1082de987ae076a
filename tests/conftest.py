"""Shared test settings: offline, quick, headless, Agg backend, English unless a test says otherwise."""
import os

os.environ.setdefault("COURSE_OFFLINE", "1")
os.environ.setdefault("COURSE_QUICK", "1")
os.environ.setdefault("COURSE_HEADLESS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers import lang  # noqa: E402


@pytest.fixture(autouse=True)
def english_and_clean_figures():
    """Every test starts in English with no open figures."""
    lang.set_language("en")
    lang.set_plots_hindi(False)
    yield
    plt.close("all")
    lang.set_language("en")
