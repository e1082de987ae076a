"""Measured figures a notebook reports to the benchmark (`make bench`)."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

METRICS_ENV = "COURSE_METRICS_FILE"


def record_metric(name: str, value: float) -> float:
    """Save `value` under `name` in $COURSE_METRICS_FILE when the benchmark runs the notebook; returns value."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"metric {name!r} is not a finite number: {value}")
    path = os.environ.get(METRICS_ENV)
    if path:
        target = Path(path)
        metrics = json.loads(target.read_text()) if target.exists() else {}
        metrics[name] = value
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(metrics, indent=2))
    return value
