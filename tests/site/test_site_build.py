"""The site generator's pieces, without a browser and without KaTeX (formulas stay placeholders here)."""
import base64
import io
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "site"))

import build_site
from site_assets import woff2_only
from site_markdown import PLACEHOLDER_RE, Markdown, slug
from site_notebook import NotebookRenderer, clean_text


@pytest.fixture
def md():
    return Markdown(ROOT / "build" / "site-tools" / "node_modules")


def renderer(md, notebook=None, explorer=None):
    notebook = notebook or {"cells": [], "metadata": {}}
    return NotebookRenderer(notebook, md, build_site.TEXTS["en"], "01_x/fig",
                            quiz_block=lambda lesson: f"<QUIZ {lesson}>", explorer_block=explorer)


def test_markdown_collects_math_tables_details_and_keeps_the_page_offline(md):
    html = md.render("Inline $\\tfrac12 x$ and\n\n$$\\mathbb{E}[z]$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                     "<details><summary>Why $\\mu$?</summary>\n\nBecause $\\sigma$.\n</details>\n\n"
                     "![badge](https://example.org/b.svg) and ![local](fig.png)")
    assert md.formulas == [("\\tfrac12 x", False), ("\\mathbb{E}[z]", True), ("\\mu", False), ("\\sigma", False)]
    assert len(PLACEHOLDER_RE.findall(html)) == 4 and "$" not in html
    assert '<div class="scroll"><table>' in html and '<div class="math">' in html
    assert '<summary>Why \u2063KATEX2\u2063?</summary>' in html
    assert '<img src="https://' not in html and '<a href="https://example.org/b.svg">badge</a>' in html
    assert '<img src="fig.png" alt="local" loading="lazy">' in html


def test_markdown_refuses_scripts_and_outside_images_in_raw_html(md):
    with pytest.raises(ValueError, match="outside the site"):
        md.render('<img src="https://example.org/x.png">\n')
    with pytest.raises(ValueError, match="scripts"):
        md.render("<script>alert(1)</script>\n")


def test_headings_get_unique_ids_in_any_script(md):
    md.render("## 1. What is $z$?\n\n## 1. What is $z$?\n\n## खंड एक\n")
    assert [h[:2] for h in md.headings] == [(2, "1-what-is"), (2, "1-what-is-2"), (2, "खंड-एक")]
    assert slug("!!!") == "section"


def test_printed_text_as_a_terminal_shows_it():
    assert clean_text("\x1b[31mred\x1b[0m\n10%|█\r50%|███\r100%|█████| done\nnext") == "red\n100%|█████| done\nnext"


def test_header_cell_loses_its_title_and_colab_lines():
    cells = [{"cell_type": "markdown", "source": "# Lesson 01 — Autoencoders\n\n[![Open in Colab](https://colab."
              "research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/a/b/blob/x)\n"
              "[हिंदी में](https://colab.research.google.com/github/a/b/blob/y)\n\nAn **autoencoder** is…"},
             {"cell_type": "code", "source": "x = 1"}]
    title, intro, rest = build_site.split_header(cells)
    assert title == "Lesson 01 — Autoencoders"
    assert "colab" not in intro and "An **autoencoder** is…" in intro
    assert rest == cells[1:]


def test_run_times_from_timings_json_else_from_papermill(tmp_path):
    (tmp_path / "timings.json").write_text(json.dumps({"mode": "quick", "runs": [  # as `make execute-all` writes it
        {"notebook": "en/01_a.ipynb", "mode": "quick", "seconds": 41.5, "status": "ok"},
        {"notebook": "en/02_b.ipynb", "mode": "quick", "seconds": 9.0, "status": "timeout"}]}))
    notebooks = {("en", "01_a"): {}, ("hi", "01_a"): {"metadata": {"papermill": {
        "duration": 44.2, "parameters": {"QUICK": False}}}}}
    times = build_site.run_times(tmp_path, notebooks)
    assert times == {("en", "01_a"): (41.5, "quick"), ("hi", "01_a"): (44.2, "full")}
    assert build_site.timing_rows(tmp_path)[("en", "02_b")]["status"] == "timeout"
    assert build_site.duration(41.5) == "42 s" and build_site.duration(134) == "2 min 14 s"


def test_a_failed_run_is_noticed():
    ok = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "stream", "text": "hi"}]}]}
    failed = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "error", "traceback": []}]}]}
    marked = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["papermill-error-cell-tag"]}}]}
    assert not build_site.run_failed(ok) and build_site.run_failed(failed) and build_site.run_failed(marked)


def test_links_stay_in_the_site_or_go_to_github():
    assert build_site.rewrite_link("02_encoder_decoder.md", "o/r") == "02_encoder_decoder.html"
    assert build_site.rewrite_link("../GLOSSARY.md", "o/r") == "https://github.com/o/r/blob/main/GLOSSARY.md"
    assert build_site.rewrite_link("#top", "o/r") == "#top"
    assert build_site.rewrite_link("https://x.org", "o/r") == "https://x.org"


def test_katex_css_keeps_only_the_woff2_fonts():
    css = ('@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) format("woff2"),'
           'url(fonts/KaTeX_AMS-Regular.woff) format("woff"),url(fonts/KaTeX_AMS-Regular.ttf) format("truetype")}')
    assert woff2_only(css) == ('@font-face{font-family:KaTeX_AMS;src:url(fonts/KaTeX_AMS-Regular.woff2) '
                               'format("woff2")}')


def png(width: int = 3, height: int = 2) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_cells_quiz_static_quiz_text_figures_and_streams(md):
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": "QUICK = True", "outputs": []},
        {"cell_type": "code", "metadata": {}, "source": "print(1)", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": "a\n"},
            {"output_type": "stream", "name": "stdout", "text": "b\n"},
            {"output_type": "display_data", "data": {"image/png": png(), "text/plain": "<Figure>"}}]},
        {"cell_type": "code", "metadata": {}, "source": 'helpers.show_quiz("01_x")', "outputs": [
            {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "q"}}}]},
    ]
    page = renderer(md)
    html = page.body(cells)
    assert "QUICK = True" not in html
    assert '<pre class="output stdout">a\nb</pre>' in html
    name = next(iter(page.parts.figures))
    assert name in ("01_x/fig-1.png", "01_x/fig-1.webp") and len(page.parts.figures) == 1
    assert f'<img class="figure" src="{name}"' in html and 'width="3" height="2"' in html
    assert "<QUIZ 01_x>" in html and "show_quiz" not in html and page.parts.quiz == "01_x"


def test_widgets_show_what_they_drew_or_say_they_need_a_kernel(md):
    state = {"box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o"]}},
             "s": {"model_name": "FloatSliderModel", "state": {"description": "σ", "value": 0.5}},
             "o": {"model_name": "OutputModel", "state": {"outputs": [
                 {"output_type": "display_data", "data": {"image/png": png()}},
                 {"output_type": "stream", "name": "stdout", "text": "PSNR 20 dB\n"}]}}}
    notebook = {"cells": [], "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": state}}}}
    page = renderer(md, notebook)
    shown = page.rich({"application/vnd.jupyter.widget-view+json": {"model_id": "box"}})
    assert "σ = 0.50" in shown and "01_x/fig-1." in shown and "PSNR 20 dB" in shown
    assert build_site.TEXTS["en"]["widget_static"] in shown
    unknown = page.rich({"application/vnd.jupyter.widget-view+json": {"model_id": "gone"}})
    assert build_site.TEXTS["en"]["widget_needs_kernel"] in unknown


def test_the_explorer_replaces_the_explorer_widget_only(md):
    cells = [{"cell_type": "code", "metadata": {}, "source": "display(explorer.widget(z1=0.0))", "outputs": [
        {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}}}]},
             {"cell_type": "code", "metadata": {}, "source": "display(cvae_explorer.widget(digit=7))", "outputs": [
        {"output_type": "display_data", "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "y"}}}]}]
    page = renderer(md, explorer=lambda: "<EXPLORER>")
    html = page.body(cells)
    assert html.count("<EXPLORER>") == 1 and page.parts.explorer


def test_the_quiz_form_has_every_choice_and_its_feedback(md):
    html = build_site.quiz_html("04_variational_autoencoder", "hi", md)
    from helpers.quiz import load_quiz

    questions = load_quiz("04_variational_autoencoder", "hi")
    assert html.count('<fieldset class="question"') == len(questions)
    assert html.count('type="radio"') == sum(len(q.choices) for q in questions)
    assert html.count("<template data-choice=") == html.count('type="radio"')
    assert f'data-answer="{questions[0].answer}"' in html and "जाँचें" in html


def test_a_lesson_page_has_header_links_run_time_and_no_static_quiz_text(md, monkeypatch):
    from sync_lessons import QUIZ_END, QUIZ_START

    monkeypatch.setattr(build_site, "quiz_html", lambda lesson, lang, md: f"<form class=quiz>{lesson}</form>")
    notebook = {"metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "# Lesson 02 — Two\n\nIntro text."},
        {"cell_type": "markdown", "source": "## 9. Quiz\n\nPick one.\n\n" + QUIZ_START.format(lesson="02_b")
         + "\n<details><summary>The quiz as text</summary>\n\n**1. Q?**\n</details>\n" + QUIZ_END},
        {"cell_type": "code", "source": 'helpers.show_quiz("02_b")', "outputs": []}]}
    names = ["01_a", "02_b", "03_c"]
    titles = {(lang, n): f"T{n}" for lang in ("en", "hi") for n in names}
    page, figures = build_site.lesson_page("hi", "02_b", notebook, md, (75.0, "quick"), "o/r", None, names, titles)
    assert "<h1>Lesson 02 — Two</h1>" in page and "The quiz as text" not in page and "<form class=quiz>02_b" in page
    assert 'href="../en/02_b.html" hreflang="en"' in page and 'lang="hi"' in page
    assert 'href="https://colab.research.google.com/github/o/r/blob/main/notebooks/hi/02_b.ipynb"' in page
    assert "चलने का समय: 75 s (quick mode)" in page and build_site.TEXTS["hi"]["quick_banner"] in page
    assert 'href="01_a.html"' in page and 'href="03_c.html"' in page and figures == {}


def test_the_explorer_is_used_only_when_the_executed_lesson_wrote_it(tmp_path):
    from datetime import datetime, timezone

    import torch
    from torch import nn

    from helpers.web_export import export_latent_explorer

    decoder = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 784), nn.Sigmoid())
    path = export_latent_explorer(decoder, torch.zeros(3, 2), [0, 1, 2], 3.0, path=tmp_path / "e.json")

    def run(offset_s: float, source: str = "export_latent_explorer(vae_2d.decoder, …)") -> dict:
        stamp = lambda t: datetime.fromtimestamp(t, timezone.utc).isoformat().replace("+00:00", "Z")
        written = path.stat().st_mtime + offset_s
        return {"cells": [{"cell_type": "code", "source": source, "metadata": {"execution": {
            "iopub.execute_input": stamp(written - 1), "shell.execute_reply": stamp(written + 1)}}}]}

    assert build_site.explorer_of_this_run(path, [run(0)])["limit"] == 3.0
    assert build_site.explorer_of_this_run(path, [run(-600), run(0.5)]) is not None
    assert build_site.explorer_of_this_run(path, [run(-600)]) is None           # written by another run
    assert build_site.explorer_of_this_run(path, [run(0, "display(explorer.widget())")]) is None  # never exported
    assert build_site.explorer_of_this_run(tmp_path / "missing.json", [run(0)]) is None
