"""Explore the 2-D latent space of a VAE: two sliders → the decoded digit, and a path between two test digits.

The logic is plain methods that run without a browser (`decode`, `interpolate`, the checks on the values).
`widget()` builds the controls from core ipywidgets only (FloatSlider, IntText, ToggleButtons, Image, Label,
HBox, VBox: ipywidgets 7.7 as on Colab, and 8.x) and draws the first state at once, so a notebook run headless
still shows something. Pictures are fast enough to follow a drag:
- the latent map of the test digits is drawn once with matplotlib and kept as an array; each move only
  paints the marker on a copy of it (PIL) and sends PNG bytes to a `widgets.Image`;
- the digit is decoded and sent as PNG bytes, never through matplotlib;
- while a slider is dragged, at most one redraw runs per `interval` seconds, always for the newest value
  (`helpers.widgets.Throttle`), so a drag never queues redraws.
For a conditional decoder (a CVAE, `num_classes=10`) the widget adds a digit selector: the student draws
"a 7 in the style of z", and a strip shows the same z decoded as every digit.

Driving it from code (tests, `make bench`): set `explorer.controls["z1"].value = 1.0` (or "z2", "digit",
"i", "j", "t"); without a running event loop (scripts, tests) every change redraws at once, before the
assignment returns. In a live kernel, call `explorer.flush()` to draw a pending change now. A decoder that
raises is reported in the widget's message line (`explorer.messages["point"]`), never hidden behind a stale
picture.
"""
from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import torch

from .lang import msg

Decoder = Callable[..., torch.Tensor]
MAP_INCHES, MAP_DPI = 3.6, 80      # the latent map: 288 × 288 pixels
DIGIT_SCALE = 6                    # a 28 × 28 digit is shown as 168 × 168 pixels
STRIP_SCALE = 2                    # the "every digit" strip: 10 digits of 56 × 56 pixels
STAR_RADIUS = 9                    # pixels
SMALL_BATCH = 64                   # up to this many codes are decoded on one CPU thread
MAP_COLOURS = 126                  # the map is sent as a palette PNG: 6× faster to encode than RGB, 3× smaller
RED, BLACK = MAP_COLOURS, MAP_COLOURS + 1   # palette entries of the star and the path


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


def as_class(value: object, count: int) -> int:
    """`value` as a class (digit) from 0 to count − 1; anything else is rejected with a clear message."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_floating_point():
        value = value.item()
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= int(value) < count:
        raise ValueError(msg(f"digit must be a whole number from 0 to {count - 1}, got {value!r}.",
                             f"अंक 0 से {count - 1} तक का पूर्णांक होना चाहिए, मिला {value!r}।"))
    return int(value)


def to_uint8(image: torch.Tensor | np.ndarray) -> np.ndarray:
    """A grey image with values in [0, 1] as uint8 (0-255)."""
    array = image.numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    return (np.clip(array, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)


@contextlib.contextmanager
def one_thread(active: bool = True):
    """Run a tiny computation on one CPU thread: waking a second thread costs more than the work itself, and on a
    busy machine a batch of ten codes took 40 ms on two threads and 0.3 ms on one."""
    threads = torch.get_num_threads()
    if active and threads > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


def _star(x: float, y: float, radius: float) -> list[tuple[float, float]]:
    """The corners of a five-pointed star centred at pixel (x, y)."""
    corners = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + k * math.pi / 5
        corners.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    return corners


class LatentMap:
    """The test digits' means, coloured by digit, drawn once with matplotlib; then only a marker moves.

    `to_pixel(z)` turns a latent point into a pixel of the picture; `png(star=..., line=...)` paints a star
    (and a dashed path) on a copy of the picture and returns PNG bytes — no matplotlib per move.
    """

    def __init__(self, means: np.ndarray, labels: np.ndarray | None, limit: float):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Rectangle

        fig = Figure(figsize=(MAP_INCHES, MAP_INCHES), dpi=MAP_DPI)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0.14, 0.12, 0.83, 0.85))
        if labels is not None:
            ax.scatter(means[:, 0], means[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=3, alpha=0.5,
                       linewidths=0)
            for k in np.unique(labels):  # write each digit at the centre of its cluster
                centre = np.median(means[labels == k], axis=0)
                ax.text(centre[0], centre[1], str(int(k)), fontsize=10, ha="center", va="center",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "alpha": 0.6, "lw": 0})
        else:
            ax.scatter(means[:, 0], means[:, 1], s=3, alpha=0.5, color="grey", linewidths=0)
        ax.add_patch(Rectangle((-limit, -limit), 2 * limit, 2 * limit, fill=False, ls=":", lw=1, color="grey"))
        extent = max(limit, float(np.abs(means).max())) * 1.05
        ax.set_xlim(-extent, extent)
        ax.set_ylim(-extent, extent)
        ax.set_xlabel("z₁")
        ax.set_ylabel("z₂")
        canvas.draw()
        from PIL import Image

        self.picture = np.asarray(canvas.buffer_rgba())[..., :3].copy()
        palette_image = Image.fromarray(self.picture).quantize(colors=MAP_COLOURS, method=Image.Quantize.MEDIANCUT)
        palette = palette_image.getpalette()[: 3 * MAP_COLOURS]
        palette += [0, 0, 0] * (MAP_COLOURS - len(palette) // 3) + [230, 20, 20, 0, 0, 0]
        palette_image.putpalette(palette)
        self.base = palette_image
        height = self.picture.shape[0]
        (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
        # display coordinates count up from the bottom; picture rows count down from the top
        self._scale = (x1 - x0, -(y1 - y0))
        self._origin = (x0, height - y0)

    def to_pixel(self, z: Sequence[float]) -> tuple[float, float]:
        """The picture's pixel (x, y) at latent point z = (z₁, z₂)."""
        return (self._origin[0] + self._scale[0] * float(z[0]), self._origin[1] + self._scale[1] * float(z[1]))

    def png(self, star: Sequence[float] | None = None, line: tuple | None = None) -> bytes:
        """The map with a red star at latent point `star` and a dashed path `line` = (start, end), as PNG."""
        import io

        from PIL import ImageDraw

        picture = self.base.copy()
        draw = ImageDraw.Draw(picture)
        if line is not None:
            (ax, ay), (bx, by) = (self.to_pixel(p) for p in line)
            steps = max(1, int(math.hypot(bx - ax, by - ay) // 6))
            for k in range(0, steps, 2):  # dashes
                t0, t1 = k / steps, min(1.0, (k + 1) / steps)
                draw.line([(ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)],
                          fill=BLACK, width=2)
            for x, y in ((ax, ay), (bx, by)):
                draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=BLACK)
        if star is not None:
            x, y = self.to_pixel(star)
            draw.polygon(_star(x, y, STAR_RADIUS), fill=RED, outline=BLACK)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()


class LatentExplorer:
    """A 2-D latent space to explore: decode any point, or walk from one test digit to another.

    `decoder` maps latent points (N, 2) to images (N, 784) or (N, 1, 28, 28); `means` (N, 2) are the
    encoder's means μ of the test digits and `labels` their digits (for the colours of the map).
    Slider values are clamped to [-limit, limit]. With `num_classes` (e.g. 10 for a conditional VAE) the
    decoder is called as `decoder(z, digits)` with `digits` a LongTensor (N,) of classes, and the widget
    gets a digit selector.
    """

    def __init__(self, decoder: Decoder, means: torch.Tensor, labels: torch.Tensor | None = None,
                 limit: float = 3.0, image_shape: Sequence[int] = (28, 28), max_points: int = 2000,
                 num_classes: int | None = None):
        means = torch.as_tensor(means).detach().float().cpu()
        if means.ndim != 2 or means.shape[1] != 2 or len(means) == 0:
            raise ValueError(msg(f"means must have shape (N, 2) with N > 0 (a 2-D latent space), got "
                                 f"{tuple(means.shape)}.",
                                 f"means का shape (N, 2) होना चाहिए, N > 0 (यानी 2-D latent space), मिला "
                                 f"{tuple(means.shape)}।"))
        if labels is not None and len(labels) != len(means):
            raise ValueError(msg(f"labels must have one row per mean: {len(labels)} rows for {len(means)} means.",
                                 f"labels में हर mean के लिए एक पंक्ति चाहिए: {len(means)} means के लिए "
                                 f"{len(labels)} पंक्तियाँ मिलीं।"))
        self.limit = as_number(limit, "limit")
        if self.limit <= 0:
            raise ValueError(msg(f"limit must be positive, got {self.limit}.",
                                 f"limit धनात्मक होना चाहिए, मिला {self.limit}।"))
        if num_classes is not None and (isinstance(num_classes, bool) or not isinstance(num_classes, int)
                                        or num_classes < 2):
            raise ValueError(msg(f"num_classes must be a whole number ≥ 2 (or None), got {num_classes!r}.",
                                 f"num_classes 2 या उससे बड़ा पूर्णांक (या None) होना चाहिए, मिला {num_classes!r}।"))
        self.decoder = decoder
        self.means = means
        self.labels = None if labels is None else torch.as_tensor(labels).detach().cpu()
        self.image_shape = tuple(image_shape)
        self.max_points = max_points
        self.num_classes = num_classes
        self.digit = 0 if num_classes else None   # the class a conditional decoder draws
        self.notes: list[str] = []                 # what the last call had to clamp
        self.last_image: torch.Tensor | None = None
        self.last_point: torch.Tensor | None = None
        self.last_fraction = 0.0
        self.last_error: str | None = None         # the error of the last redraw, also shown in the widget
        self.renders = 0                           # how many times the widget redrew a picture
        self.controls: dict = {}
        self.images: dict = {}                     # the widgets.Image of each picture
        self.messages: dict = {}                   # the message line (widgets.Label) of each part
        self.captions: dict = {}
        self._map: LatentMap | None = None
        self._throttles: dict = {}
        self._ends: dict = {}

    @property
    def conditional(self) -> bool:
        """True for a conditional decoder (a digit selector picks the class)."""
        return self.num_classes is not None

    # ---- the pure part: no widgets, no browser ----

    def _module(self) -> torch.nn.Module | None:
        """The nn.Module behind the decoder (also for a bound method such as `cvae.decode`)."""
        for candidate in (self.decoder, getattr(self.decoder, "__self__", None)):
            if isinstance(candidate, torch.nn.Module):
                return candidate
        return None

    def _device(self) -> torch.device:
        module = self._module()
        first = next(iter(module.parameters()), None) if module is not None else None
        return first.device if first is not None else torch.device("cpu")

    @torch.no_grad()
    def decode_points(self, z: torch.Tensor, digits: object = None) -> torch.Tensor:
        """Decode latent points (N, 2) into images (N, H, W) on the CPU (as `digits` for a conditional decoder)."""
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, 2)
        module = self._module()
        was_training = module.training if module is not None else False
        if module is not None:
            module.eval()
        device = self._device()
        try:
            with one_thread(len(z) <= SMALL_BATCH and device.type == "cpu"):
                if self.conditional:
                    classes = torch.as_tensor(self.digit if digits is None else digits, dtype=torch.long).reshape(-1)
                    if len(classes) == 1:
                        classes = classes.expand(len(z))  # one digit for every point
                    images = self.decoder(z.to(device), classes.to(device))
                else:
                    images = self.decoder(z.to(device))
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

    def decode(self, z1: object, z2: object, digit: object = None) -> torch.Tensor:
        """The image (H, W) the decoder draws for the latent point (z1, z2) (as `digit`, for a CVAE)."""
        z = self.point(z1, z2)
        if self.conditional and digit is not None:
            self.digit = as_class(digit, self.num_classes)
        image = self.decode_points(z)[0]
        self.last_point, self.last_image = z, image
        return image

    def every_class(self, z1: object, z2: object) -> torch.Tensor:
        """The same latent point decoded as every class (num_classes, H, W): style kept, class changed."""
        if not self.conditional:
            raise ValueError(msg("every_class needs a conditional decoder (LatentExplorer(..., num_classes=10)).",
                                 "every_class के लिए conditional decoder चाहिए (LatentExplorer(..., num_classes=10))।"))
        z = self.point(z1, z2)
        return self.decode_points(z.expand(self.num_classes, 2), torch.arange(self.num_classes))

    def interpolate(self, i: object, j: object, fraction: object) -> tuple[torch.Tensor, torch.Tensor]:
        """The point z = (1 − t)·μ_i + t·μ_j between test digits i and j, and its decoded image."""
        i = as_index(i, len(self.means), "i")
        j = as_index(j, len(self.means), "j")
        fraction, note = clamp(fraction, 0.0, 1.0, "t")
        self.notes = [note] if note else []
        self.last_fraction = fraction
        z = (1 - fraction) * self.means[i] + fraction * self.means[j]
        return z, self.decode_points(z)[0]

    # ---- the widget ----

    def widget(self, z1: float = 0.0, z2: float = 0.0, i: int = 0, j: int | None = None, fraction: float = 0.5,
               digit: int = 0, path: bool | None = None, interval: float = 0.03):
        """Sliders for (z₁, z₂) over the latent map and the decoded digit (a digit selector for a CVAE), and,
        with `path` (default: for an unconditional decoder), two test digits and a slider t between them.
        Drawn at once; redrawn as the controls move, at most once per `interval` seconds, newest value first."""
        try:
            import ipywidgets as widgets
        except ImportError as err:
            raise ImportError(msg("The latent explorer needs ipywidgets: pip install ipywidgets",
                                  "Latent explorer के लिए ipywidgets चाहिए: pip install ipywidgets")) from err
        from .widgets import Throttle

        path = not self.conditional if path is None else bool(path)
        count = len(self.means)
        z1, z2 = (clamp(value, -self.limit, self.limit, what)[0] for value, what in ((z1, "z₁"), (z2, "z₂")))
        fraction = clamp(fraction, 0.0, 1.0, "t")[0]
        j = min(1, count - 1) if j is None else j
        i, j = as_index(i, count, "i"), as_index(j, count, "j")
        if self.conditional:
            self.digit = as_class(digit, self.num_classes)
        slider = {"min": -self.limit, "max": self.limit, "step": 0.05, "readout_format": ".2f",
                  "continuous_update": True}
        box = widgets.Layout(width="170px")
        self.controls = {
            "z1": widgets.FloatSlider(value=z1, description="z₁", **slider),
            "z2": widgets.FloatSlider(value=z2, description="z₂", **slider),
        }
        if self.conditional:
            self.controls["digit"] = widgets.ToggleButtons(
                options=[(str(k), k) for k in range(self.num_classes)], value=self.digit,
                description=msg("digit", "अंक"), style={"button_width": "34px"})
        if path:
            self.controls.update({
                "i": widgets.IntText(value=i, description=msg("digit i", "अंक i"), layout=box),
                "j": widgets.IntText(value=j, description=msg("digit j", "अंक j"), layout=box),
                "t": widgets.FloatSlider(value=fraction, min=0.0, max=1.0, step=0.02, description="t",
                                         readout_format=".2f", continuous_update=True),
            })
        parts = ["point", "strip"] if self.conditional else ["point"]
        parts += ["path_map", "start", "middle", "end"] if path else []
        self.images = {"map": widgets.Image(format="png")}
        self.images.update({name: widgets.Image(format="png") for name in parts})
        for name, image in self.images.items():
            image.add_class(f"course-latent-{name.replace('_', '-')}")  # for the browser test
        self.captions = {name: widgets.Label() for name in ("point", "start", "middle", "end")}
        self.captions["map"] = widgets.Label(msg("test digits (means μ) and your point ★",
                                                 "test अंक (means μ) और आपका बिंदु ★"))
        self.captions["path_map"] = widgets.Label(msg("path μ_i → μ_j", "रास्ता μ_i → μ_j"))
        self.messages = {"point": widgets.Label(), "path": widgets.Label()}
        for label in self.messages.values():
            label.add_class("course-latent-message")
        self._throttles = {"point": Throttle(self.render_point, interval),
                           "path": Throttle(self.render_path, interval)}
        for name in ("z1", "z2", "digit"):
            if name in self.controls:
                self.controls[name].observe(self._throttles["point"], names="value")
        for name in ("i", "j", "t"):
            if name in self.controls:
                self.controls[name].observe(self._throttles["path"], names="value")

        self.render_point(raise_errors=True)  # an error in the first picture fails the cell
        if path:
            self.render_path(raise_errors=True)
        return self._layout(widgets, path)

    def _layout(self, widgets, path: bool):
        c, im, cap = self.controls, self.images, self.captions

        def picture(image, caption):
            return widgets.VBox([image, caption], layout=widgets.Layout(align_items="center"))

        if self.conditional:
            intro = msg("Pick a digit and move z₁ and z₂: the decoder draws that digit in the style at that point of "
                        "the latent space.",
                        "एक अंक चुनिए और z₁, z₂ को खिसकाइए: decoder वही अंक latent space के उस बिंदु वाली शैली में "
                        "बनाता है।")
        else:
            intro = msg("Move z₁ and z₂: the decoder draws the digit at that point of the latent space.",
                        "z₁ और z₂ को खिसकाइए: latent space के उस बिंदु पर decoder जो अंक बनाता है, वह दिखेगा।")
        rows = [widgets.Label(intro)]
        if self.conditional:
            rows.append(c["digit"])
        rows += [widgets.HBox([c["z1"], c["z2"]]),
                 widgets.HBox([picture(im["map"], cap["map"]), picture(im["point"], cap["point"])],
                              layout=widgets.Layout(align_items="center"))]
        if self.conditional:
            rows += [widgets.Label(msg("The same z as every digit (style kept, class changed):",
                                       "वही z हर अंक के रूप में (शैली वही, class बदली):")), im["strip"]]
        rows.append(self.messages["point"])
        if path:
            count = len(self.means)
            rows += [
                widgets.Label(msg(f"Walk between two test digits (numbers 0 to {count - 1}): t = 0 is digit i, "
                                  f"t = 1 is digit j.",
                                  f"दो test अंकों के बीच चलिए (संख्या 0 से {count - 1} तक): t = 0 पर अंक i, t = 1 पर "
                                  f"अंक j।")),
                widgets.HBox([c["i"], c["j"], c["t"]]),
                widgets.HBox([picture(im[k], cap[k]) for k in ("path_map", "start", "middle", "end")],
                             layout=widgets.Layout(align_items="center")),
                self.messages["path"],
            ]
        return widgets.VBox(rows)

    def flush(self) -> None:
        """Draw now what the last control changes asked for (in a live kernel a redraw may still be waiting)."""
        for name, throttle in self._throttles.items():
            if throttle.scheduled:
                (self.render_point if name == "point" else self.render_path)()

    def _latent_map(self) -> LatentMap:
        if self._map is None:
            shown = slice(0, self.max_points)
            labels = None if self.labels is None else self.labels[shown].numpy()
            self._map = LatentMap(self.means[shown].numpy(), labels, self.limit)
        return self._map

    def _report(self, part: str, err: Exception | None, raise_errors: bool) -> None:
        """Show the clamping notes, or the error, in the part's message line."""
        if err is None:
            self.last_error = None
            self.messages[part].value = " ".join(self.notes)
            return
        self.last_error = f"{type(err).__name__}: {err}"
        if raise_errors:
            raise err
        self.messages[part].value = "⚠ " + msg(
            f"The picture could not be drawn: {self.last_error}",
            f"चित्र नहीं बन सका: {self.last_error}")

    def render_point(self, change: object = None, raise_errors: bool = False) -> None:
        """Redraw the map marker and the decoded digit for the current (z₁, z₂) (and digit) controls."""
        from .widgets import png_bytes

        self.renders += 1
        try:
            c = self.controls
            if self.conditional:  # one batch: the point as every digit; the chosen digit is one of them
                self.digit = as_class(c["digit"].value, self.num_classes)
                strip = self.every_class(c["z1"].value, c["z2"].value)
                self.last_point, self.last_image = self.point(c["z1"].value, c["z2"].value), strip[self.digit]
                self.images["strip"].value = png_bytes(to_uint8(torch.cat(list(strip), dim=1)), STRIP_SCALE)
            else:
                self.decode(c["z1"].value, c["z2"].value)
            z = self.last_point.tolist()
            self.images["point"].value = png_bytes(to_uint8(self.last_image), DIGIT_SCALE)
            self.images["map"].value = self._latent_map().png(star=z)
            if self.conditional:
                self.captions["point"].value = msg(f"digit {self.digit} at z = ({z[0]:.2f}, {z[1]:.2f})",
                                                   f"z = ({z[0]:.2f}, {z[1]:.2f}) पर अंक {self.digit}")
            else:
                self.captions["point"].value = msg(f"decoded at z = ({z[0]:.2f}, {z[1]:.2f})",
                                                   f"z = ({z[0]:.2f}, {z[1]:.2f}) से बना अंक")
        except Exception as err:  # noqa: BLE001 - shown to the student in the message line; the kernel keeps running
            self._blank("point")
            self._report("point", err, raise_errors)
        else:
            self._report("point", None, raise_errors)

    def render_path(self, change: object = None, raise_errors: bool = False) -> None:
        """Redraw the path on the map and the digits at its start, at t and at its end."""
        from .widgets import png_bytes

        self.renders += 1
        try:
            c = self.controls
            z, image = self.interpolate(c["i"].value, c["j"].value, c["t"].value)
            i, j = int(c["i"].value), int(c["j"].value)
            if (i, j) not in self._ends:  # the two ends change only when i or j does
                ends = self.decode_points(torch.stack([self.means[i], self.means[j]]))
                self._ends = {(i, j): [png_bytes(to_uint8(end), DIGIT_SCALE // 2) for end in ends]}
            start, end = self._ends[(i, j)]
            self.images["start"].value, self.images["end"].value = start, end
            self.images["middle"].value = png_bytes(to_uint8(image), DIGIT_SCALE // 2)
            self.images["path_map"].value = self._latent_map().png(star=z.tolist(),
                                                                   line=(self.means[i].tolist(), self.means[j].tolist()))
            self.captions["start"].value = msg(f"test digit #{i} (t = 0)", f"test अंक #{i} (t = 0)")
            self.captions["middle"].value = f"t = {self.last_fraction:.2f}"
            self.captions["end"].value = msg(f"test digit #{j} (t = 1)", f"test अंक #{j} (t = 1)")
        except Exception as err:  # noqa: BLE001 - shown to the student in the message line; the kernel keeps running
            self._blank("path")
            self._report("path", err, raise_errors)
        else:
            self._report("path", None, raise_errors)

    def _blank(self, part: str) -> None:
        """Grey out the part's decoded digits, so a failed redraw never leaves an old picture that looks current."""
        from .widgets import png_bytes

        names = ("point", "strip") if part == "point" else ("start", "middle", "end")
        for name in names:
            if name in self.images:
                height, width = self.image_shape
                if name == "strip":
                    width *= self.num_classes or 1
                scale = {"point": DIGIT_SCALE, "strip": STRIP_SCALE}.get(name, DIGIT_SCALE // 2)
                self.images[name].value = png_bytes(np.full((height, width), 128, dtype=np.uint8), scale)
        for name in (("point",) if part == "point" else ("start", "middle", "end")):
            if name in self.captions:
                self.captions[name].value = ""
