"""Measured figures a notebook reports to the benchmark (`make bench`)."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from .files import atomic_file
from .lang import msg

METRICS_ENV = "COURSE_METRICS_FILE"


def record_metric(name: str, value: float) -> float:
    """Save `value` under `name` in $COURSE_METRICS_FILE when the benchmark runs the notebook; returns value."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(msg(f"metric {name!r} is not a finite number: {value}",
                             f"metric {name!r} कोई सीमित (finite) संख्या नहीं है: {value}"))
    path = os.environ.get(METRICS_ENV)
    if path:
        target = Path(path)
        metrics = _read(target)
        metrics[name] = value
        with atomic_file(target) as f:  # a crash mid-write never leaves half a JSON file
            f.write(json.dumps(metrics, indent=2).encode())
    return value


def _read(target: Path) -> dict[str, float]:
    """The metrics recorded so far; a damaged file is reported and left untouched, never overwritten."""
    if not target.exists():
        return {}
    try:
        metrics = json.loads(target.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        metrics = err
    if not isinstance(metrics, dict):
        raise ValueError(msg(
            f"{METRICS_ENV}={target} is not a JSON object of metrics ({str(metrics)[:80]}); it was left as it is. "
            f"Delete it, or point {METRICS_ENV} at a new file.",
            f"{METRICS_ENV}={target} metrics का JSON object नहीं है ({str(metrics)[:80]}); उसे छुआ नहीं गया। उसे हटाएँ, या "
            f"{METRICS_ENV} को किसी नई file पर रखें।"))
    return metrics
