"""Checker for lesson 04's exercise: a convolutional VAE written by the student.

`check_conv_vae(ConvVAE, data)` builds the student's class, runs it on real test digits and checks, one step
at a time, what a VAE needs: the encoder's two heads (μ, log σ²) of the latent size, a decoder that turns
codes back into 28×28 pixel probabilities, convolution layers, a sampled z (the reparameterisation trick,
with gradients reaching μ and log σ²), a finite loss with its KL term, and a few Adam steps that make the
loss smaller. It never raises for a wrong answer: it says what to fix, in the notebook's language.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import CheckResult, failed, is_empty, not_done, passed

LATENT_DIM = 16
BATCH = 64
TRAIN_STEPS = 30


def _loss_parts(x_hat: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, log_var: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Reconstruction loss (BCE summed over pixels) and KL divergence, each averaged over the images."""
    reconstruction = F.binary_cross_entropy(x_hat.reshape(len(x), -1), x.reshape(len(x), -1), reduction="sum")
    kl = -0.5 * torch.sum(1 + log_var - mu.pow(2) - log_var.exp())
    return reconstruction / len(x), kl / len(x)


def _error(err: Exception) -> str:
    return f"{type(err).__name__}: {str(err)[:300]}"


def _outputs(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | CheckResult:
    """model(x) as (x_hat, mu, log_var) with the right shapes, or the failed check that says what is wrong."""
    try:
        out = model(x)
    except Exception as err:  # noqa: BLE001 - the student's code: report, never raise
        return failed(f"model(x) on a batch of real digits (shape {tuple(x.shape)}) raised {_error(err)}.",
                      f"असली अंकों के एक batch (shape {tuple(x.shape)}) पर model(x) चलाने से यह error आया: "
                      f"{_error(err)}।")
    if not isinstance(out, (tuple, list)) or len(out) != 3 or not all(isinstance(t, torch.Tensor) for t in out):
        return failed("forward(x) must return three tensors: (x_hat, mu, log_var).",
                      "forward(x) को तीन tensors लौटाने चाहिए: (x_hat, mu, log_var)।")
    x_hat, mu, log_var = out
    n = len(x)
    if tuple(x_hat.shape) not in ((n, 1, 28, 28), (n, 784)):
        return failed(f"x_hat (the first output) has shape {tuple(x_hat.shape)}; expected ({n}, 1, 28, 28) like the "
                      f"input. With ConvTranspose2d(kernel_size=4, stride=2, padding=1) each layer doubles the size: "
                      f"7 → 14 → 28.",
                      f"x_hat (पहले output) का shape {tuple(x_hat.shape)} है; input की तरह ({n}, 1, 28, 28) चाहिए। "
                      f"ConvTranspose2d(kernel_size=4, stride=2, padding=1) से हर परत आकार दोगुना करती है: "
                      f"7 → 14 → 28।")
    for name, t in (("mu", mu), ("log_var", log_var)):
        if tuple(t.shape) != (n, LATENT_DIM):
            return failed(f"{name} has shape {tuple(t.shape)}; expected ({n}, latent_dim) = ({n}, {LATENT_DIM}) for "
                          f"ConvVAE(latent_dim={LATENT_DIM}): one row per image, one column per latent number.",
                          f"{name} का shape {tuple(t.shape)} है; ConvVAE(latent_dim={LATENT_DIM}) के लिए "
                          f"({n}, {LATENT_DIM}) चाहिए: हर तस्वीर की एक पंक्ति, हर latent संख्या का एक स्तंभ।")
    pixels = x_hat.detach()
    if not torch.isfinite(pixels).all() or float(pixels.min()) < 0 or float(pixels.max()) > 1:
        return failed("x_hat must hold pixel probabilities in [0, 1]: end the decoder with nn.Sigmoid().",
                      "x_hat में [0, 1] के बीच pixels की संभावनाएँ होनी चाहिए: decoder के आखिर में nn.Sigmoid() "
                      "लगाएँ।")
    return x_hat, mu, log_var


def check_conv_vae(model_class: object, data: object, seed: int = 0) -> CheckResult:
    """Check a student's convolutional VAE class on real digits; prints what is right or what to fix."""
    if is_empty(model_class):
        return not_done("ConvVAE")
    if not isinstance(model_class, type) or not issubclass(model_class, nn.Module):
        return failed(f"ConvVAE must be a class derived from nn.Module, got {type(model_class).__name__}.",
                      f"ConvVAE, nn.Module से बनी एक class होनी चाहिए; मिला {type(model_class).__name__}।")
    forward = _own_method(model_class, "forward")
    if forward is None or is_empty(forward):
        return not_done("ConvVAE")
    with torch.random.fork_rng(devices=[]):  # the notebook's own random numbers are not touched
        torch.manual_seed(seed)
        return _check(model_class, data)


def _check(model_class: type, data: object) -> CheckResult:
    try:
        model = model_class(latent_dim=LATENT_DIM)
    except Exception as err:  # noqa: BLE001 - the student's code
        return failed(f"ConvVAE(latent_dim={LATENT_DIM}) raised {_error(err)}.",
                      f"ConvVAE(latent_dim={LATENT_DIM}) चलाने से यह error आया: {_error(err)}।")
    if not any(isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) for m in model.modules()):
        return failed("The model has no convolution layer: use nn.Conv2d in the encoder and nn.ConvTranspose2d "
                      "(or nn.Conv2d after nn.Upsample) in the decoder.",
                      "Model में कोई convolution परत नहीं है: encoder में nn.Conv2d और decoder में "
                      "nn.ConvTranspose2d (या nn.Upsample के बाद nn.Conv2d) इस्तेमाल करें।")
    device = next(model.parameters()).device
    x = data.test_x[:BATCH].to(device)

    # 1. shapes and pixel range, in eval mode and in training mode
    model.train()
    result = _outputs(model, x)
    if isinstance(result, CheckResult):
        return result
    x_hat, mu, log_var = result
    if not hasattr(model, "decode"):
        return failed("The model needs a decode(z) method: it turns codes (N, latent_dim) into images, and is "
                      "what generates new digits.",
                      "Model में decode(z) method होना चाहिए: यह codes (N, latent_dim) से तस्वीरें बनाता है, और इसी "
                      "से नए अंक बनते हैं।")
    try:
        with torch.no_grad():
            decoded = model.decode(torch.randn(5, LATENT_DIM, device=device))
    except Exception as err:  # noqa: BLE001 - the student's code
        return failed(f"decode(z) on codes of shape (5, {LATENT_DIM}) raised {_error(err)}.",
                      f"(5, {LATENT_DIM}) shape वाले codes पर decode(z) चलाने से यह error आया: {_error(err)}।")
    if not isinstance(decoded, torch.Tensor) or decoded.numel() != 5 * 784:
        shape = tuple(decoded.shape) if isinstance(decoded, torch.Tensor) else type(decoded).__name__
        return failed(f"decode(z) on 5 codes gave {shape}; expected 5 images of 28 × 28 (5, 1, 28, 28).",
                      f"5 codes पर decode(z) से {shape} मिला; 28 × 28 की 5 तस्वीरें (5, 1, 28, 28) चाहिए।")

    # 2. the reparameterisation trick: z is sampled in training, and gradients reach both heads
    with torch.no_grad():
        again = model(x)[0]
    if torch.equal(again, x_hat):
        return failed("Two forward passes on the same digits gave exactly the same x_hat: z is not sampled. In "
                      "training, decode z = mu + exp(0.5 * log_var) * torch.randn_like(mu), not mu itself.",
                      "एक ही अंकों पर दो बार forward चलाने से बिल्कुल एक जैसा x_hat मिला: z sample नहीं हो रहा। "
                      "Training में mu को नहीं, z = mu + exp(0.5 * log_var) * torch.randn_like(mu) को decode करें।")
    reconstruction, kl = _loss_parts(x_hat, x, mu, log_var)
    loss = reconstruction + kl
    if not torch.isfinite(loss):
        return failed(f"The loss is {loss.item()} (reconstruction {reconstruction.item():.1f}, KL {kl.item():.1f}): "
                      f"it must be a finite number. Check log_var: σ = exp(0.5 · log_var).",
                      f"Loss {loss.item()} है (reconstruction {reconstruction.item():.1f}, KL {kl.item():.1f}): "
                      f"यह एक सीमित (finite) संख्या होनी चाहिए। log_var जाँचें: σ = exp(0.5 · log_var)।")
    model.zero_grad()
    loss.backward()
    heads = {"mu": mu, "log_var": log_var}
    for name, tensor in heads.items():
        if not tensor.requires_grad:
            return failed(f"{name} carries no gradient: it must come from the encoder's layers.",
                          f"{name} में कोई gradient नहीं है: इसे encoder की परतों से ही निकलना चाहिए।")
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    if not grads:
        return failed("loss.backward() gave no gradients to the model's parameters.",
                      "loss.backward() से model के parameters को कोई gradient नहीं मिला।")
    if _log_var_unused(model, x):
        return failed("The reconstruction does not depend on log_var: z must use σ = exp(0.5 · log_var), "
                      "z = mu + σ · ε. Without it the encoder cannot learn how uncertain a code is.",
                      "Reconstruction, log_var पर निर्भर नहीं है: z में σ = exp(0.5 · log_var) आना चाहिए, "
                      "z = mu + σ · ε। इसके बिना encoder यह नहीं सीख सकता कि कोई code कितना अनिश्चित है।")

    # 3. a few training steps make the loss smaller
    model.eval()
    with torch.no_grad():
        before = _loss(model, x).item()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train_x = data.train_x
    generator = torch.Generator().manual_seed(0)
    try:
        for _ in range(TRAIN_STEPS):
            batch = train_x[torch.randint(len(train_x), (BATCH,), generator=generator).to(train_x.device)].to(device)
            step_loss = _loss(model, batch)
            optimizer.zero_grad()
            step_loss.backward()
            optimizer.step()
    except Exception as err:  # noqa: BLE001 - the student's code
        return failed(f"Training the model for a few steps raised {_error(err)}.",
                      f"Model को कुछ कदम train करने पर यह error आया: {_error(err)}।")
    model.eval()
    with torch.no_grad():
        after = _loss(model, x).item()
    if not after < 0.95 * before:
        return failed(f"After {TRAIN_STEPS} Adam steps the loss went from {before:.1f} to {after:.1f}: it should "
                      f"fall clearly. Check that every layer is registered (assigned to self in __init__) and that "
                      f"the decoder uses z.",
                      f"{TRAIN_STEPS} Adam कदमों के बाद loss {before:.1f} से {after:.1f} हुआ: इसे साफ़ तौर पर घटना "
                      f"चाहिए। जाँचें कि हर परत __init__ में self पर रखी गई है, और decoder z इस्तेमाल करता है।")
    return passed(f"Your convolutional VAE works: shapes, sampled z, KL term, and the loss fell from {before:.1f} to "
                  f"{after:.1f} in {TRAIN_STEPS} Adam steps on real digits.",
                  f"आपका convolutional VAE काम करता है: shapes, sample किया गया z, KL पद, और असली अंकों पर "
                  f"{TRAIN_STEPS} Adam कदमों में loss {before:.1f} से घटकर {after:.1f} हुआ।")


def _own_method(cls: type, name: str) -> object:
    """The method `name` as the student's class (or a class between it and nn.Module) defines it, else None."""
    for klass in cls.__mro__:
        if klass is nn.Module:
            return None
        if name in vars(klass):
            return vars(klass)[name]
    return None


def _loss(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The negative ELBO per image of `model` on `x`: reconstruction + KL."""
    x_hat, mu, log_var = model(x)
    reconstruction, kl = _loss_parts(x_hat, x, mu, log_var)
    return reconstruction + kl


def _log_var_unused(model: nn.Module, x: torch.Tensor) -> bool:
    """True when the reconstruction loss has no gradient with respect to log_var (σ never used for z)."""
    model.train()
    x_hat, mu, log_var = model(x)
    reconstruction = F.binary_cross_entropy(x_hat.reshape(len(x), -1), x.reshape(len(x), -1), reduction="sum")
    (grad,) = torch.autograd.grad(reconstruction, log_var, allow_unused=True)
    return grad is None or float(grad.abs().sum()) == 0.0
