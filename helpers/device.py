"""Pick the fastest device (CUDA, Apple MPS, else CPU) and make runs reproducible."""
from __future__ import annotations

import os
import random

import numpy as np
import torch

from .lang import msg

DEVICE_ENV = "COURSE_DEVICE"


def pick_device() -> torch.device:
    """CUDA, then Apple MPS, then CPU; COURSE_DEVICE=cpu (or cuda, cuda:1, mps) forces a choice."""
    forced = os.environ.get(DEVICE_ENV, "").strip().lower()
    if forced:
        return _forced_device(forced)
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None and accelerator.is_available():
        return torch.device(accelerator.current_accelerator().type)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()


def _forced_device(forced: str) -> torch.device:
    """The device COURSE_DEVICE names, if this machine has it; otherwise a clear error."""
    try:
        device = torch.device(forced)
    except RuntimeError:
        device = None
    if device is None or device.type not in ("cpu", "cuda", "mps"):
        raise ValueError(msg(f"{DEVICE_ENV}={forced!r} is not understood: use cpu, cuda (or cuda:0, cuda:1, …) or mps.",
                             f"{DEVICE_ENV}={forced!r} समझ नहीं आया: cpu, cuda (या cuda:0, cuda:1, …) या mps लिखें।"))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(msg(f"{DEVICE_ENV}={forced}, but PyTorch finds no CUDA GPU here (torch.cuda.is_available() is "
                             f"False). Unset {DEVICE_ENV} or set it to cpu.",
                             f"{DEVICE_ENV}={forced}, पर PyTorch को यहाँ कोई CUDA GPU नहीं मिला (torch.cuda.is_available() "
                             f"False है)। {DEVICE_ENV} हटाएँ या उसे cpu करें।"))
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        count = torch.cuda.device_count()
        raise ValueError(msg(f"{DEVICE_ENV}={forced}, but this machine has {count} CUDA GPU(s): use cuda:0 … "
                             f"cuda:{count - 1}.",
                             f"{DEVICE_ENV}={forced}, पर इस machine पर {count} CUDA GPU हैं: cuda:0 … cuda:{count - 1} "
                             f"लिखें।"))
    if device.type == "mps" and not _mps_available():
        raise ValueError(msg(f"{DEVICE_ENV}=mps, but PyTorch finds no Apple GPU (MPS) here. Unset {DEVICE_ENV} or "
                             f"set it to cpu.",
                             f"{DEVICE_ENV}=mps, पर PyTorch को यहाँ Apple GPU (MPS) नहीं मिला। {DEVICE_ENV} हटाएँ या "
                             f"उसे cpu करें।"))
    return device


def describe_device(device: torch.device) -> str:
    """A one-line description of `device` in the notebook's language."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        return msg(f"GPU (CUDA): {name}", f"GPU (CUDA): {name}")
    if device.type == "mps":
        return msg("Apple GPU (MPS)", "Apple GPU (MPS)")
    threads = torch.get_num_threads()
    return msg(
        f"CPU ({threads} threads) — no GPU found, so training is slower but works",
        f"CPU ({threads} threads) — GPU नहीं मिला, इसलिए training धीमी होगी पर चलेगी",
    )


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch so that a run can be repeated."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
