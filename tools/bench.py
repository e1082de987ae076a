"""`make bench`: measured speed and quality of the course, each figure beside its goal or anchor.

Parts (`--parts`, default: all of them):
- pipeline:   one epoch of lesson 01's dense autoencoder (its own class, taken from the notebook) fed by
              helpers' in-memory batches, by TensorDataset + DataLoader (the fair baseline) and by
              torchvision's MNIST + ToTensor + DataLoader.
- slider:     kernel time per latent-slider move of lesson 04's explorer (decode + picture), headless,
              with a small untrained decoder of the lesson's shape.
- execute:    `make execute-all` in full mode, both languages, from a cold cache (a bench-only cache
              folder, so the instructor's build/cache is left alone), then everything again with the
              cache warm; the two wall times give the second run's share. Gives every lesson's full-mode
              time alone and the quality figures the notebooks record with `helpers.record_metric` (same
              code as the lesson, no second copy of a model). Then the English notebooks run once more,
              untimed, with a cell that moves their picture sliders and times each move.
- concurrent: two English lessons in full mode at once (each with its own cold cache) against their
              times alone (from `execute`, or measured here when `execute` did not run).
- lessons:    English lessons in the modes of `--modes` (quick by default), cold cache: wall time, metrics.
Data: the lessons read MNIST from `--data-dir` (default ../shared/data when it exists: the full MNIST),
offline unless `--online`. Writes <out>/bench.json and <out>/bench.md and prints the table.
"""
from __future__ import annotations

import argparse
import ast
import gzip
import importlib.util
import json
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PARTS = ("pipeline", "slider", "execute", "concurrent", "lessons")
DEFAULT_PARTS = "pipeline,slider,execute,concurrent,lessons"
SHARED_DATA = ROOT.parent / "shared" / "data"

# metric recorded by a lesson -> (what it is, the anchor it is compared with); one line per metric.
# A metric missing here still shows in the quality table, described by its name.
ANCHORS = {
    "dense_ae_test_bce": ("dense AE-32 test BCE per pixel", "Keras blog ≈ 0.09 (full MNIST, Adam)"),
    "seq2seq_exact_match": ("seq2seq digits → Hindi words, hold-out exact match", "goal ≥ 0.95"),
    "dae_psnr_gain_db": ("denoising AE: PSNR gain over the noisy input (dB)", "goal > 0"),
    "pca_2d_mse": ("PCA 2-D reconstruction MSE per pixel", "AE 2-D should be lower"),
    "ae_2d_mse": ("AE 2-D reconstruction MSE per pixel", "below PCA 2-D"),
    "pca_2d_knn_accuracy": ("k-NN accuracy in PCA's 2-D space", "AE 2-D should be higher"),
    "ae_2d_knn_accuracy": ("k-NN accuracy in the AE's 2-D space", "above PCA 2-D"),
    "vae20_test_loss": ("VAE-20 test loss (BCE sum + KL per image)", "goal ≤ 103 on the full MNIST"),
    "gan_mlp_classes_covered": ("MLP GAN: digit classes generated (of 10)", "goal 10"),
    "gan_mlp_confidence": ("MLP GAN: classifier's mean confidence", "real digits: see real_confidence"),
    "gan_dcgan_classes_covered": ("DCGAN: digit classes generated (of 10)", "goal 10"),
    "gan_dcgan_confidence": ("DCGAN: classifier's mean confidence", "real digits: see real_confidence"),
    "gan_real_confidence": ("real test digits: classifier's mean confidence", "reference"),
    "transfer_pretrained_accuracy": ("frozen pretrained features + linear head accuracy", "above scratch"),
    "transfer_scratch_accuracy": ("same-budget CNN from scratch accuracy", "reference"),
}
# goals the benchmark checks: metric -> (comparison, target); one line per goal.
METRIC_GOALS = {
    "vae20_test_loss": ("≤", 103.0),
}
GOALS = {  # the speed goals of issue 15
    "pipeline_vs_torchvision": ("≤", 0.5),
    "second_language_share": ("≤", 0.25),
    "warm_rerun_share": ("≤", 0.15),
    "lesson_full_cold_s": ("<", 300.0),
    "concurrent_slowdown": ("≤", 2.5),
    "slider_median_ms": ("≤", 10.0),
    "slider_p95_ms": ("≤", 25.0),
}


def _load_runner():
    spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["execute_notebooks"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


def met(value: float | None, goal: tuple[str, float]) -> bool | None:
    if value is None:
        return None
    sign, target = goal
    return {"≤": value <= target, "<": value < target, "≥": value >= target, ">": value > target}[sign]


def lesson_class(lesson: str, name: str) -> type:
    """The class `name` exactly as a lesson's English notebook defines it (its code is not copied here)."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "en" / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or f"class {name}" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        tree.body = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == name]
        namespace: dict = {}
        exec("import torch\nfrom torch import nn\nimport torch.nn.functional as F", namespace)  # noqa: S102
        exec(compile(tree, f"{lesson}:{name}", "exec"), namespace)  # noqa: S102 - the lesson's own class
        return namespace[name]
    raise LookupError(f"{lesson} defines no class {name}")


# ---- 1. data pipeline

def write_idx(images, labels, raw: Path) -> None:
    """Write images (N, 1, 28, 28) in [0, 1] and labels as torchvision's MNIST raw files."""
    import numpy as np

    raw.mkdir(parents=True, exist_ok=True)
    pixels = (images.squeeze(1).cpu().numpy() * 255).round().astype(np.uint8)
    for prefix in ("train", "t10k"):
        with gzip.open(raw / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(struct.pack(">IIII", 0x803, len(pixels), 28, 28) + pixels.tobytes())
        with gzip.open(raw / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(struct.pack(">II", 0x801, len(labels)) + labels.cpu().numpy().astype(np.uint8).tobytes())
    for gz in raw.glob("*.gz"):
        (raw / gz.stem).write_bytes(gzip.decompress(gz.read_bytes()))


def time_epoch(model, optimizer, batches) -> float:
    import torch.nn.functional as F

    start = time.perf_counter()
    for x, _ in batches:
        loss = F.binary_cross_entropy(model(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def pipeline_benchmark(limit: int | None, data_dir: Path | None) -> dict:
    """Seconds per epoch: in-memory batches vs TensorDataset + DataLoader vs torchvision MNIST + DataLoader."""
    import torch
    import torchvision
    from torch.utils.data import DataLoader, Subset, TensorDataset

    import helpers

    autoencoder = lesson_class("01_autoencoder", "Autoencoder")
    data = helpers.load_images("mnist", subset=limit, root=data_dir, verbose=False)
    results = {"images": len(data.train_x), "mnist_source": data.source, "batch_size": 128}
    with tempfile.TemporaryDirectory() as tmp:
        write_idx(data.train_x, data.train_y, Path(tmp) / "MNIST" / "raw")
        dataset = torchvision.datasets.MNIST(tmp, train=True, transform=torchvision.transforms.ToTensor())
        loaders = {
            "in_memory_s": helpers.Batches(data.train_x, data.train_y, batch_size=128),
            "tensordataset_dataloader_s": DataLoader(TensorDataset(data.train_x, data.train_y), batch_size=128,
                                                     shuffle=True),
            "torchvision_dataloader_s": DataLoader(Subset(dataset, range(len(data.train_x))), batch_size=128,
                                                   shuffle=True),
        }
        for name, batches in loaders.items():
            torch.manual_seed(0)
            model = autoencoder(code_size=32)
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            time_epoch(model, optimizer, batches)  # warm-up epoch
            results[name] = min(time_epoch(model, optimizer, batches) for _ in range(2))
    results["ratio"] = results["in_memory_s"] / results["torchvision_dataloader_s"]  # name kept from before
    results["ratio_vs_tensordataset"] = results["in_memory_s"] / results["tensordataset_dataloader_s"]
    return results


# ---- 2. slider speed

def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def slider_benchmark(moves: int) -> dict:
    """Kernel time per move of lesson 04's (z₁, z₂) sliders: what the observers do (decode + picture)."""
    import ipywidgets as widgets
    import numpy as np
    import torch

    from helpers import latent_explorer

    torch.manual_seed(0)
    decoder = lesson_class("04_variational_autoencoder", "VAE")(latent_dim=2).decoder  # untrained, the lesson's shape
    means, labels = torch.randn(2000, 2), torch.randint(0, 10, (2000,))
    explorer = latent_explorer.LatentExplorer(decoder, means, labels=labels, limit=3.0)
    box = explorer.widget()
    controls = getattr(explorer, "controls", {}) or {}
    sliders = [controls[k] for k in ("z1", "z2") if k in controls] or \
        [w for w in _walk(box) if isinstance(w, widgets.FloatSlider)][:2]
    images = [w for w in _walk(box) if isinstance(w, widgets.Image)]
    api = ("widgets.Image (PNG bytes)" if images else
           "matplotlib figure in an Output (the former API: savefig per move)")

    def picture():
        if images:
            return tuple(bytes(image.value) for image in images)
        return tuple(repr(getattr(out, "outputs", ())) for out in _walk(box) if isinstance(out, widgets.Output))

    if len(sliders) < 2:
        return {"api": api, "status": "not measured: no (z₁, z₂) sliders found in the explorer's widget"}
    times, redrawn = [], 0
    values = np.round(np.linspace(-2.9, 2.9, moves), 2)
    for k, value in enumerate(values):
        slider = sliders[k % 2]
        if slider.value == float(value):
            value = -value if value else 0.05
        before = picture()
        start = time.perf_counter()
        slider.value = float(value)
        times.append(time.perf_counter() - start)
        redrawn += picture() != before
    result = {"api": api, "moves": len(times), "redrawn": redrawn,
              "median_ms": 1000 * statistics.median(times),
              "p95_ms": 1000 * float(np.percentile(times, 95)), "max_ms": 1000 * max(times)}
    result["status"] = "ok" if redrawn else "not measured: a slider move did not redraw the picture synchronously"
    return result


# ---- 3. notebooks

PROBE_MARK = "COURSE_BENCH_SLIDERS "
# Appended to each English notebook in the slider run: moves every slider that redraws a picture (widgets.Image)
# and times the kernel's work per move, with the lesson's own trained models and render functions. Moves are
# spaced by more than the sliders' redraw throttle, as in a drag, so that each move draws at once.
SLIDER_PROBE = '''# make bench: kernel time per move of every picture slider in this notebook (not part of the lesson)
def _course_bench_probe(moves=30, pause=0.06):
    import json, time
    import numpy as np
    import ipywidgets as w
    import ipywidgets.widgets.widget as registry
    instances = getattr(registry, "_instances", None)  # ipywidgets 8; 7.x keeps them in Widget.widgets
    live = list((instances if instances is not None else w.Widget.widgets).values())
    images = [x for x in live if isinstance(x, w.Image)]
    found = {}
    for slider in [x for x in live if isinstance(x, w.FloatSlider)]:
        start, times = slider.value, []
        for k in range(moves):
            value = slider.min + (slider.max - slider.min) * ((0.13 + 0.37 * k) % 1.0)
            before = [bytes(i.value) for i in images]
            time.sleep(pause)
            began = time.perf_counter()
            slider.value = value
            took = time.perf_counter() - began
            if [bytes(i.value) for i in images] != before:
                times.append(took)
        slider.value = start
        if times:
            found[slider.description or f"slider {len(found) + 1}"] = {
                "moves": len(times), "median_ms": 1000 * float(np.median(times)),
                "p95_ms": 1000 * float(np.percentile(times, 95))}
    print("COURSE_BENCH_SLIDERS " + json.dumps(found))
_course_bench_probe()
'''


def probe_result(executed: Path) -> dict:
    """The slider timings the probe printed in an executed notebook ({} when it printed none)."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return {}
    for output in nb.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(PROBE_MARK):
                return json.loads(line[len(PROBE_MARK):])
    return {}

def kernel_env(data_dir: Path | None, cache: Path, online: bool, metrics: Path | None = None) -> dict:
    env = {"COURSE_CACHE_DIR": str(cache), "COURSE_OFFLINE": "0" if online else "1", "COURSE_HEADLESS": "1",
           "COURSE_RETRAIN": "0"}
    if data_dir is not None:
        env["COURSE_DATA_DIR"] = str(data_dir)
    if metrics is not None:
        env["COURSE_METRICS_FILE"] = str(metrics)
    return env


def run_notebooks(notebooks: list[Path], quick: bool, out: Path, cache: Path, data_dir: Path | None, online: bool,
                  timeout: float | None, probe_sliders: bool = False) -> tuple[list[dict], float]:
    """Execute notebooks as `make execute-all` does; each one's time alone, status, recorded metrics, and with
    `probe_sliders` the English notebooks' slider timings (their time is not in the times alone). Also returns
    the wall time of the whole run."""
    mode = "quick" if quick else "full"

    def metrics_file(notebook: Path) -> Path:
        return out / "metrics" / f"{notebook.parent.name}-{notebook.stem}-{mode}.json"

    def probed(notebook: Path) -> bool:
        return probe_sliders and notebook.parent.name == "en"

    for notebook in notebooks:
        metrics_file(notebook).unlink(missing_ok=True)
    executed, wall = runner.execute_all(
        notebooks, out, quick, notebook_timeout=timeout, progress=None,
        env_for=lambda notebook: kernel_env(data_dir, cache, online, metrics_file(notebook)),
        appended_for=lambda notebook: (SLIDER_PROBE,) if probed(notebook) else (),
        done=lambda run: print(f"  {run.notebook} ({mode}): {run.status}, {run.seconds - run.appended_seconds:.1f} s"
                               + (f" — {run.error}" if run.error else ""), flush=True))
    runs = []
    for notebook, run in zip(notebooks, executed):
        file = metrics_file(notebook)
        runs.append({"notebook": run.notebook, "lesson": notebook.stem, "lang": notebook.parent.name, "mode": mode,
                     "seconds": round(run.seconds - run.appended_seconds, 1), "startup_s": run.startup_seconds,
                     "status": run.status, "error": run.error,
                     "metrics": json.loads(file.read_text()) if file.exists() else {},
                     "sliders": probe_result(out / run.notebook) if probed(notebook) else {}})
    print(f"  the whole run: {wall:.1f} s of wall time", flush=True)
    return runs, wall


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def execute_benchmark(out: Path, lessons: tuple[str, ...], data_dir: Path | None, online: bool,
                      timeout: float | None) -> dict:
    """Full mode, both languages, cold cache; everything again with the cache warm (both timed as `make
    execute-all` runs: wall time); then the English notebooks once more, untimed, moving their sliders."""
    cache = fresh(out / "cache")
    todo = runner.notebooks(lessons=lessons)
    print(f"execute-all, full mode, cold cache ({cache}):", flush=True)
    cold, cold_wall = run_notebooks(todo, False, out / "cold", cache, data_dir, online, timeout)
    print("execute-all again, cache warm:", flush=True)
    warm, warm_wall = run_notebooks(todo, False, out / "warm", cache, data_dir, online, timeout)
    print("the English notebooks once more, cache warm, moving their sliders (not timed):", flush=True)
    probed, _ = run_notebooks([n for n in todo if n.parent.name == "en"], False, out / "sliders", cache, data_dir,
                              online, timeout, probe_sliders=True)
    total = {lang: sum(r["seconds"] for r in cold if r["lang"] == lang) for lang in ("en", "hi")}
    result = {"cache": str(cache), "cold": cold, "warm": warm, "sliders": probed,
              "cold_en_s": total["en"], "cold_hi_s": total["hi"], "cold_wall_s": cold_wall, "warm_wall_s": warm_wall}
    result["second_language_share"] = total["hi"] / total["en"] if total["en"] else None
    result["warm_rerun_share"] = warm_wall / cold_wall if cold_wall else None
    return result


def concurrent_benchmark(out: Path, pair: tuple[str, str], alone: dict[str, float], data_dir: Path | None,
                         online: bool, timeout: float | None) -> dict:
    """Two English lessons in full mode at once, each with its own cold cache, against their times alone."""
    def command(lesson: str, folder: Path) -> list[str]:
        return [sys.executable, str(ROOT / "tools" / "execute_notebooks.py"), "--langs", "en", "--lessons", lesson,
                "--out", str(folder)] + (["--timeout", str(timeout)] if timeout else [])

    def env(lesson: str) -> dict:
        return {**os.environ, **kernel_env(data_dir, fresh(out / f"cache-{lesson}"), online)}

    for lesson in pair:  # measure alone what `execute` did not
        if lesson not in alone:
            print(f"{lesson} alone (full mode, cold cache):", flush=True)
            folder = fresh(out / f"alone-{lesson}")
            subprocess.run(command(lesson, folder), env=env(lesson), stdout=subprocess.DEVNULL, check=False)
            alone[lesson] = _seconds(folder)
    print(f"{' and '.join(pair)} at once (full mode, cold caches):", flush=True)
    folders = {lesson: fresh(out / f"together-{lesson}") for lesson in pair}
    processes = [subprocess.Popen(command(lesson, folders[lesson]), env=env(lesson), stdout=subprocess.DEVNULL)
                 for lesson in pair]
    for process in processes:
        process.wait()
    rows = []
    for lesson in pair:
        together = _seconds(folders[lesson])
        rows.append({"lesson": lesson, "alone_s": alone.get(lesson), "together_s": together,
                     "slowdown": together / alone[lesson] if together and alone.get(lesson) else None})
        print(f"  {lesson}: alone {alone.get(lesson)} s, together {together} s", flush=True)
    return {"pair": list(pair), "rows": rows}


def _seconds(folder: Path) -> float | None:
    """The wall time of the one notebook a run of execute_notebooks.py wrote to `folder`, if it ran ok."""
    try:
        [run] = json.loads((folder / "timings.json").read_text())["runs"]
    except (OSError, ValueError, KeyError):
        return None
    return run["seconds"] if run["status"] == "ok" else None


# ---- report

def shown(value: float | None, kind: str) -> str:
    """A measured figure as the report prints it: kind is "ratio", "share", "s", "ms", "x" or "value"."""
    if value is None:
        return "not measured"
    return {"ratio": f"{value:.2f}", "share": f"{value:.1%}", "s": f"{value:.0f} s", "ms": f"{value:.1f} ms",
            "x": f"{value:.2f}×"}.get(kind, f"{value:.4g}")


def goals(report: dict) -> list[dict]:
    """Every goal with its measured figure ("not measured" when that part did not run or failed)."""
    rows = []

    def add(what: str, key: str, value: float | None, kind: str, goal: tuple | None = None) -> None:
        goal = goal or GOALS[key]
        target = f"{goal[0]} {shown(goal[1], kind)}"
        rows.append({"goal": what, "key": key, "measured": value, "shown": shown(value, kind), "target": target,
                     "met": met(value, goal)})

    pipe = report.get("pipeline")
    if pipe:
        add("data pipeline: epoch time, in-memory / torchvision MNIST + DataLoader", "pipeline_vs_torchvision",
            pipe["ratio"], "ratio")
    slider = report.get("slider")
    if slider:
        note = "" if slider.get("api", "").startswith("widgets.Image") else " (former matplotlib API)"
        ok = slider.get("status") == "ok"
        add(f"latent slider: median kernel time per move{note}", "slider_median_ms",
            slider.get("median_ms") if ok else None, "ms")
        add(f"latent slider: p95 kernel time per move{note}", "slider_p95_ms", slider.get("p95_ms") if ok else None,
            "ms")
    for lesson, description, timing in lesson_sliders(report):
        add(f"{lesson}: slider {description}, median kernel time per move (in the lesson)", "slider_median_ms",
            timing["median_ms"], "ms")
        add(f"{lesson}: slider {description}, p95 kernel time per move (in the lesson)", "slider_p95_ms",
            timing["p95_ms"], "ms")
    run = report.get("execute")
    if run:
        add("execute-all full: Hindi (second language) / English, notebooks' times alone", "second_language_share",
            run["second_language_share"], "share")
        add("execute-all full: everything again with the cache warm / first run, wall time", "warm_rerun_share",
            run["warm_rerun_share"], "share")
        for row in run["cold"]:
            if row["lang"] == "en":
                add(f"{row['lesson']}: full mode, cold cache, alone", "lesson_full_cold_s",
                    row["seconds"] if row["status"] == "ok" else None, "s")
    together = report.get("concurrent")
    if together:
        for row in together["rows"]:
            add(f"{row['lesson']}: time with another lesson running / alone", "concurrent_slowdown", row["slowdown"],
                "x")
    for name, (value, mode) in quality(report).items():
        if name in METRIC_GOALS:
            what = ANCHORS.get(name, (describe(name), ""))[0]
            add(f"{what} ({mode} mode; MNIST: {report['data']['mnist']})", name, value, "value", METRIC_GOALS[name])
    return rows


def lesson_sliders(report: dict) -> list[tuple[str, str, dict]]:
    """(lesson, slider description, timings) for every picture slider the probe moved (cache warm)."""
    runs = (report.get("execute") or {}).get("sliders", [])
    return [(run["lesson"], description, timing) for run in runs
            for description, timing in run.get("sliders", {}).items()]


def describe(name: str) -> str:
    """A readable description of a metric nobody has described in ANCHORS yet."""
    return name.replace("_", " ")


def quality(report: dict) -> dict[str, tuple[float, str]]:
    """Each metric the English notebooks recorded -> (value, mode): full mode where it ran, else quick."""
    runs = [r for r in (report.get("execute") or {}).get("cold", []) if r["lang"] == "en"]
    runs += report.get("lessons", [])
    chosen: dict[str, tuple[float, str]] = {}
    for run in runs:
        for name, value in run["metrics"].items():
            if name not in chosen or (run["mode"] == "full" and chosen[name][1] != "full"):
                chosen[name] = (value, run["mode"])
    return chosen


def markdown(report: dict) -> str:
    data = report["data"]
    lines = [f"# Benchmark ({report['device']}, {report['machine']}, torch {report['torch']})", "",
             (f"MNIST used by the lessons: {data['mnist']} (data folder: {data['dir'] or 'the normal sources'}; "
             f"{'online' if report['online'] else 'offline'}). Trained models: bench-only cache folders under "
             f"{report['bench_dir']} (build/cache is not touched)."), "",
             "## Goals", "", "| goal | measured | target | met |", "|---|---:|---|---|"]
    for row in report["goals"]:
        verdict = {True: "yes", False: "**no**", None: "—"}[row["met"]]
        lines.append(f"| {row['goal']} | {row['shown']} | {row['target']} | {verdict} |")
    pipe = report.get("pipeline")
    if pipe:
        lines += ["", "## Data pipeline: one epoch of lesson 01's dense autoencoder", "",
                  "| loader | seconds per epoch | in-memory / this |", "|---|---:|---:|",
                  f"| helpers in-memory Batches | {pipe['in_memory_s']:.2f} | 1.00 |",
                  (f"| TensorDataset + DataLoader (fair baseline) | {pipe['tensordataset_dataloader_s']:.2f} | "
                  f"{pipe['ratio_vs_tensordataset']:.2f} |"),
                  (f"| torchvision MNIST + ToTensor + DataLoader | {pipe['torchvision_dataloader_s']:.2f} | "
                  f"{pipe['ratio']:.2f} |"), "",
                  (f"{pipe['images']:,} training images (MNIST source: {pipe['mnist_source']}), batch size "
                  f"{pipe['batch_size']}, best of two epochs after a warm-up epoch.")]
    slider = report.get("slider")
    if slider:
        lines += ["", "## Latent slider (lesson 04), headless", ""]
        if slider.get("status") == "ok":
            lines += ["| moves | redrawn | median (ms) | p95 (ms) | max (ms) | picture |",
                      "|---:|---:|---:|---:|---:|---|",
                      (f"| {slider['moves']} | {slider['redrawn']} | {slider['median_ms']:.1f} | "
                       f"{slider['p95_ms']:.1f} | {slider['max_ms']:.1f} | {slider['api']} |")]
        else:
            lines.append(f"{slider['status']} ({slider.get('api', '')}).")
    sliders = lesson_sliders(report)
    if sliders:
        lines += ["", "## Picture sliders in the lessons (warm run: trained models, the lessons' own drawing)", "",
                  "| lesson | slider | moves | median (ms) | p95 (ms) |", "|---|---|---:|---:|---:|"]
        lines += [f"| {lesson} | {description} | {t['moves']} | {t['median_ms']:.1f} | {t['p95_ms']:.1f} |"
                  for lesson, description, t in sliders]
    elif report.get("execute"):
        lines += ["", "No lesson showed a picture slider (widgets.Image) that redrew when moved."]
    run = report.get("execute")
    if run:
        lines += ["", "## `make execute-all`, full mode", "",
                  (f"Cache: {run['cache']} (emptied first). Wall time of the first run {run['cold_wall_s']:.0f} s "
                   f"(the notebooks' times alone: English {run['cold_en_s']:.0f} s, Hindi {run['cold_hi_s']:.0f} s); "
                   f"everything again with the cache warm: {run['warm_wall_s']:.0f} s. Each notebook's kernel starts "
                   f"while the one before it runs, so a run's wall time is less than the sum of the times alone."), "",
                  "| notebook | cold cache, alone (s) | warm cache, alone (s) | kernel start-up, warm (s) | status |",
                  "|---|---:|---:|---:|---|"]
        warm = {r["notebook"]: r for r in run["warm"]}
        for row in run["cold"]:
            other = warm.get(row["notebook"], {})
            status = row["status"] if row["status"] == other.get("status", row["status"]) else \
                f"{row['status']} / {other.get('status')}"
            lines.append(f"| {row['notebook']} | {row['seconds']:.1f} | {other.get('seconds', float('nan')):.1f} | "
                         f"{other.get('startup_s', float('nan')):.1f} | {status} |")
        lines += [f"- {r['notebook']}: {r['error']}" for r in run["cold"] + run["warm"] + run.get("sliders", [])
                  if r["error"]]
    together = report.get("concurrent")
    if together:
        lines += ["", "## Two lessons at once (full mode, English, cold caches)", "",
                  "| lesson | alone (s) | at once (s) | slowdown |", "|---|---:|---:|---:|"]
        for row in together["rows"]:
            lines.append(f"| {row['lesson']} | {shown(row['alone_s'], 'value')} | {shown(row['together_s'], 'value')} "
                         f"| {shown(row['slowdown'], 'x')} |")
    if report.get("lessons"):
        lines += ["", "## English lessons (cold cache)", "", "| lesson | mode | wall time (s) | status |",
                  "|---|---|---:|---|"]
        lines += [f"| {r['lesson']} | {r['mode']} | {r['seconds']:.1f} | {r['status']} |" for r in report["lessons"]]
        lines += [f"- {r['lesson']} ({r['mode']}): {r['error']}" for r in report["lessons"] if r["error"]]
    chosen = quality(report)
    if chosen:
        lines += ["", "## Quality (figures the notebooks record; full mode unless only quick ran)", "",
                  "| figure | measured | untrained | anchor |", "|---|---:|---:|---|"]
        for name, (value, mode) in chosen.items():
            if name.endswith("_untrained"):
                continue
            what, anchor = ANCHORS.get(name, (describe(name), ""))
            untrained = chosen.get(f"{name}_untrained")
            lines.append(f"| {what} ({mode}) | {value:.4g} | {shown(untrained[0], 'value') if untrained else ''} "
                         f"| {anchor} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default=DEFAULT_PARTS, help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--lessons", default="", help="lesson prefixes for execute and lessons, e.g. 01,04 (all)")
    parser.add_argument("--modes", default="quick", help="modes of the `lessons` part: full, quick or both")
    parser.add_argument("--pair", default="01,04", help="the two lessons run at once (default 01,04)")
    parser.add_argument("--pipeline-limit", type=int, default=None, help="images for the pipeline (default: all)")
    parser.add_argument("--slider-moves", type=int, default=200)
    parser.add_argument("--data-dir", default=str(SHARED_DATA) if SHARED_DATA.is_dir() else "",
                        help="data folder for every run (default: ../shared/data when it exists, else the normal "
                             "sources)")
    parser.add_argument("--online", action="store_true", help="let the lessons try downloads (default: offline)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per notebook (default: as execute-all)")
    parser.add_argument("--out", default="build")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {', '.join(PARTS)}")
    os.environ["COURSE_OFFLINE"] = "0" if args.online else "1"
    import torch

    import helpers

    out_dir = (ROOT / args.out).resolve()
    bench_dir = out_dir / "bench"
    data_dir = Path(args.data_dir).resolve() if args.data_dir else None
    lessons = tuple(p for p in args.lessons.split(",") if p)
    mnist = helpers.load_images("mnist", root=data_dir, offline=not args.online, verbose=False)
    report: dict = {
        "device": helpers.describe_device(helpers.pick_device()), "machine": f"{platform.machine()}, "
        f"{os.cpu_count()} cores", "torch": torch.__version__, "online": args.online, "bench_dir": str(bench_dir),
        "data": {"dir": str(data_dir) if data_dir else None,
                 "mnist": f"{mnist.source}, {len(mnist.train_x):,} training / {len(mnist.test_x):,} test digits"},
    }
    del mnist
    if "pipeline" in parts:
        report["pipeline"] = pipeline_benchmark(args.pipeline_limit, data_dir)
        print(f"data pipeline: in-memory / TensorDataset {report['pipeline']['ratio_vs_tensordataset']:.2f}, "
              f"/ torchvision {report['pipeline']['ratio']:.2f}", flush=True)
    if "slider" in parts:
        report["slider"] = slider_benchmark(args.slider_moves)
        print(f"slider: {report['slider']}", flush=True)
    if "execute" in parts:
        report["execute"] = execute_benchmark(bench_dir / "execute", lessons, data_dir, args.online, args.timeout)
    if "concurrent" in parts:
        pair = tuple(args.pair.split(","))
        names = {p.stem[:2]: p.stem for p in runner.notebooks(langs=("en",))}
        alone = {r["lesson"][:2]: r["seconds"] for r in (report.get("execute") or {}).get("cold", [])
                 if r["lang"] == "en" and r["status"] == "ok"}
        result = concurrent_benchmark(bench_dir / "concurrent", pair, alone, data_dir, args.online, args.timeout)
        for row in result["rows"]:
            row["lesson"] = names.get(row["lesson"], row["lesson"])
        report["concurrent"] = result
    if "lessons" in parts:
        report["lessons"] = []
        for mode in args.modes.split(","):
            cache = fresh(bench_dir / f"cache-{mode}")
            print(f"English lessons, {mode} mode, cold cache ({cache}):", flush=True)
            report["lessons"] += run_notebooks(runner.notebooks(langs=("en",), lessons=lessons), mode == "quick",
                                               bench_dir / f"lessons-{mode}", cache, data_dir, args.online,
                                               args.timeout)[0]
    report["goals"] = goals(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    text = markdown(report)
    (out_dir / "bench.md").write_text(text)
    print("\n" + text)
    runs = report.get("lessons", []) + [r for part in ("cold", "warm", "sliders")
                                        for r in (report.get("execute") or {}).get(part, [])]
    return 1 if any(r["status"] != "ok" for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
