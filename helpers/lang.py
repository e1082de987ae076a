"""Language and run mode: one call per notebook decides both."""
from __future__ import annotations

import os

LANGUAGES = ("en", "hi")
QUICK_ENV = "COURSE_QUICK"

_state = {"lang": "en", "plots_hindi": False}


def set_language(lang: str) -> str:
    """Make everything helpers print or draw use `lang` ("en" or "hi")."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"Unknown language {lang!r}: expected one of {LANGUAGES}. / "
            f"अनजानी भाषा {lang!r}: {LANGUAGES} में से एक चुनें।"
        )
    _state["lang"] = lang
    return lang


def get_language() -> str:
    """The language chosen by `set_language` (default "en")."""
    return _state["lang"]


def msg(en: str, hi: str) -> str:
    """A message of helpers in the notebook's language (lessons write their own strings directly)."""
    return hi if _state["lang"] == "hi" else en


def fig_text(hi: str, *, en: str) -> str:
    """Text drawn in a figure of a Hindi notebook: `hi`, or `en` where matplotlib cannot shape Hindi.

    matplotlib draws Devanagari correctly from version 3.11 with a Devanagari font (see
    `helpers.plot.setup_fonts`); with an older one the figure falls back to the English text.
    """
    return hi if _state["lang"] == "hi" and _state["plots_hindi"] else en


def set_plots_hindi(ok: bool) -> None:
    """Record whether figures can show Hindi (set by `helpers.plot.setup_fonts`)."""
    _state["plots_hindi"] = bool(ok)


def quick_mode(default: bool = False) -> bool:
    """Quick mode from the notebook's parameter, overridden by COURSE_QUICK=1/0 when set."""
    raw = os.environ.get(QUICK_ENV, "").strip().lower()
    if raw == "":
        return bool(default)
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(msg(
        f"{QUICK_ENV}={raw!r} is not understood: use 1 (quick) or 0 (full).",
        f"{QUICK_ENV}={raw!r} समझ नहीं आया: 1 (quick) या 0 (full) लिखें।",
    ))


def env_flag(name: str) -> bool:
    """True when environment variable `name` is set to 1/true/yes/on."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
