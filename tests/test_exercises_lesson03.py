"""Lesson 03's exercise checker: it fails on empty and typical wrong random-noise losses and passes on the
lesson's solution (taken from the notebooks, English and Hindi, so the tests follow the lesson); the student
copy of the cell comes from the same tool `make student` uses.
"""
import ast
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import helpers
from helpers import lang
from helpers.exercises.lesson03 import check_random_noise_loss, estimated_noise_factors
from lesson_code import load_tool, run_code, solution_source as lesson_solution

ROOT = Path(__file__).resolve().parent.parent
LESSON = "03_denoising_dimensionality_reduction"


def _student_copies():
    return load_tool("make_student_copies")


def _cells(language: str) -> list:
    return nbformat.read(ROOT / "notebooks" / language / f"{LESSON}.ipynb", as_version=4).cells


def solution_source(language: str = "en") -> str:
    return lesson_solution(LESSON, "def random_noise_loss", language)


def add_noise_source(language: str = "en") -> str:
    """The lesson's own `add_noise` function (only the def, not the rest of its cell)."""
    [cell] = [c for c in _cells(language) if c.cell_type == "code" and "def add_noise" in c.source]
    [node] = [n for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef) and n.name == "add_noise"]
    return ast.get_source_segment(cell.source, node)


def run(source: str, language: str = "en") -> dict:
    namespace = run_code(add_noise_source(language), {"torch": torch, "nn": nn, "F": F}, f"<{LESSON} add_noise>")
    return run_code(source, namespace, f"<{LESSON}>")


def add_noise(imgs, noise_factor=0.3):
    return torch.clip(imgs + noise_factor * torch.randn_like(imgs), 0., 1.)


@pytest.fixture(scope="module")
def data() -> helpers.ImageData:
    return helpers.load_images("mnist", subset=1600, test_subset=300, offline=True, verbose=False)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_lessons_solution_passes(data, language, capsys):
    result = check_random_noise_loss(run(solution_source(language), language)["random_noise_loss"], data)
    assert result, result.message
    assert "✅" in capsys.readouterr().out


def test_one_noise_factor_per_batch_is_also_right(data):
    def random_noise_loss(model, batch, max_noise=1.0):
        clean, _ = batch
        return F.binary_cross_entropy(model(add_noise(clean, max_noise * torch.rand(()).item())), clean)

    assert check_random_noise_loss(random_noise_loss, data)


def test_the_check_leaves_the_notebooks_random_numbers_alone(data):
    solution = run(solution_source())["random_noise_loss"]
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    check_random_noise_loss(solution, data)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_student_copy_is_not_done_yet(data, language):
    copy = _student_copies().exercise_source(solution_source(language), language)
    assert "def random_noise_loss" in copy and "torch.rand(" not in copy.split("def random_noise_loss")[1]
    namespace = run(copy, language)
    lang.set_language(language)
    try:
        result = check_random_noise_loss(namespace["random_noise_loss"], data)
    finally:
        lang.set_language("en")
    assert not result
    assert ("Not done yet" if language == "en" else "अभी बाकी है") in result.message


def test_the_hindi_exercise_and_hint_are_in_hindi():
    hint = [line for line in solution_source("hi").splitlines() if line.startswith("#")]
    assert hint, "the Hindi solution cell starts with the exercise and a hint as comments"
    for line in hint:
        letters = [ch for ch in line if ch.isalpha()]
        devanagari = sum("\u0900" <= ch <= "\u097f" for ch in letters)
        assert devanagari > len(letters) / 3, f"not Hindi: {line}"


@pytest.mark.parametrize("empty", [None, ..., "random_noise_loss"])
def test_empty_answers_are_not_done(data, empty):
    result = check_random_noise_loss(empty, data)
    assert not result
    assert "Not done yet" in result.message or "must be a function" in result.message


def _fixed(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.binary_cross_entropy(model(add_noise(clean, 0.5)), clean)


def _noisy_target(model, batch, max_noise=1.0):
    clean, _ = batch
    noisy = add_noise(clean, max_noise * torch.rand(len(clean), 1, 1, 1))
    return F.binary_cross_entropy(model(noisy), noisy)


def _randn(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.binary_cross_entropy(model(add_noise(clean, torch.randn(len(clean), 1, 1, 1))), clean)


def _flat_shape(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.binary_cross_entropy(model(add_noise(clean, torch.rand(len(clean)))), clean)


def _not_clipped(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.mse_loss(model(clean + torch.rand(len(clean), 1, 1, 1) * torch.randn_like(clean)), clean)


def _item(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.binary_cross_entropy(model(add_noise(clean, torch.rand(len(clean), 1, 1, 1))), clean).item()


def _per_pixel(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.binary_cross_entropy(model(add_noise(clean, torch.rand_like(clean))), clean)


def _no_noise(model, batch, max_noise=1.0):
    clean, _ = batch
    return F.binary_cross_entropy(model(clean), clean)


def _per_image_losses(model, batch, max_noise=1.0):
    clean, _ = batch
    output = model(add_noise(clean, torch.rand(len(clean), 1, 1, 1)))
    return F.binary_cross_entropy(output, clean, reduction="none").mean(dim=(1, 2, 3))


def _gradient_ascent(model, batch, max_noise=1.0):
    clean, _ = batch
    return -F.binary_cross_entropy(model(add_noise(clean, torch.rand(len(clean), 1, 1, 1))), clean)


@pytest.mark.parametrize("loss_fn, expected", [
    (_fixed, "does not change"),
    (_per_pixel, "does not change"),
    (_noisy_target, "target is not the clean batch"),
    (_randn, "stronger than max_noise"),
    (_flat_shape, "(N, 1, 1, 1)"),
    (_not_clipped, "clip them back"),
    (_item, "not loss.item()"),
    (_no_noise, "add noise"),
    (_per_image_losses, "one number"),
    (_gradient_ascent, "did not clearly improve"),
])
def test_typical_mistakes_are_named(data, loss_fn, expected):
    result = check_random_noise_loss(loss_fn, data)
    assert not result
    assert expected in result.message, result.message


def test_an_error_inside_the_loss_is_reported_not_raised(data):
    def random_noise_loss(model, batch, max_noise=1.0):
        raise RuntimeError("something broke")

    result = check_random_noise_loss(random_noise_loss, data)
    assert not result and "RuntimeError" in result.message


def test_the_noise_estimate_follows_the_noise_factor(data):
    clean = data.train_x[:256]
    torch.manual_seed(0)
    for sigma in (0.1, 0.5, 0.9):
        estimates = estimated_noise_factors(add_noise(clean, sigma), clean)
        assert abs(float(estimates.mean()) - sigma) < 0.05 * max(sigma, 0.2)


def test_messages_are_in_hindi_in_the_hindi_notebook(data):
    lang.set_language("hi")
    try:
        result = check_random_noise_loss(_fixed, data)
    finally:
        lang.set_language("en")
    assert not result and "शोर का स्तर नहीं बदलता" in result.message
