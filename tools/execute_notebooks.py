"""`make execute-all`: run every course notebook into an output folder, with a progress line per cell,
timeouts that report a hang (notebook, cell, first line of its source) instead of waiting forever, and a
timing table that is also written to <out>/timings.md and <out>/timings.json.

English runs first, so the Hindi notebooks load every model English trained from the load-or-train
cache. Parameters go in the papermill way (an `injected-parameters` cell after the `parameters` cell);
the cells run through nbclient. The notebooks under notebooks/ are never touched: each executed copy is
written to <out>/<lang>/ and runs there. Exits non-zero when any notebook fails or times out.

The notebooks run one at a time. While one runs, the kernel of the next one starts and imports the
libraries that notebook imports, and the kernel before it shuts down, both at the lowest priority (on
Linux): that start-up and shut-down (several seconds per notebook) use the CPU the running notebook leaves
idle. Each notebook's time in the table is what it takes alone, its kernel's start-up included; the run's
own wall time is printed too.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

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
    startup_seconds: float = 0.0   # its kernel's start-up (imports included) alone: its CPU time
    run_seconds: float = 0.0       # from asking for its first cell to its last; `seconds` adds the start-up
                                   # done before that (while the notebook before it ran)


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


# torch imports its compiler (torch._dynamo, about 1.5 s) the first time an optimizer is made.
LAZY_IMPORTS = {"torch": ("torch._dynamo",)}
# Run by a new kernel before it answers: imports the modules (an import that fails is left to the notebook,
# which then fails where the student sees it), writes when it was ready and the CPU time its start-up took
# (what start-up takes alone: it is one thread's work), and leaves no names behind.
PRELOAD = """def _course_preload(modules, stamp):
    import importlib, time
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    with open(stamp, "w") as file:
        file.write(f"{{time.time()!r}} {{time.process_time()!r}}")
_course_preload({modules!r}, {stamp!r})
del _course_preload
"""


def set_group_priority(pid: int, nice: int) -> bool:
    """Set the priority (nice, 0-19) of the scheduling group of process `pid` and its threads. Linux gives each
    session (each kernel is one) its own group, and between groups only the group's nice counts; anyone may set
    it back to 0. The kernel allows one change per 0.1 s without privileges, so a busy moment is waited out.
    False where there are no such groups (not Linux)."""
    for _ in range(10):
        try:
            Path(f"/proc/{pid}/autogroup").write_text(str(nice))
            return True
        except BlockingIOError:
            time.sleep(0.11)
        except OSError:
            return False
    return False


def scheduling_groups() -> bool:
    """True where set_group_priority works: Linux with its scheduling groups (autogroup) on."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def imported_modules(nb) -> list[str]:
    """The modules a notebook's code cells import (`import a.b`, `from a.b import c`: a.b and maybe a.b.c),
    in order, then what they import lazily (LAZY_IMPORTS)."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
    found += [lazy for name in list(found) for lazy in LAZY_IMPORTS.get(name, ())]
    return list(dict.fromkeys(found))


@dataclass
class Kernel:
    """The kernel of one notebook, started (maybe while the notebook before it runs) with the modules that
    notebook imports already imported. `stop` shuts it down and removes its sockets and empty log."""

    manager: Any
    sockets: Path
    log_path: Path
    log: TextIO
    started: float  # time.time() when it was started
    nice: int = 0   # its priority: 0 normal, 19 the lowest
    stopping: bool = False

    def ready(self) -> tuple[float, float] | None:
        """When it had imported everything (time.time()) and the CPU seconds that took; None if it never did."""
        try:
            when, cpu = (float(part) for part in (self.sockets / "ready").read_text().split())
        except (OSError, ValueError):
            return None
        return when, cpu

    def set_priority(self, nice: int) -> None:
        """0: normal; 19: the lowest, only the CPU that the notebook that runs leaves idle (set_group_priority)."""
        pid = getattr(self.manager.provisioner, "pid", None)
        if pid and nice != self.nice and set_group_priority(pid, nice):
            self.nice = nice

    def request_stop(self) -> None:
        """Ask the kernel to shut down and go on at once; `stop` later waits for it."""
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            run_sync(self.manager.request_shutdown)()
            self.stopping = True

    def stop(self, now: bool = False) -> None:
        """Shut the kernel down (at once with `now`, else politely, killing it after a few seconds) and clean up."""
        from jupyter_core.utils import run_sync

        try:
            if self.stopping and not now:
                run_sync(self.manager.finish_shutdown)()
                run_sync(self.manager.cleanup_resources)()
            else:
                run_sync(self.manager.shutdown_kernel)(now=now)
        except Exception:  # noqa: BLE001 - already gone
            pass
        shutil.rmtree(self.sockets, ignore_errors=True)
        self.log.close()
        if self.log_path.exists() and not self.log_path.stat().st_size:
            self.log_path.unlink()
            with contextlib.suppress(OSError):
                self.log_path.parent.rmdir()  # only when no other log is there


def start_kernel(notebook: Path, out_dir: Path, quick: bool, env: dict | None = None) -> Kernel:
    """Start the kernel that will run `notebook` into out_dir/<lang>/ (its working folder) and let it import
    the notebook's modules; returns at once. Its own terminal output (start-up warnings, ZMQ tracebacks when it
    is stopped mid-cell) goes to out_dir/logs/, not to our output; what the cells print is in the executed copy."""
    import nbformat
    from jupyter_core.utils import run_sync

    sockets = Path(tempfile.mkdtemp(prefix="course-kernel-"))
    folder = out_dir / notebook.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "logs" / f"{notebook.parent.name}-{notebook.stem}.kernel.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    preload = PRELOAD.format(modules=tuple(imported_modules(nbformat.read(notebook, as_version=4))),
                             stamp=str(sockets / "ready"))
    manager = _ipc_kernel_manager(sockets)(kernel_name="python3")
    started = time.time()
    kernel = Kernel(manager, sockets, log_path, log, started)
    try:
        run_sync(manager.start_kernel)(
            extra_arguments=["--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={[preload]!r}"],
            env=kernel_env({"COURSE_QUICK": "1" if quick else "0", **(env or {})}), cwd=str(folder),
            stdout=log, stderr=log)
    except BaseException:
        kernel.stop(now=True)
        raise
    return kernel


def execute(notebook: Path, out_dir: Path, quick: bool, *, env: dict | None = None,
            cell_timeout: float | None = None, notebook_timeout: float | None = None,
            progress: Callable[[str], None] | None = print, parameters: dict | None = None,
            appended: tuple[str, ...] = (), kernel: Kernel | None = None) -> Run:
    """Run one notebook into out_dir/<lang>/<name>; the executed copy is written even when a cell fails.
    `appended`: code cells run after the notebook's own (e.g. the benchmark's measurements).
    `kernel`: one `start_kernel` started for this notebook (with the same `env`); when the notebook ran to the
    end, the caller stops it. Without it, the notebook starts and stops its own kernel."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    mode = "quick" if quick else "full"
    name = f"{notebook.parent.name}/{notebook.name}"
    target = out_dir / notebook.parent.name / notebook.name
    own_kernel = kernel is None
    kernel = kernel or start_kernel(notebook, out_dir, quick, env)
    began = time.time()
    nb, source_index = parameterize(notebook, {"QUICK": quick, **(parameters or {})})
    own_cells = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(code) for code in appended]
    source_index += [None] * len(appended)
    tracker = _Tracker(name.removesuffix(".ipynb"), nb.cells, source_index,
                       cell_timeout or TIMEOUTS[mode]["cell"], notebook_timeout or TIMEOUTS[mode]["notebook"],
                       progress)
    client = NotebookClient(nb, km=kernel.manager, timeout_func=tracker.timeout_for, log=_quiet_log(),
                            on_cell_execute=tracker.on_cell_execute, on_cell_executed=tracker.on_cell_executed,
                            resources={"metadata": {"path": str(target.parent)}})
    status, error, completed = "ok", "", False
    try:
        client.execute()
        completed = True
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
        ended = time.time()
        if client.kc is not None:
            with contextlib.suppress(Exception):
                client.kc.stop_channels()
        if own_kernel or not completed:
            kernel.stop(now=not completed)  # a kernel still busy in a cell (timeout, Ctrl-C) is stopped at once
    kept_log = str(kernel.log_path) if kernel.log_path.exists() and kernel.log_path.stat().st_size else ""
    if kept_log and error:
        error += f" (the kernel's own messages: {kept_log})"
    nbformat.write(nb, target)
    # Its time alone: from the first cell to the last, plus the start-up done before the notebook began. Alone,
    # start-up takes its CPU time (overlapped with the notebook before, at the lowest priority, it took longer);
    # what was left of it when the notebook began is in the notebook's own time already.
    ready_at, startup = kernel.ready() or (began, 0.0)
    before = max(0.0, startup - max(0.0, ready_at - began))
    extra = sum(t for i, t in tracker.times.items() if i >= own_cells)
    return Run(name, mode, round(ended - began + before, 1), status, error, len(tracker.times), tracker.slowest(),
               kept_log, round(extra, 2), round(startup, 1), round(ended - began, 1))


def execute_all(todo: list[Path], out_dir: Path, quick: bool, *, env_for: Callable[[Path], dict] = lambda _: {},
                appended_for: Callable[[Path], tuple[str, ...]] = lambda _: (),
                done: Callable[[Run], None] | None = None, **options) -> tuple[list[Run], float]:
    """Run the notebooks one after another (`options` as for `execute`); returns the runs and the wall time in all.

    While one runs, the kernel of the one before shuts down, and (where its priority can be lowered: see
    scheduling_groups) the kernel of the next one starts and imports that notebook's modules, both at the lowest
    priority: they use the CPU the running notebook leaves idle (most of it is one thread's Python) and hardly
    slow it down. Elsewhere each kernel starts when the notebook before it has ended."""
    start, runs, overlap = time.perf_counter(), [], scheduling_groups()
    following = start_kernel(todo[0], out_dir, quick, env_for(todo[0])) if todo else None
    previous: Kernel | None = None
    lowering: threading.Thread | None = None
    try:
        for i, notebook in enumerate(todo):
            if lowering is not None:
                lowering.join()
            kernel, following = following, None
            kernel.set_priority(0)  # first: Linux allows one change per 0.1 s without privileges
            lowered = []
            if previous is not None:
                previous.request_stop()
                lowered.append(previous)
            if i + 1 < len(todo) and overlap:
                following = start_kernel(todo[i + 1], out_dir, quick, env_for(todo[i + 1]))
                lowered.append(following)
            lowering = threading.Thread(target=lambda kernels=lowered: [k.set_priority(19) for k in kernels])
            lowering.start()
            run = execute(notebook, out_dir, quick, env=env_for(notebook), appended=appended_for(notebook),
                          kernel=kernel, **options)
            if previous is not None:
                previous.stop()  # it had a whole notebook's time to exit
            previous = kernel if run.status == "ok" else None  # a failed notebook's kernel is stopped already
            if following is None and i + 1 < len(todo):
                following = start_kernel(todo[i + 1], out_dir, quick, env_for(todo[i + 1]))
            runs.append(run)
            if done:
                done(run)
    finally:
        for kernel in (previous, following):
            if kernel is not None:
                kernel.stop(now=kernel is following)
    return runs, time.perf_counter() - start


def table(runs: list[Run], wall_seconds: float | None = None) -> str:
    """The timing table (Markdown), with each language's total, the second language's share of the first and
    the wall time of the whole run."""
    lines = ["| notebook | mode | time alone (s) | kernel start-up (s) | code cells | slowest cell | status |",
             "|---|---|---:|---:|---:|---|---|"]
    lines += [f"| {r.notebook} | {r.mode} | {r.seconds:.1f} | {r.startup_seconds:.1f} | {r.cells} | {r.slowest_cell} "
              f"| {r.status} |" for r in runs]
    totals = language_totals(runs)
    lines.append("")
    lines.append("Time alone: what the notebook takes when it runs by itself, its kernel's start-up (imports "
                 "included) counted.")
    lines.append("")
    lines += [f"- {LANG_NAMES.get(lang, lang)}: {seconds:.1f} s in all" for lang, seconds in totals.items()]
    if len(totals) == 2:
        (first, a), (second, b) = totals.items()
        lines.append(f"- {LANG_NAMES.get(second, second)} took {b / a:.0%} of {LANG_NAMES.get(first, first)}'s time "
                     f"(the second language loads the models the first one trained)")
    if wall_seconds is not None:
        lines.append(f"- The whole run: {wall_seconds:.1f} s of wall time (each notebook's kernel started while the "
                     f"one before it ran)")
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
    runs, wall = execute_all(
        todo, out_dir, quick, cell_timeout=args.cell_timeout, notebook_timeout=args.timeout,
        progress=lambda line: print(line, flush=True),
        done=lambda run: print(f"{run.notebook}: {run.status}, {run.seconds:.1f} s" +
                               (f" — {run.error}" if run.error else ""), flush=True))
    report = table(runs, wall)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "timings.md").write_text(report)
    (out_dir / "timings.json").write_text(json.dumps(
        {"mode": "quick" if quick else "full", "cache": cache, "runs": [asdict(r) for r in runs],
         "language_totals_s": language_totals(runs), "wall_seconds": round(wall, 1)}, indent=2, ensure_ascii=False))
    print("\n" + report, flush=True)
    print(f"executed copies: {out_dir}; this table: {out_dir / 'timings.md'}")
    return 1 if any(r.status != "ok" for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
