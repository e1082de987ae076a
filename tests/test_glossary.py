"""GLOSSARY.md is the one word list of the course, and all Hindi text of the course follows it.

GLOSSARY.md has two tables, and this file reads both.

* The term table (header "English term").
  - Coverage: every Latin-script word (3+ letters) that appears in at least ``MIN_CELLS`` different Hindi
    prose cells (all lessons together) occurs, as a whole word, in the table's first or second column, or is
    in ``NOT_TERMS`` (everyday English words that are not technical terms).
  - Chosen form: for each row, when an English lesson's prose uses the row's English term, its Hindi twin's
    prose contains the row's primary Hindi usage (column 2 before the first "(" or ";").
* The forbidden-variants table (header "concept"), one row per concept: "use in Hindi", "never write", "twin".
  - No "never write" variant appears in any Hindi text of the course: the prose of ``lessons_hi/*.md``
    (reading-list titles left out), the comments and Devanagari string literals of its code cells, the
    ``hi`` side of ``helpers/quizzes/*.yaml``, and the Devanagari string literals and comments of
    ``helpers/*.py``.
  - Rows with twin = yes: wherever the English twin uses the concept's English term, the Hindi text contains
    the "use" form. Twins are the same prose cell of the English lesson, the ``en``/``hi`` sides of one quiz
    item, and the English and Hindi texts of one bilingual call or dict (``msg(en, hi)``,
    ``fig_text(hi, en=...)``, ``{"en": ..., "hi": ...}``).
* The register and orthography rules of GLOSSARY.md that a program can check:
  - no English-only comment line in a Hindi code cell (a comment made only of code, identifiers, glossary
    terms and formulas is fine, and so are tool directives such as ``# noqa``);
  - reading-list titles in a Hindi lesson are the English lesson's titles, unchanged;
  - all Hindi text is Unicode NFC; no word is spelled both with and without the nukta of ज़/फ़; a Devanagari
    word with ॉ/ऑ (an English loanword) is one the forbidden-variants table allows;
  - at least ``MIN_DEVANAGARI_SHARE`` of the letters of each Hindi lesson's prose are Devanagari.

Only lessons that exist in both ``lessons_en`` and ``lessons_hi`` are checked. Prose is the markdown cells read
with jupytext, without formulas, code, link targets, HTML tags and URLs. Every check has a self-test on tiny
strings that shows it failing on a bad example and passing on a good one.
"""
import ast
import builtins
import functools
import io
import itertools
import re
import tokenize
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "GLOSSARY.md"
LESSONS_EN = ROOT / "lessons_en"
LESSONS_HI = ROOT / "lessons_hi"
HELPERS = ROOT / "helpers"
QUIZZES = HELPERS / "quizzes"

MIN_CELLS = 3  # a Latin word in this many Hindi prose cells counts as a term the glossary must cover
MIN_DEVANAGARI_SHARE = 0.55  # of the letters of a Hindi lesson's prose (GLOSSARY.md, rule 10)

# Latin words in Hindi prose that are not technical terms: the glossary need not list them.
# Keep this short; a technical term or a tool/data set name belongs in the glossary instead.
NOT_TERMS = {
    "english", "version",  # the "English version" link at the top of every Hindi lesson
    "course", "copy", "click", "file", "download", "text",  # everyday words ("click करें", "text file")
    "research", "wikipedia",  # names: "Microsoft Research", "Wikipedia + BookCorpus"
    "bank",  # the example word whose meaning changes with its sentence (lesson 06)
    # authors named in the prose and the reading lists ("François" splits at the ç into "fran" and "ois")
    "bahdanau", "bengio", "cho", "chollet", "fran", "ois", "heusel", "luong", "radford", "sutskever", "vaswani",
}

# (English term, lesson) pairs where the English lesson uses a glossary term in another sense, so that the
# Hindi lesson rightly does not use the glossary's form. Only different senses belong here, never a variant.
OTHER_SENSES = {
    ("paper", "03_denoising_dimensionality_reduction.md"): "'scanned papers' are कागज़, not research papers",
    ("save", "06_pretrained_models.md"): "'save time / work' is बचाना, not saving a model to a file",
    ("block", "04_variational_autoencoder.md"): "a 'building block' of a bigger system (= हिस्सा), not a block of layers",
    ("block", "03_denoising_dimensionality_reduction.md"): "a 2×2 block of pixels (= खाना), not a block of layers",
}

# English phrases in which a twin-checked term has another sense, so that its Hindi twin rightly lacks the
# concept's form: {concept: (regex on the English text, why)}. Only different senses belong here.
TWIN_OTHER_SENSES = {
    "feature": (re.compile(r"^\|\s*feature\s*\|", re.IGNORECASE | re.MULTILINE),
                "the first header cell of a comparison table: 'feature' = पहलू / खासियत, not an ML feature"),
}

# Comments that are instructions to tools, not text for students: allowed in any language.
TOOL_DIRECTIVE = re.compile(r"^(noqa\b|type:\s*ignore|fmt:\s*(on|off|skip)\b|pragma\b|pylint:|isort:|ruff:|mypy:)",
                            re.IGNORECASE)
# Names of maths functions that a formula in a comment may use ("# σ = exp(½ log σ²)").
FORMULA_WORDS = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "max", "min", "sum", "mean", "std", "var",
                 "abs", "sqrt", "argmax", "argmin", "softmax", "sigmoid", "relu", "det", "diag", "db"}

_LATIN_WORD = re.compile(r"[A-Za-z]+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_DEVANAGARI_WORD = re.compile(r"[\u0900-\u0963\u0966-\u097F]+")  # without the dandas । ॥
NUKTA = "\u093c"
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")


# ---------------------------------------------------------------- reading GLOSSARY.md
def split_row(line):
    """Split one markdown table line on `|`, ignoring `|` inside `$...$` and an escaped `\\|` (which becomes
    `|`); outer empty cells dropped."""
    cells, current, in_math = [], [], False
    line = line.strip()
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and line[index + 1:index + 2] == "|":
            current.append("|")
            index += 2
            continue
        if char == "$":
            in_math = not in_math
        if char == "|" and not in_math:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return cells


def parse_table(text, first_header):
    """Rows (lists of cells) of the first markdown table whose header's first cell is `first_header`."""
    rows, in_table = [], False
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not in_table:
            if line.lstrip().startswith("|") and split_row(line)[:1] == [first_header]:
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


def parse_glossary(text):
    """Rows (lists of 3 cells) of the term table, whose header starts with "English term"."""
    return parse_table(text, "English term")


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


def reading_list_links(markdown):
    """[(link text, URL)] of the external links in list items (a reading list), Colab badges left out."""
    links = []
    for match in _LINK.finditer(markdown):
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        url = match.group(2)
        if (_LIST_ITEM.match(markdown[line_start:match.start() + 1]) and url.startswith(("http://", "https://"))
                and "colab.research.google.com" not in url):
            links.append((match.group(1).strip(), url))
    return links


def without_titles(markdown):
    """`markdown` without the English titles of its reading list (they stay English by rule 8)."""
    titles = {text for text, _ in reading_list_links(markdown) if not _DEVANAGARI.search(text)}

    def blank(match):
        return "[ ](" + match.group(2) + ")" if match.group(1).strip() in titles else match.group(0)

    return _LINK.sub(blank, markdown)


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
    """Cleaned markdown cells of a MyST lesson, reading-list titles left out."""
    return [clean_prose(without_titles(cell.source)) for _, cell in markdown_cells(path)]


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


# ---------------------------------------------------------------- the forbidden-variants table
@dataclass(frozen=True)
class Rule:
    """One row of the forbidden-variants table."""

    concept: str  # English term(s), "/"-separated, with notes in brackets
    use: str  # column 2: the one form (before the first "(" or ";"), commas between accepted spellings
    never: str  # column 3: "literal" and `regex` variants
    twin: bool  # column 4: does the Hindi twin of an English text using the term need the "use" form?

    @property
    def terms(self):
        return english_terms(self.concept)

    @property
    def forms(self):
        return alternatives(_primary(self.use))

    @functools.cached_property
    def patterns(self):
        return forbidden_patterns(self.never)


def parse_rules(text):
    """The rows of the forbidden-variants table (header "concept | use in Hindi | never write | twin")."""
    rules = []
    for cells in parse_table(text, "concept"):
        assert len(cells) == 4, f"a forbidden-variants row needs 4 cells: {cells}"
        assert cells[3] in ("yes", "no"), f"twin must be yes or no: {cells}"
        rules.append(Rule(cells[0], cells[1], cells[2], cells[3] == "yes"))
    return rules


def literal_pattern(literal):
    """A regex for one "literal" variant. Devanagari: anywhere, also inside longer words, but never cut before
    a nukta (so "साफ" does not match साफ़). Latin only: whole words, singular or plural, any case."""
    if not _DEVANAGARI.search(literal):
        return term_pattern(literal)
    before = r"(?<![A-Za-z])" if literal[0].isascii() and literal[0].isalpha() else ""
    after = r"(?![A-Za-z])" if literal[-1].isascii() and literal[-1].isalpha() else f"(?!{NUKTA})"
    return re.compile(before + re.escape(literal) + after, re.IGNORECASE)


def forbidden_patterns(cell):
    """[(label, compiled regex)] for the "never write" cell: "literals" and `regular expressions`."""
    patterns = []
    for literal, regex in re.findall(r'"([^"]+)"|`([^`]+)`', cell):
        if literal:
            patterns.append((f'"{literal}"', literal_pattern(literal)))
        else:
            patterns.append((f"`{regex}`", re.compile(regex, re.IGNORECASE)))
    return patterns


def forbidden_hits(text, rules):
    """[(concept, variant, excerpt)] for every forbidden variant in `text`; one hit per rule and place."""
    hits = []
    for rule in rules:
        seen = set()
        for label, pattern in rule.patterns:
            for match in pattern.finditer(text):
                if match.start() in seen:
                    continue
                seen.add(match.start())
                excerpt = text[max(0, match.start() - 25):match.end() + 25].replace("\n", " ")
                hits.append((rule.concept, label, excerpt.strip()))
    return hits


def twin_guards(rules, rows):
    """{concept: [longer glossary names to blank out]}: names that contain one of the rule's English terms but
    whose own chosen form lacks the rule's Hindi form ("gated recurrent unit" → GRU, not इकाई)."""
    guards = {}
    for rule in rules:
        longer = []
        for row in rows:
            primary = _primary(row[1])
            for name in row_names(row):
                if any(len(name) > len(term) and uses_term(name, term) for term in rule.terms) and \
                        not any(contains_form(primary, form) for form in rule.forms):
                    longer.append(name)
        guards[rule.concept] = sorted(set(longer), key=len, reverse=True)
    return guards


def twin_misses(en_text, hi_text, rules, guards=None, other_senses=None):
    """[(concept, forms)] for the twin rules whose English term `en_text` uses while `hi_text` lacks every form.
    `guards` blanks longer glossary names, `other_senses` ({concept: (regex, why)}) phrases of another sense."""
    other_senses = other_senses or {}
    misses = []
    for rule in rules:
        if not rule.twin:
            continue
        english = without_longer_terms(en_text, (guards or {}).get(rule.concept, []))
        if rule.concept in other_senses:
            english = other_senses[rule.concept][0].sub(" ", english)
        if any(uses_term(english, term) for term in rule.terms) and \
                not any(contains_form(hi_text, form) for form in rule.forms):
            misses.append((rule.concept, ", ".join(rule.forms)))
    return misses


def allowed_o_words(rules):
    """Devanagari words with ॉ/ऑ that the table allows: every "use" spelling that has one."""
    return {form for rule in rules for form in alternatives(rule.use.split(";")[0]) if re.search("[ॉऑ]", form)}


# ---------------------------------------------------------------- orthography
def non_nfc(text):
    """The characters of `text` that Unicode NFC would change (such as a precomposed क़ U+0958)."""
    return sorted({char for char in text if unicodedata.normalize("NFC", char) != char})


def nukta_doublets(words):
    """[(with nukta, without)] for words written both with and without the nukta of ज़/फ़."""
    by_key = defaultdict(set)
    for word in words:
        by_key[word.replace("ज" + NUKTA, "ज").replace("फ" + NUKTA, "फ")].add(word)
    return sorted(tuple(sorted(spellings, key=lambda w: -w.count(NUKTA))) for spellings in by_key.values()
                  if len(spellings) > 1)


def o_words(text, allowed):
    """Devanagari words with ॉ/ऑ (English loanwords) that do not start with an allowed word."""
    return sorted({word for word in _DEVANAGARI_WORD.findall(text)
                   if re.search("[ॉऑ]", word) and not any(word.startswith(a) for a in allowed)})


def devanagari_letter_share(text):
    """Devanagari letters and vowel signs over those plus Latin letters (digits, dandas and symbols left out)."""
    devanagari = sum(1 for c in text if "\u0900" <= c <= "\u097F" and unicodedata.category(c)[0] in "LM")
    latin = sum(1 for c in text if c.isalpha() and "LATIN" in unicodedata.name(c, ""))
    return devanagari / max(1, devanagari + latin)


# ---------------------------------------------------------------- code: comments, strings, bilingual pairs
def _parseable(source):
    """Cell source with IPython magics and shell lines (`%...`, `!...`) replaced by `pass`."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(line[:len(line) - len(stripped)] + "pass" if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines) + "\n"


def comments(source):
    """[(line, comment text without "#")] of a cell or module."""
    tokens = tokenize.generate_tokens(io.StringIO(_parseable(source)).readline)
    return [(tok.start[0], tok.string[1:].strip()) for tok in tokens if tok.type == tokenize.COMMENT]


def _text(node):
    """The text of a string literal; an f-string's fields become "{…}". None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
    return None


def string_literals(tree):
    """[(line, text)] of every string literal (an f-string counts once, with its fields as "{…}")."""
    inner = {id(child) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for child in ast.walk(node) if child is not node}
    found = []
    for node in ast.walk(tree):
        text = None if id(node) in inner else _text(node)
        if text is not None:
            found.append((node.lineno, text))
    return found


def bilingual_pairs(tree):
    """[(line, English text, Hindi text)]: calls with one Devanagari and one Latin string argument
    (msg(en, hi), fig_text(hi, en=...)) and dicts with "en" and "hi" keys."""
    pairs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            texts = [_text(arg) for arg in [*node.args, *(k.value for k in node.keywords)]]
            texts = [t for t in texts if t is not None]
            hindi = [t for t in texts if _DEVANAGARI.search(t)]
            english = [t for t in texts if not _DEVANAGARI.search(t) and _LATIN_WORD.search(t)]
            if len(hindi) == 1 and len(english) == 1:
                pairs.append((node.lineno, english[0], hindi[0]))
        elif isinstance(node, ast.Dict):
            by_key = {_text(k): v for k, v in zip(node.keys, node.values) if k is not None}
            if "en" in by_key and "hi" in by_key and _text(by_key["en"]) is not None \
                    and _text(by_key["hi"]) is not None:
                pairs.append((node.lineno, _text(by_key["en"]), _text(by_key["hi"])))
    return pairs


def identifiers(tree):
    """Every name a piece of code defines or uses: variables, attributes, functions, arguments, imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg) or (isinstance(node, ast.keyword) and node.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.update(alias.name.split("."))
                if alias.asname:
                    names.add(alias.asname)
            if isinstance(node, ast.ImportFrom) and node.module:
                names.update(node.module.split("."))
    return names


def english_only_comment(comment, known):
    """Is this comment (without "#") English text rather than Hindi, code or a formula?

    It is when it has no Devanagari, is no tool directive, and has a Latin word (2+ letters, outside
    backticks and URLs) that is none of: a name from the code (`known`), a glossary term (also in `known`), a
    maths function (FORMULA_WORDS) or something code-like (with "_" or a digit)."""
    if not comment or _DEVANAGARI.search(comment) or TOOL_DIRECTIVE.match(comment):
        return False
    text = re.sub(r"`[^`]*`|https?://\S+", " ", comment)
    lowered = {k.lower() for k in known}
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        if word in known or "_" in word or re.search(r"\d", word) or len(word) < 2:
            continue
        if word.lower() in FORMULA_WORDS or word_forms(word) & lowered:
            continue
        return True
    return False


# ---------------------------------------------------------------- the Hindi texts of the course
@dataclass(frozen=True)
class Text:
    """One piece of Hindi text and where it is."""

    where: str
    text: str


@functools.cache
def markdown_cells(path):
    """[(cell index, cell)] of the markdown cells of a MyST lesson."""
    return [(i, cell) for i, cell in enumerate(jupytext.read(path).cells) if cell.cell_type == "markdown"]


@functools.cache
def code_cells(path):
    """[(cell index, source)] of the code cells of a MyST lesson."""
    return [(i, cell.source) for i, cell in enumerate(jupytext.read(path).cells) if cell.cell_type == "code"]


def parse_code(source, where):
    """The syntax tree of a cell or module; a cell that does not parse fails the test that reads it."""
    try:
        return ast.parse(_parseable(source))
    except SyntaxError as err:
        pytest.fail(f"{where}: cannot parse the code ({err})")


def lesson_texts(name):
    """Hindi texts of lessons_hi/`name`: prose cells (titles left out), then the comments and Devanagari string
    literals of the code cells."""
    path = LESSONS_HI / name
    texts = [Text(f"{name} cell {i} (prose)", clean_prose(without_titles(cell.source)))
             for i, cell in markdown_cells(path)]
    for i, source in code_cells(path):
        tree = parse_code(source, f"{name} cell {i}")
        texts += [Text(f"{name} cell {i} line {line} (comment)", c) for line, c in comments(source)
                  if _DEVANAGARI.search(c)]
        texts += [Text(f"{name} cell {i} line {line} (string)", s) for line, s in string_literals(tree)
                  if _DEVANAGARI.search(s)]
    return texts


def lesson_pairs(name):
    """[(where, English, Hindi)]: the lesson's aligned prose cells and the bilingual calls of its Hindi code."""
    en_cells, hi_cells = markdown_cells(LESSONS_EN / name), markdown_cells(LESSONS_HI / name)
    assert len(en_cells) == len(hi_cells), f"{name}: {len(en_cells)} English and {len(hi_cells)} Hindi prose cells"
    pairs = [(f"{name} cell {i} (prose)", clean_prose(en.source), clean_prose(hi.source))
             for (i, en), (_, hi) in zip(en_cells, hi_cells)]
    for i, source in code_cells(LESSONS_HI / name):
        tree = parse_code(source, f"{name} cell {i}")
        pairs += [(f"{name} cell {i} line {line} (call)", en, hi) for line, en, hi in bilingual_pairs(tree)]
    return pairs


def quiz_items(path):
    """[(where, English or None, Hindi)] for every `hi` field of a quiz file, with its `en` twin."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            if isinstance(node.get("hi"), str):
                found.append((where, node.get("en") if isinstance(node.get("en"), str) else None, node["hi"]))
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    return found


def helper_texts(path):
    """Devanagari string literals and comments of one helpers module."""
    source = path.read_text(encoding="utf-8")
    tree = parse_code(source, f"helpers/{path.name}")
    texts = [Text(f"helpers/{path.name}:{line} (string)", s) for line, s in string_literals(tree)
             if _DEVANAGARI.search(s)]
    texts += [Text(f"helpers/{path.name}:{line} (comment)", c) for line, c in comments(source) if _DEVANAGARI.search(c)]
    return texts


def helper_pairs(path):
    source = path.read_text(encoding="utf-8")
    return [(f"helpers/{path.name}:{line} (call)", en, hi)
            for line, en, hi in bilingual_pairs(parse_code(source, f"helpers/{path.name}"))]


LESSON_NAMES = sorted(p.name for p in LESSONS_EN.glob("[0-9][0-9]_*.md") if (LESSONS_HI / p.name).exists())
SOURCES = [f"lessons_hi/{name}" for name in LESSON_NAMES] + ["helpers/quizzes", "helpers/*.py"]


def source_texts(source):
    """Every Hindi Text of one source: a Hindi lesson, all quizzes, or all helpers modules."""
    if source.startswith("lessons_hi/"):
        return lesson_texts(source.split("/", 1)[1])
    if source == "helpers/quizzes":
        return [Text(f"quizzes/{where}", hi) for path in sorted(QUIZZES.glob("*.yaml"))
                for where, _, hi in quiz_items(path)]
    return [text for path in sorted(HELPERS.glob("*.py")) for text in helper_texts(path)]


def source_pairs(source):
    """Every (where, English, Hindi) twin of one source."""
    if source.startswith("lessons_hi/"):
        return lesson_pairs(source.split("/", 1)[1])
    if source == "helpers/quizzes":
        return [(f"quizzes/{where}", en, hi) for path in sorted(QUIZZES.glob("*.yaml"))
                for where, en, hi in quiz_items(path) if en is not None]
    return [pair for path in sorted(HELPERS.glob("*.py")) for pair in helper_pairs(path)]


def listing(problems, limit=60):
    """Problems as lines, at most `limit` of them, and how many were left out."""
    lines = [f"  {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"  ... and {len(problems) - limit} more")
    return "\n".join(lines)


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def glossary_text():
    return GLOSSARY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(glossary_text):
    return parse_glossary(glossary_text)


@pytest.fixture(scope="module")
def rules(glossary_text):
    return parse_rules(glossary_text)


@pytest.fixture(scope="module")
def lessons():
    """[(name, English prose cells, Hindi prose cells)] for lessons present in both languages."""
    return [(name, prose_cells(LESSONS_EN / name), prose_cells(LESSONS_HI / name)) for name in LESSON_NAMES]


@pytest.fixture(scope="module")
def all_hindi_texts():
    return [text for source in SOURCES for text in source_texts(source)]


# ---------------------------------------------------------------- self-tests on tiny strings
def test_helpers_on_tiny_strings():
    assert split_row("| a | b $|x|$ c | d |") == ["a", "b $|x|$ c", "d"]
    assert split_row(r"| a | `x\|y` | c |") == ["a", "`x|y`", "c"]
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
    assert contains_form("यह reconstructions का", "reconstruction")
    assert contains_form("MSE loss", "mse") and not contains_form("MSEloss", "MSE")
    assert chosen_forms("linear / non-linear", "linear (सीधा) / non-linear (मुड़ा हुआ)") == \
        [("linear", "linear"), ("non-linear", "non-linear")]
    assert chosen_forms("autoencoder (AE)", "autoencoder") == [("autoencoder", "autoencoder")]
    assert chosen_forms("sampling", "sample करना (नमूना); samples = नमूने") == [("sampling", "sample करना")]
    assert chosen_forms("threshold", "सीमा-मान (threshold) $\\tau$") == [("threshold", "सीमा-मान")]
    assert chosen_forms("x", "(only a gloss)") == []
    tiny_rows = [["loss", "loss (जिसे घटाना है)", ""], ["layer", "परत (layer)", ""]]
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


def test_reading_list_helpers_on_tiny_strings():
    md = ("[Colab](https://colab.research.google.com/x)\n"
          "- Kingma, [Auto-Encoding Variational Bayes](https://arxiv.org/abs/1312.6114) — VAE\n"
          "- [मूल लेख](https://arxiv.org/abs/1406.2661)\nइस [पाठ](https://e.org) में")
    assert reading_list_links(md) == [("Auto-Encoding Variational Bayes", "https://arxiv.org/abs/1312.6114"),
                                      ("मूल लेख", "https://arxiv.org/abs/1406.2661")]
    cleaned = clean_prose(without_titles(md))
    assert "Variational" not in cleaned and "मूल लेख" in cleaned and "पाठ" in cleaned
    assert title_problems(md, md) == []
    hindi = md.replace("[Auto-Encoding Variational Bayes]", "[VAE का लेख]")
    assert title_problems(md, hindi) == [
        "'VAE का लेख' should be 'Auto-Encoding Variational Bayes' (https://arxiv.org/abs/1312.6114)"]
    assert title_problems(md, "कुछ नहीं") == [
        "missing: 'Auto-Encoding Variational Bayes' (https://arxiv.org/abs/1312.6114)",
        "missing: 'मूल लेख' (https://arxiv.org/abs/1406.2661)"]


def test_forbidden_variant_helpers_on_tiny_strings():
    table = ("| concept | use in Hindi | never write | twin |\n|---|---|---|---|\n"
             '| section | खंड ("खंड 3") | "section"; `भाग\\s+\\d`; "इस भाग" | yes |\n'
             '| error | error | "त्रुटि" | yes |\n'
             '| loss | loss | "loss (त्रुटि" | yes |\n'
             '| nukta on ज़ | सिर्फ़, साफ़ | "सिर्फ"; "साफ" | no |\n'
             '| lr | learning rate | "छोटी learning rate"; `नियंत्र\\S*\\s*\\(\\s*regulari` | no |\n'
             '| x | a `\\|` b | `qq\\|zz` | no |\n'
             "| loanwords | फ़ोटो, कॉफ़ी | — | no |\n")
    tiny = parse_rules(table)
    assert [r.concept for r in tiny] == ["section", "error", "loss", "nukta on ज़", "lr", "x", "loanwords"]
    assert tiny[0].forms == ["खंड"] and tiny[0].terms == ["section"] and tiny[0].twin
    assert tiny[5].never == "`qq|zz`" and tiny[5].use == "a `|` b"

    def concepts(text):
        return [concept for concept, _, _ in forbidden_hits(text, tiny)]

    assert concepts("जैसा section 2 में और Sections में") == ["section", "section"]
    assert concepts("भाग 4 देखें; इस भाग के cells") == ["section", "section"]
    assert concepts("खंड 4 देखें; 6 को 3 से भाग देने पर 2") == []
    assert concepts("reconstruction त्रुटियाँ") == ["error"]
    assert sorted(concepts("loss (त्रुटि का माप)")) == ["error", "loss"]
    assert concepts("सिर्फ एक साफ तस्वीर") == ["nukta on ज़", "nukta on ज़"]
    assert concepts("सिर्फ़ एक साफ़ तस्वीर") == []
    assert concepts("छोटी learning rate से; नियंत्रित (regularise) करता है") == ["lr", "lr"]
    assert concepts("छोटा learning rate") == [] and concepts("sectional") == []
    assert concepts("zz और qq") == ["x", "x"]
    assert allowed_o_words(tiny) == {"कॉफ़ी"}
    assert o_words("मुझे कॉफ़ी पसंद है, पर ऑनलाइन मॉडल नहीं।", allowed_o_words(tiny)) == ["ऑनलाइन", "मॉडल"]

    assert twin_misses("see section 2", "खंड 2 देखें", tiny) == []
    assert twin_misses("see section 2", "भाग 2 देखें", tiny) == [("section", "खंड")]
    assert twin_misses("the error grows", "अंतर बढ़ता है", tiny) == [("error", "error")]
    assert twin_misses("the mean squared error", "MSE", tiny) == [("error", "error")]
    assert twin_misses("the mean squared error", "MSE", tiny, {"error": ["mean squared error"]}) == []
    senses = {"error": (re.compile(r"^\| error \|", re.MULTILINE), "a table header")}
    assert twin_misses("| error | x |\n|---|---|", "| पहलू | x |", tiny, other_senses=senses) == []
    assert twin_misses("| error | x |\n| the error | y |", "| पहलू | x |", tiny, other_senses=senses) == \
        [("error", "error")]
    rows_ = [["mean squared error (MSE)", "MSE (mean squared error)", ""],
             ["reconstruction error", "reconstruction error", ""]]
    assert twin_guards(tiny[1:2], rows_) == {"error": ["mean squared error"]}


def test_orthography_helpers_on_tiny_strings():
    assert non_nfc("ज़्यादा") == []  # ज + nukta sign: NFC
    assert non_nfc("\u095bरूरी") == ["\u095b"]  # the precomposed ज़ is not NFC
    assert nukta_doublets(["ज़्यादा", "ज्यादा", "साफ़", "घर"]) == [("ज़्यादा", "ज्यादा")]
    assert nukta_doublets(["ज़्यादा", "साफ़", "फ़ायदा"]) == []
    assert devanagari_letter_share("यह loss है।") == pytest.approx(4 / 8)
    assert devanagari_letter_share("This is English.") == 0.0
    assert devanagari_letter_share("सब हिंदी 123") == 1.0
    assert devanagari_letter_share("यह loss है।") < MIN_DEVANAGARI_SHARE <= devanagari_letter_share("यह एक loss है।")


def test_code_helpers_on_tiny_strings():
    cell = ('%matplotlib inline\n'
            'x = msg("{n} rows", f"{n} पंक्तियाँ")  # पंक्तियाँ गिनिए\n'
            'fig_text("साफ़ की गई", en="denoised")\n'
            'd = {"en": "done", "hi": "हो गया"}\n'
            '# the code z\n')
    tree = ast.parse(_parseable(cell))
    assert comments(cell) == [(2, "पंक्तियाँ गिनिए"), (5, "the code z")]
    assert [s for _, s in string_literals(tree) if _DEVANAGARI.search(s)] == ["{…} पंक्तियाँ", "साफ़ की गई", "हो गया"]
    assert bilingual_pairs(tree) == [(2, "{n} rows", "{…} पंक्तियाँ"), (3, "denoised", "साफ़ की गई"),
                                     (4, "done", "हो गया")]
    assert {"msg", "fig_text", "x", "d", "en"} <= identifiers(tree)
    known = identifiers(ast.parse("z = encoder(x)\nlog_var = head(h)")) | {"code", "logit"}
    for english in ["the code z", "try 0.1 or 10", "after these, we keep a copy (section 12)",
                    "Exercise: compute the accuracy", "(N,) probabilities", "RMS difference of pairs"]:
        assert english_only_comment(english, known), english
    for fine in ["→ code z", "z = encoder(x)", "σ = exp(½ log σ²)", "ε ~ N(0, I)", "(N, 1, 28, 28) → (N, 784)",
                 "logits", "noqa: E402", "type: ignore", "संकेत: F.interpolate(x, mode=...)", "log_var",
                 "`make bench` https://example.org/x", "→ 2c×7×7", ""]:
        assert not english_only_comment(fine, known), fine


# ---------------------------------------------------------------- the glossary itself
REQUIRED_CONCEPTS = {"section", "row", "column", "unit", "token", "add", "concatenate", "connection", "loss",
                     "error", "interpolation", "regulariser", "compute", "learning rate", "feature", "class"}


def test_glossary_is_big_and_well_formed(rows, rules, lessons):
    assert len(rows) >= 100, f"the glossary has only {len(rows)} rows"
    bad = [row for row in rows if len(row) != 3 or not all(row)]
    assert not bad, f"rows without exactly 3 filled columns: {bad}"
    firsts = [row[0] for row in rows]
    unsorted = [(a, b) for a, b in itertools.pairwise(firsts) if sort_key(a) > sort_key(b)]
    assert not unsorted, f"glossary rows are not in alphabetical order: {unsorted}"
    assert len(lessons) >= 3, f"only {len(lessons)} lessons exist in both languages"
    assert len(rules) >= 30, f"the forbidden-variants table has only {len(rules)} rows"
    named = {term for rule in rules for term in rule.terms} | {rule.concept.split(" (")[0] for rule in rules}
    assert REQUIRED_CONCEPTS <= named, f"forbidden-variants rows missing: {REQUIRED_CONCEPTS - named}"
    assert sum(rule.twin for rule in rules) >= 10, "too few twin checks"
    assert all(rule.forms for rule in rules), [rule.concept for rule in rules if not rule.forms]
    quoted = [rule.concept for rule in rules if re.findall(r'"[^"]*"|`[^`]*`', rule.never)
              and not rule.patterns]
    assert not quoted, f"unreadable 'never write' cells: {quoted}"


def test_glossary_follows_its_own_rules(rows, rules):
    """The term table's Hindi columns and every "use" form are free of forbidden variants."""
    problems = [f"term table, {row[0]!r}: {variant} ({concept}) in {excerpt!r}"
                for row in rows for concept, variant, excerpt in forbidden_hits(f"{row[1]} | {row[2]}", rules)]
    problems += [f"forbidden-variants table, {rule.concept!r}: 'use' has {variant} ({concept})"
                 for rule in rules for concept, variant, _ in forbidden_hits(rule.use, rules)]
    assert not problems, "GLOSSARY.md breaks its own rules:\n" + listing(problems)


def test_glossary_covers_the_latin_terms_of_the_hindi_lessons(rows, lessons):
    hindi_cells = [cell for _, _, hi in lessons for cell in hi]
    missing = uncovered_words(hindi_cells, rows, NOT_TERMS)
    listed = ", ".join(f"{word} ({count} cells)" for word, count in sorted(missing.items(), key=lambda x: -x[1]))
    assert not missing, f"Latin words in Hindi prose that GLOSSARY.md does not list: {listed}"


def test_hindi_lessons_use_the_glossary_forms(rows, lessons):
    pairs = [(name, "\n".join(en), "\n".join(hi)) for name, en, hi in lessons]
    checks = term_checks(pairs, rows, OTHER_SENSES)
    assert len(checks) >= 100, f"only {len(checks)} (term, lesson) uses were checked"
    assert len({lesson for _, _, lesson, _ in checks}) >= 3, "fewer than 3 lessons were checked"
    problems = [f"{term!r}: chosen form {form!r} missing in lessons_hi/{name}"
                for term, form, name, found in checks if not found]
    assert not problems, "Hindi lessons do not use the glossary's chosen form:\n" + listing(problems)
    still_needed = {(term, name) for term, _, name, found in term_checks(pairs, rows) if not found}
    stale = sorted(set(OTHER_SENSES) - still_needed)
    assert not stale, f"OTHER_SENSES entries that no lesson needs any more (remove them): {stale}"


# ---------------------------------------------------------------- the Hindi texts follow the rules
@pytest.mark.parametrize("source", SOURCES)
def test_no_forbidden_variants(source, rules):
    texts = source_texts(source)
    assert texts, f"no Hindi text found in {source}"
    problems = [f"{t.where}: {variant} ({concept}) in {excerpt!r}"
                for t in texts for concept, variant, excerpt in forbidden_hits(t.text, rules)]
    assert not problems, f"{len(problems)} forbidden variants in {source} (see GLOSSARY.md):\n" + listing(problems)


@pytest.mark.parametrize("source", SOURCES)
def test_hindi_twins_use_the_chosen_form(source, rules, rows):
    pairs = source_pairs(source)
    assert pairs, f"no English/Hindi twins found in {source}"
    guards = twin_guards(rules, rows)
    problems = [f"{where}: the English uses {concept!r}, the Hindi lacks {forms!r}"
                for where, en, hi in pairs
                for concept, forms in twin_misses(en, hi, rules, guards, TWIN_OTHER_SENSES)]
    assert not problems, f"{len(problems)} Hindi twins without the glossary's form in {source}:\n" + listing(problems)


def test_twin_other_senses_are_still_needed(rules):
    twin_concepts = {rule.concept for rule in rules if rule.twin}
    unknown = set(TWIN_OTHER_SENSES) - twin_concepts
    assert not unknown, f"TWIN_OTHER_SENSES names concepts without a twin rule: {unknown}"
    english = [en for source in SOURCES for _, en, _ in source_pairs(source)]
    stale = [concept for concept, (pattern, _) in TWIN_OTHER_SENSES.items() if not any(map(pattern.search, english))]
    assert not stale, f"TWIN_OTHER_SENSES entries that no English text needs any more (remove them): {stale}"


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_no_english_only_comments_in_hindi_code_cells(name, rows):
    cells = code_cells(LESSONS_HI / name)
    trees = [parse_code(source, f"{name} cell {i}") for i, source in cells]
    known = set().union(*(identifiers(tree) for tree in trees)) | set(dir(builtins))
    known |= {word for word in glossary_words(rows) if len(word) >= 3}
    problems = [f"cell {i} line {line}: # {comment}" for i, source in cells for line, comment in comments(source)
                if english_only_comment(comment, known)]
    assert not problems, f"{len(problems)} English comment lines in lessons_hi/{name}:\n" + listing(problems)


def title_problems(en_markdown, hi_markdown):
    """Reading-list entries of the English cell whose title the Hindi cell changes or leaves out."""
    hindi = defaultdict(list)
    for text, url in _LINK.findall(hi_markdown):
        hindi[url].append(text.strip())
    problems = []
    for title, url in reading_list_links(en_markdown):
        if not hindi[url]:
            problems.append(f"missing: {title!r} ({url})")
        elif title not in hindi[url]:
            problems.append(f"{hindi[url][0]!r} should be {title!r} ({url})")
    return problems


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_reading_list_titles_stay_english(name):
    en_cells, hi_cells = markdown_cells(LESSONS_EN / name), markdown_cells(LESSONS_HI / name)
    problems = [f"cell {i}: {problem}" for (i, en), (_, hi) in zip(en_cells, hi_cells)
                for problem in title_problems(en.source, hi.source)]
    assert sum(len(reading_list_links(en.source)) for _, en in en_cells) >= 3, f"{name}: no reading list found"
    assert not problems, f"reading-list titles changed in lessons_hi/{name}:\n" + listing(problems)


@pytest.mark.parametrize("name", LESSON_NAMES)
def test_hindi_prose_is_mostly_devanagari_letters(name):
    prose = "\n".join(clean_prose(without_titles(cell.source)) for _, cell in markdown_cells(LESSONS_HI / name))
    share = devanagari_letter_share(prose)
    assert share >= MIN_DEVANAGARI_SHARE, \
        f"lessons_hi/{name}: {share:.1%} of the prose letters are Devanagari (at least {MIN_DEVANAGARI_SHARE:.0%})"


def test_hindi_text_is_nfc(all_hindi_texts):
    problems = [f"{t.where}: {', '.join(f'U+{ord(c):04X}' for c in non_nfc(t.text))}"
                for t in all_hindi_texts if non_nfc(t.text)]
    assert not problems, "Hindi text that is not Unicode NFC (write letter + nukta sign):\n" + listing(problems)


def test_one_spelling_per_word_with_or_without_nukta(all_hindi_texts):
    where = defaultdict(set)
    for t in all_hindi_texts:
        for word in _DEVANAGARI_WORD.findall(t.text):
            where[word].add(t.where)
    problems = [" / ".join(f"{w} ({min(where[w])}{', …' if len(where[w]) > 1 else ''})" for w in doublet)
                for doublet in nukta_doublets(where)]
    assert not problems, "words spelled both with and without the nukta of ज़/फ़:\n" + listing(problems)


def test_devanagari_loanwords_are_the_allowed_ones(all_hindi_texts, rules):
    allowed = allowed_o_words(rules)
    problems = [f"{t.where}: {', '.join(o_words(t.text, allowed))}" for t in all_hindi_texts
                if o_words(t.text, allowed)]
    assert not problems, ("English words in Devanagari (write them in Latin script; GLOSSARY.md rule 6):\n"
                          + listing(problems))
