"""The latent explorer of lesson 04, without a browser: decoding, interpolation, checks, and the widget."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from helpers import lang
from helpers.latent_explorer import LatentExplorer, as_index, as_number, clamp

N_DIGITS = 12


def tiny_decoder() -> nn.Module:
    """An untrained decoder 2 → 784 with a sigmoid, as in the lesson's VAE (but tiny)."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 784), nn.Sigmoid())


@pytest.fixture
def explorer() -> LatentExplorer:
    torch.manual_seed(1)
    means = torch.randn(N_DIGITS, 2)
    labels = torch.arange(N_DIGITS) % 10
    return LatentExplorer(tiny_decoder(), means, labels=labels, limit=3.0)


def png(output) -> str:
    return output.outputs[0]["data"]["image/png"]


def test_decode_gives_an_image_that_depends_on_the_sliders(explorer):
    a = explorer.decode(0.0, 0.0)
    b = explorer.decode(2.0, -1.5)
    assert a.shape == (28, 28) and 0 <= float(a.min()) and float(a.max()) <= 1
    assert not torch.allclose(a, b)
    assert torch.equal(explorer.last_point, torch.tensor([2.0, -1.5]))


def test_same_values_give_the_same_image(explorer):
    assert torch.equal(explorer.decode(1.25, -0.5), explorer.decode(1.25, -0.5))
    assert torch.equal(explorer.decode(np.float32(0.5), torch.tensor(1)), explorer.decode(0.5, 1.0))


def test_values_outside_the_slider_range_are_clamped_with_a_note(explorer):
    far = explorer.decode(10.0, -7)
    assert len(explorer.notes) == 2 and "outside [-3, 3]; using 3" in explorer.notes[0]
    assert torch.equal(far, explorer.decode(3.0, -3.0))
    assert explorer.notes == []
    assert clamp(0.5, 0.0, 1.0, "t") == (0.5, None)
    assert clamp(-2, 0.0, 1.0, "t")[0] == 0.0


@pytest.mark.parametrize("bad", [float("nan"), math.inf, -math.inf])
def test_nan_and_infinity_are_rejected(explorer, bad):
    with pytest.raises(ValueError, match="finite"):
        explorer.decode(bad, 0.0)
    with pytest.raises(ValueError, match="finite"):
        explorer.interpolate(0, 1, bad)


@pytest.mark.parametrize("bad", ["1.5", None, True, [1.0], torch.zeros(2), 1 + 2j])
def test_wrong_types_are_rejected(explorer, bad):
    with pytest.raises(TypeError, match="must be a number"):
        explorer.decode(0.0, bad)


def test_test_digit_numbers_are_checked(explorer):
    with pytest.raises(ValueError, match=f"from 0 to {N_DIGITS - 1}"):
        explorer.interpolate(0, N_DIGITS, 0.5)
    with pytest.raises(ValueError, match="not a test digit"):
        explorer.interpolate(-1, 0, 0.5)
    for bad in (1.0, "2", True, None):
        with pytest.raises(TypeError, match="whole number"):
            explorer.interpolate(bad, 0, 0.5)
    assert as_index(np.int64(3), 5, "i") == 3 and as_index(torch.tensor(4), 5, "i") == 4


def test_messages_are_bilingual():
    lang.set_language("hi")
    with pytest.raises(ValueError, match="कोई test अंक नहीं"):
        as_index(7, 5, "i")
    with pytest.raises(TypeError, match="संख्या होनी चाहिए"):
        as_number("x", "z₁")
    with pytest.raises(ValueError, match="सीमित"):
        as_number(float("nan"), "z₁")
    assert "सीमा" in clamp(9, -3, 3, "z₁")[1]
    lang.set_language("en")
    assert "outside" in clamp(9, -3, 3, "z₁")[1]


def test_interpolation_ends_are_the_two_digits_decoded_means(explorer):
    i, j = 2, 7
    z0, start = explorer.interpolate(i, j, 0.0)
    z1, end = explorer.interpolate(i, j, 1.0)
    zh, _ = explorer.interpolate(i, j, 0.5)
    assert torch.allclose(z0, explorer.means[i]) and torch.allclose(z1, explorer.means[j])
    assert torch.allclose(zh, (explorer.means[i] + explorer.means[j]) / 2)
    decoded = explorer.decode_points(explorer.means[[i, j]])
    assert torch.allclose(start, decoded[0]) and torch.allclose(end, decoded[1])
    same, _ = explorer.interpolate(i, i, 0.3)
    assert torch.allclose(same, explorer.means[i])
    _, clamped = explorer.interpolate(i, j, 1.7)
    assert torch.equal(clamped, end) and "t = 1.7" in explorer.notes[0]


def test_means_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        LatentExplorer(tiny_decoder(), torch.zeros(5, 3))
    with pytest.raises(ValueError, match="one row per mean"):
        LatentExplorer(tiny_decoder(), torch.zeros(5, 2), labels=torch.zeros(4))


def test_widget_builds_and_draws_its_first_state_at_once(explorer):
    ui = explorer.widget()
    assert ui.children, "the widget has parts"
    assert png(explorer.outputs["point"]) and png(explorer.outputs["path"])
    assert explorer.renders == 2
    assert torch.equal(explorer.last_point, torch.tensor([0.0, 0.0]))


def test_moving_a_slider_redraws_the_digit(explorer):
    explorer.widget()
    before_png, before_image = png(explorer.outputs["point"]), explorer.last_image.clone()
    explorer.controls["z1"].value = 2.5
    assert explorer.renders == 3
    assert torch.equal(explorer.last_point, torch.tensor([2.5, 0.0]))
    assert not torch.equal(explorer.last_image, before_image)
    assert png(explorer.outputs["point"]) != before_png
    explorer.controls["z2"].value = 9.0  # the slider itself keeps the value in its range
    assert explorer.controls["z2"].value == 3.0 and explorer.last_point[1] == 3.0


def test_moving_t_or_choosing_digits_redraws_the_path(explorer):
    explorer.widget(i=0, j=1, fraction=0.0)
    first = png(explorer.outputs["path"])
    explorer.controls["t"].value = 1.0
    assert png(explorer.outputs["path"]) != first
    explorer.controls["j"].value = 5
    assert explorer.renders == 4


def test_a_bad_digit_number_in_a_box_is_explained_in_the_output(explorer):
    explorer.widget()
    explorer.controls["i"].value = 999
    shown = explorer.outputs["path"].outputs
    assert len(shown) == 1 and shown[0]["output_type"] == "stream"
    assert f"from 0 to {N_DIGITS - 1}" in shown[0]["text"]
    explorer.controls["i"].value = 3  # a good value draws the path again
    assert png(explorer.outputs["path"])


def test_bad_starting_values_of_the_widget_are_checked(explorer):
    explorer.widget(z1=7.0, z2=-1.0)  # clamped to the slider range
    assert explorer.controls["z1"].value == 3.0 and explorer.controls["j"].value == 1
    with pytest.raises(TypeError, match="must be a number"):
        explorer.widget(z1="left")
    with pytest.raises(ValueError, match="not a test digit"):
        explorer.widget(i=-3)
    with pytest.raises(ValueError, match="not a test digit"):
        explorer.widget(j=N_DIGITS)
