"""One interactive control for the notebooks: a slider bound to a function that draws.

`slider(render, value=..., min=..., max=..., step=...)` shows a FloatSlider above an Output area
and calls `render(value)` into that area: once straight away (so a notebook run headless, e.g.
under nbval or papermill, still shows the first picture) and again whenever the slider is released.
Only core ipywidgets are used, so it works in Jupyter, JupyterLab, VS Code and Colab.
"""
from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from .lang import msg
from .plot import in_notebook


def slider(render: Callable[[float], None], *, value: float, min: float, max: float, step: float,
           description: str = "", readout_format: str = ".2f") -> widgets.VBox:
    """A FloatSlider over an Output; `render(value)` draws into the Output now and after every change."""
    if not min < max:
        raise ValueError(msg(f"slider: min ({min}) must be smaller than max ({max}).",
                           f"slider: min ({min}) को max ({max}) से छोटा होना चाहिए।"))
    if not min <= value <= max:
        raise ValueError(msg(f"slider: the start value {value} is outside [{min}, {max}].",
                           f"slider: शुरुआती मान {value} दायरे [{min}, {max}] से बाहर है।"))
    if step <= 0:
        raise ValueError(msg(f"slider: step must be positive, got {step}.",
                           f"slider: step धनात्मक होना चाहिए, मिला {step}।"))
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
