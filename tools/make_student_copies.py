"""Write exercise versions of every notebook into build/student/: cells tagged `solution` are emptied.

A solution cell keeps its leading comment lines (the exercise and its hint) and gets a placeholder
instead of the code. Outputs are cleared. The notebooks under notebooks/ are never touched.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = {
    "en": "# ✍️ Your code here\n...",
    "hi": "# ✍️ यहाँ अपना code लिखें\n...",
}


def exercise_source(solution: str, lang: str) -> str:
    """The leading comment lines of a solution cell (its hint), then a placeholder."""
    hint = []
    for line in solution.splitlines():
        if not line.strip().startswith("#"):
            break
        hint.append(line)
    return "\n".join(hint + [PLACEHOLDER[lang]])


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
    return nb, removed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="build/student")
    args = parser.parse_args()
    out = ROOT / args.out
    for notebook in sorted((ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb")):
        lang = notebook.parent.name
        nb, removed = student_copy(notebook, lang)
        target = out / lang / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        print(f"{lang}/{notebook.name}: {removed} solution cell(s) emptied")
    print(f"student copies: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
