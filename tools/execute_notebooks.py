"""`make execute-all`: run every course notebook into an output folder, with a progress line per cell,
timeouts that report a hang (notebook, cell, first line of its source) instead of waiting forever, and a
timing table that is also written to <out>/timings.md and <out>/timings.json.

English runs first, so the Hindi notebooks load every model English trained from the load-or-train
cache. Parameters go in the papermill way (an `injected-parameters` cell after the `parameters` cell);
the cells run through nbclient. The notebooks under notebooks/ are never touched: each executed copy is
written to <out>/<lang>/ and runs there. Exits non-zero when any notebook fails or times out.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# seconds; per notebook, and per cell (a cell also never runs past its notebook's limit)
TIMEOUTS = {"full": {"notebook": 1800, "cell": 900}, "quick": {"notebook": 600, "cell": 300}}
LANG_NAMES = {"en": "English", "hi": "Hindi"}


@dataclass
class Run:
    """How one notebook went."""

    notebook: str         # "en/01_autoencoder.ipynb"
    mode: str             # "full" or "quick"
    seconds: float
    status: str           # "ok", "failed" or "timeout"
    error: str = ""       # which cell failed and why; "" when ok
    cells: int = 0        # code cells run
    slowest_cell: str = ""
    kernel_log: str = ""  # the kernel's own terminal output, when it wrote any
    appended_seconds: float = 0.0  # time spent in cells appended to the notebook (`appended`), part of `seconds`


def notebooks(source: Path = ROOT / "notebooks", langs: tuple[str, ...] = ("en", "hi"),
              lessons: tuple[str, ...] = ()) -> list[Path]:
    """The lesson notebooks in source/<lang>/ for `langs` in that order (English first by default), each language
    in lesson order; `lessons` keeps those whose name starts with one of the given prefixes (e.g. "01")."""
    found = []
    for lang in langs:
        found += [p for p in sorted((source / lang).glob("[0-9][0-9]_*.ipynb"))
                  if not lessons or any(p.name.startswith(prefix) for prefix in lessons)]
    return found


def first_line(source: str, width: int = 60) -> str:
    """The first non-empty line of a cell, shortened to `width` characters."""
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def parameterize(notebook: Path, parameters: dict):
    """The notebook with an `injected-parameters` cell after its `parameters` cell (papermill's own code),
    and for each cell its index in the source notebook (None for the injected cell)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(notebook))
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    index, source_index = 0, []
    for cell in nb.cells:
        injected = "injected-parameters" in cell.metadata.get("tags", [])
        source_index.append(None if injected else index)
        index += not injected
    return nb, source_index


def kernel_env(extra: dict | None = None) -> dict:
    """The kernel's environment: ours, with this checkout first on PYTHONPATH and `extra` on top."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.update(extra or {})
    return env


class _Tracker:
    """Which cell runs, since when; the per-cell timeout, never past the notebook's deadline; progress lines."""

    def __init__(self, name: str, cells: list, source_index: list, cell_timeout: float, notebook_timeout: float,
                 progress: Callable[[str], None] | None):
        self.name, self.source_index, self.progress = name, source_index, progress
        self.code = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.strip()]
        self.cell_timeout, self.notebook_timeout = cell_timeout, notebook_timeout
        self.start = time.perf_counter()
        self.current: int | None = None
        self.cell_start = self.start
        self.limit_kind = "cell"
        self.limit = 0
        self.times: dict[int, float] = {}

    def ordinal(self, index: int) -> int:
        return self.code.index(index) + 1 if index in self.code else 0

    def where(self, cells: list) -> str:
        """'cell 23 (code cell 12/31): `first line`' for the cell that runs now."""
        if self.current is None:
            return "before the first cell (kernel start)"
        shown = self.source_index[self.current]
        label = f"cell {shown}" if shown is not None else "a cell added to the notebook"
        return (f"{label} (code cell {self.ordinal(self.current)}/{len(self.code)}): "
                f"`{first_line(cells[self.current].source)}`")

    def timeout_for(self, cell) -> int:
        left = self.notebook_timeout - (time.perf_counter() - self.start)
        self.limit_kind = "cell" if self.cell_timeout <= left else "notebook"
        self.limit = max(1, math.ceil(min(self.cell_timeout, left)))
        return self.limit

    def on_cell_execute(self, cell, cell_index: int) -> None:
        self.current, self.cell_start = cell_index, time.perf_counter()

    def on_cell_executed(self, cell, cell_index: int, execute_reply=None) -> None:
        now = time.perf_counter()
        self.times[cell_index] = now - self.cell_start
        if self.progress:
            self.progress(f"[{self.name}] cell {self.ordinal(cell_index):>2}/{len(self.code)} "
                          f"{self.times[cell_index]:6.1f} s   elapsed {now - self.start:7.1f} s   "
                          f"{first_line(cell.source, 50)}")

    def slowest(self) -> str:
        if not self.times:
            return ""
        index = max(self.times, key=self.times.get)
        return f"code cell {self.ordinal(index)} ({self.times[index]:.1f} s)"


def _ipc_kernel_manager(folder: Path):
    """A kernel manager that talks to its kernel over IPC sockets in `folder` instead of TCP ports, so the
    kernel has no "running over TCP without encryption" warning to print."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IpcKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _private_socket_prefix(self) -> str:
            return str(folder / "kernel")

    return IpcKernelManager


def _quiet_log() -> logging.Logger:
    """nbclient's own log lines (timeouts, dead kernel) are reported by us instead, once and clearly."""
    log = logging.getLogger("execute_notebooks.nbclient")
    log.setLevel(logging.CRITICAL)
    log.propagate = False
    return log


def execute(notebook: Path, out_dir: Path, quick: bool, *, env: dict | None = None,
            cell_timeout: float | None = None, notebook_timeout: float | None = None,
            progress: Callable[[str], None] | None = print, parameters: dict | None = None,
            appended: tuple[str, ...] = ()) -> Run:
    """Run one notebook into out_dir/<lang>/<name>; the executed copy is written even when a cell fails.
    `appended`: code cells run after the notebook's own (e.g. the benchmark's measurements)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    sockets = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    mode = "quick" if quick else "full"
    name = f"{notebook.parent.name}/{notebook.name}"
    target = out_dir / notebook.parent.name / notebook.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nb, source_index = parameterize(notebook, {"QUICK": quick, **(parameters or {})})
    own_cells = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(code) for code in appended]
    source_index += [None] * len(appended)
    tracker = _Tracker(name.removesuffix(".ipynb"), nb.cells, source_index,
                       cell_timeout or TIMEOUTS[mode]["cell"], notebook_timeout or TIMEOUTS[mode]["notebook"],
                       progress)
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=_ipc_kernel_manager(sockets),
                            timeout_func=tracker.timeout_for, log=_quiet_log(),
                            on_cell_execute=tracker.on_cell_execute, on_cell_executed=tracker.on_cell_executed,
                            resources={"metadata": {"path": str(target.parent)}})
    status, error = "ok", ""
    # The kernel's own terminal output (its start-up warnings, ZMQ tracebacks when it is stopped mid-cell) goes
    # to a log file, not to our output; what the cells print is in the executed notebook.
    log_path = out_dir / "logs" / f"{notebook.parent.name}-{notebook.stem}.kernel.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    try:
        client.execute(env=kernel_env({"COURSE_QUICK": "1" if quick else "0", **(env or {})}),
                       stdout=log, stderr=log)
    except CellTimeoutError:
        status = "timeout"
        error = (f"timed out: {tracker.where(nb.cells)} was still running after {tracker.limit} s "
                 f"({'the per-cell limit' if tracker.limit_kind == 'cell' else 'the whole notebook limit'})")
    except CellExecutionError as err:
        status = "failed"
        error = f"{tracker.where(nb.cells)} raised {err.ename}: {first_line(err.evalue, 300)}"
    except DeadKernelError:
        status = "failed"
        error = f"the kernel died (out of memory?) in {tracker.where(nb.cells)}"
    except Exception as err:  # noqa: BLE001 - the kernel did not start, or something outside the cells failed
        status = "failed"
        error = f"{type(err).__name__}: {first_line(str(err), 300)} ({tracker.where(nb.cells)})"
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        log.close()
    kept_log = ""
    if log_path.stat().st_size:
        kept_log = str(log_path)
        error += f" (the kernel's own messages: {kept_log})" if error else ""
    else:
        log_path.unlink()
        with contextlib.suppress(OSError):
            log_path.parent.rmdir()  # only when no other log is there
    seconds = time.perf_counter() - tracker.start
    nbformat.write(nb, target)
    extra = sum(t for i, t in tracker.times.items() if i >= own_cells)
    return Run(name, mode, round(seconds, 1), status, error, len(tracker.times), tracker.slowest(), kept_log,
               round(extra, 2))


def table(runs: list[Run]) -> str:
    """The timing table (Markdown), with each language's total and the second language's share of the first."""
    lines = ["| notebook | mode | wall time (s) | code cells | slowest cell | status |",
             "|---|---|---:|---:|---|---|"]
    lines += [f"| {r.notebook} | {r.mode} | {r.seconds:.1f} | {r.cells} | {r.slowest_cell} | {r.status} |"
              for r in runs]
    totals = language_totals(runs)
    lines.append("")
    lines += [f"- {LANG_NAMES.get(lang, lang)}: {seconds:.1f} s in all" for lang, seconds in totals.items()]
    if len(totals) == 2:
        (first, a), (second, b) = totals.items()
        lines.append(f"- {LANG_NAMES.get(second, second)} took {b / a:.0%} of {LANG_NAMES.get(first, first)}'s time "
                     f"(the second language loads the models the first one trained)")
    failed = [r for r in runs if r.status != "ok"]
    if failed:
        lines += ["", "Failures:"] + [f"- {r.notebook}: {r.error}" for r in failed]
    return "\n".join(lines) + "\n"


def language_totals(runs: list[Run]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for run in runs:
        lang = run.notebook.split("/")[0]
        totals[lang] = round(totals.get(lang, 0.0) + run.seconds, 1)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", type=int, default=0, help="1 = quick mode, 0 = full mode (default)")
    parser.add_argument("--out", default="build/executed", help="folder for the executed copies and the timings")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per notebook (default: 1800 full, 600 quick)")
    parser.add_argument("--cell-timeout", type=float, default=None,
                        help="seconds per cell (default: 900 full, 300 quick)")
    parser.add_argument("--langs", default="en,hi", help="languages in running order (default: en,hi)")
    parser.add_argument("--lessons", default="", help="lesson prefixes, e.g. 01,04 (default: all)")
    parser.add_argument("--source", default="notebooks",
                        help="folder with the notebooks in <lang>/ subfolders (default: notebooks; e.g. build/student)")
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    os.environ.setdefault("COURSE_HEADLESS", "1")
    out_dir = (ROOT / args.out).resolve()
    todo = notebooks((ROOT / args.source).resolve(), tuple(args.langs.split(",")),
                     tuple(p for p in args.lessons.split(",") if p))
    if not todo:
        print(f"no notebooks found in {ROOT / args.source}/{{{args.langs}}}/", file=sys.stderr)
        return 1
    cache = os.environ.get("COURSE_CACHE_DIR") or str(ROOT / "build" / "cache")
    print(f"{len(todo)} notebooks, {'quick' if quick else 'full'} mode, executed copies in {out_dir}, "
          f"trained models cached in {cache}", flush=True)
    runs = []
    for notebook in todo:
        run = execute(notebook, out_dir, quick, cell_timeout=args.cell_timeout, notebook_timeout=args.timeout,
                      progress=lambda line: print(line, flush=True))
        print(f"{run.notebook}: {run.status}, {run.seconds:.1f} s" + (f" — {run.error}" if run.error else ""),
              flush=True)
        runs.append(run)
    report = table(runs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "timings.md").write_text(report)
    (out_dir / "timings.json").write_text(json.dumps(
        {"mode": "quick" if quick else "full", "cache": cache, "runs": [asdict(r) for r in runs],
         "language_totals_s": language_totals(runs)}, indent=2, ensure_ascii=False))
    print("\n" + report, flush=True)
    print(f"executed copies: {out_dir}; this table: {out_dir / 'timings.md'}")
    return 1 if any(r.status != "ok" for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
