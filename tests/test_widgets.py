"""helpers.widgets.slider without a browser: it renders once, re-renders on change, checks its input."""
import ipywidgets as widgets
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
