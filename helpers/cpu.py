"""Share the CPU fairly between course notebooks that train at the same time.

PyTorch (and NumPy's BLAS) start one thread per core, and their threads wait for each other by
spinning. Two notebooks training at once on a 2-core laptop then run about ten times slower instead of
two. So every process that trains through helpers (its batches, `fit`) says so in a small shared folder
and, while others train too, uses its share of the cores: alone it keeps all of them (full speed),
with two trainers each takes half. The check costs microseconds and runs at most twice a second.
"""
from __future__ import annotations

import atexit
import os
import tempfile
import time
from pathlib import Path

import torch

REGISTRY = Path(tempfile.gettempdir()) / "course-training-processes"
ACTIVE_FOR = 3.0   # seconds after its last batch that a process still counts as training
CHECK_EVERY = 0.5  # seconds between two looks at the registry

_state = {"checked": 0.0, "cores": torch.get_num_threads(), "threads": torch.get_num_threads(), "blas": None}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def trainers(now: float | None = None, registry: Path = REGISTRY) -> int:
    """How many processes (this one included) trained in the last few seconds."""
    now = time.time() if now is None else now
    count = 1
    for entry in registry.glob("*"):
        try:
            pid = int(entry.name)
            age = now - entry.stat().st_mtime
        except (ValueError, FileNotFoundError):
            continue
        if pid != os.getpid() and age < ACTIVE_FOR and _alive(pid):
            count += 1
    return count


def fair_threads(cores: int, training: int) -> int:
    """Threads for one of `training` processes sharing `cores` cores."""
    return max(1, cores // max(1, training))


def share_cpu() -> int:
    """Call while training: mark this process as training and use its fair share of threads; returns it."""
    now = time.time()
    if now - _state["checked"] < CHECK_EVERY:
        return _state["threads"]
    _state["checked"] = now
    try:
        REGISTRY.mkdir(exist_ok=True)
        (REGISTRY / str(os.getpid())).touch()
    except OSError:
        return _state["threads"]  # no shared folder: keep the threads as they are
    threads = fair_threads(_state["cores"], trainers(now))
    if threads != _state["threads"]:
        torch.set_num_threads(threads)
        _limit_blas(threads)
        _state["threads"] = threads
    return threads


def _limit_blas(threads: int) -> None:
    """NumPy's and scikit-learn's BLAS/OpenMP threads follow PyTorch's (they spin the same way)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    if _state["blas"] is not None:
        _state["blas"].restore_original_limits()
        _state["blas"] = None
    if threads < _state["cores"]:
        _state["blas"] = threadpool_limits(threads)


@atexit.register
def _leave() -> None:
    (REGISTRY / str(os.getpid())).unlink(missing_ok=True)
