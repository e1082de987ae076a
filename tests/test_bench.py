"""Smoke test of `make bench` on a tiny setting, so that the benchmark cannot rot."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_lesson_01_quick_and_writes_json_and_markdown(tmp_path):
    out = tmp_path / "bench-out"
    result = subprocess.run(
        [sys.executable, "tools/bench.py", "--lessons", "01", "--modes", "quick", "--pipeline-limit", "512",
         "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads((out / "bench.json").read_text())
    pipeline = report["pipeline"]
    assert pipeline["images"] == 512 and pipeline["in_memory_s"] > 0 and pipeline["torchvision_dataloader_s"] > 0
    assert abs(pipeline["ratio"] - pipeline["in_memory_s"] / pipeline["torchvision_dataloader_s"]) < 1e-9
    [run] = report["runs"]
    assert run["lesson"] == "01_autoencoder" and run["mode"] == "quick" and run["status"] == "ok"
    assert 0 < run["metrics"]["dense_ae_test_bce"] < 1  # recorded by the notebook itself
    table = (out / "bench.md").read_text()
    assert "Keras blog" in table and "ratio" in table
