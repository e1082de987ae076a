"""One call at the top of every notebook: lesson, language, quick/full mode, cache, seed, device, fonts."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from . import cache
from .device import describe_device, pick_device, seed_everything
from .lang import msg, quick_mode, set_language
from .plot import setup_fonts


@dataclass
class Lesson:
    """What `start_lesson` decided: lesson, language, mode, device and whether models are retrained."""

    name: str
    lang: str
    quick: bool
    device: torch.device
    hindi_plots: bool
    retrain: bool = False

    def __fingerprint__(self) -> dict:
        """What of the lesson can change a training result (the language cannot: both share the cache)."""
        return {"name": self.name, "quick": self.quick}


def start_lesson(name: str, lang: str = "en", quick: bool = False, retrain: bool = False, seed: int = 0) -> Lesson:
    """Set up a lesson notebook: the language of everything helpers print or draw, quick or full mode,
    the cache of trained models (`retrain=True` trains them again), the seed and the device."""
    set_language(lang)
    quick = quick_mode(quick)
    cache.configure(lesson=name, retrain=retrain)
    seed_everything(seed)
    device = pick_device()
    hindi_plots = setup_fonts(lang)
    mode = msg("quick (small subset, few epochs — for checking that everything runs)",
               "quick (छोटा subset, कम epochs — सब कुछ चलता है यह जाँचने के लिए)") if quick else msg("full", "full (पूरा)")
    print(msg(f"Language: English | mode: {mode} | device: {describe_device(device)}",
              f"भाषा: हिंदी | mode: {mode} | device: {describe_device(device)}"))
    if cache.retraining():
        print(msg("Every model is trained again (RETRAIN = True or COURSE_RETRAIN=1).",
                  "हर model फिर से train होगा (RETRAIN = True या COURSE_RETRAIN=1)।"))
    else:
        print(msg(f"Trained models are kept in {cache.cache_folder()} and loaded on the next run "
                  f"(RETRAIN = True trains them again).",
                  f"Train किए models {cache.cache_folder()} में रखे जाते हैं और अगली बार वहीं से load होते हैं "
                  f"(RETRAIN = True से फिर से train होंगे)।"))
    return Lesson(name, lang, quick, device, hindi_plots, cache.retraining())
