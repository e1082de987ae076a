"""Argument checks shared by helpers: whole-number counts and indices, and class labels."""
from __future__ import annotations

import operator
from typing import Any

import numpy as np
import torch

from .lang import msg


def whole_number(value: Any, what: str, minimum: int = 1) -> int:
    """`value` as an int: a Python, NumPy or 0-d tensor integer (never a bool or a float) of at least `minimum`."""
    if minimum == 1:
        expected = msg("a positive whole number (1, 2, 3, …)", "एक धनात्मक पूर्णांक (1, 2, 3, …)")
    else:
        expected = msg(f"a whole number ≥ {minimum}", f"{minimum} या उससे बड़ा पूर्णांक")
    refused = isinstance(value, (bool, np.bool_)) or (
        isinstance(value, torch.Tensor) and (value.dtype == torch.bool or value.ndim != 0))
    try:
        number = None if refused else operator.index(value)
    except TypeError:
        number = None
    if number is None or number < minimum:
        raise ValueError(msg(f"{what} must be {expected}, got {value!r} ({type(value).__name__}).",
                             f"{what} {expected} होना चाहिए, मिला {value!r} ({type(value).__name__})।"))
    return number


def class_labels(labels: Any, n_classes: int, what: str = "labels") -> np.ndarray:
    """`labels` as a NumPy int array, refused unless every label is a whole number in 0 … n_classes - 1."""
    array = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else np.asarray(labels)
    whole = array.dtype.kind in "iu" or (array.dtype.kind == "f" and bool(np.all(np.isfinite(array)))
                                          and bool(np.all(array == np.round(array))))
    if array.dtype.kind == "b" or not whole:
        raise ValueError(msg(f"{what} must be whole class numbers 0 … {n_classes - 1}, got values of type {array.dtype}.",
                             f"{what} 0 … {n_classes - 1} तक के पूर्णांक class नंबर होने चाहिए, मिले {array.dtype} "
                             f"के मान।"))
    array = array.astype(np.int64)
    bad = array[(array < 0) | (array >= n_classes)]
    if bad.size:
        raise ValueError(msg(
            f"{what}: {bad.size} labels lie outside 0 … {n_classes - 1} (e.g. {int(bad[0])}); there are "
            f"{n_classes} classes.",
            f"{what}: {bad.size} labels 0 … {n_classes - 1} से बाहर हैं (जैसे {int(bad[0])}); classes सिर्फ़ "
            f"{n_classes} हैं।"))
    return array
