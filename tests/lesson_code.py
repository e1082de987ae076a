"""What tests take from the lessons themselves: code cells of a notebook, a solution cell, and the tools behind
`make` targets, loaded as modules (tools/ is not a package)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name: str):
    """tools/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def code_cells(lesson: str, language: str = "en") -> list:
    """The code cells of notebooks/<language>/<lesson>.ipynb."""
    notebook = nbformat.read(ROOT / "notebooks" / language / f"{lesson}.ipynb", as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def solution_source(lesson: str, defines: str, language: str = "en") -> str:
    """The source of the one cell tagged `solution` that contains `defines` (e.g. "def train_epoch")."""
    cells = [cell for cell in code_cells(lesson, language)
             if "solution" in cell.metadata.get("tags", []) and defines in cell.source]
    assert len(cells) == 1, f"expected one solution cell with {defines!r} in {language}/{lesson}, found {len(cells)}"
    return cells[0].source


def run_code(source: str, namespace: dict, name: str = "<lesson>") -> dict:
    """Run a lesson's code in `namespace` (which it extends) and return the namespace."""
    exec(compile(source, name, "exec"), namespace)  # noqa: S102 - the lesson's own code
    return namespace
