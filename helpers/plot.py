"""Figures for the lessons: image grids, reconstructions, loss curves, 2-D codes, histograms.

Titles and labels come from `helpers.label(en, hi)`, so they follow the notebook's language.
Hindi needs matplotlib >= 3.11 (it shapes Devanagari) and a Devanagari font; otherwise the
figures fall back to English labels.
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch

from .checks import class_labels, whole_number
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
    """Show a finished figure once in Jupyter, as a PNG whatever matplotlib's backend (then close it);
    elsewhere leave it open."""
    if in_notebook():
        from IPython.display import Image, display

        display(Image(data=figure_png(fig), format="png"))
        plt.close(fig)


def figure_png(fig: plt.Figure) -> bytes:
    """The figure as PNG bytes, drawn the way Jupyter's inline backend draws it (tight box, white background)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def as_image_batch(images: torch.Tensor | np.ndarray, what: str = "images",
                   value_range: tuple[float, float] | None = None) -> np.ndarray:
    """(N, 784), (N, 28, 28) or (N, 1, H, W) -> NumPy (N, H, W) in [0, 1]; anything else is a clear error.

    `value_range=(low, high)` says what black and white are, e.g. (-1, 1) for a Tanh output. Without it, uint8
    pixels (0-255) are divided by 255, and other values outside [0, 1] are mapped into it with a warning that
    says how (never silently clipped).
    """
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu()
        array = (images.float() if images.is_floating_point() else images).numpy()
    else:
        array = np.asarray(images)
    if array.ndim == 2 and array.shape[1] == 784:
        array = array.reshape(-1, 28, 28)
    elif array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    elif array.ndim != 3:
        raise ValueError(msg(
            f"{what}: expected shape (N, 784), (N, H, W) or (N, 1, H, W), got {tuple(array.shape)}.",
            f"{what}: shape (N, 784), (N, H, W) या (N, 1, H, W) होनी चाहिए, मिली {tuple(array.shape)}।",
        ))
    if len(array) == 0:
        raise ValueError(msg(f"{what}: there are no images to show (shape {tuple(array.shape)}).",
                             f"{what}: दिखाने के लिए कोई तस्वीर नहीं है (shape {tuple(array.shape)})।"))
    if array.dtype.kind not in "biuf":
        raise ValueError(msg(f"{what}: expected numbers, got values of type {array.dtype}.",
                             f"{what}: numbers चाहिए, मिले {array.dtype} के मान।"))
    if value_range is not None:
        low, high = (float(v) for v in value_range)
        if not low < high:
            raise ValueError(msg(f"{what}: value_range must be (low, high) with low < high, got {value_range}.",
                                 f"{what}: value_range (low, high) हो और low < high, मिला {value_range}।"))
        return np.clip((array.astype(np.float32) - low) / (high - low), 0, 1)
    return _to_unit_range(array, what)


def _to_unit_range(array: np.ndarray, what: str, slack: float = 0.05) -> np.ndarray:
    """Pixels in [0, 1] for imshow: uint8 / 255; other ranges converted with a warning that says how."""
    kind = array.dtype.kind
    array = array.astype(np.float32)
    finite = array[np.isfinite(array)]
    if finite.size == 0:
        return array
    low, high = float(finite.min()), float(finite.max())
    if -slack <= low and high <= 1 + slack:
        return array
    if kind in "iu" and 0 <= low and high <= 255:
        return array / 255  # 8-bit pixels: the usual convention, nothing to warn about
    if -1 - slack <= low < -0.5 and high <= 1 + slack:  # mostly negative: a Tanh output, e.g. a GAN's
        shown, how = (array + 1) / 2, msg("as (x + 1) / 2, i.e. value_range=(-1, 1)",
                                          "(x + 1) / 2 करके, यानी value_range=(-1, 1)")
    elif -0.5 <= low and high <= 1.5:  # a [0, 1] image that overshoots a little, e.g. a linear reconstruction
        shown, how = np.clip(array, 0, 1), msg("with values below 0 as 0 and above 1 as 1",
                                               "0 से नीचे के मान 0 और 1 से ऊपर के मान 1 मानकर")
    elif 0 <= low and high <= 255:
        shown, how = array / 255, msg("divided by 255", "255 से भाग देकर")
    else:
        shown, how = (array - low) / (high - low), msg(f"scaled from [{low:.3g}, {high:.3g}] to [0, 1]",
                                                       f"[{low:.3g}, {high:.3g}] से [0, 1] में बदलकर")
    warnings.warn(msg(f"{what}: pixel values lie in [{low:.3g}, {high:.3g}], not [0, 1]; shown {how}. "
                      f"Pass value_range=(low, high) to choose.",
                      f"{what}: pixel मान [{low:.3g}, {high:.3g}] में हैं, [0, 1] में नहीं; {how} दिखाए गए। "
                      f"value_range=(low, high) देकर खुद चुनें।"),
                  stacklevel=4)
    return shown


GAP = 2  # pixels of white between two images of a grid


def tile(batch: np.ndarray, ncols: int, gap: int = GAP, space_above: int = 0) -> np.ndarray:
    """(N, H, W) images in one grey picture, `ncols` per row, `gap` white pixels between them and
    `space_above` white pixels above each row (room for titles). One picture draws far faster than one
    matplotlib axes per image."""
    n, height, width = batch.shape
    nrows = -(-n // ncols)
    cell_h, cell_w = space_above + height + gap, width + gap
    canvas = np.ones((nrows * cell_h - gap, ncols * cell_w - gap), dtype=np.float32)
    for i, image in enumerate(batch):
        row, col = divmod(i, ncols)
        top, left = row * cell_h + space_above, col * cell_w
        canvas[top:top + height, left:left + width] = image
    return canvas


def show_images(images: torch.Tensor | np.ndarray, ncols: int = 10, titles: Sequence[str] | None = None,
                title: str | None = None, size: float = 1.2, value_range: tuple[float, float] | None = None) -> None:
    """A grid of grayscale images, `ncols` per row, with optional titles above each; `value_range=(-1, 1)` for
    images whose black is -1 (see `as_image_batch`)."""
    batch = as_image_batch(images, value_range=value_range)
    if titles is not None and len(titles) != len(batch):
        raise ValueError(msg(f"Got {len(titles)} titles for {len(batch)} images.",
                             f"{len(batch)} images के लिए {len(titles)} titles मिले।"))
    ncols = max(1, min(whole_number(ncols, "ncols"), len(batch)))
    nrows = int(np.ceil(len(batch) / ncols))
    height, width = batch.shape[1:]
    space = round(0.4 * height) if titles is not None else 0  # about one line of 9-point text
    fig, ax = plt.subplots(figsize=(size * ncols, size * nrows * (height + space) / height + (0.4 if title else 0)))
    ax.imshow(tile(batch, ncols, space_above=space), cmap="gray", vmin=0, vmax=1)
    ax.axis("off")
    if titles is not None:
        for i, text in enumerate(titles):
            row, col = divmod(i, ncols)
            ax.text(col * (width + GAP) + (width - 1) / 2, row * (height + space + GAP) + space - 1, text,
                    ha="center", va="bottom", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    show(fig)


def show_rows(rows: Mapping[str, torch.Tensor | np.ndarray], title: str | None = None, size: float = 1.2,
              value_range: tuple[float, float] | None = None) -> None:
    """Rows of images with a name on the left, e.g. {"original": x, "reconstruction": x_hat}."""
    if not rows:
        raise ValueError(msg("show_rows got an empty dict: there are no rows to show.",
                             "दिखाने के लिए कोई पंक्ति नहीं है: dict खाली है।"))
    batches = {}
    for name, images in rows.items():  # a loop, not a comprehension, so that warnings point at the caller
        batches[name] = as_image_batch(images, name, value_range)
    counts = {len(b) for b in batches.values()}
    if len(counts) != 1:
        raise ValueError(msg(
            f"Every row needs the same number of images; got { {k: len(v) for k, v in batches.items()} }.",
            f"हर पंक्ति में images की संख्या बराबर होनी चाहिए; मिली { {k: len(v) for k, v in batches.items()} }।",
        ))
    n = counts.pop()
    fig, axes = plt.subplots(len(batches), 1, figsize=(size * n + 1.2, size * len(batches)), squeeze=False)
    for ax, (name, batch) in zip(axes[:, 0], batches.items()):
        ax.imshow(tile(batch, n), cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=10)
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
    ax.set_ylabel(ylabel or fig_text("loss", en="loss"))
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
    """2-D codes as points coloured by label, with a legend of class names (labels 0 … len(classes) - 1)."""
    points = points.detach().cpu().numpy() if isinstance(points, torch.Tensor) else np.asarray(points)
    labels = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2 or labels.ndim != 1 or len(points) != len(labels):
        raise ValueError(msg(
            f"scatter_2d: expected points (N, 2) and N labels, got {points.shape} and {labels.shape}.",
            f"scatter_2d: points (N, 2) और N labels चाहिए, मिले {points.shape} और {labels.shape}।",
        ))
    if classes is not None:
        if labels.dtype.kind in "iuf" and len(labels) and np.nanmax(labels) >= len(classes):
            top = np.nanmax(labels)
            raise ValueError(msg(
                f"scatter_2d: the labels go up to {top:g}, but classes has only {len(classes)} names: give one "
                f"name for each label 0 … {top:g}.",
                f"scatter_2d: labels {top:g} तक जाते हैं, पर classes में सिर्फ़ {len(classes)} नाम हैं: हर label "
                f"0 … {top:g} के लिए एक नाम दें।"))
        labels = class_labels(labels, len(classes), "scatter_2d labels")
    fig, ax = plt.subplots(figsize=(size, size))
    cmap = plt.get_cmap("tab10")
    for i, k in enumerate(np.unique(labels)):
        mask = labels == k
        name = classes[int(k)] if classes is not None else str(k)
        colour = cmap((int(k) if labels.dtype.kind in "iu" else i) % 10)  # a class keeps its colour across plots
        ax.scatter(points[mask, 0], points[mask, 1], s=6, alpha=0.6, color=colour, label=name)
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
