"""Student copies survive "Run all": with every exercise left empty (as `make student` writes them), each
notebook runs to the end in quick mode, offline.

Second step of `make test`, after nbval ran the notebooks, so the load-or-train cache is warm and the
copies load their models instead of training them. The copies are written to a temporary folder
(build/student, where a student may be working, is not touched).
"""
import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


runner = load_tool("execute_notebooks")
students = load_tool("make_student_copies")
NOTEBOOKS = runner.notebooks()  # English first, then Hindi


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("student")
    for notebook in NOTEBOOKS:
        nb, _ = students.student_copy(notebook, notebook.parent.name)
        (folder / notebook.parent.name).mkdir(exist_ok=True)
        nbformat.write(nb, folder / notebook.parent.name / notebook.name)
    return folder


@pytest.mark.parametrize("notebook", [f"{p.parent.name}/{p.name}" for p in NOTEBOOKS])
def test_the_student_copy_runs_to_the_end_with_its_exercises_empty(copies, notebook, tmp_path):
    run = runner.execute(copies / notebook, tmp_path, quick=True, progress=None, cell_timeout=300,
                         notebook_timeout=900, env={"COURSE_OFFLINE": "1", "COURSE_HEADLESS": "1",
                                                    "COURSE_METRICS_FILE": "", "MPLBACKEND": "Agg"})
    assert run.status == "ok", f"student copy of {notebook}: {run.error} (executed copy: {tmp_path / notebook})"
