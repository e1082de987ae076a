"""Structural parity of an English and a Hindi code cell: same code, each in its own language.

Two cells are twins when their syntax trees are the same once
- every string constant, and the literal text of every f-string, is taken as a placeholder
  (the expressions inside f-strings, with their conversions and format specs, must be the same);
- a Hindi `fig_text(hi, en=...)` call stands for its first argument, and its `en=` text is exactly
  what the English cell writes at that place (so a figure falls back to the English notebook's text);
- `fig_text` is dropped from `from helpers import ...` in the Hindi cell.
Comments may differ; they are not part of the syntax tree.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

FIG_TEXT = "fig_text"


@dataclass
class Mismatch:
    """Where two cells differ: the line in each and what differs."""

    en_line: int
    hi_line: int
    what: str

    def __str__(self) -> str:
        return f"English line {self.en_line}, Hindi line {self.hi_line}: {self.what}"


def is_fig_text(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == FIG_TEXT)


def is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


class _TextBlind(ast.NodeTransformer):
    """Replace string constants (not format specs) by a placeholder and fig_text(hi, ...) by its text."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant("<text>") if isinstance(node.value, str) else node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        return self.visit(node.args[0]) if is_fig_text(node) and node.args else self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node.value = self.visit(node.value)
        return node  # the format spec (":,", ".1%") must be the same in both languages


def f_string_fields(node: ast.AST) -> list[str]:
    """The expressions of an f-string with conversion and format spec, in any order (Hindi word order
    differs); texts inside the expressions are placeholders. None for a plain string."""
    if isinstance(node, ast.Constant):
        return []
    import copy

    return sorted(ast.dump(_TextBlind().visit(copy.deepcopy(value))) for value in node.values
                  if isinstance(value, ast.FormattedValue))


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def _drop_fig_text_import(body: list[ast.stmt]) -> list[ast.stmt]:
    """The Hindi module body without `fig_text` in `from helpers import ...`."""
    kept = []
    for stmt in body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "helpers":
            names = [alias for alias in stmt.names if alias.name != FIG_TEXT]
            if not names:
                continue
            stmt = ast.ImportFrom(module=stmt.module, names=names, level=stmt.level, lineno=stmt.lineno,
                                  col_offset=stmt.col_offset)
        kept.append(stmt)
    return kept


def compare(en: ast.AST, hi: ast.AST, problems: list[Mismatch]) -> None:
    """Append to `problems` every place where `hi` is not the structural twin of `en`."""
    if is_fig_text(hi):
        en_text = next((kw.value for kw in hi.keywords if kw.arg == "en"), None)
        if len(hi.args) != 1 or en_text is None or len(hi.keywords) != 1:
            problems.append(Mismatch(_line(en), _line(hi), "fig_text needs the Hindi text and en=..."))
            return
        if ast.dump(en_text) != ast.dump(en):
            problems.append(Mismatch(_line(en), _line(hi), f"fig_text(..., en={ast.unparse(en_text)}) but the "
                                     f"English cell writes {ast.unparse(en)}"))
        compare(en, hi.args[0], problems)
        return
    if is_text(en) and is_text(hi):
        if f_string_fields(en) != f_string_fields(hi):
            problems.append(Mismatch(_line(en), _line(hi), f"the f-strings hold different expressions: "
                                     f"{ast.unparse(en)} vs {ast.unparse(hi)}"))
        return
    if type(en) is not type(hi):
        problems.append(Mismatch(_line(en), _line(hi), f"{ast.unparse(en) if isinstance(en, ast.AST) else en!r} vs "
                                 f"{ast.unparse(hi) if isinstance(hi, ast.AST) else hi!r}"))
        return
    for field in en._fields:
        a, b = getattr(en, field, None), getattr(hi, field, None)
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                problems.append(Mismatch(_line(en), _line(hi), f"{type(en).__name__}.{field}: {len(a)} items in "
                                         f"English, {len(b)} in Hindi: {ast.unparse(en)} vs {ast.unparse(hi)}"))
                continue
            for x, y in zip(a, b):
                compare(x, y, problems)
        elif isinstance(a, ast.AST) and isinstance(b, ast.AST):
            compare(a, b, problems)
        elif isinstance(a, ast.AST) or isinstance(b, ast.AST) or a != b:
            if isinstance(en, ast.Constant) and field == "kind":
                continue  # u"" prefixes
            problems.append(Mismatch(_line(en), _line(hi), f"{type(en).__name__}.{field}: {a!r} vs {b!r}"))


def cell_mismatches(en_source: str, hi_source: str) -> list[Mismatch]:
    """How a Hindi code cell differs structurally from its English twin (empty list: they are twins)."""
    en_tree, hi_tree = ast.parse(en_source), ast.parse(hi_source)
    en_body, hi_body = en_tree.body, _drop_fig_text_import(hi_tree.body)
    problems: list[Mismatch] = []
    if len(en_body) != len(hi_body):
        problems.append(Mismatch(0, 0, f"{len(en_body)} statements in English, {len(hi_body)} in Hindi"))
    for a, b in zip(en_body, hi_body):
        compare(a, b, problems)
    return problems
