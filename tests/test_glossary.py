"""GLOSSARY.md covers the lessons' technical terms, and the Hindi lessons use its chosen forms.

* Coverage: every Latin-script word (3+ letters) that appears in at least ``MIN_CELLS`` different Hindi
  prose cells (all lessons together) must occur, as a whole word, in the glossary's first or second column,
  or be in ``NOT_TERMS`` (everyday English words and names that are not technical terms).
* Chosen form: for each glossary row, when an English lesson's prose uses the row's English term, its Hindi
  twin's prose must contain the row's primary Hindi usage (column 2 before the first "(" or ";").

Only lessons that exist in both ``lessons_en`` and ``lessons_hi`` are checked. Prose is the markdown cells
read with jupytext, without formulas, code, link targets, HTML tags and URLs.
"""
import functools
import itertools
import re
from collections import defaultdict
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "GLOSSARY.md"
LESSONS_EN = ROOT / "lessons_en"
LESSONS_HI = ROOT / "lessons_hi"

MIN_CELLS = 3  # a Latin word in this many Hindi prose cells counts as a term the glossary must cover

# Latin words in Hindi prose that are not technical terms: the glossary need not list them.
# Keep this short; a technical term or a tool/data set name belongs in the glossary instead.
NOT_TERMS = {
    "english", "version",  # the "English version" link at the top of every Hindi lesson
    "and",  # English paper and tutorial titles in the reading lists
    "course", "copy", "click", "file", "download", "row", "text",  # everyday words ("हर row में", "click करें")
    "research", "wikipedia",  # names: "Microsoft Research", "Wikipedia + BookCorpus"
    "bank",  # the example word whose meaning changes with its sentence (lesson 06)
}

# (English term, lesson) pairs where the Hindi lesson does not use the glossary's form, on purpose or as a
# known difference. Keep short; the second group lists inconsistencies that should be fixed in the lessons.
KNOWN_EXCEPTIONS = {
    # the English word is used in another sense, or one passage is paraphrased; nothing to fix
    ("paper", "03_denoising_dimensionality_reduction.md"): "'scanned papers' are कागज़, not research papers",
    ("save", "06_pretrained_models.md"): "'save time / work' is बचाना, not saving a model",
    ("representation", "06_pretrained_models.md"): "only in a paper title, which the Hindi reading list translates",
    ("code size", "03_denoising_dimensionality_reduction.md"): "'the same code size' → 'उतने ही बड़े code के साथ'",
    ("training set", "02_encoder_decoder.md"): "'numbers from the training set' → 'Training वाली संख्याएँ'",
    ("training loop", "03_denoising_dimensionality_reduction.md"): "'the training loop' → 'Training में'",
    ("head", "04_variational_autoencoder.md"): "the encoder's 'two heads' (mu, log_var) → 'दो शाखाएँ'",
    ("inference", "03_denoising_dimensionality_reduction.md"): "'fast inference' → 'तेज़ नतीजे'",
    # inconsistent with the other lessons: to be unified in the Hindi lesson
    ("section", "05_gan.md"): "writes 'section 2'; lessons 01-04 write 'खंड 2'",
    ("section", "06_pretrained_models.md"): "writes 'भाग 4'; lessons 01-04 write 'खंड 4'",
    ("feature", "05_gan.md"): "writes 'गहरी features'; lessons 01-04 write विशेषता/विशेषताएँ",
    ("classifier", "06_pretrained_models.md"): "writes 'ImageNet वर्गीकरण model'; lessons 03 and 05 write classifier",
}

_LATIN_WORD = re.compile(r"[A-Za-z]+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


# ---------------------------------------------------------------- helpers
def split_row(line):
    """Split one markdown table line on `|`, ignoring `|` inside `$...$`; outer empty cells dropped."""
    cells, current, in_math = [], [], False
    for char in line.strip():
        if char == "$":
            in_math = not in_math
        if char == "|" and not in_math:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def parse_glossary(text):
    """Rows (lists of 3 cells) of the first table whose header starts with "English term"."""
    rows, in_table = [], False
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not in_table:
            if line.lstrip().startswith("|") and split_row(line)[:1] == ["English term"]:
                in_table = True
                separator = lines[index + 1] if index + 1 < len(lines) else ""
                assert set(separator.replace("|", "").strip()) <= set("-: "), "no table separator line"
            continue
        if not line.lstrip().startswith("|"):
            break
        cells = split_row(line)
        if set("".join(cells)) <= set("-: "):
            continue  # the separator line
        rows.append(cells)
    return rows


def clean_prose(text):
    """Markdown prose without formulas, code blocks/spans, link targets, HTML tags/comments and URLs."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"<[^<>]*>", " ", text)
    text = re.sub(r"https?://\S+|www\.\S+", " ", text)
    return text


def word_forms(word):
    """The lowercased word plus its stem without a plural "es"/"s" (when the stem has 3+ letters)."""
    word = word.lower()
    forms = {word}
    if word.endswith("es") and len(word) - 2 >= 3:
        forms.add(word[:-2])
    if word.endswith("s") and len(word) - 1 >= 3:
        forms.add(word[:-1])
    return forms


def latin_words(text, min_len=3):
    """Latin-script words of `min_len`+ letters, lowercased."""
    return {w.lower() for w in _LATIN_WORD.findall(text) if len(w) >= min_len}


@functools.cache
def term_pattern(term):
    """Regex for `term` as whole words, case-insensitive, tolerant of plural/singular on its last word."""
    words = _LATIN_WORD.findall(term) if not re.search(r"\d", term) else re.findall(r"[A-Za-z0-9]+", term)
    if not words:
        return None
    *head, last = words
    last_forms = sorted(word_forms(last) | {last.lower() + "s", last.lower() + "es"}, key=len, reverse=True)
    parts = [re.escape(w) for w in head] + ["(?:" + "|".join(re.escape(f) for f in last_forms) + ")"]
    # a hyphenated prefix makes another term ("non-linear", "cross-entropy", "self-supervised")
    return re.compile(r"(?<![A-Za-z0-9\-])" + r"[\s\-]+".join(parts) + r"(?![A-Za-z0-9])", re.IGNORECASE)


def uses_term(text, term):
    """Does `text` use the Latin `term` (whole words, any case, singular or plural)?"""
    pattern = term_pattern(term)
    return bool(pattern and pattern.search(text))


def contains_form(text, form):
    """Devanagari forms: substring (any case for Latin letters in them); a last word in the infinitive
    ("सिखाना", "train करना") also matches its stem ("सिखाते", "train करते"). Latin forms: whole words, any
    case, singular or plural."""
    if not _DEVANAGARI.search(form):
        return uses_term(text, form)
    text, form = text.lower(), form.lower()
    if form in text:
        return True
    return form.endswith("ना") and len(form.split()[-1]) > 2 and form[:-2] in text


def _split_top_level(text, separators):
    """Split on any of `separators` outside (...) and $...$."""
    parts, current, depth, in_math = [], [], 0, False
    for char in text:
        if char == "$":
            in_math = not in_math
        elif not in_math and char == "(":
            depth += 1
        elif not in_math and char == ")":
            depth = max(0, depth - 1)
        if char in separators and depth == 0 and not in_math:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _primary(text):
    """Text before the first "(" or ";", without formulas, stripped."""
    text = re.split(r"[(;]", text, maxsplit=1)[0]
    return re.sub(r"\$[^$]*\$", " ", text).strip(" ,.")


def english_terms(cell):
    """English alternatives in column 1: parentheses removed, split on "/"."""
    cell = re.sub(r"\([^)]*\)", " ", cell)
    return [part.strip() for part in cell.split("/") if part.strip()]


def chosen_forms(english_cell, hindi_cell):
    """[(English term, primary Hindi form)] for one row.

    The primary form is column 2 before the first "(" or ";". When both columns list the same number of
    "/"-separated alternatives ("linear / non-linear" | "रैखिक (linear) / अरैखिक (non-linear)"), they are
    paired in order; otherwise every English alternative needs the first primary form."""
    terms = english_terms(english_cell)
    before_semicolon = _split_top_level(hindi_cell, ";")[0]
    hindi_parts = [_primary(part) for part in _split_top_level(before_semicolon, "/")]
    if len(hindi_parts) == len(terms) and len(terms) > 1:
        pairs = list(zip(terms, hindi_parts))
    else:
        first = _primary(hindi_cell)
        pairs = [(term, first) for term in terms]
    return [(term, form) for term, form in pairs if form]


def sort_key(english_cell):
    """Alphabetical key of a row: its first English term, lowercased, letters, digits and spaces only."""
    first = re.split(r"[/(]", english_cell)[0]
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", "", first.lower())).strip(), english_cell.lower()


def prose_cells(path):
    """Cleaned markdown cells of a MyST lesson."""
    notebook = jupytext.read(path)
    return [clean_prose(cell.source) for cell in notebook.cells if cell.cell_type == "markdown"]


def glossary_words(rows):
    """All forms of the Latin words in the glossary's first two columns."""
    forms = set()
    for row in rows:
        for word in latin_words(" ".join(row[:2]), min_len=1):
            forms |= word_forms(word)
    return forms


def group_by_forms(words):
    """Group words whose singular/plural forms overlap ("loss", "losses"); returns lists of words."""
    parent = {w: w for w in words}

    def find(w):
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        return w

    owner = {}
    for word in sorted(words):
        for form in word_forms(word):
            if form in owner:
                parent[find(word)] = find(owner[form])
            else:
                owner[form] = word
    groups = defaultdict(list)
    for word in words:
        groups[find(word)].append(word)
    return [sorted(g) for g in groups.values()]


def uncovered_words(hindi_cells, rows, allow=frozenset(), min_cells=MIN_CELLS):
    """{"word/words": number of cells} for Latin words in >= min_cells cells that the glossary lacks."""
    cells_of = defaultdict(set)
    for index, cell in enumerate(hindi_cells):
        for word in latin_words(cell):
            cells_of[word].add(index)
    known = glossary_words(rows)
    missing = {}
    for group in group_by_forms(set(cells_of)):
        cells = set().union(*(cells_of[w] for w in group))
        if len(cells) < min_cells:
            continue
        forms = set().union(*(word_forms(w) for w in group))
        if forms & known or forms & set(allow):
            continue
        missing["/".join(group)] = len(cells)
    return missing


def alternatives(primary):
    """The spellings a primary usage accepts: "इकाई, इकाइयाँ" accepts either."""
    return [part.strip() for part in primary.split(",") if part.strip()]


def row_names(row):
    """Every English name in column 1, parenthesised expansions included ("gated recurrent unit")."""
    inner = re.findall(r"\(([^)]*)\)", row[0])
    return english_terms(row[0]) + [part.strip() for text in inner for part in text.split("/") if part.strip()]


def without_longer_terms(text, longer_names):
    """`text` with the given longer glossary names blanked out (so that "unit" inside "gated recurrent
    unit" does not count as a use of "unit")."""
    for name in longer_names:
        text = term_pattern(name).sub(" ", text)
    return text


def term_checks(pairs, rows, exceptions=frozenset()):
    """[(term, chosen form, lesson, found)] for every row term that an English lesson's prose uses.

    A term counts as used only outside longer glossary names that contain it. `found` tells whether the
    Hindi twin contains the primary usage; one listing several spellings separated by "," is satisfied by
    any of them. (term, lesson) pairs in `exceptions` are skipped."""
    names = sorted({name for row in rows for name in row_names(row)}, key=len, reverse=True)
    checks = []
    for row in rows:
        for term, form in chosen_forms(row[0], row[1]):
            longer = [name for name in names if len(name) > len(term) and uses_term(name, term)]
            for lesson, en_text, hi_text in pairs:
                if (term, lesson) in exceptions or not uses_term(without_longer_terms(en_text, longer), term):
                    continue
                found = any(contains_form(hi_text, spelling) for spelling in alternatives(form))
                checks.append((term, form, lesson, found))
    return checks


def form_violations(pairs, rows, exceptions=frozenset()):
    """[(term, chosen form, lesson)] where English prose uses the term but the Hindi twin lacks the form."""
    return [(term, form, lesson) for term, form, lesson, found in term_checks(pairs, rows, exceptions)
            if not found]


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def rows():
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lessons():
    """[(name, English prose cells, Hindi prose cells)] for lessons present in both languages."""
    names = sorted(p.name for p in LESSONS_EN.glob("[0-9][0-9]_*.md") if (LESSONS_HI / p.name).exists())
    return [(name, prose_cells(LESSONS_EN / name), prose_cells(LESSONS_HI / name)) for name in names]


# ---------------------------------------------------------------- tests
def test_helpers_on_tiny_strings():
    assert split_row("| a | b $|x|$ c | d |") == ["a", "b $|x|$ c", "d"]
    table = "intro\n\n| English term | Hindi | meaning |\n|---|---|---|\n| loss | loss (त्रुटि) | x |\n\nend |"
    assert parse_glossary(table) == [["loss", "loss (त्रुटि)", "x"]]
    assert clean_prose("a $x_i$ b $$\\sum$$ `code` [link](http://x.org/y) <b>t</b> https://e.com c") \
        .split() == ["a", "b", "[link]", "t", "c"]
    assert word_forms("Losses") == {"losses", "loss", "losse"}
    assert word_forms("bus") == {"bus"} and word_forms("gas") == {"gas"}
    assert uses_term("हम Autoencoders बनाएँगे", "autoencoder")
    assert uses_term("two latent vectors", "latent vector")
    assert uses_term("binary cross entropy", "binary cross-entropy")
    assert not uses_term("autoencoderish", "autoencoder")
    assert not uses_term("non-linear layers", "linear layer") and uses_term("DCGAN-style nets", "DCGAN")
    assert uses_term("the losses", "loss") and uses_term("one sample", "samples")
    assert contains_form("यह पुनर्निर्माणों का", "पुनर्निर्माण")
    assert contains_form("MSE loss", "mse") and not contains_form("MSEloss", "MSE")
    assert chosen_forms("linear / non-linear", "रैखिक (linear) / अरैखिक (non-linear)") == \
        [("linear", "रैखिक"), ("non-linear", "अरैखिक")]
    assert chosen_forms("autoencoder (AE)", "autoencoder") == [("autoencoder", "autoencoder")]
    assert chosen_forms("sampling", "sample करना (नमूना); samples = नमूने") == [("sampling", "sample करना")]
    assert chosen_forms("threshold", "सीमा-मान (threshold) $\\tau$") == [("threshold", "सीमा-मान")]
    assert chosen_forms("x", "(only a gloss)") == []
    tiny_rows = [["loss", "loss (त्रुटि)", ""], ["layer", "परत (layer)", ""]]
    cells = ["loss और Keras", "losses, Keras, Python", "Keras loss", "Python", "Python और x"]
    assert uncovered_words(cells, tiny_rows) == {"keras": 3, "python": 3}
    assert uncovered_words(cells, tiny_rows, allow={"keras", "python"}) == {}
    pairs = [("01_x.md", "Each layer has weights", "हर layer में भार")]
    assert form_violations(pairs, tiny_rows) == [("layer", "परत", "01_x.md")]
    assert form_violations([("02_y.md", "a hidden layer", "छिपी परत")], tiny_rows) == []
    assert contains_form("हम इसे सिखाते हैं", "सिखाना") and contains_form("Train करते", "train करना")
    assert not contains_form("हम इसे सीखते हैं", "सिखाना")
    gru_rows = tiny_rows + [["GRU (gated recurrent unit)", "GRU", ""], ["unit", "इकाई, इकाइयाँ", ""]]
    assert form_violations([("03_z.md", "GRUs (gated recurrent units)", "GRU")], gru_rows) == []
    assert form_violations([("03_z.md", "256 units", "256 इकाइयाँ")], gru_rows) == []
    assert form_violations([("03_z.md", "256 units", "256 units")], gru_rows) == [("unit", "इकाई, इकाइयाँ", "03_z.md")]
    assert form_violations([("03_z.md", "256 units", "256 units")], gru_rows, {("unit", "03_z.md")}) == []


def test_glossary_is_big_and_well_formed(rows, lessons):
    assert len(rows) >= 100, f"the glossary has only {len(rows)} rows"
    bad = [row for row in rows if len(row) != 3 or not all(row)]
    assert not bad, f"rows without exactly 3 filled columns: {bad}"
    firsts = [row[0] for row in rows]
    unsorted = [(a, b) for a, b in itertools.pairwise(firsts) if sort_key(a) > sort_key(b)]
    assert not unsorted, f"glossary rows are not in alphabetical order: {unsorted}"
    assert len(lessons) >= 3, f"only {len(lessons)} lessons exist in both languages"


def test_glossary_covers_the_latin_terms_of_the_hindi_lessons(rows, lessons):
    hindi_cells = [cell for _, _, hi in lessons for cell in hi]
    missing = uncovered_words(hindi_cells, rows, NOT_TERMS)
    listing = ", ".join(f"{word} ({count} cells)" for word, count in sorted(missing.items(), key=lambda x: -x[1]))
    assert not missing, f"Latin words in Hindi prose that GLOSSARY.md does not list: {listing}"


def test_hindi_lessons_use_the_glossary_forms(rows, lessons):
    pairs = [(name, "\n".join(en), "\n".join(hi)) for name, en, hi in lessons]
    checks = term_checks(pairs, rows, KNOWN_EXCEPTIONS)
    assert len(checks) >= 100, f"only {len(checks)} (term, lesson) uses were checked"
    assert len({lesson for _, _, lesson, _ in checks}) >= 3, "fewer than 3 lessons were checked"
    problems = [(term, form, lesson) for term, form, lesson, found in checks if not found]
    listing = "\n".join(f"  {term!r}: chosen form {form!r} missing in lessons_hi/{name}"
                        for term, form, name in problems)
    assert not problems, f"Hindi lessons do not use the glossary's chosen form:\n{listing}"
