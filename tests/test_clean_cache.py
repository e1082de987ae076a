"""`make clean-cache`: deletes the load-or-train cache's files, says what it deleted, touches nothing else."""
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("clean_cache", ROOT / "tools" / "clean_cache.py")
clean_cache = importlib.util.module_from_spec(spec)
spec.loader.exec_module(clean_cache)


def test_cache_files_are_deleted_and_other_files_are_left_alone(tmp_path):
    cache = tmp_path / "cache"
    (cache / "01_autoencoder").mkdir(parents=True)
    (cache / "04_vae").mkdir()
    (cache / "01_autoencoder" / "dense_ae-baf174f05553c74a.pt").write_bytes(b"x" * 1000)
    (cache / "01_autoencoder" / "conv_ae-b68445b376b00742.pt.part").write_bytes(b"x" * 10)
    (cache / "04_vae" / "vae_2d-0123456789abcdef.pt").write_bytes(b"x" * 500)
    (cache / "04_vae" / "notes.txt").write_text("mine")
    assert clean_cache.clean(cache) == (3, 1510, [cache / "04_vae" / "notes.txt"])
    assert not (cache / "01_autoencoder").exists()
    assert (cache / "04_vae" / "notes.txt").read_text() == "mine"


def test_make_clean_cache_uses_course_cache_dir_and_says_what_it_deleted(tmp_path):
    cache = tmp_path / "my-cache"
    (cache / "01_autoencoder").mkdir(parents=True)
    (cache / "01_autoencoder" / "dense_ae-baf174f05553c74a.pt").write_bytes(b"x" * 2_000_000)
    env = {"PATH": "/usr/bin:/bin", "COURSE_CACHE_DIR": str(cache)}
    first = subprocess.run(["make", "--no-print-directory", "clean-cache", f"PYTHON={sys.executable}"], cwd=ROOT,
                           env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert f"deleted 1 cached training run(s), 2.0 MB, from {cache}" in first.stdout
    assert not cache.exists()
    second = subprocess.run(["make", "--no-print-directory", "clean-cache", f"PYTHON={sys.executable}"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=False)
    assert f"nothing to delete: no cached training runs in {cache}" in second.stdout
