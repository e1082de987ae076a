"""Explore the 2-D latent space of a VAE: two sliders → the decoded digit, and a path between two test digits.

The logic is plain methods that run without a browser (`decode`, `interpolate`, the checks on the values);
`widget()` builds the controls from core ipywidgets only (FloatSlider, IntText, Label, Output, HBox, VBox)
and draws the first state at once, so the notebook also shows something when it runs headless.
Figures go into the Output widgets as PNG display data, which works in Jupyter, Colab and VS Code.
"""
from __future__ import annotations

import base64
import io
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import torch
from matplotlib.figure import Figure

from .lang import fig_text, msg

Decoder = Callable[[torch.Tensor], torch.Tensor]


def as_number(value: object, what: str) -> float:
    """`value` as a finite float; wrong types and NaN/infinity are rejected with a clear message."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.dtype.is_complex:
        value = value.item()
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(msg(f"{what} must be a number, got {value!r} ({type(value).__name__}).",
                          f"{what} एक संख्या होनी चाहिए, मिला {value!r} ({type(value).__name__})।"))
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(msg(f"{what} must be a finite number, got {number}.",
                           f"{what} एक सीमित (finite) संख्या होनी चाहिए, मिला {number}।"))
    return number


def clamp(value: object, low: float, high: float, what: str) -> tuple[float, str | None]:
    """`value` checked and clamped to [low, high]; also returns a note when it had to be moved."""
    number = as_number(value, what)
    clamped = min(max(number, low), high)
    if clamped == number:
        return number, None
    return clamped, msg(f"{what} = {number:g} is outside [{low:g}, {high:g}]; using {clamped:g}.",
                      f"{what} = {number:g} सीमा [{low:g}, {high:g}] से बाहर है; इसकी जगह {clamped:g} लिया।")


def as_index(value: object, count: int, what: str) -> int:
    """`value` as an index into `count` items; wrong types and out-of-range values are rejected."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(msg(f"{what} must be a whole number, got {value!r} ({type(value).__name__}).",
                          f"{what} एक पूर्णांक होना चाहिए, मिला {value!r} ({type(value).__name__})।"))
    if not 0 <= int(value) < count:
        raise ValueError(msg(f"{what} = {value} is not a test digit: choose a number from 0 to {count - 1}.",
                           f"{what} = {value} कोई test अंक नहीं है: 0 से {count - 1} तक की कोई संख्या चुनें।"))
    return int(value)


def figure_output(fig: Figure, dpi: int = 80) -> dict:
    """A finished figure as one Jupyter display-data output (PNG), ready for `Output.outputs`."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": png, "text/plain": "<Figure>"}}


def text_output(text: str) -> dict:
    """A line of text as one Jupyter stream output."""
    return {"output_type": "stream", "name": "stdout", "text": text + "\n"}


class LatentExplorer:
    """A 2-D latent space to explore: decode any point, or walk from one test digit to another.

    `decoder` maps latent points (N, 2) to images (N, 784) or (N, 1, 28, 28); `means` (N, 2) are the
    encoder's means μ of the test digits and `labels` their digits (for the colours of the map).
    Slider values are clamped to [-limit, limit].
    """

    def __init__(self, decoder: Decoder, means: torch.Tensor, labels: torch.Tensor | None = None,
                 limit: float = 3.0, image_shape: Sequence[int] = (28, 28),
                 max_points: int = 2000):
        means = torch.as_tensor(means).detach().float().cpu()
        if means.ndim != 2 or means.shape[1] != 2 or len(means) == 0:
            raise ValueError(msg(f"means must have shape (N, 2) with N > 0 (a 2-D latent space), got "
                               f"{tuple(means.shape)}.",
                               f"means का shape (N, 2) होना चाहिए, N > 0 (यानी 2-D latent space), मिला "
                               f"{tuple(means.shape)}।"))
        if labels is not None and len(labels) != len(means):
            raise ValueError(msg(f"labels must have one row per mean: {len(labels)} rows for {len(means)} means.",
                               f"labels में हर mean के लिए एक row चाहिए: {len(means)} means के लिए "
                               f"{len(labels)} rows मिलीं।"))
        self.limit = as_number(limit, "limit")
        if self.limit <= 0:
            raise ValueError(msg(f"limit must be positive, got {self.limit}.",
                               f"limit धनात्मक होना चाहिए, मिला {self.limit}।"))
        self.decoder = decoder
        self.means = means
        self.labels = None if labels is None else torch.as_tensor(labels).detach().cpu()
        self.image_shape = tuple(image_shape)
        self.max_points = max_points
        self.notes: list[str] = []            # what the last call had to clamp
        self.last_image: torch.Tensor | None = None
        self.last_point: torch.Tensor | None = None
        self.last_fraction = 0.0
        self.renders = 0                      # how many times the widget redrew itself
        self.controls: dict = {}
        self.outputs: dict = {}
        self._figures: dict = {}

    # ---- the pure part: no widgets, no browser ----

    def _device(self) -> torch.device:
        parameters = getattr(self.decoder, "parameters", None)
        first = next(iter(parameters()), None) if callable(parameters) else None
        return first.device if first is not None else torch.device("cpu")

    @torch.no_grad()
    def decode_points(self, z: torch.Tensor) -> torch.Tensor:
        """Decode latent points (N, 2) into images (N, H, W) on the CPU."""
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, 2)
        module = self.decoder if isinstance(self.decoder, torch.nn.Module) else None
        was_training = module.training if module is not None else False
        if module is not None:
            module.eval()
        try:
            images = self.decoder(z.to(self._device()))
        finally:
            if module is not None:
                module.train(was_training)
        return images.detach().float().cpu().reshape(len(z), *self.image_shape)

    def point(self, z1: object, z2: object) -> torch.Tensor:
        """The latent point (z1, z2), checked and clamped to the slider range; notes say what was clamped."""
        self.notes = []
        values = []
        for value, what in ((z1, "z₁"), (z2, "z₂")):
            number, note = clamp(value, -self.limit, self.limit, what)
            values.append(number)
            if note:
                self.notes.append(note)
        return torch.tensor(values)

    def decode(self, z1: object, z2: object) -> torch.Tensor:
        """The image (H, W) the decoder draws for the latent point (z1, z2)."""
        z = self.point(z1, z2)
        image = self.decode_points(z)[0]
        self.last_point, self.last_image = z, image
        return image

    def interpolate(self, i: object, j: object, fraction: object) -> tuple[torch.Tensor, torch.Tensor]:
        """The point z = (1 − t)·μ_i + t·μ_j between test digits i and j, and its decoded image."""
        i = as_index(i, len(self.means), "i")
        j = as_index(j, len(self.means), "j")
        fraction, note = clamp(fraction, 0.0, 1.0, "t")
        self.notes = [note] if note else []
        self.last_fraction = fraction
        z = (1 - fraction) * self.means[i] + fraction * self.means[j]
        return z, self.decode_points(z)[0]

    # ---- pictures (each figure is built once, then only its moving parts change: fast redraws) ----

    def _draw_map(self, ax) -> None:
        """The test digits' means, coloured by digit, and the slider range as a dotted square."""
        points = self.means[: self.max_points].numpy()
        if self.labels is not None:
            labels = self.labels[: self.max_points].numpy()
            ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=4, alpha=0.5)
            for k in np.unique(labels):  # write each digit at the centre of its cluster
                centre = np.median(points[labels == k], axis=0)
                ax.text(centre[0], centre[1], str(int(k)), fontsize=11, ha="center", va="center",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "alpha": 0.6, "lw": 0})
        else:
            ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.5, color="grey")
        from matplotlib.patches import Rectangle

        ax.add_patch(Rectangle((-self.limit, -self.limit), 2 * self.limit, 2 * self.limit, fill=False, ls=":",
                               lw=1, color="grey"))
        extent = max(self.limit, float(np.abs(points).max())) * 1.05
        ax.set_xlim(-extent, extent)
        ax.set_ylim(-extent, extent)
        ax.set_aspect("equal")
        ax.set_xlabel("z₁")
        ax.set_ylabel("z₂")

    def _star(self, ax):
        return ax.plot([], [], marker="*", color="red", ms=15, markeredgecolor="black", zorder=10)[0]

    def point_figure(self, z1: object, z2: object) -> Figure:
        """The latent map with (z1, z2) marked, next to the decoded digit."""
        image = self.decode(z1, z2)
        z = self.last_point.tolist()
        if "point" not in self._figures:
            fig = Figure(figsize=(7.5, 3.6))
            fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.9, wspace=0.1)
            map_ax, image_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
            self._draw_map(map_ax)
            map_ax.set_title(fig_text("test अंक (means μ) और आपका बिंदु ★",
                                      en="test digits (means μ) and your point ★"), fontsize=10)
            shown = image_ax.imshow(np.zeros(self.image_shape), cmap="gray", vmin=0, vmax=1)
            image_ax.axis("off")
            self._figures["point"] = (fig, self._star(map_ax), shown, image_ax.set_title("", fontsize=10))
        fig, star, shown, title = self._figures["point"]
        star.set_data([z[0]], [z[1]])
        shown.set_data(image.numpy())
        title.set_text(fig_text(f"z = ({z[0]:.2f}, {z[1]:.2f}) से बना अंक", en=f"decoded at z = ({z[0]:.2f}, {z[1]:.2f})"))
        return fig

    def path_figure(self, i: object, j: object, fraction: object) -> Figure:
        """The straight path from μ_i to μ_j on the map, and the digits at its start, at t and at its end."""
        z, image = self.interpolate(i, j, fraction)
        i, j, fraction = int(i), int(j), self.last_fraction
        if "path" not in self._figures:
            fig = Figure(figsize=(9.5, 3.4))
            fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.9, wspace=0.08)
            axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1.6, 1, 1, 1]})
            self._draw_map(axes[0])
            axes[0].set_title(fig_text("रास्ता μ_i → μ_j", en="path μ_i → μ_j"), fontsize=10)
            line = axes[0].plot([], [], "ko--", lw=1.5, ms=5, zorder=9)[0]
            pictures, titles = [], []
            for ax in axes[1:]:
                pictures.append(ax.imshow(np.zeros(self.image_shape), cmap="gray", vmin=0, vmax=1))
                titles.append(ax.set_title("", fontsize=10))
                ax.axis("off")
            self._figures["path"] = (fig, line, self._star(axes[0]), pictures, titles)
        fig, line, star, pictures, titles = self._figures["path"]
        start, end = self.means[i].tolist(), self.means[j].tolist()
        line.set_data([start[0], end[0]], [start[1], end[1]])
        star.set_data([float(z[0])], [float(z[1])])
        ends = self.decode_points(torch.stack([self.means[i], self.means[j]]))
        names = (fig_text(f"test अंक #{i} (t = 0)", en=f"test digit #{i} (t = 0)"),
                 f"t = {fraction:.2f}",
                 fig_text(f"test अंक #{j} (t = 1)", en=f"test digit #{j} (t = 1)"))
        for picture, title, shown, name in zip(pictures, titles, (ends[0], image, ends[1]), names):
            picture.set_data(shown.numpy())
            title.set_text(name)
        return fig

    # ---- the widget ----

    def widget(self, z1: float = 0.0, z2: float = 0.0, i: int = 0, j: int | None = None, fraction: float = 0.5):
        """Sliders for (z₁, z₂), boxes for two test digits and a slider for t; drawn at once, redrawn on change."""
        try:
            import ipywidgets as widgets
        except ImportError as err:
            raise ImportError(msg("The latent explorer needs ipywidgets: pip install ipywidgets",
                                "Latent explorer के लिए ipywidgets चाहिए: pip install ipywidgets")) from err
        count = len(self.means)
        z1, z2 = (clamp(value, -self.limit, self.limit, what)[0] for value, what in ((z1, "z₁"), (z2, "z₂")))
        fraction = clamp(fraction, 0.0, 1.0, "t")[0]
        j = min(1, count - 1) if j is None else j
        i, j = as_index(i, count, "i"), as_index(j, count, "j")
        slider = {"min": -self.limit, "max": self.limit, "step": 0.05, "readout_format": ".2f",
                  "continuous_update": True}
        box = widgets.Layout(width="170px")
        self.controls = {
            "z1": widgets.FloatSlider(value=z1, description="z₁", **slider),
            "z2": widgets.FloatSlider(value=z2, description="z₂", **slider),
            "i": widgets.IntText(value=i, description=msg("digit i", "अंक i"), layout=box),
            "j": widgets.IntText(value=j, description=msg("digit j", "अंक j"), layout=box),
            "t": widgets.FloatSlider(value=fraction, min=0.0, max=1.0, step=0.02, description="t",
                                     readout_format=".2f", continuous_update=True),
        }
        self.outputs = {"point": widgets.Output(), "path": widgets.Output()}
        for name in ("z1", "z2"):
            self.controls[name].observe(lambda change: self.render_point(), names="value")
        for name in ("i", "j", "t"):
            self.controls[name].observe(lambda change: self.render_path(), names="value")
        self.render_point()
        self.render_path()
        c = self.controls
        return widgets.VBox([
            widgets.Label(msg("Move z₁ and z₂: the decoder draws the digit at that point of the latent space.",
                            "z₁ और z₂ को खिसकाइए: latent space के उस बिंदु पर decoder जो अंक बनाता है, वह दिखेगा।")),
            widgets.HBox([c["z1"], c["z2"]]),
            self.outputs["point"],
            widgets.Label(msg(f"Walk between two test digits (numbers 0 to {count - 1}): t = 0 is digit i, t = 1 is "
                            f"digit j.",
                            f"दो test अंकों के बीच चलिए (संख्या 0 से {count - 1} तक): t = 0 पर अंक i, t = 1 पर "
                            f"अंक j।")),
            widgets.HBox([c["i"], c["j"], c["t"]]),
            self.outputs["path"],
        ])

    def render_point(self) -> None:
        """Redraw the map and decoded digit for the current (z₁, z₂) sliders."""
        self._render("point", lambda: self.point_figure(self.controls["z1"].value, self.controls["z2"].value))

    def render_path(self) -> None:
        """Redraw the interpolation for the current i, j and t."""
        self._render("path", lambda: self.path_figure(self.controls["i"].value, self.controls["j"].value,
                                                      self.controls["t"].value))

    def _render(self, name: str, draw: Callable[[], Figure]) -> None:
        try:
            shown = [figure_output(draw())]
            shown += [text_output(note) for note in self.notes]
        except (TypeError, ValueError) as err:  # a bad value in a box: say so instead of failing silently
            shown = [text_output(str(err))]
        self.outputs[name].outputs = tuple(shown)
        self.renders += 1

