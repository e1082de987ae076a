"""Translation freshness: every Hindi prose cell, and every Hindi code cell with text to translate (its
comments and strings), records a hash of the English cell it was translated from.

    python tools/translation.py status                 # list stale Hindi cells (exit 1 if any)
    python tools/translation.py stamp 01_autoencoder 5 7   # after translating cells 5 and 7 again
    python tools/translation.py stamp 01_autoencoder --all # mark every cell of a lesson as up to date

The stamp is the `en_sha` field of the Hindi cell's metadata (`+++ {"en_sha": "..."}` above a prose cell,
`:en_sha: ...` in a code cell's options in lessons_hi/NN_name.md). For a code cell only its comments and
string literals count: the code itself is the same in both languages (tests/test_parity.py checks it). The notebooks are updated from the .md files afterwards (jupytext).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
KEY = "en_sha"


def english_hash(source: str) -> str:
    """Short hash of an English prose cell (surrounding whitespace, the generated quiz text and the repository
    in Colab links ignored: `make sync` writes those in both languages)."""
    from sync_lessons import COLAB_LINK, QUIZ_BLOCK

    source = COLAB_LINK.sub("<colab>/", QUIZ_BLOCK.sub("", source))
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:12]


def code_text(source: str) -> str:
    """The comments and the literal text of the strings of a code cell, in order: what a translator translates
    (the expressions inside f-strings are code, checked by tests/test_parity.py)."""
    import ast
    import io
    import tokenize

    try:
        comments = [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                    if tok.type == tokenize.COMMENT]
        tree = ast.parse(source)
    except (tokenize.TokenError, SyntaxError):
        return source
    in_f_string = {id(node.format_spec) for node in ast.walk(tree) if isinstance(node, ast.FormattedValue)
                   and node.format_spec is not None}
    strings = [(node.lineno, node.col_offset, node.value) for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_f_string]
    return "\n".join(comments + [text for _, _, text in sorted(strings)])


def needs_stamp(cell) -> bool:
    """Prose cells always; code cells when they hold comments or strings."""
    return cell.cell_type == "markdown" or (cell.cell_type == "code" and bool(code_text(cell.source).strip()))


def cell_hash(cell) -> str:
    """The hash a Hindi twin records for this English cell."""
    return english_hash(cell.source if cell.cell_type == "markdown" else code_text(cell.source))


@dataclass
class StaleCell:
    lesson: str
    index: int
    english: str
    reason: str


def lessons(root: Path = ROOT) -> list[str]:
    return sorted(p.stem for p in (root / "lessons_en").glob("[0-9][0-9]_*.md"))


def stale_cells(lesson: str, root: Path = ROOT) -> list[StaleCell]:
    """Hindi cells whose recorded English hash differs from the English cell now."""
    hi_path = root / "lessons_hi" / f"{lesson}.md"
    if not hi_path.exists():
        return [StaleCell(lesson, -1, "", f"no Hindi lesson yet ({hi_path.relative_to(root)})")]
    en = jupytext.read(root / "lessons_en" / f"{lesson}.md")
    hi = jupytext.read(hi_path)
    if len(en.cells) != len(hi.cells):
        return [StaleCell(lesson, -1, "", f"{len(en.cells)} English cells but {len(hi.cells)} Hindi cells")]
    stale = []
    for i, (a, b) in enumerate(zip(en.cells, hi.cells)):
        if not needs_stamp(a):
            continue
        recorded = b.metadata.get(KEY)
        kind = "code cell" if a.cell_type == "code" else "prose"
        if recorded is None:
            stale.append(StaleCell(lesson, i, a.source, f"{kind} never stamped"))
        elif recorded != cell_hash(a):
            stale.append(StaleCell(lesson, i, a.source, f"{kind}: English changed since the translation"))
    return stale


def stamp(lesson: str, cells: list[int] | None, root: Path = ROOT) -> list[int]:
    """Record the current English hash on the given Hindi cells (all cells with text when None)."""
    en_path, hi_path = root / "lessons_en" / f"{lesson}.md", root / "lessons_hi" / f"{lesson}.md"
    en, hi = jupytext.read(en_path), jupytext.read(hi_path)
    if len(en.cells) != len(hi.cells):
        raise SystemExit(f"{lesson}: {len(en.cells)} English cells but {len(hi.cells)} Hindi cells")
    chosen = [i for i, c in enumerate(en.cells) if needs_stamp(c)] if cells is None else cells
    for i in chosen:
        if not needs_stamp(en.cells[i]):
            raise SystemExit(f"{lesson}: cell {i} has nothing to translate")
        hi.cells[i].metadata[KEY] = cell_hash(en.cells[i])
    jupytext.write(hi, hi_path, fmt="md:myst")
    if (root / "notebooks" / "hi" / f"{lesson}.ipynb").exists():
        from jupytext.cli import jupytext as jupytext_cli

        jupytext_cli(["--sync", "--quiet", str(hi_path)])  # updates the paired notebook, keeping its cell ids
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="list stale Hindi cells")
    stamp_parser = sub.add_parser("stamp", help="mark Hindi cells as translated from the current English")
    stamp_parser.add_argument("lesson")
    stamp_parser.add_argument("cells", nargs="*", type=int)
    stamp_parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    if args.command == "stamp":
        if not args.cells and not args.all:
            parser.error("name the cells you translated, or --all")
        done = stamp(args.lesson, None if args.all else args.cells)
        print(f"{args.lesson}: stamped {len(done)} Hindi cells")
        return 0
    stale = [cell for lesson in lessons() for cell in stale_cells(lesson)]
    for cell in stale:
        where = f"{cell.lesson} cell {cell.index}" if cell.index >= 0 else cell.lesson
        print(f"{where}: {cell.reason}")
        if cell.english.strip():
            print(f"    English now: {cell.english.strip().splitlines()[0][:90]}")
    print(f"{len(stale)} stale Hindi cells" if stale else "all Hindi cells are up to date")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
