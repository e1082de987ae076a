"""`make student`: exercise copies keep the hint and what later cells need (signatures, names), drop the
solution, and never overwrite a copy its student changed."""
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_student_copies", ROOT / "tools" / "make_student_copies.py")
students = importlib.util.module_from_spec(spec)
sys.modules["make_student_copies"] = students
spec.loader.exec_module(students)

SOLUTION = '''# Exercise: write depth() and the two figures.
# Hint: model.modules().

@staticmethod
def depth(model,
          kinds=(int,)) -> int:
    """Number of layers."""
    # count them
    return sum(isinstance(m, kinds) for m in model)

def double(x): return 2 * x

class Block:
    """A block."""
    size = 3

total, (first, *rest) = 10, (1, 2, 3)
width: int = 5
config.value = 3
for i in range(3):
    inner = i
print(depth([1, 2]))
'''


def test_a_solution_cell_keeps_its_hint_signatures_docstrings_and_names():
    source = students.exercise_source(SOLUTION, "en")
    assert source.startswith("# Exercise: write depth() and the two figures.\n# Hint: model.modules().\n")
    assert '@staticmethod\ndef depth(model,\n          kinds=(int,)) -> int:\n    """Number of layers."""\n    ...' \
        in source
    assert "def double(x):\n    ...\n" in source
    assert 'class Block:\n    """A block."""\n    ...' in source
    for name in ("total", "first", "rest", "width"):
        assert f"\n{name} = None  # ✍️ replace None with your code" in source
    for solution_only in ("return sum", "2 * x", "size = 3", "config", "inner", "print(", "# count them"):
        assert solution_only not in source
    assert source.endswith("# ✍️ Your code here\n...")


def test_the_stubs_run_and_define_what_later_cells_use():
    namespace: dict = {}
    exec(students.exercise_source(SOLUTION, "hi"), namespace)  # noqa: S102 - the tool's own output
    assert namespace["depth"]([1]) is None and namespace["double"](2) is None
    assert isinstance(namespace["Block"], type) and namespace["Block"].__doc__ == "A block."
    assert all(namespace[name] is None for name in ("total", "first", "rest", "width"))


def test_the_comments_are_in_the_notebook_language():
    hindi = students.exercise_source("# Exercise\nx = 1", "hi")
    assert hindi.splitlines() == ["# Exercise", "x = None  # ✍️ None की जगह अपना code लिखें", "# ✍️ यहाँ अपना code लिखें",
                                  "..."]


def test_a_cell_python_cannot_parse_keeps_only_its_hint():
    assert students.exercise_source("# Exercise: time it\n%timeit f()", "en") == \
        "# Exercise: time it\n# ✍️ Your code here\n..."


def test_student_copy_empties_solutions_and_outputs_only(tmp_path):
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell("# Exercise: add one.\n# Hint: use +\ny = x + 1\nprint(y)")
    solution.metadata["tags"] = ["solution"]
    solution.outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), solution]
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nb, path)
    copy, removed = students.student_copy(path, "hi")
    assert removed == 1
    assert copy.cells[0].source == "x = 1"
    assert copy.cells[1].source.splitlines() == ["# Exercise: add one.", "# Hint: use +",
                                                 "y = None  # ✍️ None की जगह अपना code लिखें",
                                                 "# ✍️ यहाँ अपना code लिखें", "..."]
    assert copy.cells[1].outputs == []


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_every_lesson_has_a_solution_cell_with_a_hint(lang):
    for notebook in sorted((ROOT / "notebooks" / lang).glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        assert solutions, f"{notebook.name}: tag at least one exercise cell `solution`"
        for cell in solutions:
            assert cell.source.lstrip().startswith("#"), f"{notebook.name}: a solution cell starts with the exercise"


def test_make_student_writes_every_copy_and_keeps_one_its_student_changed(tmp_path, monkeypatch, capsys):
    fake_root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", fake_root / "notebooks")
    monkeypatch.setattr(students, "ROOT", fake_root)
    assert students.main([]) == 0
    out = fake_root / "build" / "student"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ipynb"))
    assert written == sorted(p.relative_to(ROOT / "notebooks").as_posix()
                             for p in (ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb"))
    mine, untouched = out / "en" / "01_autoencoder.ipynb", out / "en" / "02_encoder_decoder.ipynb"
    nb = nbformat.read(mine, as_version=4)
    solution = next(c for c in nb.cells if "solution" in c.metadata.get("tags", []))
    solution.source += "\nmy_answer = 42"
    solution.outputs = [nbformat.v4.new_output("stream", text="42\n")]
    nbformat.write(nb, mine)
    before = mine.read_bytes()
    nbformat.write(nbformat.read(untouched, as_version=4), untouched)  # only saved again, not changed
    capsys.readouterr()
    assert students.main([]) == 0
    assert mine.read_bytes() == before  # the student's work is never overwritten
    printed = capsys.readouterr().out
    assert "en/01_autoencoder.ipynb: kept" in printed
    assert re.search(r"en/02_encoder_decoder.ipynb: \d+ solution cell\(s\) emptied", printed)
    assert not students.changed_by_student(untouched)
