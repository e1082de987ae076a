"""Build the course website from the executed notebooks: one page per lesson and language, and an index.

    python tools/site/build_site.py                 # build/executed → build/site
    python tools/site/build_site.py --check         # exit 1 when an executed notebook is missing

`make site` installs KaTeX (tools/site/install.sh), runs `make execute-all` when executed notebooks are
missing, then runs this. Everything a page loads is in build/site: no request leaves the site.
Why a small generator of our own rather than Jupyter Book or Sphinx: tools/site/README.md.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(HERE), str(ROOT / "tools"), str(ROOT)]

from site_assets import copy_assets, explorer_script, read_explorer
from site_markdown import Markdown
from site_notebook import NotebookRenderer, source_of
from sync_lessons import QUIZ_BLOCK, repository

from helpers.quiz import load_quiz

LANGS = ("en", "hi")
LANG_NAMES = {"en": "English", "hi": "हिंदी"}
COLAB_LINE = re.compile(r"^.*colab\.research\.google\.com.*$\n?", re.MULTILINE)
TEXTS = {
    "en": {
        "course": "Generative Deep Learning", "contents": "All lessons", "lesson": "Lesson",
        "switch": "हिंदी में पढ़ें", "colab": "Open in Colab", "run_time": "Run time",
        "quick": "quick mode", "full": "full mode", "on_page": "On this page",
        "prev": "Previous lesson", "next": "Next lesson", "figure": "Figure computed by the notebook",
        "colab_cell": "Colab setup cell (runs only in Colab)", "show_code": "Show the code",
        "widget_needs_kernel": "This interactive control needs a running notebook: open the lesson in Colab.",
        "widget_static": "Drawn when the notebook ran. To move the control, open the lesson in Colab.",
        "quick_banner": "This page was computed in quick mode (a small subset of the data, a few batches), so its "
                        "numbers and pictures are rougher than those of a full run. Open it in Colab to run it in full.",
        "run_note": "measured when the notebook ran for this page (make execute-all)",
        "check": "Check", "pick_first": "Pick an answer first.", "right": "✅", "wrong": "❌ Not this one.",
        "try_again": "Try another answer.",
        "score": "Score: {right} of {answered} answered right at the first try ({total} questions).",
        "explorer_hint": "Move z₁ and z₂, or tap the map: your browser runs the lesson's trained decoder and draws the "
                         "digit at that point of the latent space.",
        "explorer_map": "Means μ of the test digits, coloured by digit; the star is your point.",
        "explorer_digit": "The digit the decoder draws at your point z = (z₁, z₂).",
        "index_intro": "A hands-on course in English and Hindi: every lesson teaches the theory with formulas, builds "
                       "the models in PyTorch, and shows what the notebook computed. Read here; open Colab to run.",
        "index_lessons": "Lessons in English", "built_from": "Pages computed in {mode}.",
        "source": "Source on GitHub",
    },
    "hi": {
        "course": "Generative Deep Learning", "contents": "सारे पाठ", "lesson": "पाठ",
        "switch": "Read in English", "colab": "Colab में खोलें", "run_time": "चलने का समय",
        "quick": "quick mode", "full": "full mode", "on_page": "इस पेज पर",
        "prev": "पिछला पाठ", "next": "अगला पाठ", "figure": "Notebook का बनाया चित्र",
        "colab_cell": "Colab setup cell (सिर्फ़ Colab में चलता है)", "show_code": "Code दिखाएँ",
        "widget_needs_kernel": "इस interactive control के लिए चलता हुआ notebook चाहिए: पाठ को Colab में खोलें।",
        "widget_static": "यह notebook चलने के समय बना था। Control को खिसकाने के लिए पाठ को Colab में खोलें।",
        "quick_banner": "यह पेज quick mode में चला था (data का छोटा हिस्सा, कुछ ही batches), इसलिए इसके आँकड़े और "
                        "चित्र पूरे run से कमज़ोर हैं। पूरा चलाने के लिए इसे Colab में खोलें।",
        "run_note": "इस पेज के लिए notebook चलाते समय नापा गया (make execute-all)",
        "check": "जाँचें", "pick_first": "पहले कोई एक उत्तर चुनें।", "right": "✅", "wrong": "❌ यह नहीं।",
        "try_again": "कोई दूसरा उत्तर आज़माइए।",
        "score": "Score: {answered} में से {right} उत्तर पहली बार में सही ({total} प्रश्न)।",
        "explorer_hint": "z₁ और z₂ को खिसकाइए, या map पर tap कीजिए: आपका browser पाठ का train किया हुआ decoder "
                         "चलाकर latent space के उस बिंदु का अंक बनाता है।",
        "explorer_map": "Test अंकों के means μ, हर अंक अपने रंग में; तारा आपका बिंदु है।",
        "explorer_digit": "आपके बिंदु z = (z₁, z₂) पर decoder का बनाया अंक।",
        "index_intro": "English और हिंदी में एक hands-on course: हर पाठ formulas के साथ सिद्धांत सिखाता है, PyTorch में "
                       "models बनाता है, और notebook के खुद नापे हुए नतीजे दिखाता है। यहाँ पढ़िए; चलाने के लिए Colab खोलिए।",
        "index_lessons": "हिंदी में पाठ", "built_from": "पेज {mode} में चलाए गए।",
        "source": "GitHub पर source",
    },
}


# ---- inputs ----

def lesson_names() -> list[str]:
    """Every lesson, e.g. "01_autoencoder", in order."""
    return sorted(path.stem for path in (ROOT / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))


def missing_notebooks(executed: Path) -> list[Path]:
    return [executed / lang / f"{name}.ipynb" for lang in LANGS for name in lesson_names()
            if not (executed / lang / f"{name}.ipynb").exists()]


def run_failed(notebook: dict) -> bool:
    """True when papermill stopped at an error (it marks the notebook and keeps the traceback)."""
    return any("papermill-error-cell-tag" in cell.get("metadata", {}).get("tags", [])
               or any(output.get("output_type") == "error" for output in cell.get("outputs", []))
               for cell in notebook.get("cells", []))


def timing_rows(executed: Path) -> dict[tuple[str, str], dict]:
    """The rows of build/executed/timings.json (written by `make execute-all`) by (lang, lesson)."""
    try:
        loaded = json.loads((executed / "timings.json").read_text(encoding="utf-8"))
        rows = loaded.get("runs", [])  # the format tools/execute_notebooks.py writes
    except (OSError, ValueError, AttributeError):
        return {}
    found = {}
    for row in rows if isinstance(rows, list) else []:
        match = re.search(r"(en|hi)/(\d\d_\w+?)(?:\.ipynb)?$", str(row.get("notebook", ""))) if isinstance(row, dict) else None
        if match:
            found[(match.group(1), match.group(2))] = row
    return found


def run_times(executed: Path, notebooks: dict[tuple[str, str], dict]) -> dict[tuple[str, str], tuple[float, str]]:
    """(seconds, "quick"/"full") per (lang, lesson): from timings.json, else from papermill's metadata."""
    rows = timing_rows(executed)
    times = {}
    for key, notebook in notebooks.items():
        row = rows.get(key, {})
        papermill = notebook.get("metadata", {}).get("papermill", {})
        seconds = row.get("seconds") if row.get("status", "ok") == "ok" else None
        seconds = seconds if isinstance(seconds, (int, float)) else papermill.get("duration")
        mode = str(row.get("mode", ""))
        if not mode:
            quick = papermill.get("parameters", {}).get("QUICK")
            mode = "quick" if quick else "full" if quick is not None else ""
        if isinstance(seconds, (int, float)):
            times[key] = (float(seconds), mode)
    return times


def explorer_of_this_run(path: Path, runs: list[dict]) -> dict | None:
    """Lesson 04's exported decoder, if the executed lesson 04 wrote it (not, e.g., a later `make test` run).

    The export's file time must fall inside the run of a cell that calls `export_latent_explorer` in one
    of the executed notebooks (nbclient records when each cell ran); otherwise the page would show a
    decoder other than the one whose pictures it shows, so the explorer is left out, with a note.
    """
    data = read_explorer(path)
    if data is None:
        return None
    windows = []
    for notebook in runs:
        for cell in notebook.get("cells", []):
            timing = cell.get("metadata", {}).get("execution", {})
            if "export_latent_explorer(" in source_of(cell) and {"iopub.execute_input", "shell.execute_reply"} <= set(timing):
                windows.append(tuple(datetime.fromisoformat(timing[key].replace("Z", "+00:00")).timestamp()
                                     for key in ("iopub.execute_input", "shell.execute_reply")))
    if not any("export_latent_explorer(" in source_of(cell) for nb in runs for cell in nb.get("cells", [])):
        print(f"note: the executed lesson 04 does not call export_latent_explorer, so {path.name} is not used")
        return None
    written = path.stat().st_mtime
    if windows and not any(start - 2 <= written <= end + 2 for start, end in windows):
        print(f"note: {path} was not written by the executed lesson 04 in build/executed (another run wrote it "
              "later, e.g. `make test`); the page shows the explorer's static pictures. Run lesson 04 again "
              "(make execute-all) and then make site.")
        return None
    return data


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


# ---- pieces of a page ----

def split_header(cells: list[dict]) -> tuple[str, str, list[dict]]:
    """(title, intro Markdown, the other cells): the header cell loses its title and its Colab lines."""
    for n, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown":
            text = source_of(cell)
            title = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
            if title:
                intro = COLAB_LINE.sub("", text.replace(title.group(0), "", 1))
                return title.group(1).strip(), intro, cells[:n] + cells[n + 1:]
            break
    return "", "", cells


def quiz_html(lesson: str, lang: str, md: Markdown) -> str:
    """The lesson's quiz as a form the page's JavaScript runs: choose, check, feedback, running score."""
    texts = TEXTS[lang]
    blocks = []
    questions = load_quiz(lesson, lang)
    for number, question in enumerate(questions, start=1):
        choices = "".join(
            f'<label class="choice"><input type="radio" name="q{number}" value="{i}"> '
            f'<span>{md.inline(choice)}</span></label>' for i, choice in enumerate(question.choices))
        feedback = "".join(f'<template data-choice="{i}">{md.inline(text)}</template>'
                           for i, text in enumerate(question.feedback))
        explanation = f'<template data-explanation="">{md.inline(question.explanation)}</template>' \
            if question.explanation else ""
        blocks.append(
            f'<fieldset class="question" data-answer="{question.answer}"><legend><b>{number}.</b> '
            f'{md.inline(question.text)}</legend>{choices}{feedback}{explanation}'
            f'<button type="button" class="check">{texts["check"]}</button>'
            f'<p class="feedback" aria-live="polite" hidden></p></fieldset>')
    words = {key: texts[key] for key in ("pick_first", "right", "wrong", "try_again", "score")}
    score = texts["score"].format(right=0, answered=0, total=len(questions))
    return (f'<form class="quiz" data-texts="{html.escape(json.dumps(words, ensure_ascii=False))}" '
            f'data-total="{len(questions)}">{"".join(blocks)}<p class="score" aria-live="polite"><b>{score}</b></p>'
            f'</form>')


def explorer_html(lang: str, explorer: dict) -> str:
    """The latent explorer's markup; tools/site/static/explorer.js brings it to life."""
    texts, limit = TEXTS[lang], float(explorer["limit"])
    step = 0.01
    sliders = "".join(
        f'<label class="slider">{label}<input type="range" name="{name}" min="{-limit}" max="{limit}" step="{step}" '
        f'value="0"><output>0.00</output></label>' for name, label in (("z1", "z₁"), ("z2", "z₂")))
    return (f'<div class="explorer">'
            f'<p class="explorer-hint">{texts["explorer_hint"]}</p>'
            f'<div class="explorer-panels"><figure class="explorer-map-box"><div class="explorer-map-frame">'
            f'<canvas class="explorer-map" role="img" aria-label="{texts["explorer_map"]}"></canvas>'
            f'<span class="explorer-star" aria-hidden="true">★</span></div><figcaption>{texts["explorer_map"]}</figcaption>'
            f'</figure><figure class="explorer-digit-box"><canvas class="explorer-digit" width="28" height="28" '
            f'role="img" aria-label="{texts["explorer_digit"]}"></canvas><figcaption>{texts["explorer_digit"]}</figcaption>'
            f'</figure></div><div class="explorer-sliders">{sliders}</div></div>')


def page_html(*, lang: str, title: str, body: str, head_extra: str = "", scripts: str = "", nav: str = "",
              header: str = "", root: str = "../") -> str:
    """A whole HTML page around `body`."""
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{root}assets/katex/katex.min.css">
<link rel="stylesheet" href="{root}assets/site.css">
{head_extra}
</head>
<body class="lang-{lang}">
<header class="topbar"><a class="home" href="{root}index.html">{TEXTS[lang]["course"]}</a>{header}</header>
<main>
{body}
</main>
{nav}
<script src="{root}assets/site.js" defer></script>
{scripts}
</body>
</html>
"""


def lesson_page(lang: str, name: str, notebook: dict, md: Markdown, run: tuple[float, str] | None,
                repo: str, explorer: dict | None, names: list[str], titles: dict[tuple[str, str], str]) -> tuple[str, dict]:
    """(HTML with formula placeholders, figures) of one lesson page."""
    texts = TEXTS[lang]
    other = "hi" if lang == "en" else "en"
    md.headings = []
    title, intro, cells = split_header(notebook["cells"])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            cell["source"] = QUIZ_BLOCK.sub("", source_of(cell))
    renderer = NotebookRenderer(
        notebook, md, texts, figure_prefix=f"{name}/fig",
        quiz_block=lambda lesson: quiz_html(lesson, lang, md),
        explorer_block=(lambda: explorer_html(lang, explorer)) if explorer else None)
    body = renderer.body(cells)
    intro_html = md.render(intro)
    toc_items = "".join(f'<li><a href="#{anchor}">{md.inline(text)}</a></li>'
                        for level, anchor, text in md.headings if level == 2)
    colab = f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{lang}/{name}.ipynb"
    meta = [f'<a class="button colab" href="{colab}" rel="noopener">▶ {texts["colab"]}</a>']
    if run:
        seconds, mode = run
        mode_text = texts.get(mode, mode)
        meta.append(f'<span class="run-time" title="{texts["run_note"]}">'
                    f'{texts["run_time"]}: {duration(seconds)}{f" ({mode_text})" if mode_text else ""}</span>')
    banner = f'<p class="banner">{texts["quick_banner"]}</p>' if run and run[1] == "quick" else ""
    toc = (f'<details class="toc"><summary>{texts["on_page"]}</summary><ol>{toc_items}</ol></details>'
           if toc_items else "")
    switch = (f'<a class="lang-switch" id="lang-switch" href="../{other}/{name}.html" hreflang="{other}" '
              f'lang="{other}">{texts["switch"]}</a>')
    position = names.index(name)
    links = []
    if position > 0:
        previous = names[position - 1]
        links.append(f'<a rel="prev" href="{previous}.html">← {texts["prev"]}: {html.escape(titles[(lang, previous)])}</a>')
    links.append(f'<a href="../index.html#{lang}">{texts["contents"]}</a>')
    if position + 1 < len(names):
        following = names[position + 1]
        links.append(f'<a rel="next" href="{following}.html">{texts["next"]}: {html.escape(titles[(lang, following)])} →</a>')
    nav = f'<nav class="pager">{"".join(links)}</nav>'
    article = (f'<article class="lesson"><h1>{md.inline(title)}</h1><div class="meta">{"".join(meta)}</div>{banner}'
               f'<section class="prose intro">{intro_html}</section>{toc}{body}</article>')
    scripts = ""
    if renderer.parts.explorer:
        scripts = '<script src="../data/04_latent_explorer.js" defer></script>\n<script src="../assets/explorer.js" defer></script>'
    page = page_html(lang=lang, title=f"{re.sub(r'[$*`]', '', title)} · {texts['course']}", body=article,
                     header=switch, nav=nav, scripts=scripts)
    return page, renderer.parts.figures


def index_html(names: list[str], titles: dict, runs: dict, repo: str) -> str:
    """The bilingual index: both lists of lessons, each with its run time."""
    sections = []
    for lang in LANGS:
        texts = TEXTS[lang]
        items = []
        for name in names:
            run = runs.get((lang, name))
            time = f' <span class="run-time">· {texts["run_time"]}: {duration(run[0])}</span>' if run else ""
            items.append(f'<li><a href="{lang}/{name}.html">{html.escape(titles[(lang, name)])}</a>{time}</li>')
        modes = {runs[key][1] for key in runs if key[0] == lang and runs[key][1]}
        built = f'<p class="small">{texts["built_from"].format(mode=" / ".join(texts.get(m, m) for m in sorted(modes)))}</p>' \
            if modes else ""
        sections.append(f'<section id="{lang}" lang="{lang}" class="index-lang"><h2>{texts["index_lessons"]}</h2>'
                        f'<p>{texts["index_intro"]}</p><ol class="lessons">{"".join(items)}</ol>{built}</section>')
    jump = '<nav class="jump"><a href="#en">English</a><a href="#hi" lang="hi">हिंदी</a></nav>'
    body = (f'<h1>Generative Deep Learning <span lang="hi">· हिंदी और English में</span></h1>{jump}'
            f'{"".join(sections)}<p class="small"><a href="https://github.com/{repo}">{TEXTS["en"]["source"]}</a></p>')
    return page_html(lang="en", title="Generative Deep Learning — English · हिंदी", body=body, root="")


# ---- the build ----

def build(executed: Path, out: Path, web: Path) -> dict[str, int]:
    """Write the whole site into `out`; returns the size in bytes of each page with everything it loads."""
    names = lesson_names()
    missing = missing_notebooks(executed)
    if missing:
        raise SystemExit("missing executed notebooks (run `make execute-all`): "
                         + ", ".join(str(p.relative_to(ROOT)) for p in missing))
    notebooks = {(lang, name): json.loads((executed / lang / f"{name}.ipynb").read_text(encoding="utf-8"))
                 for lang in LANGS for name in names}
    rows = timing_rows(executed)
    failed = [f"{lang}/{name}" for (lang, name), nb in notebooks.items()
              if run_failed(nb) or rows.get((lang, name), {}).get("status", "ok") != "ok"]
    if failed:
        raise SystemExit(f"these notebooks failed when they ran, so their pages would show an error: {', '.join(failed)}; "
                         "see the executed copies in build/executed/, fix them and run `make execute-all` again")
    runs = run_times(executed, notebooks)
    repo = repository(ROOT)
    explorer = explorer_of_this_run(web / "04_latent_explorer.json",
                                    [nb for (lang, name), nb in notebooks.items() if name.startswith("04_")])
    md = Markdown(ROOT / "build" / "site-tools" / "node_modules", link=lambda href: rewrite_link(href, repo))
    titles = {key: re.sub(r"[$*`]", "", split_header(nb["cells"])[0]) or key[1] for key, nb in notebooks.items()}
    pages, figures = {}, {}
    for (lang, name), notebook in notebooks.items():
        page, page_figures = lesson_page(lang, name, notebook, md, runs.get((lang, name)), repo,
                                         explorer if name.startswith("04_") else None, names, titles)
        pages[f"{lang}/{name}.html"] = page
        figures.update({f"{lang}/{file}": content for file, content in page_figures.items()})
    pages["index.html"] = index_html(names, titles, runs, repo)
    pages = md.finish(pages)
    if out.exists():
        shutil.rmtree(out)
    copy_assets(out, ROOT / "build" / "site-tools")
    if explorer is not None:
        (out / "data").mkdir(parents=True, exist_ok=True)
        (out / "data" / "04_latent_explorer.js").write_text(explorer_script(web / "04_latent_explorer.json"),
                                                             encoding="utf-8")
    for file, content in figures.items():
        (out / file).parent.mkdir(parents=True, exist_ok=True)
        (out / file).write_bytes(content)
    for file, text in pages.items():
        (out / file).parent.mkdir(parents=True, exist_ok=True)
        (out / file).write_text(text, encoding="utf-8")
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve the files as they are
    return {file: page_weight(out, file) for file in pages}


def rewrite_link(href: str, repo: str) -> str:
    """A lesson's relative link: another lesson → its page; another file → the file on GitHub."""
    if not href or re.match(r"[a-z]+:|#", href):
        return href
    lesson = re.search(r"(\d\d_\w+)\.(md|ipynb)$", href)
    if lesson:
        return f"{lesson.group(1)}.html"
    return f"https://github.com/{repo}/blob/main/{href.lstrip('./')}"


def page_weight(out: Path, file: str) -> int:
    """Bytes of a page and every file it refers to (figures, scripts, styles, and all fonts they may load)."""
    page = out / file
    text = page.read_text(encoding="utf-8")
    total = len(text.encode("utf-8"))
    seen = set()
    for ref in re.findall(r'(?:src|href)="([^"#]+)"', text):
        target = (page.parent / ref).resolve()
        if target.is_file() and target.suffix != ".html" and target not in seen:
            seen.add(target)
            total += target.stat().st_size
            if target.suffix == ".css":  # fonts named by the stylesheet: count all, an upper bound
                for font in re.findall(r"url\(([^)]+)\)", target.read_text(encoding="utf-8")):
                    font_file = (target.parent / font.strip("'\"")).resolve()
                    if font_file.is_file() and font_file not in seen:
                        seen.add(font_file)
                        total += font_file.stat().st_size
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executed", default="build/executed", help="the executed notebooks (make execute-all)")
    parser.add_argument("--out", default="build/site", help="where the site is written")
    parser.add_argument("--web", default="build/web", help="what lessons exported for the site (lesson 04's decoder)")
    parser.add_argument("--check", action="store_true", help="only check that every executed notebook is there")
    args = parser.parse_args()
    executed = (ROOT / args.executed).resolve()
    if args.check:
        missing = missing_notebooks(executed)
        for path in missing:
            print(f"missing: {path.relative_to(ROOT)}")
        return 1 if missing else 0
    weights = build(executed, (ROOT / args.out).resolve(), (ROOT / args.web).resolve())
    print("| page | weight with everything it loads (upper bound) |\n|---|---:|")
    for file, size in sorted(weights.items()):
        print(f"| {file} | {size / 1e6:.2f} MB |")
    if not (ROOT / args.web / "04_latent_explorer.json").exists():
        print("note: build/web/04_latent_explorer.json is missing, so lesson 04 shows the explorer's static pictures; "
              "run lesson 04 (make execute-all) to export its decoder.")
    print(f"site: {(ROOT / args.out).resolve() / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
