"""Load or train: each model is trained once; later runs (and the other language's notebook) load it.
Slow measurements of trained models go the same way (`load_or_compute`).

A trained model is kept under a key made of everything its training depends on: the lesson, the run's
name, the code of the training function, model class and loss (without comments and texts, so English
and Hindi share it), hyperparameters, the data, the initial weights (so the seed), the random-number
state, quick/full mode and the torch version. Any change gives a new key, so a changed model is
trained again instead of being loaded by mistake. Files go to build/cache/<lesson>/ (or
$COURSE_CACHE_DIR); they are read with `torch.load(..., weights_only=True)`; a damaged or foreign file
means training again, with a message, never a crash. Only the newest few files per name are kept;
`make clean-cache` deletes them all.
"""
from __future__ import annotations

import copy
import dataclasses
import importlib
import os
import random
import re
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np
import torch
from torch import nn

from .fingerprint import Fingerprint
from .lang import env_flag, msg

CACHE_ENV = "COURSE_CACHE_DIR"
RETRAIN_ENV = "COURSE_RETRAIN"
FORMAT = "course-cache-v1"
HELPERS_TRAINING_VERSION = 1  # raise when helpers change what a training run computes
KEEP_PER_NAME = 3

T = TypeVar("T")
_settings: dict[str, Any] = {"lesson": "", "retrain": False, "folder": None}


class CacheError(RuntimeError):
    """A cached run cannot be used (damaged, foreign or for another model); it is trained again."""


def configure(lesson: str = "", retrain: bool = False, folder: str | Path | None = None) -> None:
    """Set the lesson whose runs are cached, whether to retrain everything, and where the cache lives."""
    _settings.update(lesson=lesson, retrain=bool(retrain), folder=Path(folder) if folder else None)


def retraining() -> bool:
    """True when every run trains again: RETRAIN = True in the notebook, or COURSE_RETRAIN=1."""
    return _settings["retrain"] or env_flag(RETRAIN_ENV)


def cache_root() -> Path:
    """The cache folder: the one given to `configure`, $COURSE_CACHE_DIR, build/cache in the project, or ./build/cache."""
    if _settings["folder"] is not None:
        return _settings["folder"]
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    project = Path(__file__).resolve().parent.parent
    base = project if (project / "pyproject.toml").exists() else Path.cwd()
    return base / "build" / "cache"


def cache_folder() -> Path:
    """Where the current lesson's runs are kept."""
    return cache_root() / (_settings["lesson"] or "misc")


def load_or_train(name: str, train: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`train(*args, **kwargs)` the first time; afterwards load what it produced from the cache.

    The models (nn.Module) and optimizers among the arguments get the weights and state that training
    left them with; the return value (a History or another dataclass, dict, list, numbers, tensors) is
    returned as training returned it, and the random-number state is left as training left it, so the
    cells below behave the same whether the run was trained or loaded.
    """
    return _load_or_train(name, train, args, kwargs)[0]


def load_or_compute(name: str, compute: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`compute(*args, **kwargs)` the first time; afterwards load its result from the cache.

    For slow measurements of models that are already trained (a table over many noise levels, a t-SNE
    map): the key is made the same way as for training, so the models' weights, the data and the code
    of `compute` are part of it, and a change to any of them computes again. Models among the
    arguments are only read: their weights are not kept in the cache.
    """
    return _load_or_train(name, compute, args, kwargs, computes=True)[0]


def _load_or_train(name: str, train: Callable[..., T], args: tuple, kwargs: dict,
                   computes: bool = False) -> tuple[T, bool]:
    """(result, loaded?) — see `load_or_train` and, with `computes`, `load_or_compute`."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ValueError(msg(f"The cache name must use only letters, digits, '_', '-' and '.', got {name!r}.",
                             f"Cache का नाम सिर्फ़ अक्षरों, अंकों, '_', '-' और '.' से बने, मिला {name!r}।"))
    fingerprint = Fingerprint()
    fingerprint.add("format", (FORMAT, HELPERS_TRAINING_VERSION, torch.__version__, _settings["lesson"], name))
    fingerprint.add("train", train)
    fingerprint.add("args", args)
    fingerprint.add("kwargs", kwargs)
    fingerprint.add("rng", _rng_state(with_devices=False))
    key = fingerprint.digest()
    folder = cache_folder()
    path = folder / f"{name}-{key[:16]}.pt"
    modules = [] if computes else _find(args, kwargs, nn.Module)
    optimizers = [] if computes else _find(args, kwargs, torch.optim.Optimizer)
    if path.exists() and not retraining():
        try:
            result, seconds = _load(path, key, modules, optimizers, fingerprint.batch_iterators, train)
        except CacheError as err:
            print(msg(f"The cached '{name}' could not be used ({err}); training it again.",
                      f"Cache में रखा '{name}' इस्तेमाल नहीं हो सका ({err}); इसे फिर से train कर रहे हैं।"))
        else:
            os.utime(path)  # the newest files are the ones kept
            if computes:
                print(msg(f"Loaded '{name}' from the cache ({_shown(path)}; computing it took {seconds:.0f} s). "
                          f"To compute it again, set RETRAIN = True in the first cell or COURSE_RETRAIN=1.",
                          f"'{name}' cache से load किया ({_shown(path)}; इसे निकालने में {seconds:.0f} s लगे थे)। "
                          f"फिर से निकालने के लिए पहले cell में RETRAIN = True रखें, या COURSE_RETRAIN=1।"))
            else:
                print(msg(f"Loaded the trained '{name}' from the cache ({_shown(path)}; training took {seconds:.0f} s). "
                          f"To train it again, set RETRAIN = True in the first cell or COURSE_RETRAIN=1.",
                          f"Train किया हुआ '{name}' cache से load किया ({_shown(path)}; training में {seconds:.0f} s "
                          f"लगे थे)। फिर से train करने के लिए पहले cell में RETRAIN = True रखें, या COURSE_RETRAIN=1।"))
            return result, True
    start = time.perf_counter()
    result = train(*args, **kwargs)
    seconds = time.perf_counter() - start
    if getattr(result, "interrupted", False):
        print(msg(f"'{name}' was stopped before the end, so it is not kept in the cache.",
                  f"'{name}' की training बीच में रुकी, इसलिए इसे cache में नहीं रखा गया।"))
        return result, False
    try:
        _save(path, key, name, modules, optimizers, fingerprint.batch_iterators, result, seconds)
    except (CacheError, OSError) as err:
        again = msg("compute it again", "इसे फिर से निकाला जाएगा") if computes else \
            msg("train it again", "यह फिर से train होगा")
        print(msg(f"'{name}' could not be kept in the cache ({err}); the next run will {again}.",
                  f"'{name}' को cache में नहीं रखा जा सका ({err}); अगली बार {again}।"))
    else:
        _forget_old(folder, name, keep=KEEP_PER_NAME)
    return result, False


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _find(args: tuple, kwargs: dict, kind: type) -> list:
    """Objects of `kind` among the arguments, also inside lists, tuples and dicts (one level)."""
    found: list = []
    for value in [*args, *kwargs.values()]:
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        found += [item for item in items if isinstance(item, kind) and all(item is not f for f in found)]
    return found


# ---- random-number state: restored after loading, so later cells draw the same numbers as after training

def _rng_state(with_devices: bool = True) -> dict:
    state = {"torch": torch.get_rng_state(), "python": list(random.getstate()[1]),
             "python_rest": [random.getstate()[0], random.getstate()[2]]}
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    state["numpy"] = [torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(gauss)]
    if with_devices and torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    version, gauss_next = state["python_rest"]
    random.setstate((version, tuple(state["python"]), gauss_next))
    keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state(("MT19937", keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# ---- what a training function returned, in types that weights_only loading accepts

def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, np.ndarray):
        return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(value))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        items = [_encode(item) for item in value]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict) and all(isinstance(k, (str, int, float)) for k in value):
        return {"__dict__": [[k, _encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {"__dataclass__": [cls.__module__, cls.__qualname__],
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise CacheError(msg(f"a {type(value).__name__} cannot be kept (use numbers, lists, dicts, tensors or a "
                         f"dataclass of them)",
                         f"{type(value).__name__} cache में नहीं रखा जा सकता (numbers, lists, dicts, tensors या "
                         f"उनकी dataclass इस्तेमाल करें)"))


def _decode(value: Any, namespace: dict) -> Any:
    if isinstance(value, list):
        return [_decode(item, namespace) for item in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        return value["__ndarray__"].numpy()
    if "__tuple__" in value:
        return tuple(_decode(item, namespace) for item in value["__tuple__"])
    if "__dict__" in value:
        return {k: _decode(v, namespace) for k, v in value["__dict__"]}
    module, qualname = value["__dataclass__"]
    cls = namespace.get(qualname) if module == "__main__" else getattr(importlib.import_module(module), qualname, None)
    if cls is None or not dataclasses.is_dataclass(cls):
        raise CacheError(f"{module}.{qualname} is not defined")
    fields = {k: _decode(v, namespace) for k, v in value["fields"].items()}
    if set(fields) != {f.name for f in dataclasses.fields(cls)}:
        raise CacheError(f"{qualname} has other fields now")
    return cls(**fields)


def _save(path: Path, key: str, name: str, modules: list, optimizers: list, batches: list, result: Any,
          seconds: float) -> None:
    payload = {"format": FORMAT, "key": key, "name": name, "seconds": seconds, "torch": str(torch.__version__),
               "modules": [{k: v.detach().cpu() for k, v in m.state_dict().items()} for m in modules],
               "optimizers": [_encode(o.state_dict()) for o in optimizers],
               "batches": [b.generator.get_state() for b in batches],
               "rng": _rng_state(), "result": _encode(result)}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        torch.save(payload, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _load(path: Path, key: str, modules: list, optimizers: list, batches: list, train: Callable) -> tuple[Any, float]:
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several types for damaged files
        raise CacheError(msg(f"unreadable file: {type(err).__name__}", f"file पढ़ी नहीं जा सकी: {type(err).__name__}"))
    if not isinstance(saved, dict) or saved.get("format") != FORMAT or saved.get("key") != key:
        raise CacheError(msg("not a cache file for this run", "यह इस run की cache file नहीं है"))
    if (len(saved["modules"]), len(saved["optimizers"]), len(saved["batches"])) != \
            (len(modules), len(optimizers), len(batches)):
        raise CacheError(msg("it holds other models", "इसमें दूसरे models हैं"))
    namespace = getattr(train, "__globals__", {})
    result = _decode(saved["result"], namespace)
    before = [copy.deepcopy(m.state_dict()) for m in modules]
    try:
        for module, state in zip(modules, saved["modules"]):
            module.load_state_dict(state)
        for optimizer, state in zip(optimizers, saved["optimizers"]):
            optimizer.load_state_dict(_decode(state, namespace))
    except (RuntimeError, ValueError, KeyError) as err:
        for module, state in zip(modules, before):
            module.load_state_dict(state)
        raise CacheError(msg(f"the weights do not fit: {str(err)[:120]}",
                             f"weights model में फ़िट नहीं होते: {str(err)[:120]}")) from err
    for iterator, state in zip(batches, saved["batches"]):
        iterator.generator.set_state(state)
    _set_rng_state(saved["rng"])
    return result, float(saved["seconds"])


def _forget_old(folder: Path, name: str, keep: int) -> None:
    """Delete all but the `keep` most recently used cache files of `name`."""
    files = sorted(folder.glob(f"{name}-*.pt"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)
