"""`make clean-cache`: delete the trained models the load-or-train cache keeps, and say what was deleted.

The cache is $COURSE_CACHE_DIR when set, else build/cache in the project. Only the cache's own files are
deleted (<lesson>/<name>-<key>.pt and unfinished .part files), then the folders they leave empty, so a
cache folder pointed somewhere by mistake never loses anything else.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_FILE = re.compile(r"[A-Za-z0-9_.-]+-[0-9a-f]{16}\.pt(\.part)?")


def cache_root() -> Path:
    return Path(os.environ.get("COURSE_CACHE_DIR") or ROOT / "build" / "cache")


def clean(root: Path) -> tuple[int, int, list[Path]]:
    """Delete the cache files under root/<lesson>/; returns (files, bytes, files left alone)."""
    count = size = 0
    others = []
    if not root.is_dir():
        return 0, 0, []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            if path.is_file() and CACHE_FILE.fullmatch(path.name):
                size += path.stat().st_size
                path.unlink()
                count += 1
            else:
                others.append(path)
        if not any(folder.iterdir()):
            folder.rmdir()
    others += [p for p in root.iterdir() if not p.is_dir()]
    if not any(root.iterdir()):
        root.rmdir()
    return count, size, others


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    root = cache_root()
    count, size, others = clean(root)
    if count:
        print(f"deleted {count} cached training run(s), {size / 1e6:.1f} MB, from {root}")
    else:
        print(f"nothing to delete: no cached training runs in {root}")
    if others:
        print(f"left alone ({len(others)}), not cache files: " + ", ".join(str(p) for p in others[:5]) +
              (" …" if len(others) > 5 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
