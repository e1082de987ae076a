"""Figures for the lessons: image grids, reconstructions, loss curves, 2-D codes, histograms.

Titles and labels come from `helpers.label(en, hi)`, so they follow the notebook's language.
Hindi needs matplotlib >= 3.11 (it shapes Devanagari) and a Devanagari font; otherwise the
figures fall back to English labels.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch

from .lang import fig_text, msg, set_plots_hindi

MIN_MATPLOTLIB_FOR_HINDI = (3, 11)


def matplotlib_version() -> tuple[int, int]:
    """(major, minor) of the installed matplotlib."""
    major, minor = matplotlib.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def devanagari_font_file() -> Path | None:
    """The Noto Sans Devanagari .ttf shipped by PyPI `fontpkg-noto-sans-devanagari`, if installed."""
    try:
        import fontpkg_noto_sans_devanagari as font_package
    except ImportError:
        return None
    files = sorted(Path(font_package.ROOT).rglob("*.ttf"))
    return files[0] if files else None


def setup_fonts(lang: str) -> bool:
    """Prepare matplotlib for `lang`; returns True when figures can show Hindi."""
    if lang != "hi":
        set_plots_hindi(False)
        return False
    version = matplotlib_version()
    font = devanagari_font_file()
    if version < MIN_MATPLOTLIB_FOR_HINDI:
        print(f"matplotlib {matplotlib.__version__} हिंदी अक्षर ठीक से नहीं जोड़ पाता, इसलिए चित्रों में English "
              f"labels रहेंगे (हिंदी के लिए: pip install -U 'matplotlib>=3.11')।")
        ok = False
    elif font is None:
        print("Devanagari font नहीं मिला, इसलिए चित्रों में English labels रहेंगे (हिंदी के लिए: "
              "pip install fontpkg-noto-sans-devanagari)।")
        ok = False
    else:
        from matplotlib import font_manager

        font_manager.fontManager.addfont(str(font))
        family = font_manager.FontProperties(fname=str(font)).get_name()
        plt.rcParams["font.family"] = ["DejaVu Sans", family]
        ok = True
    set_plots_hindi(ok)
    return ok


def show(fig: plt.Figure) -> None:
    """Show a finished figure once in Jupyter (then close it); elsewhere leave it open."""
    if in_notebook():
        from IPython.display import display

        display(fig)
        plt.close(fig)


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def as_image_batch(images: torch.Tensor | np.ndarray, what: str = "images") -> np.ndarray:
    """(N, 784), (N, 28, 28) or (N, 1, H, W) -> NumPy (N, H, W); anything else is a clear error."""
    array = images.detach().float().cpu().numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
    if array.ndim == 2 and array.shape[1] == 784:
        return array.reshape(-1, 28, 28)
    if array.ndim == 4 and array.shape[1] == 1:
        return array[:, 0]
    if array.ndim == 3:
        return array
    raise ValueError(msg(
        f"{what}: expected shape (N, 784), (N, H, W) or (N, 1, H, W), got {tuple(array.shape)}.",
        f"{what}: shape (N, 784), (N, H, W) या (N, 1, H, W) होनी चाहिए, मिली {tuple(array.shape)}।",
    ))


def show_images(images: torch.Tensor | np.ndarray, ncols: int = 10, titles: Sequence[str] | None = None,
                title: str | None = None, size: float = 1.2) -> None:
    """A grid of grayscale images, `ncols` per row, with optional titles under each."""
    batch = as_image_batch(images)
    if titles is not None and len(titles) != len(batch):
        raise ValueError(msg(f"Got {len(titles)} titles for {len(batch)} images.",
                           f"{len(batch)} images के लिए {len(titles)} titles मिले।"))
    ncols = max(1, min(ncols, len(batch)))
    nrows = int(np.ceil(len(batch) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(batch):
            ax.imshow(batch[i], cmap="gray", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    show(fig)


def show_rows(rows: Mapping[str, torch.Tensor | np.ndarray], title: str | None = None, size: float = 1.2) -> None:
    """Rows of images with a name on the left, e.g. {"original": x, "reconstruction": x_hat}."""
    batches = {name: as_image_batch(images, name) for name, images in rows.items()}
    counts = {len(b) for b in batches.values()}
    if len(counts) != 1:
        raise ValueError(msg(
            f"Every row needs the same number of images; got { {k: len(v) for k, v in batches.items()} }.",
            f"हर row में images की संख्या बराबर होनी चाहिए; मिली { {k: len(v) for k, v in batches.items()} }।",
        ))
    n = counts.pop()
    fig, axes = plt.subplots(len(batches), n, figsize=(size * n + 1.2, size * len(batches)), squeeze=False)
    for r, (name, batch) in enumerate(batches.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(batch[c], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    show(fig)


def draw_losses(ax: plt.Axes, train_loss: Sequence[float], test_loss: Sequence[float] = (),
                title: str | None = None, ylabel: str | None = None) -> None:
    """Draw train (and test) loss per epoch on `ax`."""
    ax.clear()
    epochs = np.arange(1, len(train_loss) + 1)
    ax.plot(epochs, train_loss, "o-", label=fig_text("train", en="train"))
    if len(test_loss):
        ax.plot(np.arange(1, len(test_loss) + 1), test_loss, "s--", label=fig_text("test", en="test"))
    ax.set_xlabel(fig_text("epoch (दौर)", en="epoch"))
    ax.set_ylabel(ylabel or fig_text("loss (त्रुटि)", en="loss"))
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()


def plot_losses(train_loss: Sequence[float], test_loss: Sequence[float] = (), title: str | None = None,
                ylabel: str | None = None) -> None:
    """Loss curves per epoch."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    draw_losses(ax, train_loss, test_loss, title, ylabel)
    fig.tight_layout()
    show(fig)


def scatter_2d(points: torch.Tensor | np.ndarray, labels: torch.Tensor | np.ndarray,
               classes: Sequence[str] | None = None, title: str | None = None, size: float = 5.5) -> None:
    """2-D codes as points coloured by label, with a legend of class names."""
    points = points.detach().cpu().numpy() if isinstance(points, torch.Tensor) else np.asarray(points)
    labels = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError(msg(
            f"scatter_2d: expected points (N, 2) and N labels, got {points.shape} and {labels.shape}.",
            f"scatter_2d: points (N, 2) और N labels चाहिए, मिले {points.shape} और {labels.shape}।",
        ))
    fig, ax = plt.subplots(figsize=(size, size))
    cmap = plt.get_cmap("tab10")
    for k in np.unique(labels):
        mask = labels == k
        name = classes[int(k)] if classes is not None else str(k)
        ax.scatter(points[mask, 0], points[mask, 1], s=6, alpha=0.6, color=cmap(int(k) % 10), label=name)
    ax.legend(markerscale=3, fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    show(fig)


def plot_histograms(samples: Mapping[str, Sequence[float]], threshold: float | None = None,
                    xlabel: str | None = None, title: str | None = None, bins: int = 60) -> None:
    """Overlaid histograms of a few named samples, with an optional vertical threshold line."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    values = {name: np.asarray(v, dtype=float).ravel() for name, v in samples.items()}
    low = min(v.min() for v in values.values())
    high = max(v.max() for v in values.values())
    edges = np.linspace(low, high, bins + 1)
    for name, v in values.items():
        ax.hist(v, bins=edges, alpha=0.55, label=name, density=True)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=fig_text("threshold (सीमा)", en="threshold"))
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(fig_text("density (घनत्व)", en="density"))
    if title:
        ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    show(fig)


def plot_xy(x: Sequence[float], series: Mapping[str, Sequence[float]], xlabel: str = "", ylabel: str = "",
            title: str | None = None, logx: bool = False) -> None:
    """One or more lines with markers, e.g. test error against code size."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, ys in series.items():
        if len(ys) != len(x):
            raise ValueError(msg(f"{name}: {len(ys)} values for {len(x)} x points.",
                               f"{name}: {len(x)} x के लिए {len(ys)} मान मिले।"))
        ax.plot(x, ys, "o-", label=name)
    if logx:
        ax.set_xscale("log", base=2)
        ax.set_xticks(list(x), [str(v) for v in x])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    show(fig)
