"""Save and load trained weights safely (weights_only loading, clear errors for bad files)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .lang import msg

FORMAT = "course-checkpoint-v1"


def checkpoint_path(name: str) -> Path:
    """Where a lesson keeps a trained model: build/checkpoints/ in the project (or the current folder)."""
    project = Path(__file__).resolve().parent.parent
    base = project if (project / "pyproject.toml").exists() else Path.cwd()
    return base / "build" / "checkpoints" / name


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, corrupt or does not match the model."""


def save_checkpoint(model: nn.Module, path: str | Path, **info: Any) -> Path:
    """Write the model's weights (and small `info` values) to `path`, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    torch.save({"format": FORMAT, "state_dict": model.state_dict(), "info": info}, partial)
    os.replace(partial, path)
    return path


def load_checkpoint(model: nn.Module, path: str | Path, device: torch.device | str = "cpu") -> dict[str, Any]:
    """Load weights saved by `save_checkpoint` into `model`; returns the saved `info`."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(msg(f"No checkpoint at {path}: train the model first (run the cells above).",
                                f"{path} पर कोई checkpoint नहीं: पहले model को train करें (ऊपर के cells चलाएँ)।"))
    try:
        saved = torch.load(path, map_location=device, weights_only=True)
    except Exception as err:  # torch raises several types for damaged files
        raise CheckpointError(msg(
            f"{path} is not a readable checkpoint ({type(err).__name__}); it may be corrupt or cut short. "
            f"Delete it and train again.",
            f"{path} पढ़ा नहीं जा सका ({type(err).__name__}); file खराब या अधूरी हो सकती है। उसे हटाकर फिर से "
            f"train करें।",
        )) from err
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise CheckpointError(msg(f"{path} was not written by save_checkpoint.",
                                f"{path} save_checkpoint से नहीं बनी है।"))
    try:
        model.load_state_dict(saved["state_dict"])
    except RuntimeError as err:
        raise CheckpointError(msg(
            f"{path} holds weights for a different model: {err}",
            f"{path} में किसी दूसरे model के weights हैं: {err}",
        )) from err
    return saved["info"]
