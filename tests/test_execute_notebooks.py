"""The runner behind `make execute-all`: executed copies, per-cell progress, failures and hangs reported with
the cell that caused them, quiet output, timings table; the source notebooks stay untouched."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
runner = importlib.util.module_from_spec(spec)
sys.modules["execute_notebooks"] = runner
spec.loader.exec_module(runner)


def write_notebook(path: Path, *codes: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('LANG = "en"\nQUICK = False\nRETRAIN = False')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_markdown_cell("# Demo")] + [nbformat.v4.new_code_cell(c) for c in codes]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_executed_copy_gets_outputs_and_injected_parameters_and_the_source_is_untouched(tmp_path):
    source = write_notebook(tmp_path / "notebooks" / "en" / "01_demo.ipynb",
                            "import os\nprint('quick' if QUICK else 'full', os.environ['COURSE_QUICK'], RETRAIN)",
                            "print(os.getcwd())")
    before = source.read_bytes()
    lines = []
    run = runner.execute(source, tmp_path / "out", quick=True, progress=lines.append,
                         parameters={"RETRAIN": True})
    assert (run.status, run.error, run.cells) == ("ok", "", 4) and run.seconds > 0
    assert source.read_bytes() == before
    executed = nbformat.read(tmp_path / "out" / "en" / "01_demo.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "QUICK = True" in injected[0].source
    assert executed.cells[-2].outputs[0]["text"].split() == ["quick", "1", "True"]
    assert executed.cells[-1].outputs[0]["text"].strip() == str(tmp_path / "out" / "en")  # runs beside its copy
    # one progress line per code cell: notebook, i/n, seconds, elapsed, first line
    assert len(lines) == 4 and lines[-1].startswith("[en/01_demo] cell  4/4") and "elapsed" in lines[-1]
    assert "print(os.getcwd())" in lines[-1]


def test_a_failing_cell_is_named_with_its_index_and_first_line(tmp_path):
    source = write_notebook(tmp_path / "notebooks" / "hi" / "01_demo.ipynb", "x = 1",
                            "# third step\nraise RuntimeError('boom')")
    run = runner.execute(source, tmp_path / "out", quick=True, progress=None)
    assert run.status == "failed"
    assert "cell 3 " in run.error and "`# third step`" in run.error and "RuntimeError: boom" in run.error
    executed = nbformat.read(tmp_path / "out" / "hi" / "01_demo.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["ename"] == "RuntimeError"  # the traceback is kept in the copy


def test_a_hanging_cell_is_a_timeout_failure_that_names_the_cell(tmp_path):
    source = write_notebook(tmp_path / "notebooks" / "en" / "03_demo.ipynb", "x = 1",
                            "import time\ntime.sleep(120)", "print('never')")
    run = runner.execute(source, tmp_path / "out", quick=True, progress=None, cell_timeout=3)
    assert run.status == "timeout" and run.seconds < 60
    assert "cell 3 " in run.error and "`import time`" in run.error and "per-cell limit" in run.error


def test_the_notebook_limit_stops_a_notebook_whose_cells_are_each_short_enough(tmp_path):
    source = write_notebook(tmp_path / "notebooks" / "en" / "03_demo.ipynb",
                            *["import time\ntime.sleep(2)"] * 20)
    run = runner.execute(source, tmp_path / "out", quick=True, progress=None, cell_timeout=60, notebook_timeout=9)
    assert run.status == "timeout" and "whole notebook limit" in run.error and run.seconds < 40


def test_command_line_prints_progress_writes_timings_and_no_kernel_warnings(tmp_path):
    write_notebook(tmp_path / "nbs" / "en" / "01_demo.ipynb", "print('hello')")
    write_notebook(tmp_path / "nbs" / "hi" / "01_demo.ipynb", "import time\ntime.sleep(120)")
    result = subprocess.run([sys.executable, "tools/execute_notebooks.py", "--quick", "1", "--source",
                             str(tmp_path / "nbs"), "--out", str(tmp_path / "out"), "--cell-timeout", "3"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "[en/01_demo] cell  3/3" in output and "[hi/01_demo] cell  2/3" in output
    assert "hi/01_demo.ipynb: timeout" in output
    for noise in ("WARNING", "without encryption", "zmq", "Traceback", "Parent appears"):
        assert noise not in output, f"{noise!r} in the output:\n{output}"
    timings = json.loads((tmp_path / "out" / "timings.json").read_text())
    assert [r["notebook"] for r in timings["runs"]] == ["en/01_demo.ipynb", "hi/01_demo.ipynb"]
    assert [r["status"] for r in timings["runs"]] == ["ok", "timeout"]
    table = (tmp_path / "out" / "timings.md").read_text()
    assert "| en/01_demo.ipynb | quick |" in table and "Hindi took" in table and "`import time`" in table
    assert "The whole run:" in table and timings["wall_seconds"] > 0
    assert table.strip() in result.stdout


def test_every_lesson_notebook_is_listed_english_first():
    listed = [f"{p.parent.name}/{p.name}" for p in runner.notebooks()]
    assert listed and listed[0].startswith("en/")
    langs = [name.split("/")[0] for name in listed]
    assert langs == sorted(langs, key=["en", "hi"].index) and set(langs) == {"en", "hi"}
    assert [p.name for p in runner.notebooks(langs=("en",), lessons=("01",))] == ["01_autoencoder.ipynb"]


def test_the_modules_a_notebook_imports_are_found_in_order_with_what_torch_imports_later(tmp_path):
    source = write_notebook(tmp_path / "en" / "01_demo.ipynb", "import torch\nimport numpy as np",
                            "%matplotlib inline", "from helpers.quality import digit_classifier\nimport numpy",
                            "def f():\n    import tabnanny")
    nb = nbformat.read(source, as_version=4)
    assert runner.imported_modules(nb) == ["torch", "numpy", "helpers.quality", "helpers.quality.digit_classifier",
                                           "tabnanny", "torch._dynamo"]


PROBE = ("import os, sys, time\n"
         "print(os.getpid(), 'tabnanny' in sys.modules, [n for n in dir() if n.startswith('_course')])\n"
         "group = '/proc/self/autogroup'\n"
         "print(open(group).read().split()[-1] if os.path.exists(group) else 'none')")


def test_execute_all_starts_each_kernel_with_its_imports_done_and_stops_every_kernel(tmp_path):
    first = write_notebook(tmp_path / "nbs" / "en" / "01_demo.ipynb", PROBE, "time.sleep(3)")
    second = write_notebook(tmp_path / "nbs" / "en" / "02_demo.ipynb", PROBE, "import tabnanny")
    done = []
    runs, wall = runner.execute_all([first, second], tmp_path / "out", True, progress=None, done=done.append)
    assert [r.status for r in runs] == ["ok", "ok"] and done == runs
    outputs = [nbformat.read(tmp_path / "out" / "en" / name, as_version=4).cells[-2].outputs[0]["text"].split("\n")
               for name in ("01_demo.ipynb", "02_demo.ipynb")]
    # the second notebook's kernel imported tabnanny (its own import) before its first cell, leaving no names
    assert outputs[0][0].split()[1:] == ["False", "[]"] and outputs[1][0].split()[1:] == ["True", "[]"]
    # started at the lowest priority while the first notebook ran, it runs its own cells at the normal one
    assert outputs[1][1] in ("0", "none") and outputs[0][1] in ("0", "none")
    second_run = runs[1]
    assert second_run.startup_seconds > 0 and second_run.run_seconds <= second_run.seconds
    assert wall >= runs[0].run_seconds + second_run.run_seconds
    for pid in (int(out[0].split()[0]) for out in outputs):  # no kernel is left running
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert not list((tmp_path / "out").glob("logs/*"))  # the kernels wrote nothing to their logs


def test_a_scheduling_group_goes_to_the_lowest_priority_and_back(tmp_path):
    if not Path("/proc/self/autogroup").exists():
        pytest.skip("no scheduling groups here (not Linux)")
    process = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        group = Path(f"/proc/{process.pid}/autogroup")
        assert runner.set_group_priority(process.pid, 19) and group.read_text().split()[-1] == "19"
        assert runner.set_group_priority(process.pid, 0) and group.read_text().split()[-1] == "0"
    finally:
        process.kill()
        process.wait()
    assert not runner.set_group_priority(process.pid, 19)  # gone
