"""Lesson 01's exercise checker: it fails on empty and typical wrong training loops and passes on the lesson's
solution; and helpers' `train_epoch` is the lesson's solution, the same code.

The solution is taken from the notebooks (English and Hindi), so the tests follow the lesson; the student copy
of the cell comes from the same tool `make student` uses.
"""
import ast
import inspect

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import helpers
from helpers import lang
from helpers.exercises.lesson01 import check_train_epoch
from helpers.fingerprint import normalised_code
from lesson_code import load_tool, run_code, solution_source as lesson_solution

LESSON = "01_autoencoder"


def _student_copies():
    return load_tool("make_student_copies")


def solution_source(language: str = "en") -> str:
    return lesson_solution(LESSON, "def train_epoch", language)


def run(source: str) -> dict:
    return run_code(source, {"torch": torch, "nn": nn, "F": F}, f"<{LESSON}>")


def function_code(source: str, name: str) -> str:
    """The normalised code (no comments, docstrings or texts) of the top-level function `name` in `source`."""
    [node] = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name]
    return normalised_code(ast.get_source_segment(source, node))


@pytest.fixture(scope="module")
def data() -> helpers.ImageData:
    return helpers.load_images("mnist", subset=1600, test_subset=100, offline=True, verbose=False)


@pytest.fixture(scope="module")
def solution():
    return run(solution_source())["train_epoch"]


@pytest.mark.parametrize("language", ["en", "hi"])
def test_helpers_train_epoch_is_the_lessons_solution(language):
    """The anchor idea "teach the loop once, then save that exact code": the two may differ only in comments,
    docstrings and texts."""
    lesson_code = function_code(solution_source(language), "train_epoch")
    helpers_code = normalised_code(inspect.getsource(helpers.train.train_epoch))
    assert lesson_code == helpers_code, (
        "helpers/train.py's train_epoch and lesson 01's solution cell differ: change both the same way")
    assert "lesson 01" in helpers.train.train_epoch.__doc__


def test_the_check_notices_a_different_function():
    changed = solution_source().replace("optimizer.zero_grad()", "model.zero_grad()")
    assert function_code(changed, "train_epoch") != normalised_code(inspect.getsource(helpers.train.train_epoch))


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_lessons_solution_passes(data, language, capsys):
    result = check_train_epoch(run(solution_source(language))["train_epoch"], data)
    assert result, result.message
    assert "✅" in capsys.readouterr().out


def test_helpers_own_train_epoch_passes(data):
    assert check_train_epoch(helpers.train.train_epoch, data)


def test_the_check_leaves_the_notebooks_random_numbers_alone(data, solution):
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    check_train_epoch(solution, data)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_student_copy_is_not_done_yet(data, language):
    copy = _student_copies().exercise_source(solution_source(language), language)
    assert "def train_epoch" in copy and "loss.backward()" not in copy
    namespace = run(copy)
    lang.set_language(language)
    try:
        result = check_train_epoch(namespace["train_epoch"], data)
    finally:
        lang.set_language("en")
    assert not result
    assert ("Not done yet" if language == "en" else "अभी बाकी है") in result.message


@pytest.mark.parametrize("empty", [None, ..., "train_epoch"])
def test_empty_answers_are_not_done(data, empty):
    result = check_train_epoch(empty, data)
    assert not result
    assert "Not done yet" in result.message or "must be a function" in result.message


def loop(*, zero_grad: str = "before backward", backward: bool = True, step: str = "in loop",
         train_mode: bool = True, returns: str = "mean"):
    """A training loop with one typical mistake (or none, with the defaults)."""
    def train_epoch(model, loss_fn, optimizer, batches):
        if train_mode:
            model.train()
        total, count, losses = 0.0, 0, []
        if zero_grad == "once before the loop":
            optimizer.zero_grad()
        for batch in batches:
            loss = loss_fn(model, batch)
            if zero_grad == "before backward":
                optimizer.zero_grad()
            if backward:
                loss.backward()
            if zero_grad == "between backward and step":
                optimizer.zero_grad()
            if step == "in loop":
                optimizer.step()
            if zero_grad == "after step":
                optimizer.zero_grad()
            total += (loss if returns == "tensor" else loss.item()) * len(batch[0])
            count += len(batch[0])
            losses.append(loss.item())
        if step == "after the loop":
            optimizer.step()
        return {"mean": total / max(count, 1), "tensor": total / max(count, 1), "last": losses[-1], "sum": total,
                "nothing": None}[returns]
    return train_epoch


def test_a_correct_loop_written_differently_passes(data):
    assert check_train_epoch(loop(zero_grad="after step"), data)  # zero_grad at the end of each batch is fine


@pytest.mark.parametrize("mistake, expected", [
    ({"zero_grad": "never"}, "never cleared"),
    ({"zero_grad": "once before the loop"}, "not called for every batch"),
    ({"zero_grad": "between backward and step"}, "wipes the gradients"),
    ({"backward": False}, "loss.backward() is never called"),
    ({"step": "never"}, "optimizer.step() is never called"),
    ({"step": "after the loop"}, "once per batch"),
    ({"train_mode": False}, "model.train()"),
    ({"returns": "last"}, "last batch's loss"),
    ({"returns": "sum"}, "a sum"),
    ({"returns": "tensor"}, "returns a tensor"),
    ({"returns": "nothing"}, "returns nothing"),
])
def test_typical_mistakes_are_named(data, mistake, expected):
    result = check_train_epoch(loop(**mistake), data)
    assert not result
    assert expected in result.message, result.message


def test_forgetting_zero_grad_shows_the_piled_up_gradients(data):
    result = check_train_epoch(loop(zero_grad="never"), data)
    assert "moved by 0.60" in result.message and "0.30" in result.message  # 0.1 + 0.2 + 0.3 instead of 3 × 0.1


def test_a_loop_that_does_not_learn_on_real_digits_is_caught(data):
    def train_epoch(model, loss_fn, optimizer, batches):
        """Right on the controlled case, but it trains on the same first batch over and over with a tiny step."""
        model.train()
        total, count = 0.0, 0
        batches = list(batches)
        for _ in batches:
            loss = loss_fn(model, batches[0])
            optimizer.zero_grad()
            loss.backward()
            for group in optimizer.param_groups:
                group["lr"] = group["lr"] if group["lr"] == 0.1 else 1e-6
            optimizer.step()
            total += loss.item() * len(batches[0][0])
            count += len(batches[0][0])
        return total / count

    result = check_train_epoch(train_epoch, data)
    assert not result and "should fall clearly" in result.message


def test_an_error_inside_the_loop_is_reported_not_raised(data):
    def train_epoch(model, loss_fn, optimizer, batches):
        raise RuntimeError("element 0 of tensors does not require grad")

    result = check_train_epoch(train_epoch, data)
    assert not result and "RuntimeError" in result.message


def test_messages_are_in_hindi_in_the_hindi_notebook(data):
    lang.set_language("hi")
    try:
        result = check_train_epoch(loop(zero_grad="never"), data)
    finally:
        lang.set_language("en")
    assert not result and "Gradients कभी साफ़ नहीं होते" in result.message
