"""Execute every course notebook with papermill into an output folder and print a timing table.

The notebooks under notebooks/ are never touched. Exits non-zero when any notebook fails.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def notebooks() -> list[Path]:
    """Every lesson notebook, English first, in lesson order."""
    return sorted((ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb"), key=lambda p: (p.parent.name != "en", p.name))


def execute(notebook: Path, out_dir: Path, quick: bool) -> tuple[float, str]:
    """Run one notebook; returns (seconds, error message or "")."""
    import papermill

    target = out_dir / notebook.parent.name / notebook.name
    target.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(notebook), str(target), parameters={"QUICK": quick},
                                   cwd=str(notebook.parent), kernel_name="python3", progress_bar=False)
        error = ""
    except Exception as err:  # papermill raises PapermillExecutionError with the cell's traceback
        error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1] if str(err).strip() else ''}"
    return time.perf_counter() - start, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", type=int, default=0, help="1 = quick mode, 0 = full mode (default)")
    parser.add_argument("--out", default="build/executed", help="folder for the executed copies")
    args = parser.parse_args()
    quick = bool(args.quick)
    os.environ["COURSE_QUICK"] = "1" if quick else "0"
    os.environ.setdefault("COURSE_HEADLESS", "1")
    out_dir = (ROOT / args.out).resolve()
    rows = []
    for notebook in notebooks():
        name = f"{notebook.parent.name}/{notebook.name}"
        print(f"running {name} ({'quick' if quick else 'full'} mode)...", flush=True)
        seconds, error = execute(notebook, out_dir, quick)
        rows.append({"notebook": name, "mode": "quick" if quick else "full", "seconds": round(seconds, 1),
                     "status": "failed" if error else "ok", "error": error})
    print("\n| notebook | mode | wall time (s) | status |\n|---|---|---:|---|")
    for row in rows:
        print(f"| {row['notebook']} | {row['mode']} | {row['seconds']:.1f} | {row['status']} |")
    for row in rows:
        if row["error"]:
            print(f"\n{row['notebook']} failed: {row['error']}\n  see {out_dir / row['notebook']}", file=sys.stderr)
    (out_dir / "timings.json").write_text(json.dumps(rows, indent=2))
    print(f"\nexecuted copies: {out_dir}")
    return 1 if any(row["error"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
