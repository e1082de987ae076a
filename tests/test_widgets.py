"""helpers.widgets without a browser: the sliders render once, re-render on change, check their input."""
import ipywidgets as widgets
import numpy as np
import pytest

from helpers import set_language
from helpers.widgets import slider


def make(calls, **kwargs):
    options = {"value": 0.5, "min": 0.0, "max": 1.0, "step": 0.1, "description": "noise"}
    options.update(kwargs)
    return slider(calls.append, **options)


def test_renders_once_with_the_start_value():
    calls = []
    box = make(calls)
    assert calls == [0.5]
    control, output = box.children
    assert isinstance(control, widgets.FloatSlider) and isinstance(output, widgets.Output)
    assert (control.min, control.max, control.step, control.description) == (0.0, 1.0, 0.1, "noise")
    assert control.continuous_update is False  # redraw on release, not on every pixel of a drag


def test_moving_the_slider_renders_the_new_value():
    calls = []
    control = make(calls).children[0]
    control.value = 0.8
    control.value = 0.2
    assert calls == [0.5, 0.8, 0.2]


def test_an_error_in_the_first_render_is_raised():
    def broken(value):
        raise RuntimeError(f"cannot draw {value}")

    with pytest.raises(RuntimeError, match="cannot draw 0.5"):
        slider(broken, value=0.5, min=0.0, max=1.0, step=0.1)


@pytest.mark.parametrize("kwargs", [{"min": 1.0, "max": 0.0}, {"value": 2.0}, {"step": 0.0}])
def test_bad_settings_are_refused_in_the_notebook_language(kwargs):
    calls = []
    set_language("hi")
    try:
        with pytest.raises(ValueError, match="slider: .*[\u0900-\u097F]"):
            make(calls, **kwargs)
    finally:
        set_language("en")
    assert calls == []


# ---- the fast picture slider and its pieces

def test_png_bytes_makes_a_png_of_the_right_size():
    from PIL import Image
    import io

    from helpers.widgets import png_bytes

    data = png_bytes(np.linspace(0, 1, 28 * 28).reshape(28, 28), scale=3)
    image = Image.open(io.BytesIO(data))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and image.size == (84, 84)
    assert np.asarray(image)[0, 0] == 0 and np.asarray(image)[-1, -1] == 255
    with pytest.raises(ValueError, match="shape"):
        png_bytes(np.zeros(5))


def test_image_slider_redraws_for_new_values_and_shows_errors():
    from helpers.widgets import image_slider

    def render(value):
        if value > 0.9:
            raise RuntimeError("too noisy")
        return np.full((4, 4), value), f"σ = {value:.2f}"

    box = image_slider(render, value=0.5, min=0.0, max=1.0, step=0.05)
    control, picture, caption = box.children
    first = picture.value
    assert caption.value == "σ = 0.50" and first[:4] == b"\x89PNG"
    control.value = 0.2
    assert caption.value == "σ = 0.20" and picture.value != first
    control.value = 1.0
    assert "too noisy" in caption.value  # the error is shown; the kernel keeps running
    with pytest.raises(ValueError, match="outside"):
        image_slider(render, value=2.0, min=0.0, max=1.0, step=0.1)


def test_throttle_draws_the_newest_state_once_per_interval_inside_an_event_loop():
    import asyncio

    from helpers.widgets import Throttle

    state = {"value": 0, "drawn": []}
    throttle = Throttle(lambda: state["drawn"].append(state["value"]), interval=0.05)

    async def drag():
        for value in range(1, 21):  # 20 slider events in about 20 ms
            state["value"] = value
            throttle()
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.2)

    asyncio.run(drag())
    assert state["drawn"][-1] == 20          # the last position is always drawn
    assert len(state["drawn"]) < 6           # stale positions were skipped, nothing queued
