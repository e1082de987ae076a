"""English and Hindi notebooks share one code: structural twins cell by cell, each in its own language."""
import re

import pytest

from parity import cell_mismatches
from test_notebooks import LESSONS, notebook

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


@pytest.mark.parametrize("lesson", LESSONS)
def test_code_cells_are_structural_twins(lesson):
    en, hi = notebook("en", lesson), notebook("hi", lesson)
    problems = []
    for i, (a, b) in enumerate(zip(en.cells, hi.cells)):
        if a.cell_type == "code" and b.cell_type == "code":
            problems += [f"cell {i}: {problem}" for problem in cell_mismatches(a.source, b.source)]
    assert not problems, "the Hindi code differs from the English code:\n" + "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lessons_use_no_bilingual_message_calls(lesson):
    for lang in ("en", "hi"):
        for i, cell in enumerate(notebook(lang, lesson).cells):
            if cell.cell_type == "code":
                assert not re.search(r"(?<![\w.])(t|label)\(", cell.source), f"{lang} cell {i}: t()/label() call"


MESSAGE_CALLS = {"print", "fig_text", "set_title", "set_xlabel", "set_ylabel", "suptitle", "text", "Label",
                 "HTML", "Markdown"}
MESSAGE_KEYWORDS = {"title", "label", "xlabel", "ylabel", "description", "desc", "titles"}
DATA_LESSONS = ("02_", "06_")  # Hindi number words (02) and Hindi sentences for a tokenizer (06) are data


def hindi_strings(source: str) -> tuple[list[str], list[str]]:
    """(Devanagari texts a student reads as messages, Devanagari strings used as data) in a code cell."""
    import ast

    tree = ast.parse(source)
    messages = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            parts = list(node.args) + [kw.value for kw in node.keywords] if name in MESSAGE_CALLS else \
                [kw.value for kw in node.keywords if kw.arg in MESSAGE_KEYWORDS]
            for part in parts:
                messages |= {id(n) for n in ast.walk(part)}
    found_messages, found_data = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and DEVANAGARI.search(node.value):
            (found_messages if id(node) in messages else found_data).append(node.value)
    return found_messages, found_data


@pytest.mark.parametrize("lesson", LESSONS)
def test_english_code_has_no_hindi(lesson):
    """English notebooks carry Devanagari in code only as data (lesson 02's number words, lesson 06's sentences)."""
    found = []
    for i, cell in enumerate(notebook("en", lesson).cells):
        if cell.cell_type != "code":
            continue
        messages, data = hindi_strings(cell.source)
        found += [f"cell {i}: message {text[:60]!r}" for text in messages]
        if not lesson.startswith(DATA_LESSONS):
            found += [f"cell {i}: {text[:60]!r}" for text in data]
    assert not found, "Devanagari in English code:\n" + "\n".join(found)


def test_hindi_messages_are_told_from_hindi_data():
    messages, data = hindi_strings('words = ["एक", "दो"]\nprint(f"{words} — दो शब्द")\nax.set_title("शीर्षक")')
    assert sorted(messages) == [" — दो शब्द", "शीर्षक"] and data == ["एक", "दो"] or \
        (sorted(messages) == ["शीर्षक", " — दो शब्द"])


# ---- the comparison itself can fail: one test for each kind of drift

EN = '''import helpers
n = helpers.count_parameters(model)
print(f"Trainable parameters: {n:,}")
helpers.show_rows({"original": x, "decoded": y}, title="Reconstructions")
plot(a, b, size=3)
'''
HI = '''import helpers
from helpers import fig_text
n = helpers.count_parameters(model)
print(f"Train होने वाले parameters: {n:,}")  # टिप्पणी अलग हो सकती है
helpers.show_rows({fig_text("मूल", en="original"): x, fig_text("decoded", en="decoded"): y},
                  title=fig_text("पुनर्निर्माण", en="Reconstructions"))
plot(a, b, size=3)
'''


def test_twins_pass():
    assert cell_mismatches(EN, HI) == []


@pytest.mark.parametrize("change, expected", [
    (("{n:,}\")", "{n + 1:,}\")"), "different expressions"),                  # a changed expression
    (("{n:,}\")", "{n:.2f}\")"), "different expressions"),                    # another number format
    (("plot(a, b, size=3)", "plot(b, a, size=3)"), "'a' vs 'b'"),             # reordered arguments
    (("plot(a, b, size=3)\n", "plot(a, b, size=3)\nplot(a, b)\n"), "statements"),  # an extra statement
    (("n = helpers.count", "n = 2 * helpers.count"), "vs"),                   # an extra operation
    (('en="original"', 'en="Original"'), "English cell writes"),             # fallback text drifted
    (('fig_text("मूल", en="original")', '"मूल"'), None),                     # plain Hindi text is fine
])
def test_drift_is_reported(change, expected):
    problems = cell_mismatches(EN, HI.replace(*change))
    if expected is None:
        assert problems == []
    else:
        assert problems and expected in " ".join(map(str, problems)), problems


