"""Pick the fastest device (CUDA, Apple MPS, else CPU) and make runs reproducible."""
from __future__ import annotations

import os
import random

import numpy as np
import torch

from .lang import msg

DEVICE_ENV = "COURSE_DEVICE"


def pick_device() -> torch.device:
    """CUDA, then Apple MPS, then CPU; COURSE_DEVICE=cpu (or cuda, mps) forces a choice."""
    forced = os.environ.get(DEVICE_ENV, "").strip()
    if forced:
        return torch.device(forced)
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None and accelerator.is_available():
        return torch.device(accelerator.current_accelerator().type)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


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
