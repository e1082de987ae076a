import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import helpers
from helpers import plot


def test_image_batches_of_all_common_shapes():
    for shape in [(4, 784), (4, 28, 28), (4, 1, 28, 28)]:
        assert plot.as_image_batch(torch.rand(shape)).shape == (4, 28, 28)


@pytest.mark.parametrize("shape", [(784,), (4, 3, 28, 28), (4, 100)])
def test_wrong_image_shapes_get_a_clear_error(shape):
    with pytest.raises(ValueError, match=r"expected shape \(N, 784\)"):
        helpers.show_images(torch.rand(shape))


def test_show_images_grid_and_title_count():
    helpers.show_images(torch.rand(12, 1, 28, 28), ncols=5, titles=[str(i) for i in range(12)])
    fig = plt.gcf()
    assert len(fig.axes) == 15  # 3 rows of 5
    with pytest.raises(ValueError, match="3 titles for 12 images"):
        helpers.show_images(torch.rand(12, 784), titles=["a", "b", "c"])


def test_show_rows_labels_each_row_and_checks_lengths():
    helpers.show_rows({"original": torch.rand(5, 784), "reconstruction": torch.rand(5, 1, 28, 28)})
    fig = plt.gcf()
    assert [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()] == ["original", "reconstruction"]
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


def test_hindi_fonts_are_registered_with_a_new_matplotlib(capsys):
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
    monkeypatch.setattr(plot, "devanagari_font_file", lambda: None)
    assert plot.setup_fonts("hi") is False
    assert "fontpkg-noto-sans-devanagari" in capsys.readouterr().out


def test_matplotlib_version_parses_release_strings(monkeypatch):
    monkeypatch.setattr(plot.matplotlib, "__version__", "3.11.0rc1")
    assert plot.matplotlib_version() == (3, 11)
