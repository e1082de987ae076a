"""Write exercise versions of every notebook into build/student/: cells tagged `solution` are emptied.

A solution cell keeps its leading comment lines (the exercise and its hint). Of the code below them it
keeps what later cells need to exist, so that "Run all" goes on past an exercise left empty:
- each top-level `def` / `class`: its signature and docstring, with `...` as the body (a function then
  returns None, and the exercise's checker says "not done yet");
- each top-level assignment `name = ...`: `name = None`, with a comment in the notebook's language;
everything else is dropped, and a placeholder line ends the cell. Outputs are cleared. The notebooks under
notebooks/ are never touched, and a student copy that its student has changed is never overwritten.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = {
    "en": "# ✍️ Your code here\n...",
    "hi": "# ✍️ यहाँ अपना code लिखें\n...",
}
TO_WRITE = {
    "en": "# ✍️ replace None with your code",
    "hi": "# ✍️ None की जगह अपना code लिखें",
}
MARK = "course_student_copy"  # notebook metadata: the hash of the sources as written, to spot a student's edits


def _hint(lines: list[str]) -> tuple[list[str], int]:
    """The leading comment lines and the number of lines they (and blank lines among them) take."""
    hint, used = [], 0
    for line in lines:
        if line.strip() and not line.strip().startswith("#"):
            break
        used += 1
        if line.strip():
            hint.append(line)
    return hint, used


def _stub(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[str]) -> list[str]:
    """The definition's decorators, signature and docstring as written, with `...` as its body."""
    first = node.body[0]
    doc = first if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
        first.value.value, str) else None
    if first.lineno == node.lineno:  # `def f(x): return x` — the body shares the signature's line
        stub = ast.parse(ast.unparse(node)).body[0]
        stub.body = ([doc] if doc else []) + [ast.Expr(ast.Constant(...))]
        return ast.unparse(stub).splitlines()
    start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
    end = doc.end_lineno if doc else _signature_end(node, lines)
    return lines[start:end] + [" " * first.col_offset + "..."]


def _signature_end(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, lines: list[str]) -> int:
    """The number of the signature's last line: the line above the body, less comment and blank lines."""
    end = node.body[0].lineno - 1
    while end > node.lineno and (not lines[end - 1].strip() or lines[end - 1].strip().startswith("#")):
        end -= 1
    return end


def _names(target: ast.expr) -> list[str] | None:
    """The names an assignment target binds (`a`, `a, b`, `(a, [b, c])`), or None for `x.y =` / `x[i] =`."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        names = [_names(item.value if isinstance(item, ast.Starred) else item) for item in target.elts]
        return None if any(n is None for n in names) else [name for group in names for name in group]
    return None


def exercise_source(solution: str, lang: str) -> str:
    """The exercise version of a solution cell: hint, stubs for what later cells use, placeholder."""
    lines = solution.splitlines()
    hint, used = _hint(lines)
    try:
        tree = ast.parse(solution)
    except SyntaxError:  # IPython magics or a half-written cell: keep only the hint
        return "\n".join(hint + [PLACEHOLDER[lang]])
    kept: list[str] = []
    bound: list[str] = []
    for node in tree.body:
        if node.lineno <= used:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kept += ([""] if kept else []) + _stub(node, lines) + [""]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in _names(target) or []:
                    if name not in bound:
                        bound.append(name)
                        kept.append(f"{name} = None  {TO_WRITE[lang]}")
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and kept[-1].startswith(" "):  # a definition ends the stubs: a blank line before the placeholder
        kept.append("")
    return "\n".join(hint + kept + [PLACEHOLDER[lang]])


def _sources_hash(nb: nbformat.NotebookNode) -> str:
    return hashlib.sha256(json.dumps([c.source for c in nb.cells], ensure_ascii=False).encode()).hexdigest()


def student_copy(notebook: Path, lang: str) -> tuple[nbformat.NotebookNode, int]:
    """The exercise version of `notebook` and the number of solutions it removed."""
    nb = nbformat.read(notebook, as_version=4)
    removed = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "solution" in cell.metadata.get("tags", []):
                cell.source = exercise_source(cell.source, lang)
                removed += 1
    nb.metadata[MARK] = {"sources_sha256": _sources_hash(nb)}
    return nb, removed


def changed_by_student(path: Path) -> bool:
    """True when the copy at `path` has cells that differ from what this tool wrote there."""
    if not path.exists():
        return False
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - unreadable: treat as the student's, never overwrite it
        return True
    written = nb.metadata.get(MARK, {}).get("sources_sha256")
    return written != _sources_hash(nb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="build/student")
    args = parser.parse_args(argv)
    out = ROOT / args.out
    for notebook in sorted((ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb")):
        lang = notebook.parent.name
        target = out / lang / notebook.name
        if changed_by_student(target):
            print(f"{lang}/{notebook.name}: kept — you changed this copy (delete it for a fresh one)")
            continue
        nb, removed = student_copy(notebook, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        print(f"{lang}/{notebook.name}: {removed} solution cell(s) emptied")
    print(f"student copies: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
