"""Write a file so that it is either complete or not there: never half a file, never a stray folder."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_file(target: str | Path) -> Iterator[IO[bytes]]:
    """A temporary file beside `target` that replaces it when the block ends without error.

    On any failure (an exception, Ctrl-C) the temporary file and the folders this call created are removed
    and an existing `target` is left as it was.
    """
    target = Path(target)
    created: list[Path] = []
    partial = None
    try:
        created = make_folder(target.parent)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part",
                                         delete=False) as f:
            partial = Path(f.name)
            yield f
        os.replace(partial, target)
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
        if not target.exists():
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def make_folder(folder: Path) -> list[Path]:
    """mkdir -p `folder`; returns the folders it created, outermost first (none are left when it fails)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    missing.reverse()
    created: list[Path] = []
    try:
        for path in missing:
            path.mkdir()
            created.append(path)
    except OSError:
        for path in reversed(created):
            path.rmdir()
        raise
    return created
