"""Save and load trained weights safely (weights_only loading, clear errors for bad files)."""
from __future__ import annotations

import dataclasses
import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .files import atomic_file
from .lang import msg

FORMAT = "course-checkpoint-v1"


def checkpoint_path(name: str) -> Path:
    """Where a lesson keeps a trained model: build/checkpoints/ in the project (or the current folder)."""
    project = Path(__file__).resolve().parent.parent
    base = project if (project / "pyproject.toml").exists() else Path.cwd()
    return base / "build" / "checkpoints" / name


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, corrupt or does not match the model."""


def plain(value: Any, where: str = "info") -> Any:
    """`value` in types that safe loading accepts: NumPy numbers become Python numbers, a History or other
    dataclass a dict, arrays tensors; anything else (a model, a function, …) is refused with a clear error."""
    if isinstance(value, np.generic):  # first: np.float64 is also a float
        return value.item()
    if value is None or type(value) in (bool, int, float, str):
        return value
    for kind in (bool, int, float, str):  # an IntEnum, a str subclass …: stored as the plain value
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return torch.from_numpy(np.ascontiguousarray(value))
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), f"{where}.{f.name}") for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        items = [plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict) and all(isinstance(k, (str, int)) for k in value):
        return {k: plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise CheckpointError(msg(
        f"save_checkpoint cannot store {where} (a {type(value).__name__}): use numbers, strings, lists, dicts, "
        f"tensors or a dataclass of them. Nothing was written.",
        f"save_checkpoint {where} ({type(value).__name__}) को नहीं रख सकता: numbers, strings, lists, dicts, "
        f"tensors या उनकी dataclass दें। कुछ भी नहीं लिखा गया।",
    ))


def save_checkpoint(model: nn.Module, path: str | Path, **info: Any) -> Path:
    """Write the model's weights (and small `info` values) to `path`, atomically: a failed save leaves nothing."""
    path = Path(path)
    payload = {"format": FORMAT, "state_dict": model.state_dict(),
               "info": {name: plain(value, name) for name, value in info.items()}}
    _check_loadable(payload["info"])
    if path.is_dir():
        raise CheckpointError(msg(f"{path} is a folder: give a file name, e.g. {path / 'model.pt'}.",
                                  f"{path} एक folder है: file का नाम दें, जैसे {path / 'model.pt'}।"))
    with atomic_file(path) as f:
        torch.save(payload, f)
    return path


def _check_loadable(info: dict[str, Any]) -> None:
    """Refuse, before anything is written, `info` that safe loading could not read back."""
    buffer = io.BytesIO()
    torch.save(info, buffer)
    buffer.seek(0)
    try:
        torch.load(buffer, weights_only=True)
    except pickle.UnpicklingError as err:
        raise CheckpointError(msg(f"save_checkpoint cannot store this info safely ({str(err)[-160:]}). "
                                  f"Nothing was written.",
                                  f"save_checkpoint यह info सुरक्षित रूप से नहीं रख सकता ({str(err)[-160:]})। "
                                  f"कुछ भी नहीं लिखा गया।")) from err


def _map_location(device: torch.device | str) -> torch.device:
    """`device` as a torch.device that exists on this machine, or a clear CheckpointError."""
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise CheckpointError(msg(f"device={device!r} is not a device: use 'cpu', 'cuda' or 'mps'.",
                                  f"device={device!r} कोई device नहीं है: 'cpu', 'cuda' या 'mps' लिखें।")) from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise CheckpointError(msg(
            "device='cuda', but this machine has no CUDA GPU: load with device='cpu' (or lesson.device).",
            "device='cuda', पर इस machine पर CUDA GPU नहीं है: device='cpu' (या lesson.device) से load करें।"))
    if device.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise CheckpointError(msg(
            "device='mps', but this machine has no Apple GPU: load with device='cpu' (or lesson.device).",
            "device='mps', पर इस machine पर Apple GPU नहीं है: device='cpu' (या lesson.device) से load करें।"))
    return device


def load_checkpoint(model: nn.Module, path: str | Path, device: torch.device | str = "cpu") -> dict[str, Any]:
    """Load weights saved by `save_checkpoint` into `model`; returns the saved `info`."""
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(msg(f"{path} is a folder, not a checkpoint file: give the file inside it.",
                                  f"{path} एक folder है, checkpoint file नहीं: उसके अंदर की file दें।"))
    if not path.exists():
        raise CheckpointError(msg(f"No checkpoint at {path}: train the model first (run the cells above).",
                                  f"{path} पर कोई checkpoint नहीं: पहले model को train करें (ऊपर के cells चलाएँ)।"))
    device = _map_location(device)
    try:
        saved = torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as err:
        if "Weights only load failed" not in str(err) or "Unsupported" not in str(err):
            raise _damaged(path, err) from err
        raise CheckpointError(msg(
            f"{path} holds values that safe loading (weights_only=True) refuses, e.g. a NumPy number or a "
            f"History saved by an older save_checkpoint. The file is not damaged: save the model again with "
            f"save_checkpoint, which now stores plain numbers.",
            f"{path} में ऐसे मान हैं जिन्हें सुरक्षित loading (weights_only=True) नहीं मानती, जैसे पुराने "
            f"save_checkpoint से रखा गया NumPy number या History। File खराब नहीं है: model को save_checkpoint से फिर "
            f"save करें, जो अब सादे numbers रखता है।",
        )) from err
    except Exception as err:
        raise _damaged(path, err) from err
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


def _damaged(path: Path, err: BaseException) -> CheckpointError:
    return CheckpointError(msg(
        f"{path} is not a readable checkpoint ({type(err).__name__}); it may be corrupt or cut short. "
        f"Delete it and train again.",
        f"{path} पढ़ी नहीं जा सकी ({type(err).__name__}); file खराब या अधूरी हो सकती है। उसे हटाकर फिर से "
        f"train करें।",
    ))
