import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
import torch

import helpers
from helpers import plot

ROOT = Path(__file__).resolve().parents[1]


def shown_pixels(fig=None) -> np.ndarray:
    """The pixels of the first 28×28 image the current figure draws (after helpers' conversion)."""
    return np.asarray((fig or plt.gcf()).axes[0].images[0].get_array())[:28, :28]


def test_image_batches_of_all_common_shapes():
    for shape in [(4, 784), (4, 28, 28), (4, 1, 28, 28)]:
        assert plot.as_image_batch(torch.rand(shape)).shape == (4, 28, 28)


@pytest.mark.parametrize("shape", [(784,), (4, 3, 28, 28), (4, 100)])
def test_wrong_image_shapes_get_a_clear_error(shape):
    with pytest.raises(ValueError, match=r"expected shape \(N, 784\)"):
        helpers.show_images(torch.rand(shape))


def test_show_images_grid_and_title_count():
    images = torch.rand(12, 1, 28, 28)
    helpers.show_images(images, ncols=5, titles=[str(i) for i in range(12)])
    ax = plt.gcf().axes[0]
    picture = np.asarray(ax.images[0].get_array())
    space = round(0.4 * 28)  # the room for a title above each row
    assert picture.shape == (3 * (space + 28) + 2 * plot.GAP, 5 * 28 + 4 * plot.GAP)  # 3 rows of 5
    last = images[11, 0].numpy()  # row 3, column 2
    top, left = 2 * (space + 28 + plot.GAP) + space, 28 + plot.GAP
    assert np.allclose(picture[top:top + 28, left:left + 28], last)
    assert [text.get_text() for text in ax.texts] == [str(i) for i in range(12)]
    with pytest.raises(ValueError, match="3 titles for 12 images"):
        helpers.show_images(torch.rand(12, 784), titles=["a", "b", "c"])


def test_show_rows_labels_each_row_and_checks_lengths():
    helpers.show_rows({"original": torch.rand(5, 784), "reconstruction": torch.rand(5, 1, 28, 28)})
    fig = plt.gcf()
    assert [ax.get_ylabel() for ax in fig.axes] == ["original", "reconstruction"]
    assert all(ax.images[0].get_array().shape == (28, 5 * 28 + 4 * plot.GAP) for ax in fig.axes)  # 5 per row
    with pytest.raises(ValueError, match="same number of images"):
        helpers.show_rows({"a": torch.rand(5, 784), "b": torch.rand(4, 784)})


def test_scatter_histograms_and_lines():
    helpers.scatter_2d(np.random.rand(50, 2), np.arange(50) % 10, title="codes")
    assert plt.gcf().axes[0].get_title() == "codes"
    with pytest.raises(ValueError, match=r"points \(N, 2\)"):
        helpers.scatter_2d(np.random.rand(50, 3), np.arange(50) % 10)
    helpers.plot_histograms({"a": np.random.rand(100), "b": np.random.rand(100) + 1}, threshold=0.9)
    assert len(plt.gcf().axes[0].get_lines()) == 1  # the threshold line
    helpers.plot_xy([2, 8, 32], {"error": [0.2, 0.1, 0.05]}, logx=True)
    with pytest.raises(ValueError, match="2 values for 3 x points"):
        helpers.plot_xy([2, 8, 32], {"error": [0.2, 0.1]})


@pytest.mark.skipif(plot.devanagari_font_file() is None,
                    reason="no Devanagari font installed (Colab's own packages, before the Hindi setup cell adds it)")
def test_hindi_fonts_are_registered_with_a_new_matplotlib(monkeypatch, capsys):
    monkeypatch.setattr(plot, "matplotlib_version", lambda: (3, 11))  # also under Colab's 3.10 (make test-colab)
    helpers.set_language("hi")
    assert plot.setup_fonts("hi") is True
    assert plt.rcParams["font.family"][0] == "DejaVu Sans"
    assert "Devanagari" in plt.rcParams["font.family"][1]
    assert helpers.fig_text("हानि", en="loss") == "हानि"


def test_old_matplotlib_falls_back_to_english_labels(monkeypatch, capsys):
    monkeypatch.setattr(plot, "matplotlib_version", lambda: (3, 10))
    helpers.set_language("hi")
    assert plot.setup_fonts("hi") is False
    assert "English labels" in capsys.readouterr().out
    assert helpers.fig_text("हानि", en="loss") == "loss"
    assert helpers.msg("loss", "हानि") == "हानि"  # printed text stays Hindi


def test_missing_font_falls_back_to_english(monkeypatch, capsys):
    monkeypatch.setattr(plot, "matplotlib_version", lambda: (3, 11))
    monkeypatch.setattr(plot, "devanagari_font_file", lambda: None)
    assert plot.setup_fonts("hi") is False
    assert "fontpkg-noto-sans-devanagari" in capsys.readouterr().out


def test_matplotlib_version_parses_release_strings(monkeypatch):
    monkeypatch.setattr(plot.matplotlib, "__version__", "3.11.0rc1")
    assert plot.matplotlib_version() == (3, 11)


def test_tanh_output_in_minus_one_to_one_is_converted_and_said(recwarn):
    images = torch.linspace(-1, 1, 784).reshape(1, 1, 28, 28).repeat(3, 1, 1, 1)  # half the pixels negative
    with pytest.warns(UserWarning, match=r"pixel values lie in \[-1, 1\], not \[0, 1\]; shown as \(x \+ 1\) / 2"):
        helpers.show_images(images)
    pixels = shown_pixels()
    assert pixels.min() == 0 and pixels.max() == 1
    assert np.allclose(pixels, (images[0, 0].numpy() + 1) / 2)  # nothing clipped: left half grey, not black


def test_image_range_note_in_hindi():
    helpers.set_language("hi")
    with pytest.warns(UserWarning, match=r"pixel मान \[-1, 1\] में हैं, \[0, 1\] में नहीं; \(x \+ 1\) / 2 करके"):
        helpers.show_rows({"G(z)": torch.linspace(-1, 1, 784).reshape(1, 784)})


def test_uint8_pixels_are_divided_by_255_without_a_warning():
    images = torch.arange(784).remainder(256).to(torch.uint8).reshape(1, 28, 28)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        helpers.show_images(images)
    assert np.allclose(shown_pixels(), images[0].numpy() / 255)


def test_float_pixels_in_0_to_255_and_other_ranges_are_scaled_with_a_warning():
    with pytest.warns(UserWarning, match="divided by 255"):
        helpers.show_images(np.full((2, 28, 28), 200.0))
    assert np.allclose(shown_pixels(), 200 / 255)
    with pytest.warns(UserWarning, match=r"scaled from \[-3, 5\] to \[0, 1\]"):
        helpers.show_images(np.linspace(-3, 5, 784).reshape(1, 28, 28))
    assert shown_pixels().min() == 0 and shown_pixels().max() == 1


def test_a_small_overshoot_is_clipped_with_a_warning_and_value_range_decides_without_one():
    images = torch.linspace(-0.3, 1.2, 784).reshape(1, 784)  # e.g. a PCA reconstruction
    with pytest.warns(UserWarning, match="values below 0 as 0 and above 1 as 1. Pass value_range"):
        helpers.show_images(images)
    assert np.allclose(shown_pixels(), images.reshape(28, 28).clip(0, 1).numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        helpers.show_rows({"G(z)": torch.zeros(2, 784)}, value_range=(-1, 1))
    assert np.allclose(shown_pixels(), 0.5)  # 0 is mid-grey when black is -1
    with pytest.raises(ValueError, match=r"value_range must be \(low, high\) with low < high"):
        helpers.show_images(images, value_range=(1, 1))


def test_images_in_0_1_are_shown_as_they_are():
    images = torch.rand(2, 1, 28, 28)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        helpers.show_images(images)
    assert np.allclose(shown_pixels(), images[0, 0].numpy())


@pytest.mark.parametrize("lang, text", [("en", "images: there are no images to show (shape (0, 28, 28))."),
                                        ("hi", "images: दिखाने के लिए कोई तस्वीर नहीं है (shape (0, 28, 28))।")])
def test_no_images_is_a_clear_error(lang, text):
    helpers.set_language(lang)
    with pytest.raises(ValueError) as err:
        helpers.show_images(torch.zeros(0, 1, 28, 28))
    assert str(err.value) == text
    with pytest.raises(ValueError, match="there are no rows to show" if lang == "en" else "कोई पंक्ति नहीं है"):
        helpers.show_rows({})
    assert plt.get_fignums() == []  # no empty figure left open


@pytest.mark.parametrize("lang, text", [
    ("en", "scatter_2d: the labels go up to 9, but classes has only 3 names: give one name for each label 0 … 9."),
    ("hi", "scatter_2d: labels 9 तक जाते हैं, पर classes में सिर्फ़ 3 नाम हैं: हर label 0 … 9 के लिए एक नाम दें।"),
])
def test_scatter_with_too_few_class_names(lang, text):
    helpers.set_language(lang)
    with pytest.raises(ValueError) as err:
        helpers.scatter_2d(np.random.rand(50, 2), np.arange(50) % 10, classes=["zero", "one", "two"])
    assert str(err.value) == text


def test_scatter_refuses_labels_that_are_not_class_numbers():
    with pytest.raises(ValueError, match=r"1 labels lie outside 0 … 2 \(e\.g\. -1\)"):
        helpers.scatter_2d(np.random.rand(3, 2), np.array([0, 1, -1]), classes=["a", "b", "c"])
    with pytest.raises(ValueError, match="whole class numbers"):
        helpers.scatter_2d(np.random.rand(3, 2), np.array([0.5, 1, 2]), classes=["a", "b", "c"])
    helpers.scatter_2d(np.random.rand(3, 2), np.array([0.0, 1.0, 2.0]), classes=["a", "b", "c"])
    assert [t.get_text() for t in plt.gca().get_legend().get_texts()] == ["a", "b", "c"]


def test_show_displays_a_png_in_a_kernel(monkeypatch):
    from IPython import display as ipython_display

    shown = []
    monkeypatch.setattr(plot, "in_notebook", lambda: True)
    monkeypatch.setattr(ipython_display, "display", lambda obj, **kw: shown.append(obj))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    helpers.show(fig)
    assert len(shown) == 1 and shown[0].data.startswith(b"\x89PNG")
    assert not plt.fignum_exists(fig.number)  # closed, so the inline backend does not draw it a second time


def test_executed_notebook_gets_pictures_even_with_the_agg_backend(tmp_path):
    """MPLBACKEND=Agg (as `make test` sets it) must not turn figures into '<Figure ...>' text."""
    from nbclient import NotebookClient

    code = ("import matplotlib.pyplot as plt\nimport helpers\n"
            "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(code + "display(fig)"),  # the plain way: what the issue saw
        nbformat.v4.new_code_cell(code + "helpers.show(fig)"),
    ])
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)
    plain, helped = ([o for o in cell.outputs if o.output_type in ("display_data", "execute_result")]
                     for cell in nb.cells)
    assert all("image/png" not in o.data for o in plain) and "<Figure" in plain[0].data["text/plain"]
    assert len(helped) == 1 and "image/png" in helped[0].data
