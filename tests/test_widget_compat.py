"""The interactive parts behave the same on ipywidgets 7.7 (Colab) and 8.x (our environment): each one is built,
answers a changed value with a new picture or text, and serialises for display without a browser.

`make test` runs this file with ipywidgets 8; `make test-colab` runs it again on the Colab-like environment's
Python (ipywidgets 7.7.1, matplotlib 3.10). Only public behaviour is used: build, set a value, look at the output.
"""
import ipywidgets as widgets
import numpy as np
import pytest
import torch
from ipywidgets.embed import embed_data
from torch import nn

import helpers
from helpers import quiz
from helpers import widgets as course_widgets
from helpers.latent_explorer import LatentExplorer

VALUE_CONTROLS = (widgets.FloatSlider, widgets.IntSlider, widgets.IntText, widgets.BoundedIntText,
                  widgets.FloatText, widgets.BoundedFloatText)


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def pictures(widget) -> list:
    """Every picture the widget tree shows: Image values and PNGs in Output areas."""
    found = []
    for w in descendants(widget):
        if isinstance(w, widgets.Image):
            found.append(bytes(w.value))
        elif isinstance(w, widgets.Output):
            found += [o["data"]["image/png"] for o in w.outputs if "image/png" in o.get("data", {})]
    return found


def texts(widget) -> str:
    """Every text the widget tree shows: labels, HTML and text printed into Output areas."""
    found = []
    for w in descendants(widget):
        if isinstance(w, (widgets.HTML, widgets.Label, widgets.HTMLMath)):
            found.append(w.value)
        elif isinstance(w, widgets.Output):
            found += [o.get("text", "") for o in w.outputs if o.get("output_type") == "stream"]
    return "\n".join(found)


def assert_renders_headless(box) -> None:
    """The widget serialises as a front end receives it: a view of the box and the state of every part."""
    data = embed_data(views=[box])
    assert [spec["model_id"] for spec in data["view_specs"]] == [box.model_id]
    state = data["manager_state"]["state"]
    missing = [type(w).__name__ for w in descendants(box) if w.model_id not in state]
    assert not missing, f"parts without a saved state: {missing}"
    assert data["manager_state"]["version_major"] == 2


def test_the_noise_slider_redraws_for_every_value():
    makers = [name for name in ("image_slider", "slider") if hasattr(course_widgets, name)]
    assert makers, "helpers.widgets has no slider"
    for name in makers:
        calls = []

        def render(value, calls=calls):
            calls.append(value)
            return np.full((6, 6), value), f"noise {value:.2f}"

        box = getattr(course_widgets, name)(render, value=0.2, min=0.0, max=1.0, step=0.1, description="noise")
        control = next(w for w in descendants(box) if isinstance(w, widgets.FloatSlider))
        before = pictures(box)
        control.value = 0.7
        assert calls == [0.2, 0.7], name
        if name == "image_slider":  # the picture itself is in the widget; `slider` draws into an Output
            assert pictures(box) != before and "0.70" in texts(box)
        assert_renders_headless(box)


@pytest.fixture
def explorer() -> LatentExplorer:
    torch.manual_seed(0)
    decoder = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 784), nn.Sigmoid())
    means = torch.randn(12, 2)
    return LatentExplorer(decoder, means, labels=torch.arange(12) % 10, limit=3.0)


def test_the_latent_explorer_redraws_when_any_control_moves(explorer):
    box = explorer.widget()
    controls = [w for w in descendants(box) if isinstance(w, VALUE_CONTROLS)]
    assert len([c for c in controls if isinstance(c, widgets.FloatSlider)]) >= 2, "sliders for z₁ and z₂"
    assert pictures(box), "the first state is drawn when the widget is built"
    for control in controls:
        before = pictures(box)
        if isinstance(control, (widgets.FloatSlider, widgets.FloatText, widgets.BoundedFloatText)):
            control.value = 0.9 if abs(control.value - 0.9) > 0.1 else 0.1
        else:
            control.value += 2  # test digits i and j: 0 → 2, 1 → 3 (of 12), so the path keeps two ends
        assert pictures(box) != before, f"{control.description}: no new picture"
    assert_renders_headless(box)


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_a_quiz_answers_every_choice_with_its_feedback(lang):
    helpers.set_language(lang)
    lesson = "01_autoencoder"
    question = quiz.load_quiz(lesson)[0]
    box = quiz.show_quiz(lesson)
    choices = next(w for w in descendants(box) if hasattr(w, "options") and len(w.options) == len(question.choices))
    container = next(w for w in descendants(box) if choices in getattr(w, "children", ()))
    labels = [o[0] if isinstance(o, tuple) else o for o in choices.options]
    assert labels == question.choices, "the widget shows the choices in the quiz's order"
    shown = set()
    for index in range(len(question.choices)):
        choices.index = index
        for button in (w for w in descendants(container) if isinstance(w, widgets.Button)):
            button.click()
        feedback = texts(container)
        expected = quiz.check_answer(question, index)[1]
        assert expected in feedback, f"choice {index}: expected feedback {expected!r}, shown {feedback!r}"
        shown.add(feedback)
    assert len(shown) == len(question.choices), "each choice has its own feedback"
    assert_renders_headless(box)
