"""Checker for lesson 02 (encoder-decoder): the student's additive (Bahdanau) attention.

`check_additive_attention(additive_attention, reader.encoder, digits)` runs the student's function on the
encoder states of real digit strings (the trained read-out model of the lesson) and compares it with
`additive_attention` below, the course's own copy, which the lesson's model also falls back to while the
exercise is still empty, so that the rest of the notebook runs.
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from . import CheckResult, failed, is_empty, not_done, passed

ATTENTION_SIZE = 16  # the checker's own attention size, unlike the lesson's: the answer must not depend on it
TOLERANCE = 1e-4


def additive_attention(query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor, W_q: nn.Linear,
                       W_k: nn.Linear, v: nn.Linear) -> tuple[torch.Tensor, torch.Tensor]:
    """score(s, h_t) = vᵀ tanh(W_q s + W_k h_t); α = softmax over the real digits; c = Σ_t α_t h_t.

    query (N, H): the decoder's previous state; keys (N, T, H): the encoder states; mask (N, T): True at
    real digits. Returns the context (N, H) and the weights (N, T).
    """
    scores = v(torch.tanh(W_q(query)[:, None, :] + W_k(keys)))[..., 0]  # (N, T)
    weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
    context = torch.bmm(weights[:, None, :], keys)[:, 0]  # (N, H)
    return context, weights


def _layers(hidden_size: int, seed: int) -> tuple[nn.Linear, nn.Linear, nn.Linear]:
    """W_q, W_k and v with fixed random weights, without touching the notebook's random numbers."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        W_q = nn.Linear(hidden_size, ATTENTION_SIZE, bias=False)
        W_k = nn.Linear(hidden_size, ATTENTION_SIZE)
        v = nn.Linear(ATTENTION_SIZE, 1, bias=False)
    return W_q, W_k, v


def _shape(value: object) -> str:
    return str(tuple(value.shape)) if isinstance(value, torch.Tensor) else type(value).__name__


def check_additive_attention(attend: Callable | None, encoder: nn.Module, digits: torch.Tensor,
                             pad_id: int = 0, seed: int = 0) -> CheckResult:
    """Run `attend(query, keys, mask, W_q, W_k, v)` on the encoder states of `digits` and say what is wrong.

    `encoder(digits)` must return (states (N, T, H), context (N, H)), as the lesson's Encoder does; the
    context is used as the query, the states as the keys, `digits != pad_id` as the mask.
    """
    if is_empty(attend):
        return not_done("additive_attention")
    if not callable(attend):
        return failed(f"additive_attention should be a function, but it is a {type(attend).__name__}.",
                      f"additive_attention एक function होना चाहिए, पर यह {type(attend).__name__} है।")
    was_training = encoder.training
    encoder.eval()
    with torch.no_grad():
        keys, query = encoder(digits)
    encoder.train(was_training)
    keys, query = keys.detach().cpu().float(), query.detach().cpu().float()
    mask = (digits != pad_id).cpu()
    n, length, hidden = keys.shape
    W_q, W_k, v = _layers(hidden, seed)
    try:
        answer = attend(query, keys, mask, W_q, W_k, v)
    except Exception as err:  # a student's code can raise anything: say what and where
        return failed(f"additive_attention raised {type(err).__name__}: {err}. It gets query {tuple(query.shape)}, "
                      f"keys {tuple(keys.shape)} and mask {tuple(mask.shape)} (N strings, T = {length} digits, "
                      f"H = {hidden}).",
                      f"additive_attention ने {type(err).__name__} दिया: {err}। इसे query {tuple(query.shape)}, keys "
                      f"{tuple(keys.shape)} और mask {tuple(mask.shape)} मिलते हैं (N लड़ियाँ, T = {length} अंक, "
                      f"H = {hidden})।")
    if not (isinstance(answer, tuple) and len(answer) == 2):
        return failed(f"additive_attention should return two tensors, (context, weights); it returned "
                      f"{_shape(answer)}.",
                      f"additive_attention को दो tensors लौटाने चाहिए, (context, weights); इसने {_shape(answer)} "
                      f"लौटाया।")
    context, weights = answer
    if not (isinstance(context, torch.Tensor) and context.shape == (n, hidden)):
        return failed(f"The context should have shape (N, H) = {(n, hidden)}, one vector per string; got "
                      f"{_shape(context)}. Sum the keys weighted by α over the digits (dimension 1).",
                      f"Context का आकार (N, H) = {(n, hidden)} होना चाहिए, हर लड़ी का एक vector; मिला "
                      f"{_shape(context)}। Keys को α से भार देकर अंकों वाले आयाम (dimension 1) पर जोड़ें।")
    if not (isinstance(weights, torch.Tensor) and weights.shape == (n, length)):
        return failed(f"The weights should have shape (N, T) = {(n, length)}, one weight per digit; got "
                      f"{_shape(weights)}.",
                      f"भारों (weights) का आकार (N, T) = {(n, length)} होना चाहिए, हर अंक का एक भार; मिला "
                      f"{_shape(weights)}।")
    context, weights = context.float(), weights.float()
    if not torch.isfinite(weights).all() or not torch.isfinite(context).all():
        return failed("The weights or the context contain NaN or inf. Fill the padding's scores with -inf "
                      "*before* the softmax, not after it.",
                      "भारों (weights) या context में NaN या inf है। Padding वाले scores में -inf softmax से *पहले* भरें, "
                      "बाद में नहीं।")
    sums = weights.sum(dim=1)
    if (weights < -TOLERANCE).any() or not torch.allclose(sums, torch.ones_like(sums), atol=TOLERANCE):
        hint_en, hint_hi = "", ""
        if torch.allclose(weights.sum(dim=0), torch.ones(length), atol=TOLERANCE):
            hint_en = " They sum to 1 over the strings instead: take the softmax over dim=-1 (the digits), not dim=0."
            hint_hi = " ये लड़ियों पर जुड़कर 1 बनते हैं: softmax dim=-1 (अंकों) पर लें, dim=0 पर नहीं।"
        return failed(f"The weights of each string should be ≥ 0 and sum to 1 over its digits (a softmax over "
                      f"the T dimension); the sums are {sums.min():.3f} … {sums.max():.3f}.{hint_en}",
                      f"हर लड़ी के भार ≥ 0 हों और उसके अंकों पर जुड़कर 1 बनें (T वाले आयाम पर softmax); जोड़ "
                      f"{sums.min():.3f} … {sums.max():.3f} है।{hint_hi}")
    on_padding = weights.masked_fill(mask, 0).abs().max().item()
    if on_padding > TOLERANCE:
        return failed(f"The padding gets attention (a weight of up to {on_padding:.3f}). Set the scores where "
                      f"mask is False to -inf before the softmax: scores.masked_fill(~mask, float('-inf')).",
                      f"Padding पर भी ध्यान जा रहा है (भार {on_padding:.3f} तक)। जहाँ mask False है, वहाँ softmax से "
                      f"पहले scores को -inf कर दें: scores.masked_fill(~mask, float('-inf'))।")
    if not torch.allclose(context, torch.einsum("nt,nth->nh", weights, keys), atol=TOLERANCE):
        return failed("The context is not the weighted sum of the keys with your weights: "
                      "c = Σ_t α_t h_t, e.g. (weights[:, :, None] * keys).sum(dim=1).",
                      "Context आपके भारों से keys का भारित जोड़ नहीं है: c = Σ_t α_t h_t, जैसे "
                      "(weights[:, :, None] * keys).sum(dim=1)।")
    with torch.no_grad():
        expected_context, expected = additive_attention(query, keys, mask, W_q, W_k, v)
    if not torch.allclose(weights, expected, atol=TOLERANCE):
        worst = (weights - expected).abs().max().item()
        return failed(f"The weights are valid, but they are not additive attention's (off by up to {worst:.3f}). "
                      f"The score of digit t is v(tanh(W_q(query) + W_k(keys[:, t]))): W_q(query) has shape "
                      f"(N, A); add a dimension, W_q(query)[:, None, :], so it adds to every digit's W_k(keys).",
                      f"भार ठीक ढंग के हैं, पर additive attention वाले नहीं ({worst:.3f} तक का फ़र्क)। अंक t का "
                      f"score v(tanh(W_q(query) + W_k(keys[:, t]))) है: W_q(query) का आकार (N, A) है; एक आयाम "
                      f"जोड़ें, W_q(query)[:, None, :], ताकि यह हर अंक के W_k(keys) में जुड़ सके।")
    W_q.zero_grad()
    context, _ = attend(query, keys, mask, W_q, W_k, v)
    if not context.requires_grad:
        return failed("No gradient can flow through your function (it uses torch.no_grad() or .detach()), so the "
                      "model could not learn W_q, W_k and v. Compute with ordinary tensor operations.",
                      "आपके function से होकर gradient नहीं जा सकता (इसमें torch.no_grad() या .detach() है), इसलिए "
                      "model W_q, W_k और v नहीं सीख पाएगा। आम tensor operations से ही गणना करें।")
    context.sum().backward()
    if W_q.weight.grad is None or not W_q.weight.grad.abs().sum() > 0:
        return failed("The loss gives W_q no gradient: the query must enter the scores through W_q(query).",
                      "Loss से W_q को कोई gradient नहीं मिलता: query को W_q(query) के ज़रिए scores में आना चाहिए।")
    real = int(mask.sum())
    return passed(f"additive_attention works: on {n} real digit strings ({real} digits, the rest padding) the "
                  f"weights are ≥ 0, sum to 1 over each string's digits, give the padding nothing, match the "
                  f"course's additive attention, and let the gradient reach W_q, W_k and v.",
                  f"additive_attention ठीक काम करता है: {n} असली लड़ियों ({real} अंक, बाकी padding) पर भार "
                  f"≥ 0 हैं, हर लड़ी के अंकों पर जुड़कर 1 बनते हैं, padding को कुछ नहीं देते, course के additive "
                  f"attention से मिलते हैं, और gradient W_q, W_k और v तक पहुँचता है।")
