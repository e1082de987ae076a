"""Translation freshness, student copies: the maintenance tools behind `make translation-status` and `make student`."""
import importlib.util
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


translation = load_tool("translation")
students = load_tool("make_student_copies")
LESSONS = translation.lessons()


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_hindi_prose_cell_is_translated_from_the_current_english(lesson):
    stale = translation.stale_cells(lesson)
    assert not stale, "stale Hindi cells (see `make translation-status`):\n" + "\n".join(
        f"  cell {c.index}: {c.reason}: {c.english.strip()[:70]!r}" for c in stale)


def write_pair(root: Path, english: list[str], hindi: list[str]) -> None:
    for lang, texts in (("en", english), ("hi", hindi)):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(text) for text in texts] + [nbformat.v4.new_code_cell("x = 1")]
        (root / f"lessons_{lang}").mkdir(parents=True, exist_ok=True)
        jupytext.write(nb, root / f"lessons_{lang}" / "01_demo.md", fmt="md:myst")


def test_a_changed_english_cell_makes_its_hindi_twin_stale(tmp_path):
    write_pair(tmp_path, ["# Title", "Some text."], ["# शीर्षक", "कुछ पाठ।"])
    assert [c.reason for c in translation.stale_cells("01_demo", tmp_path)] == ["prose never stamped"] * 2
    translation.stamp("01_demo", None, tmp_path)
    assert translation.stale_cells("01_demo", tmp_path) == []
    english = jupytext.read(tmp_path / "lessons_en" / "01_demo.md")
    english.cells[1].source = "Some better text."
    jupytext.write(english, tmp_path / "lessons_en" / "01_demo.md", fmt="md:myst")
    stale = translation.stale_cells("01_demo", tmp_path)
    assert [(c.index, c.reason) for c in stale] == [(1, "prose: English changed since the translation")]
    translation.stamp("01_demo", [1], tmp_path)  # the translator updated cell 1
    assert translation.stale_cells("01_demo", tmp_path) == []


def test_stamping_a_code_cell_without_text_is_refused(tmp_path):
    write_pair(tmp_path, ["# Title"], ["# शीर्षक"])
    with pytest.raises(SystemExit, match="nothing to translate"):
        translation.stamp("01_demo", [1], tmp_path)  # `x = 1`: no comment, no string


def test_a_code_cell_goes_stale_when_its_english_strings_or_comments_change(tmp_path):
    write_pair(tmp_path, ["# Title"], ["# शीर्षक"])
    for lang, code in (("en", 'print(f"Loss: {x}")  # the loss'), ("hi", 'print(f"Loss: {x}")  # loss')):
        path = tmp_path / f"lessons_{lang}" / "01_demo.md"
        nb = jupytext.read(path)
        nb.cells[1].source = code
        jupytext.write(nb, path, fmt="md:myst")
    assert [c.reason for c in translation.stale_cells("01_demo", tmp_path)] == \
        ["prose never stamped", "code cell never stamped"]
    translation.stamp("01_demo", None, tmp_path)
    english_path = tmp_path / "lessons_en" / "01_demo.md"
    english = jupytext.read(english_path)
    english.cells[1].source = 'print(f"Loss: {x + 0}")  # the loss'  # code only: no new translation needed
    jupytext.write(english, english_path, fmt="md:myst")
    assert translation.stale_cells("01_demo", tmp_path) == []
    english.cells[1].source = 'print(f"Test loss: {x}")  # the loss'
    jupytext.write(english, english_path, fmt="md:myst")
    assert [c.reason for c in translation.stale_cells("01_demo", tmp_path)] == \
        ["code cell: English changed since the translation"]


def test_student_copy_keeps_the_hint_and_removes_the_solution(tmp_path):
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
    assert copy.cells[1].source == "# Exercise: add one.\n# Hint: use +\n# ✍️ यहाँ अपना code लिखें\n..."
    assert copy.cells[1].outputs == []


@pytest.mark.parametrize("lang", ["en", "hi"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_a_solution_cell_with_a_hint(lesson, lang):
    nb = nbformat.read(ROOT / "notebooks" / lang / f"{lesson}.ipynb", as_version=4)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    assert solutions, "tag at least one exercise cell `solution`"
    for cell in solutions:
        assert cell.source.lstrip().startswith("#"), "a solution cell starts with the exercise as a comment"


def test_make_student_writes_copies_to_build(tmp_path, monkeypatch):
    fake_root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", fake_root / "notebooks")
    monkeypatch.setattr(students, "ROOT", fake_root)
    monkeypatch.setattr("sys.argv", ["make_student_copies.py"])
    assert students.main() == 0
    written = sorted(p.relative_to(fake_root / "build" / "student").as_posix()
                     for p in (fake_root / "build" / "student").rglob("*.ipynb"))
    assert written == sorted(p.relative_to(ROOT / "notebooks").as_posix()
                             for p in (ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb"))
