"""One executed notebook as the body of a lesson page: prose, highlighted code and its outputs.

Figures become PNG files beside the page; printed text stays text; ipywidgets outputs are replaced by
what the page can do without a kernel: the quiz cell by the JavaScript quiz, the latent explorer by the
JavaScript explorer, and any other widget by the pictures and text it had drawn when the notebook ran.
"""
from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
QUIZ_RE = re.compile(r"""show_quiz\(\s*["'](\w+)["']\s*\)""")
EXPLORER_RE = re.compile(r"(?<![\w.])explorer\.widget\(")  # the 2-D VAE's `explorer`, not `cvae_explorer`
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PYTHON = PythonLexer()
FORMATTER = HtmlFormatter(nowrap=True)


@dataclass
class PageParts:
    """What a page needs besides its body: figures to write, and the quiz/explorer it contains."""

    figures: dict[str, bytes] = field(default_factory=dict)  # file name → PNG bytes
    quiz: str | None = None            # lesson name of the quiz shown, if any
    explorer: bool = False             # the latent explorer is on the page
    widget_notes: int = 0              # widgets shown as static pictures


def clean_text(text: str) -> str:
    """Printed text as a terminal shows it: colours removed, each line's carriage returns applied."""
    text = ANSI_RE.sub("", text)
    return "\n".join(line.rsplit("\r", 1)[-1] if "\r" in line.rstrip("\r") else line.rstrip("\r")
                     for line in text.split("\n"))


def source_of(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def tags_of(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


class NotebookRenderer:
    """Renders the cells of one notebook; `markdown` renders prose, `texts` holds the page's UI words."""

    def __init__(self, notebook: dict, markdown, texts: dict[str, str], figure_prefix: str,
                 quiz_block: Callable[[str], str], explorer_block: Callable[[], str] | None):
        self.notebook = notebook
        self.markdown = markdown
        self.texts = texts
        self.figure_prefix = figure_prefix
        self.quiz_block = quiz_block
        self.explorer_block = explorer_block
        self.parts = PageParts()
        state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {})
        self.widgets: dict = state.get("state", {}) if isinstance(state, dict) else {}

    # ---- cells ----

    def body(self, cells: list[dict]) -> str:
        """HTML for `cells` (the header cell already taken out by the caller)."""
        parts = []
        for cell in cells:
            tags = tags_of(cell)
            if "remove-cell" in tags or "injected-parameters" in tags:
                continue
            if cell.get("cell_type") == "markdown":
                text = source_of(cell)
                if text.strip():
                    parts.append(f'<section class="prose">{self.markdown.render(text)}</section>')
            elif cell.get("cell_type") == "code":
                parts.append(self.code_cell(cell, tags))
        return "\n".join(parts)

    def code_cell(self, cell: dict, tags: set[str]) -> str:
        source = source_of(cell)
        quiz = QUIZ_RE.search(source)
        if quiz:
            self.parts.quiz = quiz.group(1)
            return self.quiz_block(quiz.group(1))
        code = f'<pre class="code"><code>{highlight(source, PYTHON, FORMATTER)}</code></pre>'
        explorer = self.explorer_block is not None and EXPLORER_RE.search(source)
        outputs = "" if "remove-output" in tags else self.outputs(cell.get("outputs", []), explorer=bool(explorer))
        if "remove-input" in tags:
            code = ""
        elif '"google.colab" in sys.modules' in source:  # only Colab runs it: folded on the site
            code = f'<details class="fold"><summary>{self.texts["colab_cell"]}</summary>{code}</details>'
        elif "hide-input" in tags:
            code = f'<details class="fold"><summary>{self.texts["show_code"]}</summary>{code}</details>'
        if not code and not outputs:
            return ""
        return f'<div class="cell">{code}{outputs}</div>'

    # ---- outputs ----

    def outputs(self, outputs: list[dict], explorer: bool = False) -> str:
        html_parts, streams = [], []

        def flush() -> None:
            if streams:
                name, text = streams[0][0], "".join(t for _, t in streams)
                shown = clean_text(text).strip("\n")
                if shown:
                    html_parts.append(f'<pre class="output {name}">{html.escape(shown)}</pre>')
                streams.clear()

        for output in outputs:
            kind = output.get("output_type")
            if kind == "stream":
                if streams and streams[0][0] != output.get("name"):
                    flush()
                streams.append((output.get("name", "stdout"), _text(output.get("text", ""))))
                continue
            flush()
            if kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                if WIDGET_VIEW in data and explorer:
                    self.parts.explorer = True
                    html_parts.append(self.explorer_block())
                    explorer = False  # one explorer per page
                else:
                    html_parts.append(self.rich(data))
            elif kind == "error":
                trace = clean_text("\n".join(output.get("traceback", [])))
                html_parts.append(f'<pre class="output error">{html.escape(trace)}</pre>')
        flush()
        body = "".join(part for part in html_parts if part)
        return f'<div class="outputs">{body}</div>' if body else ""

    def rich(self, data: dict) -> str:
        """One display output: the richest form the page can show without a kernel."""
        if WIDGET_VIEW in data:
            return self.widget(data[WIDGET_VIEW].get("model_id", ""))
        if "image/png" in data:
            return self.figure(base64.b64decode(_text(data["image/png"])), "png")
        if "image/jpeg" in data:
            return self.figure(base64.b64decode(_text(data["image/jpeg"])), "jpg")
        if "image/svg+xml" in data:
            return self.figure(_text(data["image/svg+xml"]).encode("utf-8"), "svg")
        if "text/html" in data:
            markup = re.sub(r"<script\b.*?</script>", "", _text(data["text/html"]), flags=re.DOTALL | re.IGNORECASE)
            return f'<div class="scroll html-output">{markup}</div>'
        if "text/markdown" in data:
            return f'<div class="prose">{self.markdown.render(_text(data["text/markdown"]))}</div>'
        if "text/latex" in data:
            return f'<div class="prose">{self.markdown.render(_text(data["text/latex"]))}</div>'
        if "text/plain" in data:
            return f'<pre class="output">{html.escape(clean_text(_text(data["text/plain"])))}</pre>'
        return ""

    def figure(self, content: bytes, extension: str) -> str:
        size = None
        if extension == "png":
            content, extension, size = compress_figure(content)
        name = f"{self.figure_prefix}-{len(self.parts.figures) + 1}.{extension}"
        self.parts.figures[name] = content
        dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
        return (f'<a class="figure-link" href="{name}"><img class="figure" src="{name}" alt="{self.texts["figure"]}"'
                f'{dims} loading="lazy" decoding="async"></a>')  # a tap opens it full size, to zoom on a phone

    def widget(self, model_id: str, depth: int = 0) -> str:
        """A widget as the page can show it: the outputs it drew and its text; controls become a note."""
        model = self.widgets.get(model_id)
        if model is None or depth > 20:
            self.parts.widget_notes += 1
            return f'<p class="note">{self.texts["widget_needs_kernel"]}</p>' if depth == 0 else ""
        name, state = model.get("model_name", ""), model.get("state", {})
        if name == "OutputModel":
            return "".join(self.rich(o.get("data", {})) if o.get("output_type") in ("display_data", "execute_result")
                           else self.outputs([o]) for o in state.get("outputs", []))
        if name in ("VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"):
            children = "".join(self.widget(str(child).removeprefix("IPY_MODEL_"), depth + 1)
                               for child in state.get("children", []))
            row = " row" if name == "HBoxModel" else ""
            inner = f'<div class="widget-box{row}">{children}</div>'
            if depth == 0:
                self.parts.widget_notes += 1
                return f'{inner}<p class="note">{self.texts["widget_static"]}</p>'
            return inner
        if name in ("HTMLModel", "HTMLMathModel"):
            return f'<div class="widget-html">{state.get("value", "")}</div>'
        if name == "LabelModel":
            return f'<p class="widget-label">{html.escape(str(state.get("value", "")))}</p>'
        if "Slider" in name or name.endswith("TextModel") or name in ("DropdownModel", "CheckboxModel"):
            value = state.get("value", "")
            if isinstance(value, float):
                value = f"{value:.2f}"
            label = html.escape(str(state.get("description", "")))
            return f'<span class="widget-value">{label} = {html.escape(str(value))}</span>'
        return ""


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def compress_figure(content: bytes) -> tuple[bytes, str, tuple[int, int] | None]:
    """A notebook's PNG as lossless WebP where that is smaller (about half, every pixel kept), and its size."""
    try:
        from PIL import Image, features
    except ImportError:
        return content, "png", None
    with Image.open(io.BytesIO(content)) as image:
        size = image.size
        if not features.check("webp"):
            return content, "png", size
        buffer = io.BytesIO()
        image.save(buffer, format="WEBP", lossless=True, method=4)
    smaller = buffer.getvalue()
    return (smaller, "webp", size) if len(smaller) < len(content) else (content, "png", size)
