"""Export a trained 2-D decoder for the course website, where plain JavaScript runs it in the page.

`export_latent_explorer` writes one compact JSON file (by default build/web/04_latent_explorer.json in
the project): the decoder's layers with their weights as base64 little-endian float32, the test digits'
means and labels for the latent map, the slider limit, and test vectors — what the decoder gives for a
few fixed latent points, computed here with torch — so the page can check that it draws the same picture.
"""
from __future__ import annotations

import base64
import json
import math
import os
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .lang import msg

FORMAT = "course-latent-explorer-v1"
LATENT_DIM = 2
IMAGE_SHAPE = (28, 28)
DEFAULT_NAME = "04_latent_explorer.json"
# Fixed test points as fractions of the slider limit: the centre, the four corners, the four edge
# midpoints and seven points inside (off the axes, so no symmetry hides a mistake).
TEST_POINTS = [(0.0, 0.0), (-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 0.0), (1.0, 0.0),
               (0.0, -1.0), (0.0, 1.0), (0.25, 0.5), (-0.5, 0.25), (0.6, -0.3), (-0.35, -0.7), (0.8, 0.15),
               (-0.1, 0.9), (0.45, 0.45)]
LAYER_TYPES = {nn.Linear: "linear", nn.ReLU: "relu", nn.Sigmoid: "sigmoid"}


def web_root() -> Path:
    """build/web in the project (like the training cache), or ./build/web outside a checkout."""
    project = Path(__file__).resolve().parent.parent
    base = project if (project / "pyproject.toml").exists() else Path.cwd()
    return base / "build" / "web"


def _b64(array: np.ndarray) -> str:
    """An array as base64 of its little-endian float32 bytes."""
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def _layers(decoder: nn.Module) -> list[nn.Module]:
    """The decoder's layers, checked: a Sequential of Linear/ReLU/Sigmoid, 2 inputs, 784 outputs."""
    expected = msg("an nn.Sequential of nn.Linear, nn.ReLU and nn.Sigmoid layers that maps 2 latent numbers to "
                   "784 pixels, e.g. nn.Sequential(nn.Linear(2, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid())",
                   "nn.Linear, nn.ReLU और nn.Sigmoid परतों का एक nn.Sequential, जो 2 latent संख्याओं से 784 pixels "
                   "बनाए, जैसे nn.Sequential(nn.Linear(2, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid())")
    if not isinstance(decoder, nn.Sequential) or len(decoder) == 0:
        raise ValueError(msg(f"The website can only run {expected}; got {type(decoder).__name__}.",
                             f"Website सिर्फ़ {expected} चला सकती है; मिला {type(decoder).__name__}।"))
    layers = list(decoder)
    for layer in layers:
        if type(layer) not in LAYER_TYPES:
            raise ValueError(msg(f"The website can only run {expected}; this decoder has a "
                                 f"{type(layer).__name__} layer.",
                                 f"Website सिर्फ़ {expected} चला सकती है; इस decoder में एक "
                                 f"{type(layer).__name__} परत है।"))
    linears = [layer for layer in layers if isinstance(layer, nn.Linear)]
    sizes = [LATENT_DIM] + [layer.out_features for layer in linears]
    inputs = [layer.in_features for layer in linears]
    pixels = math.prod(IMAGE_SHAPE)
    if not linears or inputs != sizes[:-1] or sizes[-1] != pixels:
        chain = " → ".join(f"{layer.in_features}→{layer.out_features}" for layer in linears) or "-"
        raise ValueError(msg(f"The decoder must map {LATENT_DIM} latent numbers to {pixels} pixels through linear "
                             f"layers that fit together; its linear layers are {chain}. Expected {expected}.",
                             f"Decoder को {LATENT_DIM} latent संख्याओं से {pixels} pixels बनाने चाहिए, आपस में "
                             f"मेल खाती linear परतों से; इसकी linear परतें {chain} हैं। चाहिए: {expected}।"))
    return layers


def _as_array(values: object) -> np.ndarray:
    """A tensor, array or list as a NumPy array on the CPU."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu()
    return np.asarray(values)


@torch.no_grad()
def decoder_outputs(decoder: nn.Module, points: np.ndarray) -> np.ndarray:
    """What `decoder` (in eval mode, on its own device) draws for latent `points` (N, 2), as (N, 784)."""
    parameter = next(decoder.parameters())
    was_training = decoder.training
    decoder.eval()
    try:
        z = torch.as_tensor(points, dtype=torch.float32, device=parameter.device)
        return decoder(z).float().cpu().reshape(len(points), -1).numpy()
    finally:
        decoder.train(was_training)


def export_latent_explorer(decoder: nn.Module, means: object, labels: object, limit: float,
                           path: str | Path | None = None, max_points: int = 2000) -> Path:
    """Write the decoder, up to `max_points` test-digit means and labels, and test vectors as JSON; returns its path."""
    layers = _layers(decoder)
    points = _as_array(means).astype(np.float32)
    if points.ndim != 2 or points.shape[1] != LATENT_DIM or len(points) == 0:
        raise ValueError(msg(f"means must have shape (N, 2) with N > 0, got {tuple(points.shape)}.",
                             f"means का shape (N, 2) होना चाहिए, N > 0, मिला {tuple(points.shape)}।"))
    digits = _as_array(labels).reshape(-1)
    if len(digits) != len(points):
        raise ValueError(msg(f"labels must have one entry per mean: {len(digits)} labels for {len(points)} means.",
                             f"हर mean के लिए एक label चाहिए: {len(points)} means के लिए {len(digits)} labels मिले।"))
    limit = float(limit)
    if not math.isfinite(limit) or limit <= 0:
        raise ValueError(msg(f"limit must be a positive number, got {limit}.",
                             f"limit एक धनात्मक संख्या होनी चाहिए, मिला {limit}।"))
    if not isinstance(max_points, int) or max_points < 1:
        raise ValueError(msg(f"max_points must be a positive whole number, got {max_points!r}.",
                             f"max_points एक धनात्मक पूर्णांक होना चाहिए, मिला {max_points!r}।"))
    if not np.isfinite(points).all():
        raise ValueError(msg("means contain NaN or infinite values.", "means में NaN या अनंत मान हैं।"))

    described = []
    for layer in layers:
        entry: dict = {"type": LAYER_TYPES[type(layer)]}
        if isinstance(layer, nn.Linear):
            weight = layer.weight.detach().float().cpu().numpy()  # (out, in), row-major
            bias = (layer.bias.detach().float().cpu().numpy() if layer.bias is not None
                    else np.zeros(layer.out_features, dtype=np.float32))
            entry.update({"in": layer.in_features, "out": layer.out_features, "weight": _b64(weight),
                          "bias": _b64(bias)})
        described.append(entry)
    test_z = np.array(TEST_POINTS, dtype=np.float32) * np.float32(limit)
    shown = slice(0, min(max_points, len(points)))
    data = {
        "format": FORMAT,
        "latent_dim": LATENT_DIM,
        "image_shape": list(IMAGE_SHAPE),
        "limit": limit,
        "layers": described,
        "means": _b64(points[shown]),
        "labels": [int(v) for v in digits[shown].tolist()],
        "tests": {"z": test_z.tolist(), "pixels": _b64(decoder_outputs(decoder, test_z))},
    }
    target = Path(path) if path is not None else web_root() / DEFAULT_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    temporary.replace(target)  # both language notebooks may write it: never a half-written file
    return target
