"""Lesson 05's exercise checker: it fails on empty and typical wrong answers and passes on the lesson's solution.

The solution and the networks are taken from the English notebook, so the test follows the lesson.
"""
import ast

import pytest
import torch
from torch import nn

import helpers
from helpers.exercises.lesson05 import check_dcgan_init
from lesson_code import code_cells, load_tool, run_code, solution_source

LESSON = "05_gan"


def _student_copies():
    return load_tool("make_student_copies")


def _cells() -> list:
    return code_cells(LESSON)


def _solution_source() -> str:
    return solution_source(LESSON, "def dcgan_init")


def _run(source: str, namespace: dict | None = None) -> dict:
    return run_code(source, {"torch": torch, "nn": nn, **(namespace or {})}, "<lesson 05>")


@pytest.fixture(scope="module")
def networks() -> dict:
    """LATENT_DIM, ConvGenerator and ConvDiscriminator exactly as the lesson defines them."""
    cells = _cells()
    latent = next(c.source for c in cells if c.source.startswith("LATENT_DIM"))
    tree = ast.parse(latent)
    tree.body = [node for node in tree.body if isinstance(node, ast.Assign)
                 and any(getattr(t, "id", "") == "LATENT_DIM" for t in node.targets)]
    namespace = _run(ast.unparse(tree))
    conv = next(c.source for c in cells if "class ConvGenerator" in c.source)
    return _run(conv, namespace)


@pytest.fixture(scope="module")
def real_digits() -> torch.Tensor:
    return helpers.load_images("mnist", subset=300, test_subset=10, offline=True).train_x[:128]


def check(init, networks, real_digits):
    return check_dcgan_init(init, networks["ConvGenerator"], networks["ConvDiscriminator"], real_digits,
                            networks["LATENT_DIM"])


def test_the_lessons_solution_passes_and_leaves_the_random_numbers_alone(networks, real_digits, capsys):
    init = _run(_solution_source())["dcgan_init"]
    state = torch.get_rng_state()
    result = check(init, networks, real_digits)
    assert result, result.message
    assert torch.equal(state, torch.get_rng_state())
    assert "dcgan_init is right" in capsys.readouterr().out


def test_the_solution_passes_in_hindi_too(networks, real_digits):
    helpers.set_language("hi")
    result = check(_run(_solution_source())["dcgan_init"], networks, real_digits)
    assert result and "सही है" in result.message


@pytest.mark.parametrize("empty", [None, ...])
def test_empty_answers_are_not_done(empty, networks, real_digits):
    result = check(empty, networks, real_digits)
    assert not result and "Not done yet" in result.message


def test_the_student_copy_stub_is_not_done(networks, real_digits):
    stub = _student_copies().exercise_source(_solution_source(), "en")
    assert "nn.init.normal_" not in stub.split("def dcgan_init")[1]  # the solution is gone from the copy
    result = check(_run(stub)["dcgan_init"], networks, real_digits)
    assert not result and "Not done yet" in result.message


WRONG = {
    "mean and std swapped": ("""
def dcgan_init(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
""", "have mean 0.0"),
    "only Conv2d": ("""
def dcgan_init(module):
    if isinstance(module, nn.Conv2d):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
""", "the weights of generator net.0 (Linear"),
    "batch norm scale around 0": ("""
def dcgan_init(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
""", "γ (module.weight) in generator net.1 (BatchNorm1d"),
    "uniform instead of normal": ("""
def dcgan_init(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.uniform_(module.weight, -0.02 * 3 ** 0.5, 0.02 * 3 ** 0.5)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
""", "look uniform"),
    "biases left as they were": ("""
def dcgan_init(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
""", "biases of generator net.7 (ConvTranspose2d 16×1×4×4) are not 0"),
    "breaks on layers without weights": ("""
def dcgan_init(module):
    nn.init.normal_(module.weight, 0.0, 0.02)
""", "raised AttributeError"),
    "changes nothing": ("""
def dcgan_init(module):
    module.training = module.training
""", "changed no weight"),
}


@pytest.mark.parametrize("case", WRONG, ids=list(WRONG))
def test_typical_wrong_answers_fail_with_a_precise_message(case, networks, real_digits):
    source, expected = WRONG[case]
    result = check(_run(source)["dcgan_init"], networks, real_digits)
    assert not result
    assert expected in result.message, result.message


def test_a_wrong_answer_is_explained_in_hindi(networks, real_digits):
    helpers.set_language("hi")
    result = check(_run(WRONG["mean and std swapped"][0])["dcgan_init"], networks, real_digits)
    assert not result and result.message.startswith("❌ अभी नहीं")
