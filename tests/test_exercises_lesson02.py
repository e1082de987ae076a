"""The checker of lesson 02's exercise (additive attention): it fails on empty and typical wrong answers, in the
notebook's language, and passes on the solution written in the notebooks themselves."""
from pathlib import Path

import nbformat
import pytest
import torch
from torch import nn

from helpers.exercises import lesson02
from helpers.lang import set_language

ROOT = Path(__file__).resolve().parent.parent
PAD_ID = 0


class TinyEncoder(nn.Module):
    """The lesson's Encoder interface: digits (N, T) → (states (N, T, H), context (N, H))."""

    def __init__(self, hidden_size: int = 24):
        super().__init__()
        self.embed = nn.Embedding(11, 8)
        self.rnn = nn.GRU(8, hidden_size, batch_first=True)

    def forward(self, digits):
        states, last = self.rnn(self.embed(digits))
        return states, last[0]


def digit_batch(count: int = 32, length: int = 12, seed: int = 0) -> torch.Tensor:
    """Digit ids of random strings of 1..length digits, padded on the left with PAD_ID (as the lesson does)."""
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for _ in range(count):
        n = int(torch.randint(1, length + 1, (1,), generator=generator))
        digits = (torch.randint(0, 10, (n,), generator=generator) + 1).tolist()
        rows.append([PAD_ID] * (length - n) + digits)
    return torch.tensor(rows)


def solution(lang: str):
    """`additive_attention` as the notebook's solution cell defines it."""
    notebook = nbformat.read(ROOT / "notebooks" / lang / "02_encoder_decoder.ipynb", as_version=4)
    cells = [c for c in notebook.cells if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])
             and "def additive_attention" in c.source]
    assert len(cells) == 1, "expected one solution cell that defines additive_attention"
    namespace = {"torch": torch, "nn": nn}
    exec(cells[0].source, namespace)
    return namespace["additive_attention"]


@pytest.fixture
def encoder():
    torch.manual_seed(0)
    return TinyEncoder()


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_notebook_solution_passes(lang, encoder, capsys):
    result = lesson02.check_additive_attention(solution(lang), encoder, digit_batch())
    assert result, result.message
    assert "✅" in capsys.readouterr().out


def test_the_reference_passes_and_the_checker_leaves_the_random_numbers_alone(encoder):
    before = torch.get_rng_state()
    assert lesson02.check_additive_attention(lesson02.additive_attention, encoder, digit_batch())
    assert torch.equal(before, torch.get_rng_state())


def empty_with_docstring(query, keys, mask, W_q, W_k, v):
    """What `make student` leaves: the signature, the docstring and `...`."""
    ...


@pytest.mark.parametrize("answer", [None, ..., empty_with_docstring])
def test_an_empty_answer_is_not_done(answer, encoder):
    result = lesson02.check_additive_attention(answer, encoder, digit_batch())
    assert not result and "Not done yet" in result.message


def scores_of(query, keys, W_q, W_k, v):
    return v(torch.tanh(W_q(query)[:, None, :] + W_k(keys))).squeeze(-1)


def softmax_over_the_batch(query, keys, mask, W_q, W_k, v):
    weights = torch.softmax(scores_of(query, keys, W_q, W_k, v).masked_fill(~mask, float("-inf")), dim=0)
    return (weights[:, :, None] * keys).sum(1), weights


def no_mask(query, keys, mask, W_q, W_k, v):
    weights = torch.softmax(scores_of(query, keys, W_q, W_k, v), dim=-1)
    return (weights[:, :, None] * keys).sum(1), weights


def mask_after_softmax(query, keys, mask, W_q, W_k, v):
    weights = torch.softmax(scores_of(query, keys, W_q, W_k, v), dim=-1) * mask
    return (weights[:, :, None] * keys).sum(1), weights


def dot_product_scores(query, keys, mask, W_q, W_k, v):
    scores = (keys @ query[:, :, None]).squeeze(-1).masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return (weights[:, :, None] * keys).sum(1), weights


def context_is_a_plain_mean(query, keys, mask, W_q, W_k, v):
    weights = torch.softmax(scores_of(query, keys, W_q, W_k, v).masked_fill(~mask, float("-inf")), dim=-1)
    return keys.mean(1), weights


def detached(query, keys, mask, W_q, W_k, v):
    with torch.no_grad():
        return lesson02.additive_attention(query, keys, mask, W_q, W_k, v)


def only_the_context(query, keys, mask, W_q, W_k, v):
    return lesson02.additive_attention(query, keys, mask, W_q, W_k, v)[0]


def wrong_shapes(query, keys, mask, W_q, W_k, v):
    context, weights = lesson02.additive_attention(query, keys, mask, W_q, W_k, v)
    return context[:, None, :], weights


def crashes(query, keys, mask, W_q, W_k, v):
    return W_q(keys) + W_q(query)  # (N, T, A) + (N, A): does not broadcast


WRONG = {
    softmax_over_the_batch: "dim=-1",
    no_mask: "padding gets attention",
    mask_after_softmax: "sum to 1",
    dot_product_scores: "not additive attention",
    context_is_a_plain_mean: "weighted sum",
    detached: "gradient",
    only_the_context: "two tensors",
    wrong_shapes: "(N, H)",
    crashes: "raised RuntimeError",
}


@pytest.mark.parametrize("answer", list(WRONG), ids=lambda f: f.__name__)
def test_typical_wrong_answers_fail_and_say_what_to_fix(answer, encoder):
    result = lesson02.check_additive_attention(answer, encoder, digit_batch())
    assert not result
    assert WRONG[answer] in result.message, result.message


def test_messages_follow_the_notebook_language(encoder):
    set_language("hi")
    result = lesson02.check_additive_attention(no_mask, encoder, digit_batch())
    assert not result and "Padding पर भी ध्यान" in result.message
    assert lesson02.check_additive_attention(solution("hi"), encoder, digit_batch()).message.startswith("✅ additive_attention ठीक")
