import json
import re

import pytest

import helpers
from helpers import metrics as metrics_module
from helpers.metrics import METRICS_ENV, record_metric


def test_metrics_are_written_only_when_the_benchmark_asks(tmp_path, monkeypatch):
    monkeypatch.delenv(METRICS_ENV, raising=False)
    assert record_metric("bce", 0.1) == 0.1
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "m.json"
    monkeypatch.setenv(METRICS_ENV, str(target))
    record_metric("bce", 0.09)
    record_metric("psnr", 20)
    assert json.loads(target.read_text()) == {"bce": 0.09, "psnr": 20.0}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temporary file left beside it


@pytest.mark.parametrize("lang, text", [("en", "not a finite number"), ("hi", "सीमित (finite) संख्या नहीं है")])
def test_non_finite_metrics_are_refused(lang, text):
    helpers.set_language(lang)
    with pytest.raises(ValueError, match=re.escape(text)):
        record_metric("bce", float("nan"))


@pytest.mark.parametrize("content", ['{"bce": 0.1,', "[0.1, 0.2]", "\udcff".encode("utf-8", "surrogatepass")])
@pytest.mark.parametrize("lang, text", [("en", "is not a JSON object of metrics"),
                                        ("hi", "metrics का JSON object नहीं है")])
def test_a_damaged_metrics_file_is_reported_and_left_as_it_is(tmp_path, monkeypatch, content, lang, text):
    target = tmp_path / "m.json"
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = target.read_bytes()
    monkeypatch.setenv(METRICS_ENV, str(target))
    helpers.set_language(lang)
    with pytest.raises(ValueError) as err:
        record_metric("psnr", 20.0)
    assert str(target) in str(err.value) and text in str(err.value)
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_a_write_that_fails_keeps_the_metrics_recorded_so_far(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    monkeypatch.setenv(METRICS_ENV, str(target))
    record_metric("bce", 0.1)

    class StoppedWhileWriting(str):
        def encode(self, *args, **kwargs):
            raise KeyboardInterrupt  # e.g. the notebook was stopped while the new file was being written

    monkeypatch.setattr(metrics_module.json, "dumps", lambda *a, **k: StoppedWhileWriting("{"))
    with pytest.raises(KeyboardInterrupt):
        record_metric("psnr", 20.0)
    monkeypatch.undo()
    assert json.loads(target.read_text()) == {"bce": 0.1}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
