"""The course website in headless Chromium, both languages, at a phone's 390 px and a desktop's 1280 px.

Runs through `make test-site` (COURSE_SITE_TESTS=1) after `make site`. The site is served from
build/site on a localhost port; every request must stay on it. Screenshots go to build/site-shots/,
with the explorer's measured redraw rate and pixel difference in build/site-shots/explorer.json.
"""
import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
SHOTS = ROOT / "build" / "site-shots"
CHROMIUM = Path("/usr/bin/chromium")
LANGS = ("en", "hi")
WIDTHS = (390, 1280)
MAX_PAGE_BYTES = 3_000_000
LESSONS = sorted(path.stem for path in (ROOT / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb"))
EXPLORER_LESSON = "04_variational_autoencoder"
RAW_TEX = re.compile(r"\$\$|\\(frac|tfrac|dfrac|mathbb|mathcal|operatorname|underbrace|begin|end|sum|log|sigma|mu|"
                     r"theta|hat|text|big|left|right)\b")

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")

if os.environ.get("COURSE_SITE_TESTS") != "1":
    pytest.skip("the site tests run with `make test-site` (after `make site`)", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None
MISSING = [name for name, ok in (("Chromium (/usr/bin/chromium, Debian package chromium)", CHROMIUM.exists()),
                                 ("Playwright (pip install playwright)", sync_playwright is not None)) if not ok]
if MISSING:
    if IN_CI:  # CI must not pass without running the site tests
        pytest.fail(f"CI=true and the site tests cannot run, missing: {', '.join(MISSING)}", pytrace=False)
    pytest.skip(f"site tests skipped, missing: {', '.join(MISSING)}", allow_module_level=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def base_url():
    if not (SITE / "index.html").exists():
        pytest.fail("build/site has no index.html: run `make site` first")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in ("weights.jsonl", "explorer.json"):  # measurements of this run only
        (SHOTS / old).unlink(missing_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield chromium
        chromium.close()


class Visit:
    """A page opened at a width, with every request it made and every failure recorded."""

    def __init__(self, browser, base_url: str, path: str, width: int):
        self.base = base_url
        self.requests, self.failures = [], []
        self.context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 900},
                                           device_scale_factor=2 if width < 600 else 1)
        self.context.set_default_timeout(90_000)  # a busy 2-core machine can be slow; a hang still fails
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", lambda request: self.failures.append(f"{request.url}: {request.failure}"))
        self.page.on("response", lambda response: response.status >= 400 and self.failures.append(
            f"{response.url}: HTTP {response.status}"))
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(f"{base_url}/{path}", wait_until="load")

    def load_everything(self) -> None:
        """Scroll to the end (lazy figures load), then wait until the network is quiet."""
        self.page.evaluate("""async () => {
            for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
                scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); }
            scrollTo(0, 0); }""")
        self.page.wait_for_function("() => [...document.images].every(i => i.complete)")
        self.page.wait_for_load_state("networkidle")

    def weight(self) -> int:
        """Bytes the page loaded: the document and every resource (uncompressed)."""
        return self.page.evaluate("""() => performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.decodedBodySize, 0)""")

    def close(self) -> None:
        self.context.close()


def visible_prose(page) -> str:
    """The text a reader sees, outside code and outside KaTeX's hidden MathML copy of each formula."""
    return page.evaluate("""() => { const copy = document.body.cloneNode(true);
        copy.querySelectorAll('.katex-mathml, pre, code, script, template, style').forEach(e => e.remove());
        return copy.innerText; }""")


PAGES = [("index.html", "en")] + [(f"{lang}/{name}.html", lang) for lang in LANGS for name in LESSONS]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path, lang", PAGES, ids=[p for p, _ in PAGES])
def test_page_loads_offline_fits_the_screen_and_shows_no_raw_tex(browser, base_url, path, lang, width):
    visit = Visit(browser, base_url, path, width)
    try:
        visit.load_everything()
        page = visit.page
        stem = path.replace("/", "-").removesuffix(".html")
        page.screenshot(path=str(SHOTS / f"{stem}-{width}.png"))
        outside = [url for url in visit.requests if not url.startswith(base_url + "/")]
        assert not outside, f"requests that leave the site: {outside}"
        assert not visit.failures, f"failed requests: {visit.failures}"
        assert not visit.errors, f"JavaScript errors: {visit.errors}"
        # Everything rendered (sections off screen are skipped with content-visibility, and clip what overflows
        # them), so that any box wider than the screen shows up as sideways scrolling of the page.
        page.add_style_tag(content=".lesson > * { content-visibility: visible !important; contain: none !important; }")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        assert page.locator(".katex-error").count() == 0, "KaTeX could not render a formula"
        raw = RAW_TEX.findall(visible_prose(page))
        assert not raw, f"raw TeX visible: {raw[:5]}"
        if path != "index.html":
            assert page.locator(".katex").count() > 0, "no formula rendered on a lesson page"
            assert page.locator("img.figure").count() > 0, "no figure on a lesson page"
            assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            meta = page.locator(".meta").inner_text()
            assert re.search(r"(Run time|चलने का समय): (\d+ min )?\d+ s", meta), f"no run time shown: {meta!r}"
            colab = page.locator("a.colab").get_attribute("href")
            assert colab.startswith("https://colab.research.google.com/github/") and colab.endswith(
                f"/notebooks/{lang}/{Path(path).stem}.ipynb"), colab
        weight = visit.weight()
        assert weight < MAX_PAGE_BYTES, f"{path} weighs {weight / 1e6:.2f} MB with everything it loads"
        with open(SHOTS / "weights.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps({"page": path, "width": width, "bytes": weight}) + "\n")
    finally:
        visit.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_hindi_text_is_drawn_with_the_bundled_devanagari_font(browser, base_url, width):
    visit = Visit(browser, base_url, f"hi/{LESSONS[0]}.html", width)
    try:
        page = visit.page
        page.evaluate("() => document.fonts.ready")
        faces = page.evaluate("""() => [...document.fonts].map(f => ({family: f.family, status: f.status}))""")
        assert {"family": '"Course Devanagari"', "status": "loaded"} in faces or \
            {"family": "Course Devanagari", "status": "loaded"} in faces, faces
        assert page.evaluate("() => document.fonts.check('17px \"Course Devanagari\"', 'हिंदी')")
        cdp = visit.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "section.intro p"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        devanagari = [f for f in fonts if "Devanagari" in f["familyName"]]
        assert devanagari and all(f["isCustomFont"] for f in devanagari), fonts
        assert max(devanagari, key=lambda f: f["glyphCount"])["glyphCount"] > 50, fonts
        assert all(url.startswith(base_url) for url in visit.requests)
    finally:
        visit.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", LESSONS)
def test_language_switch_lands_on_the_same_lesson(browser, base_url, lang, name):
    other = "hi" if lang == "en" else "en"
    visit = Visit(browser, base_url, f"{lang}/{name}.html", 390)
    try:
        visit.page.click("#lang-switch")
        visit.page.wait_for_load_state("load")
        assert visit.page.url == f"{base_url}/{other}/{name}.html"
        assert visit.page.evaluate("() => document.documentElement.lang") == other
        assert visit.page.locator("#lang-switch").get_attribute("href") == f"../{lang}/{name}.html"
    finally:
        visit.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", LESSONS)
def test_quiz_answers_show_feedback_and_score(browser, base_url, lang, name, width):
    visit = Visit(browser, base_url, f"{lang}/{name}.html", width)
    try:
        page = visit.page
        quiz = page.locator("form.quiz")
        assert quiz.count() == 1, "the lesson page has no quiz"
        first = quiz.locator("fieldset.question").first
        feedback = first.locator(".feedback")
        first.locator("button.check").click()
        assert feedback.is_visible() and feedback.inner_text().strip(), "no message without a choice"
        answer = int(first.get_attribute("data-answer"))
        choices = first.locator("input[type=radio]")
        wrong = next(i for i in range(choices.count()) if i != answer)
        choices.nth(wrong).check()
        first.locator("button.check").click()
        assert "wrong" in feedback.get_attribute("class") and "❌" in feedback.inner_text()
        expected_why = first.locator(f'template[data-choice="{wrong}"]').evaluate("t => t.content.textContent").strip()
        assert expected_why and expected_why[:20] in feedback.inner_text()
        choices.nth(answer).check()
        first.locator("button.check").click()
        assert "right" in feedback.get_attribute("class") and "✅" in feedback.inner_text()
        score = quiz.locator(".score").inner_text()
        total = quiz.locator("fieldset.question").count()
        assert re.search(rf"\b0\b.*\b1\b.*\b{total}\b|\b1\b.*\b0\b.*\b{total}\b", score), score
        first.scroll_into_view_if_needed()
        first.screenshot(path=str(SHOTS / f"quiz-{lang}-{name}-{width}.png"))
        assert not visit.errors, visit.errors
    finally:
        visit.close()


def slider_drag(page, slider, fraction: float) -> None:
    """Drag a range input's thumb from where it is to `fraction` of the track, like a finger would."""
    box = slider.bounding_box()
    value, low, high = (float(slider.evaluate(f"s => s.{key}")) for key in ("value", "min", "max"))
    start_x = box["x"] + box["width"] * (value - low) / (high - low)
    y = box["y"] + box["height"] / 2
    page.mouse.move(start_x, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * fraction, y, steps=15)
    page.mouse.up()


def digit_pixels(page) -> list[int]:
    return page.evaluate("""() => { const c = document.querySelector('.explorer-digit');
        return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).filter((_, i) => i % 4 === 0); }""")


def point_index(page, z1: float, z2: float) -> int:
    tests = page.evaluate("() => window.courseLatentExplorer.tests.z")
    return min(range(len(tests)), key=lambda t: abs(tests[t][0] - z1) + abs(tests[t][1] - z2))


def assert_drawn_like_torch(page, index: int) -> float:
    """The digit on the canvas against the decoder outputs torch exported for test point `index`."""
    expected = page.evaluate(f"() => window.courseExplorer.expected({index}).pixels")
    drawn = digit_pixels(page)
    worst = max(abs(d / 255 - e) for d, e in zip(drawn, expected))
    assert worst <= 0.5 / 255 + 1e-3, f"the drawn digit differs from torch's by {worst:.4f} at test point {index}"
    return worst


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_latent_explorer_draws_what_the_notebook_decoder_draws(browser, base_url, lang, width):
    visit = Visit(browser, base_url, f"{lang}/{EXPLORER_LESSON}.html", width)
    try:
        page = visit.page
        explorer = page.locator(".explorer")
        assert explorer.count() == 1, "lesson 04 has no latent explorer (did lesson 04 export its decoder?)"
        page.wait_for_function("() => window.courseExplorer && window.courseExplorer.state.redraws > 0")
        limit = page.evaluate("() => window.courseLatentExplorer.limit")
        difference = page.evaluate("() => window.courseExplorer.testDifference()")
        assert difference <= 1e-3, f"JavaScript decoder vs torch: max pixel difference {difference}"
        explorer.scroll_into_view_if_needed()
        assert_drawn_like_torch(page, point_index(page, 0.0, 0.0))
        before = digit_pixels(page)

        z1, z2 = explorer.locator("input[name=z1]"), explorer.locator("input[name=z2]")
        slider_drag(page, z1, 1.2)  # past the right end: the thumb stops at z₁ = +limit
        page.wait_for_function(f"() => window.courseExplorer.state.z1 === {limit}")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        after_z1 = digit_pixels(page)
        assert after_z1 != before, "dragging z₁ did not change the digit"
        assert_drawn_like_torch(page, point_index(page, limit, 0.0))
        slider_drag(page, z2, -0.2)  # past the left end: z₂ = −limit
        page.wait_for_function(f"() => window.courseExplorer.state.z2 === {-limit}")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert digit_pixels(page) != after_z1, "dragging z₂ did not change the digit"
        assert_drawn_like_torch(page, point_index(page, limit, -limit))
        assert float(explorer.locator("output").first.inner_text()) == pytest.approx(limit)

        box = explorer.locator(".explorer-map").bounding_box()  # a tap in the middle of the map: z ≈ (0, 0)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("() => Math.abs(window.courseExplorer.state.z1) < 0.2")
        state = page.evaluate("() => window.courseExplorer.state")
        assert abs(state["z1"]) < 0.2 and abs(state["z2"]) < 0.2, state
        explorer.screenshot(path=str(SHOTS / f"explorer-{lang}-{width}.png"))
        assert not visit.errors, visit.errors
        record("pixel_difference", difference)
    finally:
        visit.close()


def record(key: str, value) -> None:
    path = SHOTS / "explorer.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, indent=2))


def test_latent_explorer_redraws_30_times_a_second_on_a_4x_slower_cpu(browser, base_url):
    visit = Visit(browser, base_url, f"en/{EXPLORER_LESSON}.html", 390)
    try:
        page = visit.page
        page.wait_for_function("() => window.courseExplorer && window.courseExplorer.state.redraws > 0")
        page.locator(".explorer").scroll_into_view_if_needed()
        cdp = visit.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        # A finger moving z₁ back and forth: a new slider value and an input event at every frame for 3 s.
        measured = page.evaluate("""() => new Promise(resolve => {
            const slider = document.querySelector('.explorer input[name=z1]');
            const explorer = window.courseExplorer, start = performance.now(), first = explorer.state.redraws;
            let frame = 0;
            setTimeout(() => resolve({redraws_per_s: (explorer.state.redraws - first) / 10, frames_per_s: frame / 10}),
                       10000);  // in case frames stop coming altogether
            function step(now) {
                if (now - start >= 3000) {
                    resolve({redraws_per_s: (explorer.state.redraws - first) / ((now - start) / 1000),
                             frames_per_s: frame / ((now - start) / 1000)});
                    return; }
                slider.value = 2.5 * Math.sin(frame++ / 10);
                slider.dispatchEvent(new Event('input'));
                requestAnimationFrame(step);
            }
            requestAnimationFrame(step); })""")
        # The time one redraw takes (decode + draw), back to back: the rate a faster screen could get.
        per_redraw_ms = page.evaluate("""() => { const e = window.courseExplorer, n = 200, t = performance.now();
            for (let i = 0; i < n; i++) { e.state.z1 = Math.sin(i) * 2; e.redraw(); }
            return (performance.now() - t) / n; }""")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        record("throttling", 4)
        record("redraws_per_s_slider_at_every_frame", round(measured["redraws_per_s"], 1))
        record("animation_frames_per_s", round(measured["frames_per_s"], 1))
        record("ms_per_redraw_back_to_back", round(per_redraw_ms, 3))
        assert measured["redraws_per_s"] >= 30, f"only {measured['redraws_per_s']:.1f} redraws per second at 4× throttling"
        assert 1000 / per_redraw_ms >= 30, f"one redraw takes {per_redraw_ms:.1f} ms at 4× throttling"
    finally:
        visit.close()


def test_index_lists_every_lesson_in_both_languages(browser, base_url):
    visit = Visit(browser, base_url, "index.html", 390)
    try:
        for lang in LANGS:
            links = visit.page.locator(f"#{lang} ol.lessons a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            assert links == [f"{lang}/{name}.html" for name in LESSONS]
        assert visit.page.locator("#hi").get_attribute("lang") == "hi"
    finally:
        visit.close()
