"""The two languages stay twins: same cells, same code, real Hindi prose, sources in sync, no outputs."""
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (ROOT / "lessons_en").glob("[0-9][0-9]_*.md"))
LANGS = ("en", "hi")


def notebook(lang: str, lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / lang / f"{lesson}.ipynb", as_version=4)


def devanagari_share(markdown: str) -> float:
    """Devanagari characters (vowel signs included) over those plus Latin letters.

    Formulas, code, link targets, HTML tags and URLs are ignored.
    """
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|```.*?```|`[^`]*`|\]\([^)]*\)|<[^>]+>|https?://\S+", " ", markdown,
                  flags=re.S)
    devanagari = sum("\u0900" <= c <= "\u097f" for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return devanagari / max(1, devanagari + latin)


def test_every_lesson_exists_in_both_languages_as_text_and_notebook():
    assert LESSONS, "no lessons found"
    for lesson in LESSONS:
        for lang in LANGS:
            assert (ROOT / f"lessons_{lang}" / f"{lesson}.md").exists(), f"lessons_{lang}/{lesson}.md"
            assert (ROOT / "notebooks" / lang / f"{lesson}.ipynb").exists(), f"notebooks/{lang}/{lesson}.ipynb"
    for lang in LANGS:
        extra = {p.stem for p in (ROOT / f"lessons_{lang}").glob("*.md")} - set(LESSONS)
        assert not extra, f"lessons_{lang} has lessons with no English twin: {extra}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_english_and_hindi_have_the_same_cells(lesson):
    """Same cells, kinds and tags; the code itself is compared structurally in test_parity.py."""
    en, hi = notebook("en", lesson), notebook("hi", lesson)
    assert [c.cell_type for c in en.cells] == [c.cell_type for c in hi.cells], "cell types or count differ"
    for i, (a, b) in enumerate(zip(en.cells, hi.cells)):
        assert a.metadata.get("tags", []) == b.metadata.get("tags", []), f"cell {i}: tags differ"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lesson", LESSONS)
def test_parameters_cell_defaults_to_full_mode(lang, lesson):
    cells = [c for c in notebook(lang, lesson).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    assert re.search(r"^QUICK = False$", cells[0].source, re.M), "full mode must be the default"
    assert re.search(rf'^LANG = "{lang}"$', cells[0].source, re.M)
    assert re.search(r"^RETRAIN = False\b", cells[0].source, re.M), "trained models load from the cache by default"


@pytest.mark.parametrize("lesson", LESSONS)
def test_hindi_prose_is_mostly_devanagari(lesson):
    weak = []
    for i, cell in enumerate(notebook("hi", lesson).cells):
        if cell.cell_type == "markdown" and devanagari_share(cell.source) < 0.5:
            weak.append(f"cell {i}: {devanagari_share(cell.source):.0%} Devanagari: {cell.source[:60]!r}")
    assert not weak, "Hindi prose cells that are not mostly Hindi:\n" + "\n".join(weak)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lesson", LESSONS)
def test_text_source_and_notebook_are_in_sync(lang, lesson):
    text = jupytext.read(ROOT / f"lessons_{lang}" / f"{lesson}.md")
    nb = notebook(lang, lesson)
    assert len(text.cells) == len(nb.cells), "run `make sync`"
    for i, (a, b) in enumerate(zip(text.cells, nb.cells)):
        assert (a.cell_type, a.source.strip()) == (b.cell_type, b.source.strip()), f"cell {i} differs: run `make sync`"
        assert a.metadata.get("tags", []) == b.metadata.get("tags", []), f"cell {i}: tags differ: run `make sync`"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lesson", LESSONS)
def test_notebooks_are_stored_without_outputs(lang, lesson):
    for i, cell in enumerate(notebook(lang, lesson).cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"cell {i} has outputs: run `make sync`"


def test_devanagari_share_ignores_formulas_and_code():
    assert devanagari_share("यह $x^2 + y$ और `code` है") == 1.0
    assert devanagari_share("This is English.") == 0.0
