"""The runner behind `make execute-all`: executed copies go to the output folder, sources stay untouched."""
import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)


def write_notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('LANG = "en"\nQUICK = False')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_executed_copy_gets_outputs_and_parameters_source_untouched(tmp_path):
    source = write_notebook(tmp_path / "notebooks" / "en" / "01_demo.ipynb", "print('quick' if QUICK else 'full')")
    before = source.read_bytes()
    seconds, error = runner.execute(source, tmp_path / "out", quick=True)
    assert error == "" and seconds > 0
    assert source.read_bytes() == before
    executed = nbformat.read(tmp_path / "out" / "en" / "01_demo.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"].strip() == "quick"


def test_failing_notebook_is_reported(tmp_path):
    source = write_notebook(tmp_path / "notebooks" / "hi" / "01_demo.ipynb", "raise RuntimeError('boom')")
    _, error = runner.execute(source, tmp_path / "out", quick=True)
    assert "boom" in error or "RuntimeError" in error


def test_every_lesson_notebook_is_listed_english_first():
    listed = [f"{p.parent.name}/{p.name}" for p in runner.notebooks()]
    assert listed and listed[0].startswith("en/")
    assert {name.split("/")[0] for name in listed} == {"en", "hi"}
