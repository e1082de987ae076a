"""`make bench`: measured speed and quality of the course, each figure beside its anchor.

1. Data pipeline: one training epoch of lesson 01's dense autoencoder (its own class, taken from the
   notebook) fed by helpers' in-memory batches vs torchvision's MNIST + ToTensor + DataLoader.
2. Every English lesson notebook in full and quick mode (papermill): wall time, and the figures the
   notebook records with `helpers.record_metric` (same code as the lesson, no second copy of a model).
Writes build/bench.json and build/bench.md and prints the table.
"""
from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import platform
import struct
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# metric recorded by a lesson -> (what it is, the anchor it is compared with)
ANCHORS = {
    "dense_ae_test_bce": ("dense AE-32 test BCE per pixel", "Keras blog ≈ 0.09 (full MNIST, Adam)"),
    "seq2seq_exact_match": ("seq2seq digits → Hindi words, hold-out exact match", "goal ≥ 0.95"),
    "dae_psnr_gain_db": ("denoising AE: PSNR gain over the noisy input (dB)", "goal > 0"),
    "pca_2d_mse": ("PCA 2-D reconstruction MSE per pixel", "AE 2-D should be lower"),
    "ae_2d_mse": ("AE 2-D reconstruction MSE per pixel", "below PCA 2-D"),
    "pca_2d_knn_accuracy": ("k-NN accuracy in PCA's 2-D space", "AE 2-D should be higher"),
    "ae_2d_knn_accuracy": ("k-NN accuracy in the AE's 2-D space", "above PCA 2-D"),
    "vae20_test_loss": ("VAE-20 test loss (BCE sum + KL per image)",
                        "pytorch/examples 105.6 after 10 epochs (full MNIST)"),
    "gan_mlp_classes_covered": ("MLP GAN: digit classes generated (of 10)", "goal 10"),
    "gan_mlp_confidence": ("MLP GAN: classifier's mean confidence", "real digits: see real_confidence"),
    "gan_dcgan_classes_covered": ("DCGAN: digit classes generated (of 10)", "goal 10"),
    "gan_dcgan_confidence": ("DCGAN: classifier's mean confidence", "real digits: see real_confidence"),
    "gan_real_confidence": ("real test digits: classifier's mean confidence", "reference"),
    "transfer_pretrained_accuracy": ("frozen pretrained features + linear head accuracy", "above scratch"),
    "transfer_scratch_accuracy": ("same-budget CNN from scratch accuracy", "reference"),
}


def lesson_class(lesson: str, name: str) -> type:
    """The class `name` exactly as a lesson's notebook defines it (its code is not copied here)."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "en" / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or f"class {name}" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        tree.body = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == name]
        namespace: dict = {}
        exec("import torch\nfrom torch import nn", namespace)
        exec(compile(tree, f"{lesson}:{name}", "exec"), namespace)
        return namespace[name]
    raise LookupError(f"{lesson} defines no class {name}")


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


def pipeline_benchmark(limit: int | None) -> dict:
    """Seconds per epoch: helpers' in-memory batches vs torchvision MNIST + ToTensor + DataLoader."""
    import torch
    import torchvision
    from torch.utils.data import DataLoader, Subset

    import helpers

    autoencoder = lesson_class("01_autoencoder", "Autoencoder")
    data = helpers.load_images("mnist", subset=limit, verbose=False)
    results = {"images": len(data.train_x), "mnist_source": data.source}
    with tempfile.TemporaryDirectory() as tmp:
        write_idx(data.train_x, data.train_y, Path(tmp) / "MNIST" / "raw")
        dataset = torchvision.datasets.MNIST(tmp, train=True, transform=torchvision.transforms.ToTensor())
        loaders = {
            "in_memory_s": helpers.Batches(data.train_x, data.train_y, batch_size=128),
            "torchvision_dataloader_s": DataLoader(Subset(dataset, range(len(data.train_x))), batch_size=128,
                                                   shuffle=True),
        }
        for name, batches in loaders.items():
            torch.manual_seed(0)
            model = autoencoder(code_size=32)
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            time_epoch(model, optimizer, batches)  # warm-up epoch
            results[name] = min(time_epoch(model, optimizer, batches) for _ in range(2))
    results["ratio"] = results["in_memory_s"] / results["torchvision_dataloader_s"]
    return results


def run_notebook(notebook: Path, quick: bool, out_dir: Path) -> dict:
    """Execute one notebook; return its wall time, status and recorded metrics."""
    import papermill

    mode = "quick" if quick else "full"
    metrics_file = out_dir / "metrics" / f"{notebook.stem}-{mode}.json"
    metrics_file.unlink(missing_ok=True)
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    os.environ.update({"COURSE_METRICS_FILE": str(metrics_file), "COURSE_QUICK": "1" if quick else "0",
                       "COURSE_HEADLESS": "1"})
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(notebook), str(out_dir / "notebooks" / f"{notebook.stem}-{mode}.ipynb"),
                                   parameters={"QUICK": quick}, cwd=str(notebook.parent), kernel_name="python3",
                                   progress_bar=False)
        status = "ok"
    except Exception as err:  # keep benchmarking the other lessons
        status = f"failed: {type(err).__name__}"
    seconds = time.perf_counter() - start
    metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    return {"lesson": notebook.stem, "mode": mode, "seconds": round(seconds, 1), "status": status, "metrics": metrics}


def markdown(report: dict) -> str:
    lines = [f"# Benchmark ({report['device']}, {report['machine']})", ""]
    pipe = report.get("pipeline")
    if pipe:
        lines += ["## Data pipeline: one epoch of lesson 01's dense autoencoder", "",
                  "| loader | seconds per epoch |", "|---|---:|",
                  f"| helpers in-memory Batches | {pipe['in_memory_s']:.2f} |",
                  f"| torchvision MNIST + ToTensor + DataLoader | {pipe['torchvision_dataloader_s']:.2f} |",
                  f"| **ratio** (goal ≤ 0.5) | **{pipe['ratio']:.2f}** |", "",
                  f"{pipe['images']:,} training images, MNIST source: {pipe['mnist_source']}.", ""]
    lines += ["## Lessons (English notebooks)", "", "| lesson | mode | wall time (s) | status |", "|---|---|---:|---|"]
    lines += [f"| {r['lesson']} | {r['mode']} | {r['seconds']:.1f} | {r['status']} |" for r in report["runs"]]
    lines += ["", "## Quality (full mode unless only quick ran)", "",
              "| figure | measured | anchor |", "|---|---:|---|"]
    chosen = {}
    for run in report["runs"]:
        for name, value in run["metrics"].items():
            if run["mode"] == "full" or name not in chosen:
                chosen[name] = (value, run["mode"])
    for name, (value, mode) in chosen.items():
        what, anchor = ANCHORS.get(name, (name, ""))
        lines.append(f"| {what} ({mode}) | {value:.4g} | {anchor} |")
    lines += ["", f"MNIST source for the lessons: {report['mnist_source']}."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", default="", help="comma-separated lesson prefixes, e.g. 01,04 (default: all)")
    parser.add_argument("--modes", default="full,quick", help="full, quick or both")
    parser.add_argument("--pipeline-limit", type=int, default=None, help="images for the pipeline test (default: all)")
    parser.add_argument("--out", default="build")
    args = parser.parse_args()
    import torch

    import helpers

    out_dir = (ROOT / args.out).resolve()
    wanted = [p for p in args.lessons.split(",") if p]
    notebooks = [p for p in sorted((ROOT / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))
                 if not wanted or any(p.name.startswith(w) for w in wanted)]
    device = helpers.pick_device()
    report = {"device": helpers.describe_device(device), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "torch": torch.__version__,
              "mnist_source": helpers.load_images("mnist", verbose=False).source,
              "pipeline": pipeline_benchmark(args.pipeline_limit), "runs": []}
    print(f"data pipeline ratio: {report['pipeline']['ratio']:.2f}", flush=True)
    for notebook in notebooks:
        for mode in args.modes.split(","):
            print(f"running {notebook.name} ({mode})...", flush=True)
            report["runs"].append(run_notebook(notebook, mode == "quick", out_dir / "bench"))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    table = markdown(report)
    (out_dir / "bench.md").write_text(table)
    print("\n" + table)
    return 1 if any(r["status"] != "ok" for r in report["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
