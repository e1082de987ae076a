"""helpers.web_export: the decoder written for the website runs to the same pixels, and wrong input is refused."""
import base64
import json

import numpy as np
import pytest
import torch
from torch import nn

from helpers.lang import set_language
from helpers.web_export import TEST_POINTS, export_latent_explorer, web_root


def floats(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def numpy_decoder(layers: list[dict]):
    """The exported layers run with NumPy, as the page's JavaScript runs them."""
    def decode(z: np.ndarray) -> np.ndarray:
        x = z.astype(np.float64)
        for layer in layers:
            if layer["type"] == "linear":
                w = floats(layer["weight"]).reshape(layer["out"], layer["in"])
                x = x @ w.T + floats(layer["bias"])
            elif layer["type"] == "relu":
                x = np.maximum(x, 0)
            else:
                x = 1 / (1 + np.exp(-x))
        return x
    return decode


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def vae_decoder() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid())


def test_export_round_trip(tmp_path):
    decoder = vae_decoder()
    means = torch.randn(3000, 2) * 1.5
    labels = torch.randint(0, 10, (3000,))
    path = export_latent_explorer(decoder, means, labels, limit=3.0, path=tmp_path / "x.json", max_points=2000)
    data = json.loads(path.read_text())
    assert data["limit"] == 3.0 and data["image_shape"] == [28, 28]
    assert [layer["type"] for layer in data["layers"]] == ["linear", "relu", "linear", "sigmoid"]
    shown = floats(data["means"]).reshape(-1, 2)
    assert shown.shape == (2000, 2) and np.allclose(shown, means[:2000].numpy())
    assert data["labels"] == labels[:2000].tolist()
    z = np.array(data["tests"]["z"], dtype=np.float32)
    assert len(z) == len(TEST_POINTS) == 16
    assert {(-3.0, -3.0), (3.0, 3.0), (-3.0, 3.0), (3.0, -3.0), (0.0, 0.0)} <= {tuple(p) for p in z.tolist()}
    expected = floats(data["tests"]["pixels"]).reshape(16, 784)
    with torch.no_grad():
        assert np.array_equal(expected, decoder(torch.from_numpy(z)).numpy())
    assert np.abs(numpy_decoder(data["layers"])(z) - expected).max() < 1e-5


def test_export_keeps_the_decoder_mode_and_accepts_numpy(tmp_path):
    decoder = vae_decoder().train()
    export_latent_explorer(decoder, np.zeros((5, 2)), np.arange(5), limit=2, path=tmp_path / "x.json")
    assert decoder.training


def test_default_path_is_the_projects_build_web():
    assert web_root().parts[-2:] == ("build", "web")
    assert (web_root().parent.parent / "pyproject.toml").exists()


@pytest.mark.parametrize("decoder, words", [
    (nn.Linear(2, 784), "got Linear"),
    (nn.Sequential(nn.Linear(2, 400), nn.Tanh(), nn.Linear(400, 784), nn.Sigmoid()), "Tanh"),
    (nn.Sequential(nn.Linear(3, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid()), "3→400"),
    (nn.Sequential(nn.Linear(2, 400), nn.ReLU(), nn.Linear(400, 100), nn.Sigmoid()), "400→100"),
    (nn.Sequential(nn.Linear(2, 400), nn.ReLU(), nn.Linear(300, 784)), "300→784"),
])
def test_wrong_decoders_are_refused_with_what_was_expected(tmp_path, decoder, words):
    with pytest.raises(ValueError) as error:
        export_latent_explorer(decoder, torch.zeros(4, 2), [0, 1, 2, 3], 3.0, path=tmp_path / "x.json")
    assert words in str(error.value) and "nn.Sequential(nn.Linear(2, 400)" in str(error.value)
    assert not (tmp_path / "x.json").exists()


def test_messages_follow_the_notebook_language(tmp_path):
    set_language("hi")
    with pytest.raises(ValueError, match="Website सिर्फ़"):
        export_latent_explorer(nn.Sequential(nn.Conv2d(1, 1, 3)), torch.zeros(4, 2), [0] * 4, 3.0,
                               path=tmp_path / "x.json")


@pytest.mark.parametrize("means, labels, limit, words", [
    (torch.zeros(4, 3), [0] * 4, 3.0, "(N, 2)"),
    (torch.zeros(4, 2), [0] * 3, 3.0, "3 labels for 4 means"),
    (torch.zeros(4, 2), [0] * 4, 0.0, "positive"),
    (torch.full((4, 2), float("nan")), [0] * 4, 3.0, "NaN"),
])
def test_wrong_data_is_refused(tmp_path, means, labels, limit, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        export_latent_explorer(vae_decoder(), means, labels, limit, path=tmp_path / "x.json")
