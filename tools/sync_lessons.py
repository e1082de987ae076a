"""Write what every lesson shares from its one definition: the repository the Colab links point at
(`[tool.course] repository` in pyproject.toml), the Colab setup cell, and the static text version of
the lesson's quiz (from helpers/quizzes/NN_name.yaml, in the prose cell before `helpers.show_quiz`).

    python tools/sync_lessons.py           # rewrite lessons_*/NN_name.md and README.md where they differ
    python tools/sync_lessons.py --check   # list the files that differ, exit 1 if any (used by the tests)

`make sync` runs this first, then jupytext updates the notebooks from the text files.
"""
from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUIZ_START = "<!-- quiz text: written by `make sync` from helpers/quizzes/{lesson}.yaml; edit the YAML, not this -->"
QUIZ_END = "<!-- end of quiz text -->"
QUIZ_BLOCK = re.compile(r"\n*<!-- quiz text: .*?<!-- end of quiz text -->", re.S)
COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/")

SETUP_CELL = {
    "en": '''# Colab only: install the course's `helpers` package; what Colab already has is left as it is
import sys

if "google.colab" in sys.modules:
    import importlib.metadata
    import importlib.util
    import subprocess

    COURSE_REPO = "https://github.com/{repository}"
    if importlib.util.find_spec("helpers") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", f"git+{{COURSE_REPO}}"], check=True)
        print(f"Installed the course's helpers package from {{COURSE_REPO}}.")
    matplotlib_version = tuple(int(part) for part in importlib.metadata.version("matplotlib").split(".")[:2])
    if LANG == "hi" and matplotlib_version < (3, 11):  # only Hindi figures need matplotlib 3.11 or newer
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib>=3.11"], check=True)
        if "matplotlib" in sys.modules:  # the old version is already loaded: a restart loads the new one
            print("matplotlib was upgraded so that figures can show Hindi. Restart the session "
                  "(Runtime → Restart session), then run all cells again.")
        else:
            print("matplotlib was upgraded so that figures can show Hindi.")''',
    "hi": '''# सिर्फ़ Colab में: course का `helpers` package install करें; Colab में पहले से जो है, वह जैसा है वैसा रहता है
import sys

if "google.colab" in sys.modules:
    import importlib.metadata
    import importlib.util
    import subprocess

    COURSE_REPO = "https://github.com/{repository}"
    if importlib.util.find_spec("helpers") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", f"git+{{COURSE_REPO}}"], check=True)
        print(f"Course का helpers package {{COURSE_REPO}} से install हो गया।")
    matplotlib_version = tuple(int(part) for part in importlib.metadata.version("matplotlib").split(".")[:2])
    if LANG == "hi" and matplotlib_version < (3, 11):  # चित्रों में हिंदी के लिए matplotlib 3.11 या नया चाहिए
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "matplotlib>=3.11"], check=True)
        if "matplotlib" in sys.modules:  # पुराना version load हो चुका है: restart के बाद नया load होगा
            print("चित्रों में हिंदी दिखाने के लिए matplotlib नया किया गया है। Session को restart करें "
                  "(Runtime → Restart session), फिर सारे cells दोबारा चलाएँ।")
        else:
            print("चित्रों में हिंदी दिखाने के लिए matplotlib नया किया गया है।")''',
}


def repository(root: Path = ROOT) -> str:
    """The configured GitHub repository, "owner/name"."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    repo = config.get("tool", {}).get("course", {}).get("repository", "")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
        raise SystemExit(f"pyproject.toml: [tool.course] repository must be 'owner/name', got {repo!r}")
    return repo


def setup_cell(lang: str, repo: str) -> str:
    """The Colab setup cell of a notebook in `lang`."""
    return SETUP_CELL[lang].format(repository=repo)


def with_links(text: str, repo: str) -> str:
    """`text` with every Colab link pointing at `repo`."""
    return COLAB_LINK.sub(f"https://colab.research.google.com/github/{repo}/blob/", text)


def with_quiz(text: str, lesson: str, lang: str) -> str:
    """A prose cell with the static quiz of `lesson` at its end (replacing an older one)."""
    from helpers.quiz import QuizError, quiz_markdown

    try:
        block = quiz_markdown(lesson, lang)
    except QuizError as err:
        print(f"note: the quiz text of {lesson} ({lang}) is not updated: {err}", file=sys.stderr)
        return text
    return QUIZ_BLOCK.sub("", text).rstrip() + "\n\n" + QUIZ_START.format(lesson=lesson) + "\n" + block + "\n" + \
        QUIZ_END


def synced_lesson(path: Path, repo: str) -> str:
    """The text of a lesson file with its links, setup cell and quiz text as the definitions say."""
    lang = path.parent.name.removeprefix("lessons_")
    notebook = jupytext.read(path)
    setup = [cell for cell in notebook.cells if cell.cell_type == "code" and "google.colab" in cell.source]
    if len(setup) != 1:
        raise SystemExit(f"{path}: expected exactly one Colab setup cell, found {len(setup)}")
    setup[0].source = setup_cell(lang, repo)
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        cell.source = with_links(cell.source, repo)
        following = notebook.cells[i + 1] if i + 1 < len(notebook.cells) else None
        if following is not None and following.cell_type == "code" and "helpers.show_quiz(" in following.source:
            cell.source = with_quiz(cell.source, path.stem, lang)
    return jupytext.writes(notebook, fmt="md:myst")


def targets(root: Path = ROOT) -> dict[Path, str]:
    """{file: the text it should have} for every lesson text and README."""
    repo = repository(root)
    wanted = {path: synced_lesson(path, repo) for path in sorted(root.glob("lessons_*/[0-9][0-9]_*.md"))}
    readme = root / "README.md"
    wanted[readme] = with_links(readme.read_text(encoding="utf-8"), repo)
    return wanted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only list the files that differ")
    args = parser.parse_args()
    differ = {path: text for path, text in targets().items() if path.read_text(encoding="utf-8") != text}
    if args.check:
        for path in differ:
            print(f"{path.relative_to(ROOT)} differs from its definitions: run `make sync`")
        return 1 if differ else 0
    for path, text in differ.items():
        path.write_text(text, encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
