"""The files every page shares: our CSS and JavaScript, KaTeX's stylesheet and fonts, the Devanagari font,
and lesson 04's exported decoder as a script the explorer page loads.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPLORER_FORMAT = "course-latent-explorer-v1"
# Devanagari, Devanagari Extended, Vedic Extensions, the joiners and the dotted circle that shaping uses.
DEVANAGARI = [*range(0x0900, 0x0980), *range(0xA8E0, 0xA900), *range(0x1CD0, 0x1D00),
              0x200C, 0x200D, 0x25CC, 0x20B9, 0x0020, 0x00A0, 0x2010, 0x2011, 0x2013, 0x2014]
FONT_FILE = "noto-sans-devanagari.woff2"


def copy_assets(out: Path, tools: Path) -> None:
    """Write assets/ into `out`: site.css, site.js, explorer.js, KaTeX's CSS and woff2 fonts, the Devanagari font."""
    assets = out / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for file in ("site.css", "site.js", "explorer.js"):
        shutil.copy(HERE / "static" / file, assets / file)
    katex = tools / "node_modules" / "katex" / "dist"
    (assets / "katex" / "fonts").mkdir(parents=True, exist_ok=True)
    for font in (katex / "fonts").glob("*.woff2"):
        shutil.copy(font, assets / "katex" / "fonts" / font.name)
    css = (katex / "katex.min.css").read_text(encoding="utf-8")
    (assets / "katex" / "katex.min.css").write_text(woff2_only(css), encoding="utf-8")
    (assets / "fonts").mkdir(exist_ok=True)
    (assets / "fonts" / FONT_FILE).write_bytes(devanagari_woff2(tools / "fonts"))


def woff2_only(css: str) -> str:
    """KaTeX's CSS with each font's src list cut to its woff2 file (the only ones copied)."""
    return re.sub(r"src:url\((fonts/[^)]+\.woff2)\) format\(\"woff2\"\)(,url\([^)]+\) format\(\"[a-z]+\"\))*",
                  r'src:url(\1) format("woff2")', css)


def devanagari_woff2(cache: Path) -> bytes:
    """Noto Sans Devanagari (the course's font package) cut to Devanagari, weights 400-700, as woff2 (cached)."""
    from helpers.plot import devanagari_font_file  # build_site.py puts the project on sys.path

    source = devanagari_font_file()
    if source is None:
        raise SystemExit("the Noto Sans Devanagari font is missing: pip install fontpkg-noto-sans-devanagari "
                         "(make install does it)")
    key = hashlib.sha256(source.read_bytes() + repr(DEVANAGARI).encode()).hexdigest()[:16]
    cached = cache / f"noto-sans-devanagari-{key}.woff2"
    if cached.exists():
        return cached.read_bytes()
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = instancer.instantiateVariableFont(TTFont(source, lazy=False), {"wdth": 100, "wght": (400, 700)})
    buffer = io.BytesIO()
    font.save(buffer)  # reloaded before subsetting: fontTools cannot subset an instanced font in memory
    buffer.seek(0)
    font = TTFont(buffer)
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: conjuncts, matras, reph
    options.name_IDs = ["*"]
    options.hinting = False
    options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=DEVANAGARI)
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def read_explorer(path: Path) -> dict | None:
    """Lesson 04's exported decoder (helpers/web_export.py), checked; None when it was not exported."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    needed = {"format", "limit", "layers", "means", "labels", "tests", "image_shape"}
    if data.get("format") != EXPLORER_FORMAT or not needed <= set(data):
        raise SystemExit(f"{path}: not a latent explorer export of format {EXPLORER_FORMAT} "
                         f"(has {sorted(data)}); run lesson 04 again to write it")
    return data


def explorer_script(path: Path) -> str:
    """The export as a script (works from file:// too, where fetch() of a JSON file does not)."""
    return f"window.courseLatentExplorer = {path.read_text(encoding='utf-8').strip()};\n"
