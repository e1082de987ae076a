import torch

import helpers
from helpers import device as device_module


def test_pick_device_falls_back_to_cpu_without_accelerators(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    if hasattr(torch, "accelerator"):
        monkeypatch.setattr(torch.accelerator, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert device_module.pick_device() == torch.device("cpu")


def test_pick_device_prefers_mps_when_only_mps_exists(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    if hasattr(torch, "accelerator"):
        monkeypatch.delattr(torch, "accelerator")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert device_module.pick_device() == torch.device("mps")


def test_environment_forces_a_device(monkeypatch):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert device_module.pick_device() == torch.device("cpu")


def test_seed_makes_runs_repeatable():
    helpers.seed_everything(3)
    a = torch.randn(4)
    helpers.seed_everything(3)
    assert torch.equal(a, torch.randn(4))


def test_start_lesson_sets_language_mode_and_reports(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_QUICK", "1")
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    lesson = helpers.start_lesson("99_demo", "hi", quick=False)
    assert lesson.quick is True and lesson.lang == "hi" and lesson.device.type == "cpu"
    assert helpers.get_language() == "hi"
    out = capsys.readouterr().out
    assert "भाषा: हिंदी" in out and "99_demo" in out and "RETRAIN = True" in out
    assert lesson.__fingerprint__() == {"name": "99_demo", "quick": True}  # the language is not part of the key
