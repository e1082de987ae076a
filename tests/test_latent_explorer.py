"""The latent explorer of lesson 04, without a browser: decoding, interpolation, checks, and the widget."""
import asyncio
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from helpers import lang
from helpers.latent_explorer import LatentExplorer, as_class, as_index, as_number, clamp

N_DIGITS = 12


def tiny_decoder() -> nn.Module:
    """An untrained decoder 2 → 784 with a sigmoid, as in the lesson's VAE (but tiny)."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 784), nn.Sigmoid())


class TinyCVAE(nn.Module):
    """A decoder that takes a code and a digit, like the lesson's conditional VAE (untrained, tiny)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(2 + 10, 16), nn.Tanh(), nn.Linear(16, 784), nn.Sigmoid(), nn.Dropout(0.5))
        self.calls = []

    def decode(self, z: torch.Tensor, digits: torch.Tensor) -> torch.Tensor:
        self.calls.append((digits.dtype, tuple(digits.shape), self.training))
        return self.net(torch.cat([z, nn.functional.one_hot(digits, 10).float()], dim=1))


@pytest.fixture
def explorer() -> LatentExplorer:
    torch.manual_seed(1)
    means = torch.randn(N_DIGITS, 2)
    labels = torch.arange(N_DIGITS) % 10
    return LatentExplorer(tiny_decoder(), means, labels=labels, limit=3.0)


@pytest.fixture
def conditional() -> LatentExplorer:
    torch.manual_seed(2)
    return LatentExplorer(TinyCVAE().decode, torch.randn(30, 2), labels=torch.arange(30) % 10, num_classes=10)


def picture(explorer: LatentExplorer, name: str) -> np.ndarray:
    """The PNG in one of the explorer's Image widgets, decoded to an array."""
    data = bytes(explorer.images[name].value)
    assert data.startswith(b"\x89PNG"), f"{name} holds no PNG"
    image = Image.open(io.BytesIO(data))
    return np.asarray(image.convert("RGB") if image.mode == "P" else image)  # the maps are palette PNGs


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
    try:
        with pytest.raises(ValueError, match="कोई test अंक नहीं"):
            as_index(7, 5, "i")
        with pytest.raises(TypeError, match="संख्या होनी चाहिए"):
            as_number("x", "z₁")
        with pytest.raises(ValueError, match="सीमित"):
            as_number(float("nan"), "z₁")
        with pytest.raises(ValueError, match="पूर्णांक"):
            as_class(10, 10)
        assert "सीमा" in clamp(9, -3, 3, "z₁")[1]
    finally:
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


def test_means_and_classes_are_checked():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        LatentExplorer(tiny_decoder(), torch.zeros(5, 3))
    with pytest.raises(ValueError, match="one row per mean"):
        LatentExplorer(tiny_decoder(), torch.zeros(5, 2), labels=torch.zeros(4))
    for bad in (1, True, 2.5, "10"):
        with pytest.raises(ValueError, match="num_classes"):
            LatentExplorer(tiny_decoder(), torch.zeros(5, 2), num_classes=bad)


def test_widget_builds_and_draws_its_first_state_at_once(explorer):
    ui = explorer.widget()
    assert ui.children, "the widget has parts"
    for name in ("map", "point", "path_map", "start", "middle", "end"):
        assert picture(explorer, name).size > 0
    assert picture(explorer, "point").shape[:2] == (168, 168)  # 28 × 28, enlarged without blurring
    assert explorer.renders == 2
    assert torch.equal(explorer.last_point, torch.tensor([0.0, 0.0]))
    assert explorer.messages["point"].value == "" and explorer.last_error is None


def test_moving_a_slider_redraws_the_digit_and_the_marker_at_once(explorer):
    explorer.widget()
    before_digit, before_map = bytes(explorer.images["point"].value), bytes(explorer.images["map"].value)
    explorer.controls["z1"].value = 2.5  # no event loop runs here: the redraw happens before this line returns
    assert explorer.renders == 3
    assert torch.equal(explorer.last_point, torch.tensor([2.5, 0.0]))
    assert bytes(explorer.images["point"].value) != before_digit
    assert bytes(explorer.images["map"].value) != before_map
    shown = picture(explorer, "point")
    expected = (np.clip(explorer.decode(2.5, 0.0).numpy(), 0, 1) * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(shown[::6, ::6], expected), "the picture is the decoded digit, pixel for pixel"
    assert "2.50" in explorer.captions["point"].value
    explorer.controls["z2"].value = 9.0  # the slider itself keeps the value in its range
    assert explorer.controls["z2"].value == 3.0 and explorer.last_point[1] == 3.0


def test_the_star_is_painted_where_the_point_is(explorer):
    explorer.widget()
    for z in ((2.0, -1.0), (-2.5, 2.5)):
        explorer.controls["z1"].value, explorer.controls["z2"].value = z
        image = picture(explorer, "map").astype(int)
        red = (image[..., 0] > 200) & (image[..., 1] < 60) & (image[..., 2] < 60)
        rows, cols = np.nonzero(red)
        x, y = explorer._latent_map().to_pixel(z)
        assert len(rows) > 20 and abs(cols.mean() - x) < 3 and abs(rows.mean() - y) < 3


def test_moves_draw_no_matplotlib_figure(explorer, monkeypatch):
    explorer.widget()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def forbidden(*args, **kwargs):
        raise AssertionError("matplotlib drew during a move")

    monkeypatch.setattr(FigureCanvasAgg, "draw", forbidden)
    monkeypatch.setattr(FigureCanvasAgg, "print_png", forbidden)
    for value in (-1.0, 0.5, 2.0):
        explorer.controls["z1"].value = value
        explorer.controls["t"].value = (value + 3) / 6
    assert explorer.last_error is None and explorer.renders == 8


def test_a_drag_in_a_live_kernel_never_queues_redraws(explorer):
    explorer.widget(interval=0.5)  # a long interval, so a slow (busy) machine cannot make the test flaky
    values = [float(v) for v in np.linspace(-2.0, 2.0, 60)]

    async def drag() -> int:
        for value in values:  # 60 events in a few milliseconds, as a fast drag sends them
            explorer.controls["z1"].value = value
        during = explorer.renders
        await asyncio.sleep(0.8)  # the event loop runs the one waiting redraw
        return during

    during = asyncio.run(drag())
    assert during == 3, "only the first event of the burst is drawn at once; the others wait"
    assert explorer.renders == 4, "after the burst, exactly one more redraw, for the newest value"
    assert explorer.last_point[0] == pytest.approx(2.0)


def test_flush_draws_a_waiting_change_now(explorer):
    explorer.widget(interval=0.5)

    async def move() -> None:
        explorer.controls["z1"].value = 1.0
        explorer.controls["z2"].value = -1.0  # within the interval of the first: waits for the throttle
        assert explorer.last_point[1] == 0.0
        explorer.flush()
        assert explorer.last_point.tolist() == [1.0, -1.0]

    asyncio.run(move())


def test_moving_t_or_choosing_digits_redraws_the_path(explorer):
    explorer.widget(i=0, j=1, fraction=0.0)
    first = bytes(explorer.images["middle"].value)
    explorer.controls["t"].value = 1.0
    assert bytes(explorer.images["middle"].value) != first
    assert explorer.images["middle"].value == explorer.images["end"].value
    explorer.controls["j"].value = 5
    assert explorer.renders == 4 and "#5" in explorer.captions["end"].value


def test_a_bad_digit_number_in_a_box_is_explained_in_the_message_line(explorer):
    explorer.widget()
    explorer.controls["i"].value = 999
    assert f"from 0 to {N_DIGITS - 1}" in explorer.messages["path"].value
    explorer.controls["i"].value = 3  # a good value draws the path again and clears the message
    assert explorer.messages["path"].value == "" and picture(explorer, "middle").size


def test_a_failing_decoder_is_reported_in_the_message_line_not_hidden(explorer):
    explorer.widget()
    good = bytes(explorer.images["point"].value)
    working = explorer.decoder

    def broken(z):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (1x2 and 3x16)")

    explorer.decoder = broken
    explorer.controls["z1"].value = 1.0  # must not raise: the kernel keeps running
    message = explorer.messages["point"].value
    assert "RuntimeError" in message and "shapes cannot be multiplied" in message
    assert "RuntimeError" in explorer.last_error
    assert bytes(explorer.images["point"].value) != good, "no stale digit is left that looks current"
    assert (picture(explorer, "point") == 128).all() and explorer.captions["point"].value == ""
    explorer.decoder = working
    explorer.controls["z1"].value = 0.0
    assert explorer.messages["point"].value == "" and explorer.last_error is None
    assert bytes(explorer.images["point"].value) == good


def test_a_failing_decoder_fails_the_first_picture_so_the_cell_fails():
    def broken(z):
        raise RuntimeError("no decoder here")

    with pytest.raises(RuntimeError, match="no decoder here"):
        LatentExplorer(broken, torch.zeros(3, 2)).widget()


def test_clamping_notes_appear_in_the_message_line():
    lang.set_language("hi")
    try:
        torch.manual_seed(0)
        explorer = LatentExplorer(tiny_decoder(), torch.randn(5, 2), limit=1.0)
        explorer.widget(path=False)
        explorer.controls["z1"].min = -5.0  # a wider slider than the explorer's range
        explorer.controls["z1"].value = -4.0
        assert "सीमा" in explorer.messages["point"].value and explorer.last_point[0] == -1.0
    finally:
        lang.set_language("en")


def test_bad_starting_values_of_the_widget_are_checked(explorer):
    explorer.widget(z1=7.0, z2=-1.0)  # clamped to the slider range
    assert explorer.controls["z1"].value == 3.0 and explorer.controls["j"].value == 1
    with pytest.raises(TypeError, match="must be a number"):
        explorer.widget(z1="left")
    with pytest.raises(ValueError, match="not a test digit"):
        explorer.widget(i=-3)
    with pytest.raises(ValueError, match="not a test digit"):
        explorer.widget(j=N_DIGITS)


def test_a_conditional_decoder_gets_a_digit_selector(conditional):
    conditional.widget(digit=7)
    assert set(conditional.controls) == {"z1", "z2", "digit"}, "no path part unless asked for"
    assert conditional.controls["digit"].value == 7 and conditional.digit == 7
    seven = bytes(conditional.images["point"].value)
    conditional.controls["digit"].value = 3
    assert conditional.digit == 3 and bytes(conditional.images["point"].value) != seven
    assert "3" in conditional.captions["point"].value
    assert torch.allclose(conditional.last_image, conditional.decode_points(conditional.last_point, 3)[0], atol=1e-6)


def test_the_strip_shows_one_code_as_every_digit(conditional):
    conditional.widget(z1=1.0, z2=-0.5)
    strip = picture(conditional, "strip")
    assert strip.shape[:2] == (56, 10 * 56)
    every = conditional.every_class(1.0, -0.5)
    assert every.shape == (10, 28, 28)
    for k in (0, 4, 9):
        expected = (every[k].numpy() * 255 + 0.5).astype(np.uint8)
        assert np.array_equal(strip[::2, 56 * k:56 * (k + 1):2], expected)
        assert torch.allclose(every[k], conditional.decode(1.0, -0.5, digit=k), atol=1e-6)
    assert not torch.equal(every[0], every[1]), "the class changes the picture"


def test_a_conditional_decoder_is_called_with_classes_in_eval_mode(conditional):
    model = conditional.decoder.__self__
    model.train()
    conditional.decode(0.0, 0.0, digit=np.int64(5))
    assert model.calls[-1] == (torch.long, (1,), False), "digits as a LongTensor, dropout off while drawing"
    assert model.training, "the model's own mode is given back"
    for bad in (10, -1, 2.0, "3", True):
        with pytest.raises(ValueError, match="from 0 to 9"):
            conditional.decode(0.0, 0.0, digit=bad)
    with pytest.raises(ValueError, match="conditional"):
        LatentExplorer(tiny_decoder(), torch.zeros(3, 2)).every_class(0.0, 0.0)
