"""tools/colab_env.py without building anything: Colab's list read right, the freeze rules, finding Python 3.13,
and the course's own requirements already met by Colab (so installing it there upgrades nothing).

The slow part — the environment and every notebook in it — is `make test-colab`."""
import importlib.util
import sys
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("colab_env", ROOT / "tools" / "colab_env.py")
colab_env = importlib.util.module_from_spec(spec)
sys.modules["colab_env"] = colab_env
spec.loader.exec_module(colab_env)

FREEZE = """\
# a comment
ipywidgets==7.7.1
jupyterlab_widgets==3.0.16
matplotlib==3.10.0
google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz
nvidia-nccl-cu13==2.31.2
torch @ https://download.pytorch.org/whl/cpu/torch-2.11.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl
torchvision @ https://download.pytorch.org/whl/cpu/torchvision-0.26.0%2Bcpu-cp313-cp313-manylinux_2_28_x86_64.whl
"""


def test_colab_list_is_read_with_names_normalised():
    colab = colab_env.parse_freeze(FREEZE)
    assert colab["ipywidgets"] == "7.7.1" and colab["jupyterlab-widgets"] == "3.0.16"
    assert colab["google-colab"].startswith("file://")
    assert len(colab) == 7


def test_torch_pins_come_from_the_urls_and_cuda_libraries_are_not_held():
    pins = colab_env.constraints(colab_env.parse_freeze(FREEZE))
    assert pins["torch"] == "2.11.0" and pins["torchvision"] == "0.26.0"
    assert "nvidia-nccl-cu13" not in pins and "google-colab" not in pins
    assert pins["matplotlib"] == "3.10.0"
    assert colab_env.url_version("https://x/y/pkg-1.2.3-py3-none-any.whl") == "1.2.3"


def diff(before: dict, after: dict):
    return colab_env.diff(before, after)


BASE = {"matplotlib": "3.10.0", "kiwisolver": "1.5.0", "numpy": "2.1.3", "ipywidgets": "7.7.1"}
NEEDS = {"kiwisolver": ">=1.5.1", "numpy": ">=1.25"}  # what a new matplotlib asks for (Hindi rule)


def test_english_allows_new_packages_only():
    added = diff(BASE, {**BASE, "genai-course-helpers": "git+https://github.com/a/b@1", "fontpkg": "0.2.2"})
    assert colab_env.freeze_problems("en", added, {}, "3.10.0") == []
    assert "+ fontpkg==0.2.2" in added.lines()
    upgraded = diff(BASE, {**BASE, "ipywidgets": "8.1.5"})
    assert colab_env.freeze_problems("en", upgraded, {}, "3.10.0") == ["ipywidgets changed 7.7.1 → 8.1.5"]
    removed = diff(BASE, {k: v for k, v in BASE.items() if k != "numpy"})
    assert colab_env.freeze_problems("en", removed, {}, "3.10.0") == ["numpy was removed"]


def test_hindi_allows_matplotlib_and_what_it_strictly_needs():
    ok = diff(BASE, {**BASE, "matplotlib": "3.11.2", "kiwisolver": "1.5.1"})
    assert colab_env.freeze_problems("hi", ok, NEEDS, "3.10.0") == []
    needless = diff(BASE, {**BASE, "matplotlib": "3.11.2", "numpy": "2.3.0"})  # 2.1.3 already met >=1.25
    assert colab_env.freeze_problems("hi", needless, NEEDS, "3.10.0") == ["numpy changed 2.1.3 → 2.3.0"]
    other = diff(BASE, {**BASE, "matplotlib": "3.11.2", "ipywidgets": "8.1.5"})
    assert colab_env.freeze_problems("hi", other, NEEDS, "3.10.0") == ["ipywidgets changed 7.7.1 → 8.1.5"]


def test_hindi_fails_when_matplotlib_was_not_upgraded():
    problems = colab_env.freeze_problems("hi", diff(BASE, BASE), NEEDS, "3.10.0")
    assert problems == ["matplotlib was not upgraded for Hindi figures (still 3.10.0)"]
    assert colab_env.freeze_problems("hi", diff(BASE, BASE), NEEDS, "3.11.0") == []  # a newer Colab needs none


def test_a_named_python_that_is_not_3_13_is_refused_with_advice(monkeypatch):
    monkeypatch.setenv("COURSE_COLAB_PYTHON", sys.executable if sys.version_info[:2] != (3, 13) else "/no/python")
    with pytest.raises(SystemExit, match="pyenv install 3.13"):
        colab_env.find_python()


def test_python_minor_reads_a_working_interpreter():
    assert colab_env.python_minor(sys.executable) == f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert colab_env.python_minor("/no/such/python") is None


def colab_list() -> dict:
    path = ROOT.parent / "shared" / "colab" / "pip-freeze.txt"
    if not path.exists():
        pytest.skip(f"Colab's package list is not here ({path})")
    return colab_env.parse_freeze(path.read_text(encoding="utf-8"))


def test_colab_already_meets_every_requirement_of_the_course_package():
    """So the setup cell's `pip install git+…` adds packages and upgrades nothing Colab has."""
    colab = colab_list()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    unmet = []
    for line in project["project"]["dependencies"]:
        requirement = Requirement(line)
        version = colab.get(colab_env.normalise(requirement.name))
        if version is not None and not requirement.specifier.contains(version, prereleases=True):
            unmet.append(f"{line} (Colab has {version})")
    assert not unmet, "installing the course in Colab would upgrade: " + ", ".join(unmet)


def test_the_course_never_asks_pip_for_torch():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {colab_env.normalise(Requirement(line).name) for line in project["project"]["dependencies"]}
    assert not names & {"torch", "torchvision", "torchaudio"}


def test_the_colab_list_has_what_the_recipe_expects():
    pins = colab_env.constraints(colab_list())
    for name in ("torch", "torchvision", "matplotlib", "ipywidgets", "ipykernel", "ipython", "numpy"):
        assert name in pins, f"Colab's list has no usable pin for {name}"
