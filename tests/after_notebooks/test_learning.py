"""Learning happened: in quick mode, every lesson's trained models are measurably better than the same
models untrained.

Second step of `make test`, after nbval ran the notebooks: each notebook recorded its figures with
`helpers.record_metric` in $COURSE_TEST_METRICS_DIR/<lang>/<lesson>.json (default build/test-metrics; see
the project's conftest.py). A lesson records a figure `X` and `X_untrained` (the same model on the same
data before training). Run alone: `make test` first, or
`python -m pytest tests/after_notebooks -p no:nbval -o addopts=""`.
"""
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
METRICS_DIR = Path(os.environ.get("COURSE_TEST_METRICS_DIR") or ROOT / "build" / "test-metrics")
LESSONS = sorted(p.stem for p in (ROOT / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))
UNTRAINED = "_untrained"
# Which way is better: a word of the metric's name (words are separated by "_"), or a pattern for the whole name.
LOWER_IS_BETTER = ("loss", "bce", "mse", "mae", "distance", "frechet", "fid", "error", "nll")
HIGHER_IS_BETTER = ("accuracy", "exact", "match", "psnr", "covered", "confidence", r"transfer_\w+_mean")
MARGIN = 0.10  # the gain must be at least this share of the larger magnitude of the two figures


def _says(patterns: tuple[str, ...], name: str) -> bool:
    return any(re.fullmatch(p, name) or re.search(rf"(^|_){p}(_|$)", name) for p in patterns)


def better(name: str) -> str | None:
    """"lower" or "higher": which way metric `name` improves; None when the tables say neither or both."""
    lower, higher = _says(LOWER_IS_BETTER, name), _says(HIGHER_IS_BETTER, name)
    return None if lower == higher else "lower" if lower else "higher"


def shortfall(name: str, trained: float, untrained: float) -> str:
    """Why `trained` is not measurably better than `untrained`; "" when it is."""
    direction = better(name)
    if direction is None:
        return (f"{name}: the test cannot tell whether lower or higher is better: add a word or pattern of its name "
                f"to LOWER_IS_BETTER or HIGHER_IS_BETTER in {Path(__file__).relative_to(ROOT)}")
    gain = untrained - trained if direction == "lower" else trained - untrained
    needed = MARGIN * max(abs(trained), abs(untrained))
    if gain >= needed and gain > 0:
        return ""
    return (f"{name}: trained {trained:.4g}, untrained {untrained:.4g} ({direction} is better): the gain "
            f"{gain:.4g} is below the margin {needed:.4g} ({MARGIN:.0%} of the larger figure)")


def pairs(metrics: dict) -> dict[str, tuple[float, float]]:
    """name -> (trained, untrained) for every X recorded together with X_untrained."""
    return {name[: -len(UNTRAINED)]: (metrics[name[: -len(UNTRAINED)]], value)
            for name, value in metrics.items() if name.endswith(UNTRAINED) and name[: -len(UNTRAINED)] in metrics}


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_every_trained_model_beats_the_same_model_untrained(lesson, lang):
    path = METRICS_DIR / lang / f"{lesson}.json"
    assert path.exists(), (f"{path} is missing: notebooks/{lang}/{lesson}.ipynb did not run under `make test`, "
                           f"failed before recording, or records nothing with helpers.record_metric")
    metrics = json.loads(path.read_text())
    found = pairs(metrics)
    assert found, (f"{lesson} records no figure together with its untrained value (found {sorted(metrics)}): record "
                   f"`X` and `X{UNTRAINED}` (the same model and data before training) with helpers.record_metric")
    problems = [p for name, (trained, untrained) in found.items() if (p := shortfall(name, trained, untrained))]
    assert not problems, f"{lang}/{lesson}: no measurable learning:\n" + "\n".join(problems)


# ---- the rule itself

def test_the_rule_knows_which_way_is_better_and_wants_a_margin():
    assert better("dense_ae_test_bce") == "lower" and better("holdout_exact_match") == "higher"
    assert better("frechet_mlp_gan") == "lower" and better("transfer_probe_10_mean") == "higher"
    assert better("strange_figure") is None and better("bced") is None
    assert better("accuracy_loss") is None  # both tables: ambiguous
    assert shortfall("dense_ae_test_bce", 0.25, 0.69) == ""
    assert "below the margin" in shortfall("dense_ae_test_bce", 0.68, 0.69)       # better, but not measurably
    assert "below the margin" in shortfall("dense_ae_test_bce", 0.70, 0.69)       # worse
    assert shortfall("seq2seq_exact_match", 0.9, 0.0) == ""
    assert "below the margin" in shortfall("seq2seq_exact_match", 0.0, 0.0)       # nothing learned
    assert "LOWER_IS_BETTER" in shortfall("strange_figure", 1.0, 2.0)


def test_pairs_are_found_by_the_untrained_suffix():
    metrics = {"a_loss": 1.0, "a_loss_untrained": 2.0, "b_accuracy": 0.5, "c_mse_untrained": 3.0}
    assert pairs(metrics) == {"a_loss": (1.0, 2.0)}
