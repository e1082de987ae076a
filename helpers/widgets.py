"""Interactive controls for the notebooks, fast enough to drag.

- `image_slider(render, value=..., min=..., max=..., step=...)`: a FloatSlider over a picture and a caption.
  `render(value)` returns the picture as an array (grey or RGB) and the caption; the picture is sent as
  PNG bytes to a `widgets.Image` (no matplotlib per move), and while the slider is dragged at most one
  redraw per `interval` seconds runs, always for the newest value, so a drag never queues redraws.
- `slider(render, ...)`: the older form, where `render(value)` draws anything (e.g. a matplotlib figure)
  into an Output area after the slider is released.
- `png_bytes`, `Throttle`: the pieces, also used by the latent explorer.
Only core ipywidgets are used (7.7 and 8.x), so it works in Jupyter, JupyterLab, VS Code and Colab. The first
picture is drawn when the control is built, so a notebook run headless (nbval, papermill) still shows it.
"""
from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from .lang import msg
from .plot import in_notebook


def png_bytes(image: np.ndarray, scale: int = 1) -> bytes:
    """A grey (H, W) or colour (H, W, 3) image, floats in [0, 1] or uint8, as PNG bytes; `scale` enlarges it
    by repeating pixels (crisp digits)."""
    from PIL import Image

    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = (np.clip(array, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    if array.ndim not in (2, 3):
        raise ValueError(msg(f"png_bytes: expected an image (H, W) or (H, W, 3), got shape {array.shape}.",
                             f"png_bytes: तस्वीर (H, W) या (H, W, 3) चाहिए, shape मिली {array.shape}।"))
    if scale > 1:
        array = array.repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Throttle:
    """Call `draw()` at most once per `interval` seconds while events keep coming, and once more after the
    last event, so the newest state is always drawn and stale states are skipped. Without a running event
    loop (scripts, tests) every call draws at once."""

    def __init__(self, draw: Callable[[], None], interval: float = 0.03):
        self.draw = draw
        self.interval = interval
        self.last = -float("inf")
        self.scheduled = False
        self.draws = 0

    def __call__(self, change: object = None) -> None:
        if self.scheduled:
            return  # a draw is on its way and will use the newest value
        wait = self.last + self.interval - time.perf_counter()
        loop = _running_loop()
        if wait <= 0 or loop is None:
            self._run()
        else:
            self.scheduled = True
            loop.call_later(wait, self._run)

    def _run(self) -> None:
        self.scheduled = False
        self.last = time.perf_counter()
        self.draws += 1
        self.draw()


def _check_range(value: float, min: float, max: float, step: float) -> None:
    if not min < max:
        raise ValueError(msg(f"slider: min ({min}) must be smaller than max ({max}).",
                             f"slider: min ({min}) को max ({max}) से छोटा होना चाहिए।"))
    if not min <= value <= max:
        raise ValueError(msg(f"slider: the start value {value} is outside [{min}, {max}].",
                             f"slider: शुरुआती मान {value} दायरे [{min}, {max}] से बाहर है।"))
    if step <= 0:
        raise ValueError(msg(f"slider: step must be positive, got {step}.",
                             f"slider: step धनात्मक होना चाहिए, मिला {step}।"))


def image_slider(render: Callable[[float], tuple[np.ndarray, str]], *, value: float, min: float, max: float,
                 step: float, description: str = "", readout_format: str = ".2f", scale: int = 3,
                 interval: float = 0.03) -> widgets.VBox:
    """A FloatSlider over a picture and a caption: `render(value)` returns (image array, caption text).

    The picture is redrawn while the slider moves (throttled, newest value first). An error in `render`
    is shown in the caption; the error of the first picture fails the cell, so a broken lesson is noticed.
    """
    _check_range(value, min, max, step)
    control = widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                                  continuous_update=True, readout_format=readout_format,
                                  style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
    picture = widgets.Image(format="png")
    caption = widgets.Label()

    def draw() -> None:
        try:
            image, text = render(control.value)
            picture.value = png_bytes(image, scale)
            caption.value = text
        except Exception as err:  # noqa: BLE001 - shown to the student, the kernel keeps running
            caption.value = f"{type(err).__name__}: {err}"

    throttle = Throttle(draw, interval)
    control.observe(throttle, names="value")
    image, text = render(control.value)  # errors here fail the cell
    picture.value = png_bytes(image, scale)
    caption.value = text
    box = widgets.VBox([control, picture, caption])
    box.throttle = throttle  # for tests and the benchmark
    if in_notebook():
        from IPython.display import display

        display(box)
    return box


def slider(render: Callable[[float], None], *, value: float, min: float, max: float, step: float,
           description: str = "", readout_format: str = ".2f") -> widgets.VBox:
    """A FloatSlider over an Output; `render(value)` draws into the Output now and after every change."""
    _check_range(value, min, max, step)
    control = widgets.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                                  continuous_update=False, readout_format=readout_format,
                                  style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
    output = widgets.Output()

    def redraw(change: dict) -> None:
        # Errors after the first picture are shown inside the Output; the kernel keeps running.
        output.clear_output(wait=True)
        with output:
            render(change["new"])

    control.observe(redraw, names="value")
    box = widgets.VBox([control, output])
    if in_notebook():
        from IPython.display import display

        display(box)
    failure = None
    with output:
        try:
            render(control.value)
        except Exception as err:  # noqa: BLE001 - re-raised below, outside the Output, so the cell fails
            failure = err
    if failure is not None:
        raise failure
    return box
