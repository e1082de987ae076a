"""Colab setup cells (with the Colab module simulated) and every relative link and image in the course."""
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/[0-9][0-9]_*.ipynb"))
COLAB_URL = re.compile(r"https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/main/([^)\s]+\.ipynb)")


def colab_cell(notebook: Path) -> str:
    cells = [c.source for c in nbformat.read(notebook, as_version=4).cells
             if c.cell_type == "code" and "google.colab" in c.source]
    assert len(cells) == 1, "exactly one Colab setup cell"
    return cells[0]


def run_colab_cell(source: str, monkeypatch, lang: str, matplotlib_version: str, in_colab: bool,
                   helpers_installed: bool = False, matplotlib_imported: bool = True) -> list:
    """Execute the cell with subprocess.run recorded and (optionally) a fake google.colab module."""
    import importlib.metadata
    import importlib.util

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(list(args)))
    real_version, real_find_spec = importlib.metadata.version, importlib.util.find_spec
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: matplotlib_version if name == "matplotlib" else real_version(name))
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (object() if helpers_installed else None) if name == "helpers"
                        else real_find_spec(name, *a))
    if not matplotlib_imported:
        monkeypatch.delitem(sys.modules, "matplotlib", raising=False)
    if in_colab:
        monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "colab-cell", "exec"), {"LANG": lang})
    return calls


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_colab_cell_installs_helpers_but_never_torch(notebook, monkeypatch, capsys):
    lang = notebook.parent.name
    calls = run_colab_cell(colab_cell(notebook), monkeypatch, lang, "3.11.2", in_colab=True)
    assert len(calls) == 1 and calls[0][1:4] == ["-m", "pip", "install"]
    assert any(arg.startswith("git+https://github.com/") for arg in calls[0])
    assert not any(re.match(r"torch\b", arg) for call in calls for arg in call)
    assert "helpers" in capsys.readouterr().out  # says what it installed


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_colab_cell_installs_the_configured_repository_and_nothing_else(notebook, monkeypatch, capsys):
    """The one pip call of an English notebook names the repository of pyproject.toml, with no extra options
    (no --upgrade: what Colab has stays; `make test-colab` checks that in a Colab-like environment)."""
    import tomllib

    repo = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]["repository"]
    calls = run_colab_cell(colab_cell(notebook), monkeypatch, "en", "3.10.0", in_colab=True)
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", f"git+https://github.com/{repo}"]]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_colab_cell_upgrades_old_matplotlib_for_hindi_only(notebook, monkeypatch, capsys):
    lang = notebook.parent.name
    calls = run_colab_cell(colab_cell(notebook), monkeypatch, lang, "3.10.0", in_colab=True)
    out = capsys.readouterr().out
    if lang == "hi":
        assert calls[-1][-1] == "matplotlib>=3.11"
        assert "restart" in out
    else:
        assert len(calls) == 1  # English figures need no new matplotlib


def test_hindi_cell_asks_for_a_restart_only_when_the_old_matplotlib_was_loaded(monkeypatch, capsys):
    cell = colab_cell(ROOT / "notebooks" / "hi" / "01_autoencoder.ipynb")
    run_colab_cell(cell, monkeypatch, "hi", "3.10.0", in_colab=True, matplotlib_imported=False)
    out = capsys.readouterr().out
    assert "matplotlib" in out and "restart" not in out


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_colab_cell_is_a_no_op_once_everything_is_there(notebook, monkeypatch, capsys):
    calls = run_colab_cell(colab_cell(notebook), monkeypatch, notebook.parent.name, "3.11.0", in_colab=True,
                           helpers_installed=True)
    assert calls == [] and capsys.readouterr().out == ""


@pytest.mark.parametrize("notebook", NOTEBOOKS[:1], ids=lambda p: p.stem)
def test_colab_cell_does_nothing_outside_colab(notebook, monkeypatch):
    assert run_colab_cell(colab_cell(notebook), monkeypatch, "hi", "3.8.0", in_colab=False) == []


def test_every_source_agrees_with_the_configured_repository():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_lessons.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    import tomllib

    repo = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]["repository"]
    for notebook in NOTEBOOKS:
        text = notebook.read_text(encoding="utf-8")
        linked = set(re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob", text))
        assert linked == {repo}, f"{notebook.name}: links to {linked}"
        assert f"https://github.com/{repo}" in text, f"{notebook.name}: setup cell"


def markdown_sources() -> list[tuple[str, Path]]:
    """(markdown text, folder its links are relative to) for every lesson, notebook and top-level page."""
    sources = [(p.read_text(encoding="utf-8"), p.parent) for p in sorted(ROOT.glob("*.md"))]
    sources += [(p.read_text(encoding="utf-8"), p.parent) for p in sorted(ROOT.glob("lessons_*/*.md"))]
    for notebook in NOTEBOOKS:
        nb = nbformat.read(notebook, as_version=4)
        sources += [(c.source, notebook.parent) for c in nb.cells if c.cell_type == "markdown"]
    return sources


def links(markdown: str) -> list[str]:
    markdown = re.sub(r"```.*?```|`[^`\n]*`", "", markdown, flags=re.S)
    found = re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", markdown)
    found += re.findall(r"<img[^>]+src=[\"']([^\"']+)[\"']", markdown)
    return found


def test_every_relative_link_and_image_exists():
    broken = []
    for text, folder in markdown_sources():
        for target in links(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (folder / target.split("#")[0]).exists():
                broken.append(f"{folder.relative_to(ROOT)}: {target}")
    assert not broken, "broken links:\n" + "\n".join(sorted(set(broken)))


def test_colab_badges_point_to_notebooks_that_exist():
    targets = {m for text, _ in markdown_sources() for m in COLAB_URL.findall(text)}
    assert targets, "no Colab links found"
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, f"Colab links to missing notebooks: {missing}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_notebook_links_to_itself_in_colab_and_to_its_twin(notebook):
    first = nbformat.read(notebook, as_version=4).cells[0].source
    lang, other = notebook.parent.name, {"en": "hi", "hi": "en"}[notebook.parent.name]
    found = COLAB_URL.findall(first)
    assert f"notebooks/{lang}/{notebook.name}" in found and f"notebooks/{other}/{notebook.name}" in found


def test_link_finder_sees_links_and_images():
    assert links("[a](x.md) ![b](img/y.png) <img src='z.png'> `[c](no.md)`") == ["x.md", "img/y.png", "z.png"]
