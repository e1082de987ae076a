"""Lesson 06's exercise checker: it fails on empty and typical wrong answers and passes on the lesson's solution.

The solution, TransferNet and the frozen part are taken from the English notebook (so the test follows the
lesson) and run on real Fashion-MNIST images through the packaged pretrained EfficientNet-Lite0.
"""
import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import helpers
from helpers import pretrained
from helpers.exercises import lesson06
from helpers.exercises.lesson06 import check_fine_tuning
from lesson_code import code_cells, load_tool, run_code, solution_source

LESSON = "06_pretrained_models"


def _student_copies():
    return load_tool("make_student_copies")


def _cells() -> list:
    return code_cells(LESSON)


def _solution_source() -> str:
    return solution_source(LESSON, "def fine_tuning_optimizer")


def _run(source: str, namespace: dict) -> dict:
    return run_code(source, namespace, "<lesson 06>")


def _definitions(source: str, names: tuple[str, ...]) -> str:
    """Only the top-level functions and classes called `names` of a cell (not the code that runs them)."""
    import ast

    tree = ast.parse(source)
    tree.body = [node for node in tree.body if getattr(node, "name", None) in names]
    return ast.unparse(tree)


@pytest.fixture(scope="module")
def lesson() -> dict:
    """TransferNet and the frozen part's output for 300 real Fashion-MNIST images, as the lesson computes them."""
    backbone, *_ = pretrained.load_efficientnet_lite0()
    namespace = {"torch": torch, "nn": nn, "F": F, "copy": copy, "helpers": helpers, "backbone": backbone,
                 "RESOLUTION": 64}
    cells = _cells()
    _run(_definitions(next(c.source for c in cells if "def frozen_part" in c.source), ("frozen_part",)), namespace)
    _run(_definitions(next(c.source for c in cells if "class TransferNet" in c.source), ("TransferNet",)), namespace)
    data = helpers.load_images("fashion_mnist", subset=300, test_subset=10, offline=True, verbose=False)
    namespace["activations"] = namespace["frozen_part"](data.train_x)
    namespace["labels"] = data.train_y
    return namespace


def check(answer, lesson):
    return check_fine_tuning(answer, lambda: lesson["TransferNet"](lesson["backbone"]), lesson["activations"],
                             lesson["labels"])


def _answer(source: str, lesson: dict):
    return _run(source, {"torch": torch, "nn": nn, "TransferNet": lesson["TransferNet"]})["fine_tuning_optimizer"]


def test_the_lessons_solution_passes_and_leaves_the_random_numbers_alone(lesson, capsys):
    state = torch.get_rng_state()
    result = check(_answer(_solution_source(), lesson), lesson)
    assert result, result.message
    assert torch.equal(state, torch.get_rng_state())
    assert "Fine-tuning is set up right" in capsys.readouterr().out


def test_the_course_answer_passes_in_hindi_too(lesson):
    helpers.set_language("hi")
    result = check(lesson06.reference_fine_tuning_optimizer, lesson)
    assert result and "सही तैयार" in result.message


@pytest.mark.parametrize("empty", [None, ...])
def test_empty_answers_are_not_done(empty, lesson):
    result = check(empty, lesson)
    assert not result and "Not done yet" in result.message


def test_the_student_copy_stub_is_not_done(lesson):
    stub = _student_copies().exercise_source(_solution_source(), "en")
    assert "requires_grad_" not in stub.split("def fine_tuning_optimizer")[1]  # the solution is gone from the copy
    result = check(_answer(stub, lesson), lesson)
    assert not result and "Not done yet" in result.message


WRONG = {
    "only the head (the linear probe)": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.last_block.requires_grad_(False)
    model.head.requires_grad_(True)
    return torch.optim.AdamW(model.head.parameters(), lr=head_lr)
""", "still frozen"),
    "forgets to unfreeze the last block": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.head.requires_grad_(True)
    return torch.optim.AdamW([{"params": model.last_block.parameters(), "lr": backbone_lr},
                              {"params": model.head.parameters(), "lr": head_lr}])
""", "model.last_block.requires_grad_(True)"),
    "one group, one learning rate": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.requires_grad_(True)
    return torch.optim.AdamW(model.parameters(), lr=head_lr)
""", "1 parameter group(s)"),
    "learning rates swapped": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.requires_grad_(True)
    return torch.optim.AdamW([{"params": model.last_block.parameters(), "lr": head_lr},
                              {"params": model.head.parameters(), "lr": backbone_lr}])
""", "swapped"),
    "fixed learning rates instead of the arguments": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.requires_grad_(True)
    return torch.optim.AdamW([{"params": model.last_block.parameters(), "lr": 1e-4},
                              {"params": model.head.parameters(), "lr": 1e-3}])
""", "Use the function's arguments"),
    "the head's parameters in both groups": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.requires_grad_(True)
    return torch.optim.AdamW([{"params": model.parameters(), "lr": backbone_lr},
                              {"params": [], "lr": head_lr}])
""", "exactly one part"),
    "returns nothing": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.requires_grad_(True)
    torch.optim.AdamW(model.parameters(), lr=head_lr)
""", "must return an optimizer"),
    "a learning rate that diverges": ("""
def fine_tuning_optimizer(model, backbone_lr=1e-4, head_lr=1e-3):
    model.requires_grad_(True)
    return torch.optim.SGD([{"params": model.last_block.parameters(), "lr": backbone_lr},
                            {"params": model.head.parameters(), "lr": head_lr}], maximize=True)
""", "did not decrease"),
}


@pytest.mark.parametrize("case", WRONG, ids=list(WRONG))
def test_typical_wrong_answers_fail_with_a_precise_message(case, lesson):
    source, expected = WRONG[case]
    result = check(_answer(source, lesson), lesson)
    assert not result
    assert expected in result.message, result.message


def test_a_wrong_answer_is_explained_in_hindi(lesson):
    helpers.set_language("hi")
    result = check(_answer(WRONG["learning rates swapped"][0], lesson), lesson)
    assert not result and "उलटे" in result.message
