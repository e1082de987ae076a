import json

import pytest

from helpers.metrics import METRICS_ENV, record_metric


def test_metrics_are_written_only_when_the_benchmark_asks(tmp_path, monkeypatch):
    monkeypatch.delenv(METRICS_ENV, raising=False)
    assert record_metric("bce", 0.1) == 0.1
    target = tmp_path / "m.json"
    monkeypatch.setenv(METRICS_ENV, str(target))
    record_metric("bce", 0.09)
    record_metric("psnr", 20)
    assert json.loads(target.read_text()) == {"bce": 0.09, "psnr": 20.0}


def test_non_finite_metrics_are_refused():
    with pytest.raises(ValueError, match="not a finite number"):
        record_metric("bce", float("nan"))
