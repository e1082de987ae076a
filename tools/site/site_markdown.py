"""The lessons' MyST Markdown as HTML: CommonMark, tables, HTML blocks (<details>), and $…$ / $$…$$ math.

Formulas are rendered at build time by KaTeX (Node.js, from build/site-tools/node_modules), all of a
build in one call: `Markdown.render` leaves a placeholder for each formula, `Markdown.finish` renders
them and fills them in. Pages then need only KaTeX's CSS and fonts, no math JavaScript.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

HERE = Path(__file__).resolve().parent
PLACEHOLDER = "\u2063KATEX{}\u2063"  # an invisible separator keeps it apart from any real text
PLACEHOLDER_RE = re.compile("\u2063KATEX(\\d+)\u2063")
SUMMARY_RE = re.compile(r"(<summary>)(.*?)(</summary>)", re.DOTALL)


class MathError(RuntimeError):
    """KaTeX could not render a formula (the message names it)."""


def slug(text: str) -> str:
    """An id for a heading: lower case, letters (any script) and digits joined by '-'."""
    words = re.findall(r"[\w\u0900-\u097f]+", text.lower())
    return "-".join(words)[:60] or "section"


class Markdown:
    """Markdown → HTML for one build; `link` rewrites hrefs, formulas are collected for one KaTeX call."""

    def __init__(self, node_modules: Path, link=lambda href: href):
        self.node_modules = node_modules
        self.link = link
        self.formulas: list[tuple[str, bool]] = []
        self._index: dict[tuple[str, bool], int] = {}
        md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
        md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True, double_inline=True)
        rules = md.add_render_rule  # markdown-it binds each rule to its renderer: `_renderer` is that argument
        rules("math_inline", lambda _renderer, tokens, i, *_: self._formula(tokens[i].content, False))
        rules("math_inline_double", lambda _renderer, tokens, i, *_: self._formula(tokens[i].content, True))
        rules("math_block", lambda _renderer, tokens, i, *_: f'<div class="math">{self._formula(tokens[i].content, True)}</div>\n')
        rules("table_open", lambda *_: '<div class="scroll"><table>\n')
        rules("table_close", lambda *_: "</table></div>\n")
        rules("heading_open", lambda _renderer, *args: self._heading_open(*args))
        rules("image", lambda _renderer, *args: self._image(*args))
        rules("link_open", lambda _renderer, *args: self._link_open(*args))
        rules("html_block", lambda _renderer, tokens, i, *_: self._raw_html(tokens[i].content))
        rules("html_inline", lambda _renderer, tokens, i, *_: self._raw_html(tokens[i].content))
        rules("fence", lambda _renderer, *args: self._fence(*args))
        rules("code_block", lambda _renderer, *args: self._fence(*args))
        self.md = md
        self.headings: list[tuple[int, str, str]] = []  # (level, id, text) of the page being rendered

    # ---- rendering ----

    def render(self, text: str) -> str:
        """Block Markdown → HTML (formulas still as placeholders until `finish`)."""
        return self.md.render(text)

    def inline(self, text: str) -> str:
        """One line of Markdown (a quiz choice, a title) → inline HTML."""
        return self.md.renderInline(text)

    def _formula(self, tex: str, display: bool) -> str:
        key = (tex.strip(), display)
        if key not in self._index:
            self._index[key] = len(self.formulas)
            self.formulas.append(key)
        return PLACEHOLDER.format(self._index[key])

    def _heading_open(self, tokens, i, options, env) -> str:
        text = tokens[i + 1].content if i + 1 < len(tokens) else ""
        level = int(tokens[i].tag[1])
        anchor = slug(re.sub(r"\$[^$]*\$", "", text))
        taken = {h[1] for h in self.headings}
        base, n = anchor, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        self.headings.append((level, anchor, text))
        return f'<{tokens[i].tag} id="{anchor}">'

    def _image(self, tokens, i, options, env) -> str:
        token = tokens[i]
        src, alt = token.attrGet("src") or "", html.escape(token.content)
        if re.match(r"[a-z]+:", src):  # never load anything from outside the site: keep a link instead
            return f'<a href="{html.escape(src)}">{alt or html.escape(src)}</a>'
        return f'<img src="{html.escape(src)}" alt="{alt}" loading="lazy">'

    def _link_open(self, tokens, i, options, env) -> str:
        token = tokens[i]
        token.attrSet("href", self.link(token.attrGet("href") or ""))
        return self.md.renderer.renderToken(tokens, i, options, env)

    def _fence(self, tokens, i, options, env) -> str:
        token = tokens[i]
        language = (token.info or "").strip().split(" ")[0]
        css = f' class="language-{html.escape(language)}"' if language else ""
        return f'<pre class="text"><code{css}>{html.escape(token.content)}</code></pre>\n'

    def _raw_html(self, content: str) -> str:
        """Raw HTML from a lesson, with Markdown (and math) rendered inside <summary>…</summary>."""
        if re.search(r"<img\b[^>]*\bsrc=[\"']?[a-z]+:", content, re.IGNORECASE) or re.search(r"<script\b", content, re.IGNORECASE):
            raise ValueError(f"raw HTML in a lesson may not load from outside the site or run scripts: {content[:120]!r}")
        return SUMMARY_RE.sub(lambda m: m.group(1) + self.inline(m.group(2)) + m.group(3), content)

    # ---- formulas ----

    def finish(self, pages: dict[str, str]) -> dict[str, str]:
        """Render every collected formula with KaTeX and put it into `pages` (name → HTML)."""
        rendered = render_katex(self.formulas, self.node_modules)
        return {name: PLACEHOLDER_RE.sub(lambda m: rendered[int(m.group(1))], text) for name, text in pages.items()}


def render_katex(formulas: list[tuple[str, bool]], node_modules: Path) -> list[str]:
    """HTML for each (tex, display) formula, by one Node.js call; a formula KaTeX rejects stops the build."""
    if not formulas:
        return []
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None or not (node_modules / "katex").is_dir():
        raise MathError(f"KaTeX is not installed (expected {node_modules / 'katex'} and Node.js): run `make site`, "
                        "which installs it with tools/site/install.sh")
    payload = json.dumps([{"tex": tex, "display": display} for tex, display in formulas])
    env = {**os.environ, "NODE_PATH": str(node_modules)}
    done = subprocess.run([node, str(HERE / "katex_render.js")], input=payload, capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise MathError(f"KaTeX failed: {done.stderr.strip()[-2000:]}")
    results = json.loads(done.stdout)
    errors = [f"  {tex!r}: {result['error']}" for (tex, _), result in zip(formulas, results) if "error" in result]
    if errors:
        raise MathError("KaTeX cannot render these formulas:\n" + "\n".join(errors))
    return [result["html"] for result in results]
