"""Checker for lesson 03's exercise: a denoising loss that draws a random noise level.

`check_random_noise_loss(loss_fn, data)` runs the student's `loss_fn(model, batch)` on real digits:
1. with a recording model, which keeps the input it is given and returns an output the checker chooses:
   - the loss is one finite tensor that gradients flow through;
   - the model's input is the clean batch with noise added, clipped to [0, 1];
   - the noise level, estimated per image from the black background pixels, varies (from image to image, or
     at least from batch to batch) over the range 0 … max_noise, and does not go beyond it;
   - the target is the clean image: when the output equals the clean images the loss has zero gradient
     with respect to the output, and when the output is the noisy input it has not;
2. with a fresh small denoiser trained for a few hundred steps with the loss: its PSNR on other digits must
   improve at several noise levels.
It never raises for a wrong answer: it says what to fix, in the notebook's language.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import CheckResult, failed, is_empty, not_done, passed

PROBE_CALLS = 16      # batches given to the recording model
PROBE_BATCH = 64
TRAIN_STEPS = 150     # steps of the small denoiser trained with the student's loss
TRAIN_BATCH = 64
HELD_OUT = 256
TEST_LEVELS = (0.2, 0.5, 0.8)  # noise factors (times max_noise) at which the trained denoiser must improve


class _Recorder(nn.Module):
    """Keeps every input it gets and returns `self.output` (a tensor whose gradient the checker reads)."""

    def __init__(self):
        super().__init__()
        self.inputs: list[torch.Tensor] = []
        self.output: torch.Tensor | None = None
        self.anchor = nn.Parameter(torch.zeros(()))  # so that the model has parameters and a device

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.inputs.append(x.detach().clone())
        if self.output is None:
            return torch.full_like(x, 0.5) + 0 * self.anchor
        return self.output


class _SmallDenoiser(nn.Module):
    """A small convolutional denoiser 1×28×28 → 16×7×7 → 1×28×28 for the check on real digits."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def _error(err: Exception) -> str:
    return f"{type(err).__name__}: {str(err)[:300]}"


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _background_mean(sigma: float) -> float:
    """E[clip(σ·ε, 0, 1)] for ε ~ N(0, 1): the mean of a noised black pixel at noise factor σ."""
    if sigma <= 0:
        return 0.0
    a = 1 / sigma
    density = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    return sigma * (1 / math.sqrt(2 * math.pi) - density) + (1 - _normal_cdf(a))


_SIGMAS = np.linspace(0.0, 4.0, 801)
_MEANS = np.array([_background_mean(s) for s in _SIGMAS])  # increasing in σ


def estimated_noise_factors(noisy: torch.Tensor, clean: torch.Tensor) -> np.ndarray:
    """Per image, the noise factor σ of `clip(clean + σ·ε, 0, 1)` that explains the noise on the black background."""
    background = (clean == 0).flatten(1).float()
    means = ((noisy.flatten(1) * background).sum(1) / background.sum(1).clamp(min=1)).cpu().numpy()
    return np.interp(means, _MEANS, _SIGMAS)


def _psnr(model: nn.Module, clean: torch.Tensor, noise: torch.Tensor, sigma: float) -> float:
    model.eval()
    with torch.no_grad():
        noisy = torch.clip(clean + sigma * noise, 0.0, 1.0)
        error = F.mse_loss(model(noisy), clean).item()
    return 10 * math.log10(1 / max(error, 1e-12))


def check_random_noise_loss(loss_fn: object, data: object, max_noise: float = 1.0, seed: int = 0) -> CheckResult:
    """Check a student's `random_noise_loss(model, batch)`; prints what to fix."""
    if is_empty(loss_fn):
        return not_done("random_noise_loss")
    if not callable(loss_fn):
        return failed(f"random_noise_loss must be a function, got {type(loss_fn).__name__}.",
                      f"random_noise_loss एक function होना चाहिए; मिला {type(loss_fn).__name__}।")
    with torch.random.fork_rng(devices=[]):  # the notebook's own random numbers are not touched
        torch.manual_seed(seed)
        result = _check_probe(loss_fn, data, max_noise)
        if result is not None:
            return result
        return _check_training(loss_fn, data, max_noise, seed)


def _call(loss_fn, model: nn.Module, batch: tuple) -> tuple[torch.Tensor | None, CheckResult | None]:
    """The student's loss for `batch`, or the failed result that says why it is not a usable loss."""
    try:
        loss = loss_fn(model, batch)
    except Exception as err:  # noqa: BLE001 - the student's code: report, never raise
        hint_en = hint_hi = ""
        if "size of tensor" in str(err) or "must match" in str(err):
            hint_en = (" A noise factor per image must have the shape (N, 1, 1, 1), e.g. "
                       "torch.rand(len(clean), 1, 1, 1), so that it multiplies a whole 1×28×28 image.")
            hint_hi = (" हर तस्वीर के noise factor की shape (N, 1, 1, 1) होनी चाहिए, जैसे "
                       "torch.rand(len(clean), 1, 1, 1), ताकि वह पूरी 1×28×28 तस्वीर से गुणा हो।")
        return None, failed(f"random_noise_loss(model, batch) raised {_error(err)}.{hint_en}",
                            f"random_noise_loss(model, batch) चलाने से यह error आया: {_error(err)}।{hint_hi}")
    if not isinstance(loss, torch.Tensor):
        return None, failed(f"random_noise_loss returned {type(loss).__name__}: return the loss tensor itself "
                            f"(not loss.item()), so that backward() can compute the gradients.",
                            f"random_noise_loss ने {type(loss).__name__} लौटाया: loss का tensor ही लौटाएँ "
                            f"(loss.item() नहीं), ताकि backward() gradients निकाल सके।")
    if loss.dim() != 0:
        return None, failed(f"random_noise_loss returned a tensor of shape {tuple(loss.shape)}: it should be one "
                            f"number, the mean loss of the batch (F.binary_cross_entropy averages by default).",
                            f"random_noise_loss ने shape {tuple(loss.shape)} वाला tensor लौटाया: इसे एक संख्या, "
                            f"यानी batch का औसत loss, होना चाहिए (F.binary_cross_entropy अपने-आप औसत लेता है)।")
    if not torch.isfinite(loss):
        return None, failed(f"random_noise_loss returned {loss.item()}: the loss must be a finite number.",
                            f"random_noise_loss ने {loss.item()} लौटाया: loss एक सीमित (finite) संख्या होना चाहिए।")
    if not loss.requires_grad:
        return None, failed("The loss carries no gradient: compute it from the model's output (model(noisy)), "
                            "without torch.no_grad() or .detach().",
                            "Loss में कोई gradient नहीं है: इसे model के output (model(noisy)) से निकालें, "
                            "torch.no_grad() या .detach() के बिना।")
    return loss, None


def _check_probe(loss_fn, data, max_noise: float) -> CheckResult | None:
    """The recording model's checks; a failed result, or None when the loss does what it should."""
    images = data.train_x
    labels = data.train_y
    model = _Recorder().to(images.device)
    cleans = []
    for call in range(PROBE_CALLS):
        start = call * PROBE_BATCH % max(1, len(images) - PROBE_BATCH)
        clean = images[start:start + PROBE_BATCH]
        loss, problem = _call(loss_fn, model, (clean, labels[start:start + PROBE_BATCH]))
        if problem is not None:
            return problem
        cleans.append(clean)
    if len(model.inputs) != PROBE_CALLS:
        return failed("random_noise_loss should call the model once per batch, on the noisy images.",
                      "random_noise_loss को हर batch पर model को एक बार, शोर वाली तस्वीरों पर, चलाना चाहिए।")
    inputs = torch.cat(model.inputs)
    clean = torch.cat(cleans)
    if inputs.shape != clean.shape:
        return failed(f"The model got input of shape {tuple(inputs.shape[1:])} per batch item; it should get the "
                      f"noisy images, {tuple(clean.shape[1:])}.",
                      f"Model को हर तस्वीर के लिए shape {tuple(inputs.shape[1:])} का input मिला; उसे शोर वाली "
                      f"तस्वीरें, {tuple(clean.shape[1:])}, मिलनी चाहिए।")
    if torch.equal(inputs, clean):
        return failed("The model's input is the clean batch itself: add noise to it first, e.g. "
                      "add_noise(clean, noise_factor).",
                      "Model का input खुद साफ़ batch है: पहले उसमें शोर मिलाएँ, जैसे add_noise(clean, noise_factor)।")
    if inputs.min() < 0 or inputs.max() > 1:
        return failed(f"The noisy images range from {inputs.min().item():.2f} to {inputs.max().item():.2f}: clip "
                      f"them back to [0, 1] as add_noise does (torch.clip(..., 0., 1.)).",
                      f"शोर वाली तस्वीरों के मान {inputs.min().item():.2f} से {inputs.max().item():.2f} तक हैं: "
                      f"उन्हें add_noise की तरह वापस [0, 1] में clip करें (torch.clip(..., 0., 1.))।")
    sigmas = estimated_noise_factors(inputs, clean)
    low, high = (float(value) for value in np.percentile(sigmas, [5, 95]))
    spread = float(np.percentile(sigmas, 90) - np.percentile(sigmas, 10))
    seen = (f"Over {PROBE_CALLS} batches of {PROBE_BATCH} digits, 90% of the noise factors lay between about "
            f"{low:.2f} and {high:.2f}.")
    seen_hi = (f"{PROBE_BATCH} अंकों के {PROBE_CALLS} batches में 90% noise factors लगभग {low:.2f} और {high:.2f} के "
               f"बीच रहे।")
    if spread < 0.15 * max_noise:
        return failed(f"{seen} The noise level does not change: draw a new random noise factor for every image "
                      f"(or every batch) between 0 and max_noise, e.g. max_noise * torch.rand(len(clean), 1, 1, 1), "
                      f"instead of a fixed one (and one per image, not one per pixel).",
                      f"{seen_hi} शोर का स्तर नहीं बदलता: एक तय noise factor की जगह हर तस्वीर (या हर batch) के लिए "
                      f"0 और max_noise के बीच एक नया random noise factor चुनें, जैसे "
                      f"max_noise * torch.rand(len(clean), 1, 1, 1) (और हर तस्वीर के लिए एक, हर pixel के लिए नहीं)।")
    if high > 1.25 * max_noise:
        return failed(f"{seen} That is stronger than max_noise = {max_noise}: draw σ uniformly from [0, max_noise) "
                      f"with torch.rand (torch.randn draws from a normal distribution, without a limit).",
                      f"{seen_hi} यह max_noise = {max_noise} से ज़्यादा है: σ को torch.rand से [0, max_noise) में "
                      f"बराबर संभावना से चुनें (torch.randn normal वितरण से चुनता है, जिसकी कोई सीमा नहीं)।")
    if low > 0.3 * max_noise or high < 0.7 * max_noise:
        return failed(f"{seen} They should cover the whole range from 0 to max_noise = {max_noise}: draw σ "
                      f"uniformly, e.g. max_noise * torch.rand(...).",
                      f"{seen_hi} इन्हें 0 से max_noise = {max_noise} तक का पूरा दायरा ढकना चाहिए: σ को बराबर संभावना "
                      f"से चुनें, जैसे max_noise * torch.rand(...)।")
    return _check_target(loss_fn, model, images[:PROBE_BATCH], labels[:PROBE_BATCH])


def _output_gradient(loss_fn, model: _Recorder, batch: tuple, output: torch.Tensor) -> float:
    """The size of the loss's gradient with respect to the model's output, when the output is `output`."""
    model.output = output.clone().requires_grad_(True)
    loss = loss_fn(model, batch)
    (grad,) = torch.autograd.grad(loss, model.output, allow_unused=True)
    return 0.0 if grad is None else grad.abs().max().item()


def _check_target(loss_fn, model: _Recorder, clean: torch.Tensor, labels: torch.Tensor) -> CheckResult | None:
    """Is the clean image the target? The gradient must vanish at output = clean, and not at output = noisy."""
    try:
        at_clean = _output_gradient(loss_fn, model, (clean, labels), clean)
        noisy = model.inputs[-1].clamp(0.01, 0.99)
        at_noisy = _output_gradient(loss_fn, model, (clean, labels), noisy)
    except Exception as err:  # noqa: BLE001 - the student's code
        return failed(f"random_noise_loss raised {_error(err)} when the model's output was set to the clean images.",
                      f"Model का output साफ़ तस्वीरों के बराबर रखने पर random_noise_loss से यह error आया: "
                      f"{_error(err)}।")
    finally:
        model.output = None
    if at_noisy == 0:
        return failed("The loss does not depend on the model's output: compute it from model(noisy).",
                      "Loss model के output पर निर्भर नहीं करता: इसे model(noisy) से निकालें।")
    if at_clean > 1e-4 * at_noisy:
        return failed("When the model returns exactly the clean images, the loss can still be lowered: its target "
                      "is not the clean batch. Compare the output with the clean images, "
                      "F.binary_cross_entropy(model(noisy), clean), never with the noisy input.",
                      "जब model ठीक साफ़ तस्वीरें लौटाता है, तब भी loss और घटाया जा सकता है: उसका लक्ष्य (target) साफ़ "
                      "batch नहीं है। Output की तुलना साफ़ तस्वीरों से करें, "
                      "F.binary_cross_entropy(model(noisy), clean), शोर वाले input से कभी नहीं।")
    return None


def _check_training(loss_fn, data, max_noise: float, seed: int) -> CheckResult:
    """A few hundred steps with the loss must improve a fresh denoiser's PSNR at several noise levels."""
    images, labels = data.train_x, data.train_y
    held_out = data.test_x[:HELD_OUT]
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(held_out.shape, generator=generator).to(held_out.device)
    levels = [level * max_noise for level in TEST_LEVELS]
    model = _SmallDenoiser().to(images.device)
    before = [_psnr(model, held_out, noise, sigma) for sigma in levels]
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    for _ in range(TRAIN_STEPS):
        pick = torch.randint(len(images), (TRAIN_BATCH,), generator=generator).to(images.device)
        loss, problem = _call(loss_fn, model, (images[pick], labels[pick]))
        if problem is not None:
            return problem
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    after = [_psnr(model, held_out, noise, sigma) for sigma in levels]
    table = ", ".join(f"σ = {sigma:.1f}: {b:.1f} → {a:.1f} dB" for sigma, b, a in zip(levels, before, after))
    worse = [sigma for sigma, b, a in zip(levels, before, after) if not a > b + 1.0]
    if worse:
        return failed(f"{TRAIN_STEPS} training steps with your loss did not clearly improve a fresh denoiser on "
                      f"{HELD_OUT} other digits ({table}).",
                      f"आपके loss से {TRAIN_STEPS} training कदमों के बाद भी नया denoiser {HELD_OUT} दूसरे अंकों पर "
                      f"साफ़ तौर पर बेहतर नहीं हुआ ({table})।")
    return passed(f"Your loss works: it noises every batch with random noise factors between 0 and {max_noise} and "
                  f"compares the output with the clean images. {TRAIN_STEPS} training steps with it took a fresh "
                  f"small denoiser, on {HELD_OUT} other digits, from {table}.",
                  f"आपका loss काम करता है: यह हर batch में 0 और {max_noise} के बीच के random noise factors से शोर "
                  f"मिलाता है और output की तुलना साफ़ तस्वीरों से करता है। इससे {TRAIN_STEPS} training कदमों में नया "
                  f"छोटा denoiser {HELD_OUT} दूसरे अंकों पर इतना बदला: {table}।")
