"""Self-check quizzes: multiple-choice questions stored as data, shown with core ipywidgets.

A lesson's quiz lives in helpers/quizzes/NN_name.yaml with both languages side by side:

    - question: {en: "...", hi: "..."}
      choices:
        - {en: "...", hi: "...", correct: true}
        - {en: "...", hi: "..."}
      explanation: {en: "...", hi: "..."}
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .lang import LANGUAGES, get_language, msg

QUIZ_DIR = Path(__file__).resolve().parent / "quizzes"


class QuizError(ValueError):
    """A quiz file is missing or malformed."""


@dataclass
class Question:
    """One question in one language: text, choices, index of the correct choice, explanation."""

    text: str
    choices: list[str]
    answer: int
    explanation: str


def quiz_path(lesson: str) -> Path:
    """The quiz file of `lesson`, e.g. "01_autoencoder"."""
    return QUIZ_DIR / f"{lesson}.yaml"


def load_quiz(lesson: str, lang: str | None = None) -> list[Question]:
    """The questions of `lesson` in `lang` (default: the notebook's language), validated."""
    lang = lang or get_language()
    path = quiz_path(lesson)
    if not path.exists():
        raise QuizError(msg(f"No quiz for lesson {lesson!r} (expected {path}).",
                          f"पाठ {lesson!r} का कोई quiz नहीं मिला ({path} होना चाहिए)।"))
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list) or not items:
        raise QuizError(f"{path}: expected a list of questions")
    return [_question(item, lang, f"{path.name} #{n + 1}") for n, item in enumerate(items)]


def _question(item: dict, lang: str, where: str) -> Question:
    """Check one raw question (both languages present, exactly one correct choice) and pick `lang`."""
    def text(node: object, what: str) -> str:
        if not isinstance(node, dict) or any(not str(node.get(code, "")).strip() for code in LANGUAGES):
            raise QuizError(f"{where}: {what} needs non-empty text for each of {LANGUAGES}")
        return str(node[lang]).strip()

    choices = item.get("choices") if isinstance(item, dict) else None
    if not isinstance(choices, list) or len(choices) < 2:
        raise QuizError(f"{where}: expected at least two choices")
    correct = [i for i, choice in enumerate(choices) if choice.get("correct") is True]
    if len(correct) != 1:
        raise QuizError(f"{where}: expected exactly one correct choice, found {len(correct)}")
    return Question(text(item.get("question"), "question"),
                    [text(choice, f"choice {i + 1}") for i, choice in enumerate(choices)],
                    correct[0], text(item.get("explanation"), "explanation"))


def check_answer(question: Question, choice: int | None) -> tuple[bool, str]:
    """(is it right?, feedback in the notebook's language) for the chosen choice index."""
    if choice is None:
        return False, msg("Pick an answer first.", "पहले कोई एक उत्तर चुनें।")
    if not 0 <= choice < len(question.choices):
        raise ValueError(msg(f"Choice {choice} does not exist: pick 0 to {len(question.choices) - 1}.",
                           f"विकल्प {choice} मौजूद नहीं है: 0 से {len(question.choices) - 1} तक चुनें।"))
    if choice == question.answer:
        return True, msg(f"✅ Correct! {question.explanation}", f"✅ सही! {question.explanation}")
    return False, msg("❌ Not quite. Think it over and try another answer.",
                    "❌ अभी सही नहीं। थोड़ा सोचिए और कोई दूसरा उत्तर आज़माइए।")


def show_quiz(lesson: str):
    """Display the lesson's quiz: one radio-button question each, a Check button and feedback."""
    import ipywidgets as widgets
    from IPython.display import display

    boxes = []
    for n, question in enumerate(load_quiz(lesson), start=1):
        options = widgets.RadioButtons(options=[(c, i) for i, c in enumerate(question.choices)], value=None,
                                       layout=widgets.Layout(width="auto"))
        button = widgets.Button(description=msg("Check", "जाँचें"))
        feedback = widgets.HTML()

        def on_click(_, question=question, options=options, feedback=feedback):
            _, message = check_answer(question, options.value)
            feedback.value = message

        button.on_click(on_click)
        boxes.append(widgets.VBox([widgets.HTML(f"<b>{n}. {question.text}</b>"), options, button, feedback]))
    quiz = widgets.VBox(boxes)
    display(quiz)
    return quiz
