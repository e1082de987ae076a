"""A short digest of everything a training run depends on: code, hyperparameters, data, initial weights.

Code is read as a syntax tree without comments, docstrings and texts meant for people (strings with a
space or a non-ASCII letter, and the Hindi side of `fig_text`), so the English and the Hindi notebook of a
lesson, which differ only there, give the same digest. A function's digest includes the functions,
classes and values it uses from its notebook (its globals), so changing a helper function, a model class
or a constant such as `LATENT_DIM` changes the digest too.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import inspect
import textwrap
import types
import weakref
from typing import Any

import numpy as np
import torch
from torch import nn

SAMPLE = 1 << 18  # elements hashed from a large tensor (plus its shape and sum)
# Code from these packages is named, not read: a notebook's own functions and classes are what a student changes.
LIBRARIES = {"helpers", "torch", "torchvision", "numpy", "sklearn", "scipy", "matplotlib", "transformers", "tqdm",
             "PIL", "builtins", "math", "random", "functools", "itertools", "collections", "typing", "dataclasses",
             "copy", "time", "operator", "abc", "enum", "contextlib"}


def is_library(module: str | None) -> bool:
    """True for code from the course's helpers, PyTorch and other installed libraries."""
    return (module or "builtins").split(".")[0] in LIBRARIES


def is_text(value: str) -> bool:
    """A string meant for people (it has a space or a non-ASCII character), not an option like "sum"."""
    return any(ch.isspace() or not ch.isascii() for ch in value)


class _Normalise(ast.NodeTransformer):
    """Drop docstrings, texts for people and the Hindi side of fig_text(hi, en=...)."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and is_text(node.value):
            return ast.Constant("<text>")
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        parts = [self.visit(value.value) for value in node.values if isinstance(value, ast.FormattedValue)]
        return ast.Tuple(elts=[ast.Constant("<f-string>"), *sorted(parts, key=ast.dump)], ctx=ast.Load())

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id == "fig_text":
            english = next((kw.value for kw in node.keywords if kw.arg == "en"), None)
            if english is not None:
                return self.visit(english)
        return self.generic_visit(node)

    def _strip_docstring(self, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        return self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Module = _strip_docstring


def normalised_code(source: str) -> str:
    """The syntax tree of `source` as text, without comments, docstrings and texts for people."""
    tree = ast.parse(textwrap.dedent(source))
    return ast.dump(_Normalise().visit(tree), annotate_fields=False)


_summaries: dict[int, tuple[weakref.ref, int, bytes]] = {}  # id → (the tensor, its version, its summary)


def tensor_summary(tensor: torch.Tensor) -> bytes:
    """The bytes that stand for a tensor in a digest: all its values, or for a large one its sum and a sample.
    A large tensor's summary is remembered until the tensor changes (its version counter) or is freed, so
    the data set that every training run of a lesson uses is read once, not once per run."""
    large = tensor.numel() > SAMPLE
    if large:
        seen = _summaries.get(id(tensor))
        if seen is not None and seen[0]() is tensor and seen[1] == tensor._version:
            return seen[2]
    flat = tensor.detach().reshape(-1)
    head = b""
    if large:
        head = repr(float(flat.double().sum())).encode()
        flat = flat[::flat.numel() // SAMPLE]
    data = flat.cpu().contiguous()
    if data.dtype == torch.bfloat16:
        data = data.float()
    summary = head + data.numpy().tobytes()
    if large:
        key = id(tensor)
        _summaries[key] = (weakref.ref(tensor, lambda _: _summaries.pop(key, None)), tensor._version, summary)
    return summary


class Fingerprint:
    """Collects what a run depends on; `digest()` gives the key. Remembers the batch iterators it saw."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._seen: set[int] = set()
        self.batch_iterators: list[Any] = []  # objects with a `generator` (helpers.Batches)

    def digest(self) -> str:
        return self._hash.hexdigest()

    def add(self, label: str, value: Any) -> None:
        self._hash.update(f"\n{label}=".encode())
        self._value(value, depth=0)

    def _write(self, text: str) -> None:
        self._hash.update(text.encode("utf-8", "surrogatepass"))

    def _value(self, value: Any, depth: int) -> None:  # noqa: C901 - one branch per kind of value
        if depth > 12:
            self._write("<deep>")
            return
        if value is None or isinstance(value, (bool, int, float, complex, bytes)):
            self._write(repr(value))
        elif isinstance(value, str):
            self._write("<text>" if is_text(value) else repr(value))
        elif isinstance(value, torch.Tensor):
            self._tensor(value)
        elif isinstance(value, np.ndarray):
            self._tensor(torch.from_numpy(np.ascontiguousarray(value)))
        elif isinstance(value, (torch.device, types.ModuleType)):
            self._write(f"<{type(value).__name__}>")  # the device and library modules do not change results
        elif isinstance(value, torch.Generator):
            self._tensor(value.get_state())
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            self._write(f"{type(value).__name__}[")
            for item in items:
                self._value(item, depth + 1)
                self._write(",")
            self._write("]")
        elif isinstance(value, dict):
            self._write("{")
            for key in value:
                self._value(key, depth + 1)
                self._write(":")
                self._value(value[key], depth + 1)
            self._write("}")
        elif id(value) in self._seen:
            self._write("<seen>")
        else:
            self._seen.add(id(value))
            self._object(value, depth)

    def _object(self, value: Any, depth: int) -> None:
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if hasattr(value, "__fingerprint__") and not isinstance(value, type):
            self._write(f"custom:{type(value).__qualname__}")
            self._value(value.__fingerprint__(), depth + 1)  # what of this object can change a result
        elif isinstance(value, nn.Module):
            self._write(f"module:{type(value).__qualname__}")
            self._class(type(value), depth)
            for name, tensor in value.state_dict().items():
                self._write(name)
                self._tensor(tensor)
        elif isinstance(value, torch.optim.Optimizer):
            self._write(f"optimizer:{type(value).__qualname__}")
            self._value([{k: v for k, v in group.items() if k != "params"} for group in value.param_groups], depth + 1)
            self._value([[p.shape for p in group["params"]] for group in value.param_groups], depth + 1)
            self._value(value.state_dict()["state"], depth + 1)
        elif isinstance(value, (types.FunctionType, types.MethodType)):
            self._function(value, depth)
        elif isinstance(value, type):
            self._class(value, depth)
        elif isinstance(value, (types.BuiltinFunctionType, types.BuiltinMethodType)) or callable(value) and \
                not hasattr(value, "__dict__"):
            self._write(f"<{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}>")
        elif hasattr(value, "generator") and hasattr(value, "tensors"):  # helpers.Batches
            self.batch_iterators.append(value)
            self._write(f"batches:{type(value).__qualname__}")
            self._value({k: v for k, v in vars(value).items()}, depth + 1)
        elif dataclasses.is_dataclass(value):
            self._write(f"dataclass:{type(value).__qualname__}")
            self._value({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, depth + 1)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            self._write(f"object:{type(value).__qualname__}")
            self._value({k: v for k, v in vars(value).items() if not k.startswith("_")}, depth + 1)
        else:
            self._write(f"<{type(value).__qualname__}>")

    def _tensor(self, tensor: torch.Tensor) -> None:
        self._write(f"tensor{tuple(tensor.shape)}{tensor.dtype}")
        self._hash.update(tensor_summary(tensor))

    def _code_of(self, obj: Any) -> str:
        try:
            return normalised_code(inspect.getsource(obj))
        except (OSError, TypeError, SyntaxError, IndentationError):
            code = getattr(obj, "__code__", None)
            if code is None:
                return f"<no source: {getattr(obj, '__qualname__', obj)!r}>"
            return self._bytecode(code)

    def _bytecode(self, code: types.CodeType) -> str:
        consts = [self._bytecode(c) if isinstance(c, types.CodeType) else
                  ("<text>" if isinstance(c, str) and is_text(c) else repr(c)) for c in code.co_consts]
        return f"{code.co_code.hex()}|{consts}|{code.co_names}"

    def _function(self, fn: Any, depth: int) -> None:
        fn = getattr(fn, "__func__", fn)
        module = getattr(fn, "__module__", "")
        if is_library(module):  # library code: its name is enough
            self._write(f"<{module}.{fn.__qualname__}>")
            return
        self._write(f"function:{fn.__qualname__}:{self._code_of(fn)}")
        self._value(fn.__defaults__, depth + 1)
        self._value(fn.__kwdefaults__, depth + 1)
        if fn.__closure__:
            for name, cell in zip(fn.__code__.co_freevars, fn.__closure__):
                self._write(f"closure:{name}=")
                try:
                    self._value(cell.cell_contents, depth + 1)
                except ValueError:  # an empty cell
                    self._write("<empty>")
        self._globals(fn.__code__, fn.__globals__, depth)

    def _globals(self, code: types.CodeType, namespace: dict, depth: int) -> None:
        """The values of the global names a function's code (and its nested code) uses."""
        names = set()
        stack = [code]
        while stack:
            current = stack.pop()
            names |= set(current.co_names)
            stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
        for name in sorted(names):
            if name in namespace:
                self._write(f"global:{name}=")
                self._value(namespace[name], depth + 1)

    def _class(self, cls: type, depth: int) -> None:
        module = getattr(cls, "__module__", "")
        if is_library(module):
            self._write(f"<{module}.{cls.__qualname__}>")
            return
        self._write(f"class:{cls.__qualname__}")
        for base in cls.__bases__:
            self._class(base, depth + 1)
        for name, member in sorted(vars(cls).items()):
            if name.startswith("__") and name not in ("__init__", "__call__"):
                continue
            self._write(f"member:{name}=")
            self._value(member, depth + 1)
