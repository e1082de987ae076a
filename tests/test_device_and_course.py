"""Device choice: every branch is decided by monkeypatched availability, so these tests check real decisions
on any machine (a CPU-only runner included) and fail when a choice or its message changes."""
import pytest
import torch

import helpers
from helpers import device as device_module


@pytest.fixture
def machine(monkeypatch):
    """Pretend what this machine has: machine(cuda=True, gpus=1, mps=False, accelerator=None)."""
    monkeypatch.delenv("COURSE_DEVICE", raising=False)

    def pretend(cuda: bool = False, gpus: int = 0, mps: bool = False, accelerator: str | None = None):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: gpus)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
        if accelerator is None:
            monkeypatch.delattr(torch, "accelerator", raising=False)
        else:
            fake = type("Accelerator", (), {"is_available": staticmethod(lambda: True),
                                            "current_accelerator": staticmethod(lambda: torch.device(accelerator))})
            monkeypatch.setattr(torch, "accelerator", fake, raising=False)

    return pretend


@pytest.mark.parametrize("has, expected", [
    ({}, "cpu"),
    ({"mps": True}, "mps"),
    ({"cuda": True, "gpus": 1}, "cuda"),
    ({"cuda": True, "gpus": 2, "mps": True}, "cuda"),  # CUDA first
    ({"accelerator": "xpu"}, "xpu"),  # torch.accelerator's answer when there is one
])
def test_pick_device_takes_the_fastest_device_there_is(machine, has, expected):
    machine(**has)
    assert device_module.pick_device() == torch.device(expected)


@pytest.mark.parametrize("forced, has, expected", [
    ("cpu", {"cuda": True, "gpus": 1}, "cpu"),
    ("CUDA", {"cuda": True, "gpus": 1}, "cuda"),
    ("cuda:1", {"cuda": True, "gpus": 2}, "cuda:1"),
    ("mps", {"mps": True}, "mps"),
])
def test_course_device_forces_a_device_that_exists(machine, monkeypatch, forced, has, expected):
    machine(**has)
    monkeypatch.setenv("COURSE_DEVICE", forced)
    assert device_module.pick_device() == torch.device(expected)


@pytest.mark.parametrize("forced, has, lang, text", [
    ("cuda", {}, "en", ("COURSE_DEVICE=cuda, but PyTorch finds no CUDA GPU here (torch.cuda.is_available() is "
                        "False). Unset COURSE_DEVICE or set it to cpu.")),
    ("cuda", {}, "hi", ("COURSE_DEVICE=cuda, पर PyTorch को यहाँ कोई CUDA GPU नहीं मिला (torch.cuda.is_available() "
                        "False है)। COURSE_DEVICE हटाएँ या उसे cpu करें।")),
    ("cuda:2", {"cuda": True, "gpus": 1}, "en", "COURSE_DEVICE=cuda:2, but this machine has 1 CUDA GPU(s): use cuda:0 … cuda:0."),
    ("mps", {"cuda": True, "gpus": 1}, "en", ("COURSE_DEVICE=mps, but PyTorch finds no Apple GPU (MPS) here. Unset "
                                              "COURSE_DEVICE or set it to cpu.")),
    ("gpu", {}, "en", "COURSE_DEVICE='gpu' is not understood: use cpu, cuda (or cuda:0, cuda:1, …) or mps."),
    ("gpu", {}, "hi", "COURSE_DEVICE='gpu' समझ नहीं आया: cpu, cuda (या cuda:0, cuda:1, …) या mps लिखें।"),
])
def test_course_device_that_this_machine_lacks_is_a_clear_error(machine, monkeypatch, forced, has, lang, text):
    machine(**has)
    monkeypatch.setenv("COURSE_DEVICE", forced)
    helpers.set_language(lang)
    with pytest.raises(ValueError) as err:
        device_module.pick_device()
    assert str(err.value) == text


def test_start_lesson_stops_at_a_forced_device_that_is_missing(machine, monkeypatch):
    machine()
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    with pytest.raises(ValueError, match="no CUDA GPU"):
        helpers.start_lesson("99_demo", "en")


def test_describe_device_names_the_gpu_or_the_cpu_threads(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device: "Tesla T4")
    assert helpers.describe_device(torch.device("cuda")) == "GPU (CUDA): Tesla T4"
    assert helpers.describe_device(torch.device("mps")) == "Apple GPU (MPS)"
    monkeypatch.setattr(torch, "get_num_threads", lambda: 3)
    assert helpers.describe_device(torch.device("cpu")).startswith("CPU (3 threads) — no GPU found")
    helpers.set_language("hi")
    assert helpers.describe_device(torch.device("cpu")).startswith("CPU (3 threads) — GPU नहीं मिला")


def test_seed_makes_runs_repeatable():
    helpers.seed_everything(3)
    a = torch.randn(4)
    helpers.seed_everything(3)
    assert torch.equal(a, torch.randn(4))
    assert not torch.equal(a, torch.randn(4))


def test_start_lesson_sets_language_mode_and_reports(machine, monkeypatch, capsys):
    machine(mps=True)
    monkeypatch.setenv("COURSE_QUICK", "1")
    lesson = helpers.start_lesson("99_demo", "hi", quick=False)
    assert lesson.quick is True and lesson.lang == "hi" and lesson.device == torch.device("mps")
    assert helpers.get_language() == "hi"
    out = capsys.readouterr().out
    assert "भाषा: हिंदी" in out and "device: Apple GPU (MPS)" in out and "99_demo" in out and "RETRAIN = True" in out
    assert lesson.__fingerprint__() == {"name": "99_demo", "quick": True}  # the language is not part of the key
