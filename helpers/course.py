"""One call at the top of every notebook: language, quick/full mode, seed, device, fonts."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .device import describe_device, pick_device, seed_everything
from .lang import quick_mode, set_language, t
from .plot import setup_fonts


@dataclass
class Lesson:
    """What `start_lesson` decided: language, mode and device."""

    lang: str
    quick: bool
    device: torch.device
    hindi_plots: bool


def start_lesson(lang: str = "en", quick: bool = False, seed: int = 0) -> Lesson:
    """Set the language for everything helpers print or draw, pick the mode and device, seed the run."""
    set_language(lang)
    quick = quick_mode(quick)
    seed_everything(seed)
    device = pick_device()
    hindi_plots = setup_fonts(lang)
    mode = t("quick (small subset, few epochs — for checking that everything runs)",
             "quick (छोटा subset, कम epochs — सब कुछ चलता है यह जाँचने के लिए)") if quick else \
        t("full", "full (पूरा)")
    print(t(f"Language: English | mode: {mode} | device: {describe_device(device)}",
            f"भाषा: हिंदी | mode: {mode} | device: {describe_device(device)}"))
    return Lesson(lang, quick, device, hindi_plots)
