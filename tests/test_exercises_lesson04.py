"""Lesson 04's exercise checker: it fails on empty and typical wrong answers and passes on the lesson's solution.

The solution is taken from the notebook (English and Hindi), so the test follows the lesson; the student copy
of the cell comes from the same tool `make student` uses.
"""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import helpers
from helpers import lang
from helpers.exercises.lesson04 import check_conv_vae
from lesson_code import load_tool, run_code, solution_source as lesson_solution

LESSON = "04_variational_autoencoder"


def _student_copies():
    return load_tool("make_student_copies")


def solution_source(language: str = "en") -> str:
    return lesson_solution(LESSON, "class ConvVAE", language)


def run(source: str) -> dict:
    return run_code(source, {"torch": torch, "nn": nn, "F": F}, f"<{LESSON}>")


@pytest.fixture(scope="module")
def data() -> helpers.ImageData:
    return helpers.load_images("mnist", subset=600, test_subset=100, offline=True)


@pytest.fixture(scope="module")
def solution() -> type:
    return run(solution_source())["ConvVAE"]


def variant(solution: type, **methods) -> type:
    """The lesson's ConvVAE with some methods replaced: a typical mistake."""
    return type("ConvVAE", (solution,), methods)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_lessons_solution_passes(data, language, capsys):
    result = check_conv_vae(run(solution_source(language))["ConvVAE"], data)
    assert result, result.message
    assert "✅" in capsys.readouterr().out


def test_the_check_leaves_the_notebooks_random_numbers_alone(data, solution):
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    check_conv_vae(solution, data)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_student_copy_is_not_done_yet(data, language):
    copy = _student_copies().exercise_source(solution_source(language), language)
    namespace = run(copy)
    lang.set_language(language)
    try:
        result = check_conv_vae(namespace["ConvVAE"], data)
    finally:
        lang.set_language("en")
    assert not result
    assert ("Not done yet" if language == "en" else "अभी बाकी है") in result.message


@pytest.mark.parametrize("empty", [None, ..., "ConvVAE"])
def test_empty_answers_are_not_done(data, empty):
    result = check_conv_vae(empty, data)
    assert not result
    assert "Not done yet" in result.message or "nn.Module" in result.message


def test_no_sampling_is_caught(data, solution):
    def forward(self, x):
        mu, log_var = self.encode(x)
        return self.decode(mu), mu, log_var  # decodes μ itself: no reparameterisation

    result = check_conv_vae(variant(solution, forward=forward), data)
    assert not result and "not sampled" in result.message


def test_sigma_not_from_log_var_is_caught(data, solution):
    def forward(self, x):
        mu, log_var = self.encode(x)
        z = mu + torch.randn_like(mu)  # σ forgotten: log_var never reaches the reconstruction
        return self.decode(z), mu, log_var

    result = check_conv_vae(variant(solution, forward=forward), data)
    assert not result and "log_var" in result.message


def test_a_missing_sigmoid_is_caught(data, solution):
    def decode(self, z):
        return self.decoder[:-1](z)  # logits, not probabilities

    result = check_conv_vae(variant(solution, decode=decode), data)
    assert not result and "Sigmoid" in result.message


def test_a_wrong_output_size_is_caught_with_the_size_rule(data, solution):
    class TooBig(solution):
        def __init__(self, latent_dim: int = 16):
            super().__init__(latent_dim)
            self.decoder[-2] = nn.ConvTranspose2d(32, 1, 4, stride=2, padding=0)  # 14 → 30, not 28

    result = check_conv_vae(TooBig, data)
    assert not result and "(64, 1, 28, 28)" in result.message and "7 → 14 → 28" in result.message


def test_outputs_in_the_wrong_order_are_caught(data, solution):
    def forward(self, x):
        mu, log_var = self.encode(x)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        return mu, log_var, self.decode(z)

    result = check_conv_vae(variant(solution, forward=forward), data)
    assert not result and "x_hat" in result.message


def test_a_dense_vae_is_not_convolutional(data):
    class DenseVAE(nn.Module):
        def __init__(self, latent_dim: int = 16):
            super().__init__()
            self.enc = nn.Linear(784, 2 * latent_dim)
            self.dec = nn.Sequential(nn.Linear(latent_dim, 784), nn.Sigmoid())

        def forward(self, x):
            mu, log_var = self.enc(x.flatten(1)).chunk(2, dim=1)
            return self.dec(mu), mu, log_var

    result = check_conv_vae(DenseVAE, data)
    assert not result and "convolution" in result.message


def test_a_model_that_cannot_learn_is_caught(data, solution):
    class Frozen(solution):
        def __init__(self, latent_dim: int = 16):
            super().__init__(latent_dim)
            for p in self.parameters():
                p.requires_grad_(False)
            self.scale = nn.Parameter(torch.ones(()))  # one trainable number, nothing that can learn digits

        def forward(self, x):
            x_hat, mu, log_var = super().forward(x)
            return x_hat, mu * self.scale, log_var

    result = check_conv_vae(Frozen, data)
    assert not result
    assert "log_var" in result.message or "should fall" in result.message or "gradient" in result.message


def test_an_error_inside_the_model_is_reported_not_raised(data, solution):
    def encode(self, x):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")

    result = check_conv_vae(variant(solution, encode=encode), data)
    assert not result and "RuntimeError" in result.message


def test_messages_are_in_hindi_in_the_hindi_notebook(data, solution):
    def forward(self, x):
        mu, log_var = self.encode(x)
        return self.decode(mu), mu, log_var

    lang.set_language("hi")
    try:
        result = check_conv_vae(variant(solution, forward=forward), data)
    finally:
        lang.set_language("en")
    assert not result and "sample नहीं हो रहा" in result.message
