"""Translation freshness: every Hindi prose cell records a hash of the English cell it was translated from.

    python tools/translation.py status                 # list stale Hindi cells (exit 1 if any)
    python tools/translation.py stamp 01_autoencoder 5 7   # after translating cells 5 and 7 again
    python tools/translation.py stamp 01_autoencoder --all # mark every cell of a lesson as up to date

The stamp is the `en_sha` field of the Hindi markdown cell's metadata (`+++ {"en_sha": "..."}` in
lessons_hi/NN_name.md). The notebooks are updated from the .md files afterwards (jupytext).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
KEY = "en_sha"


def english_hash(source: str) -> str:
    """Short hash of an English prose cell (surrounding whitespace ignored)."""
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:12]


@dataclass
class StaleCell:
    lesson: str
    index: int
    english: str
    reason: str


def lessons(root: Path = ROOT) -> list[str]:
    return sorted(p.stem for p in (root / "lessons_en").glob("[0-9][0-9]_*.md"))


def stale_cells(lesson: str, root: Path = ROOT) -> list[StaleCell]:
    """Hindi prose cells whose recorded English hash differs from the English cell now."""
    hi_path = root / "lessons_hi" / f"{lesson}.md"
    if not hi_path.exists():
        return [StaleCell(lesson, -1, "", f"no Hindi lesson yet ({hi_path.relative_to(root)})")]
    en = jupytext.read(root / "lessons_en" / f"{lesson}.md")
    hi = jupytext.read(hi_path)
    if len(en.cells) != len(hi.cells):
        return [StaleCell(lesson, -1, "", f"{len(en.cells)} English cells but {len(hi.cells)} Hindi cells")]
    stale = []
    for i, (a, b) in enumerate(zip(en.cells, hi.cells)):
        if a.cell_type != "markdown":
            continue
        recorded = b.metadata.get(KEY)
        if recorded is None:
            stale.append(StaleCell(lesson, i, a.source, "never stamped"))
        elif recorded != english_hash(a.source):
            stale.append(StaleCell(lesson, i, a.source, "English changed since the translation"))
    return stale


def stamp(lesson: str, cells: list[int] | None, root: Path = ROOT) -> list[int]:
    """Record the current English hash on the given Hindi cells (all prose cells when None)."""
    en_path, hi_path = root / "lessons_en" / f"{lesson}.md", root / "lessons_hi" / f"{lesson}.md"
    en, hi = jupytext.read(en_path), jupytext.read(hi_path)
    if len(en.cells) != len(hi.cells):
        raise SystemExit(f"{lesson}: {len(en.cells)} English cells but {len(hi.cells)} Hindi cells")
    chosen = [i for i, c in enumerate(en.cells) if c.cell_type == "markdown"] if cells is None else cells
    for i in chosen:
        if en.cells[i].cell_type != "markdown":
            raise SystemExit(f"{lesson}: cell {i} is not a prose cell")
        hi.cells[i].metadata[KEY] = english_hash(en.cells[i].source)
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
    print(f"{len(stale)} stale Hindi cells" if stale else "all Hindi prose cells are up to date")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
