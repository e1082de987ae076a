"""Lesson 05 (GAN): the checker of the DCGAN weight-initialisation exercise."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from . import CheckResult, failed, is_empty, not_done, passed

STD = 0.02
WEIGHTED = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)
NORMS = (nn.BatchNorm1d, nn.BatchNorm2d)
SHOWN = 3  # problems listed at most; the rest are counted

Problem = tuple[str, str]  # (English, Hindi)


def _layer(name: str, module: nn.Module) -> str:
    """A layer as `print(model)` names it, with its type and weight shape: "net.0 (Linear 1568×100)"."""
    return f"{name} ({type(module).__name__} {'×'.join(str(n) for n in module.weight.shape)})"


def _normal_problem(values: torch.Tensor, mean: float, what: Problem) -> Problem | None:
    """What is wrong with `values` as draws from N(mean, 0.02), or None when they fit."""
    values = values.detach().double().flatten()
    n = values.numel()
    got_mean, got_std = values.mean().item(), values.std().item() if n > 1 else 0.0
    if abs(got_mean - mean) > 5 * STD / math.sqrt(n) + 0.002 or abs(got_std - STD) > 5 * STD / math.sqrt(2 * n) + 0.001:
        return (f"{what[0]} have mean {got_mean:.3f} and standard deviation {got_std:.3f}, not about {mean:g} and {STD}",
                f"{what[1]} का mean {got_mean:.3f} और standard deviation {got_std:.3f} है, लगभग {mean:g} और {STD} "
                f"नहीं")
    if n >= 200:  # normal draws: about 4.6 % lie beyond 2 standard deviations; uniform ones of the same spread: none
        tail = ((values - mean).abs() > 2 * STD).double().mean().item()
        if tail < 0.01:
            return (f"{what[0]} look uniform, not normal ({tail:.1%} beyond 2 standard deviations instead of about "
                    f"4.6 %): use nn.init.normal_",
                    f"{what[1]} normal नहीं, uniform लगते हैं (2 standard deviations से बाहर लगभग 4.6 % की जगह "
                    f"{tail:.1%}): nn.init.normal_ इस्तेमाल करें")
    return None


def _zero_problem(values: torch.Tensor, what: Problem) -> Problem | None:
    largest = values.detach().abs().max().item()
    if largest > 0:
        return (f"{what[0]} are not 0 (the largest is {largest:.3f}): use nn.init.zeros_",
                f"{what[1]} 0 नहीं हैं (सबसे बड़ा {largest:.3f}): nn.init.zeros_ इस्तेमाल करें")
    return None


def _layer_problems(model: nn.Module, model_name: str) -> list[Problem]:
    """What is wrong with the initialisation of each layer of `model`."""
    problems = []
    for name, module in model.named_modules():
        layer = f"{model_name} {_layer(name, module)}" if isinstance(module, WEIGHTED + NORMS) else ""
        if isinstance(module, WEIGHTED):
            problems.append(_normal_problem(module.weight, 0.0, (f"the weights of {layer}", f"{layer} के भार")))
            if module.bias is not None:
                problems.append(_zero_problem(module.bias, (f"the biases of {layer}", f"{layer} के biases")))
        elif isinstance(module, NORMS):
            problems.append(_normal_problem(module.weight, 1.0, (f"the values of γ (module.weight) in {layer}",
                                                                 f"{layer} का γ (module.weight)")))
            problems.append(_zero_problem(module.bias, (f"the values of β (module.bias) in {layer}", f"{layer} का β (module.bias)")))
    return [p for p in problems if p is not None]


def check_dcgan_init(init: Callable[[nn.Module], None] | None, make_generator: Callable[[], nn.Module],
                     make_discriminator: Callable[[], nn.Module], real_images: torch.Tensor,
                     latent_dim: int = 100) -> CheckResult:
    """Apply `init` to a fresh generator and discriminator; check every layer's statistics and run both on data.

    `real_images` are real digits (N, 1, 28, 28) in [0, 1]; the generator takes noise of `latent_dim` numbers.
    The lesson's random numbers are not touched.
    """
    if is_empty(init):
        return not_done("dcgan_init")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        try:
            generator, discriminator = make_generator(), make_discriminator()
            before = [p.detach().clone() for p in [*generator.parameters(), *discriminator.parameters()]]
            generator.apply(init)
            discriminator.apply(init)
        except Exception as err:  # the student's code: report it, never stop the notebook
            return failed(f"dcgan_init raised {type(err).__name__}: {err}. model.apply calls it for every layer, also "
                          f"for ReLU, Tanh, Flatten and the whole model: leave those alone.",
                          f"dcgan_init ने {type(err).__name__} दिया: {err}। model.apply इसे हर परत के लिए चलाता है, "
                          f"ReLU, Tanh, Flatten और पूरे model के लिए भी: उन्हें वैसा ही छोड़ दें।")
        after = [*generator.parameters(), *discriminator.parameters()]
        if all(torch.equal(old, new) for old, new in zip(before, after)):
            return failed("dcgan_init changed no weight at all: use nn.init.normal_ and nn.init.zeros_ on "
                          "module.weight and module.bias.",
                          "dcgan_init ने कोई भी भार नहीं बदला: module.weight और module.bias पर nn.init.normal_ और "
                          "nn.init.zeros_ इस्तेमाल करें।")
        problems = _layer_problems(generator, "generator") + _layer_problems(discriminator, "discriminator")
        if problems:
            more = len(problems) - SHOWN
            return failed("Not yet: " + "; ".join(en for en, _ in problems[:SHOWN])
                          + (f"; and {more} more problems." if more > 0 else "."),
                          "अभी नहीं: " + "; ".join(hi for _, hi in problems[:SHOWN])
                          + (f"; और {more} और गड़बड़ियाँ।" if more > 0 else "।"))
        generator.eval()
        discriminator.eval()
        device = real_images.device
        generator.to(device)
        discriminator.to(device)
        with torch.no_grad():
            fake = generator(torch.randn(len(real_images), latent_dim).to(device))
            logits = discriminator(real_images * 2 - 1)
    finite = bool(torch.isfinite(logits).all())
    if tuple(fake.shape[1:]) != (1, 28, 28) or not finite:
        return failed(f"After dcgan_init the networks do not run as they should: G gives {tuple(fake.shape)} "
                      f"(expected (N, 1, 28, 28)), D's logits are finite: {finite}.",
                      f"dcgan_init के बाद networks ठीक से नहीं चलते: G का output {tuple(fake.shape)} है ((N, 1, 28, 28) "
                      f"होना चाहिए), D के logits finite हैं: {finite}।")
    d_real, spread = torch.sigmoid(logits).mean().item(), fake.std().item()
    return passed(f"dcgan_init is right: every Conv2d, ConvTranspose2d and Linear weight has mean ≈ 0 and standard "
                  f"deviation ≈ 0.02, the biases are 0, batch norm has γ ≈ N(1, 0.02) and β = 0. On {len(real_images)} "
                  f"real digits the untrained D gives D(x) = {d_real:.2f} on average (a neutral start), and G's "
                  f"pixels have a standard deviation of {spread:.3f} around grey.",
                  f"dcgan_init सही है: हर Conv2d, ConvTranspose2d और Linear परत के भार का mean ≈ 0 और standard "
                  f"deviation ≈ 0.02 है, biases 0 हैं, batch norm का γ ≈ N(1, 0.02) और β = 0 है। {len(real_images)} "
                  f"असली अंकों पर बिना सिखाया D औसतन D(x) = {d_real:.2f} देता है (बराबरी की शुरुआत), और G के pixels "
                  f"धूसर रंग के आसपास हैं, standard deviation {spread:.3f}।")
