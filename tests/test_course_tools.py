"""Translation freshness: the tool behind `make translation-status` (student copies: test_student_copies.py)."""
from pathlib import Path

import jupytext
import nbformat
import pytest
from lesson_code import load_tool

ROOT = Path(__file__).resolve().parent.parent


translation = load_tool("translation")
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
