"""Self-check quizzes: multiple-choice questions stored as data, shown with core ipywidgets.

A lesson's quiz lives in helpers/quizzes/NN_name.yaml with both languages side by side; every choice
says why it is right or which misconception it reflects:

    - question: {en: "...", hi: "..."}
      choices:
        - {en: "...", hi: "...", feedback: {en: "...", hi: "..."}, correct: true}
        - {en: "...", hi: "...", feedback: {en: "...", hi: "..."}}
      explanation: {en: "...", hi: "..."}   # optional: said after a right answer

Choices are shown in a shuffled order that is the same on every run (seeded per question), so the
position of the right answer teaches nothing. `quiz_markdown` writes the same quiz as static text with
revealable answers, for places where no kernel runs (GitHub, nbviewer); `make sync` puts it in the lesson.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from .lang import LANGUAGES, get_language, msg

QUIZ_DIR = Path(__file__).resolve().parent / "quizzes"


class QuizError(ValueError):
    """A quiz file is missing or malformed."""


@dataclass
class Question:
    """One question in one language: text, choices in display order, the right one, feedback per choice."""

    text: str
    choices: list[str]
    answer: int
    feedback: list[str]
    explanation: str = ""


def quiz_path(lesson: str) -> Path:
    """The quiz file of `lesson`, e.g. "01_autoencoder"."""
    return QUIZ_DIR / f"{lesson}.yaml"


def display_order(lesson: str, number: int, count: int) -> list[int]:
    """The stored choice indices in the order they are shown (seeded by lesson and question number)."""
    order = list(range(count))
    random.Random(f"{lesson}#{number}").shuffle(order)
    return order


def load_quiz(lesson: str, lang: str | None = None, shuffle: bool = True) -> list[Question]:
    """The questions of `lesson` in `lang` (default: the notebook's language), validated, choices shuffled."""
    lang = lang or get_language()
    if lang not in LANGUAGES:
        raise QuizError(msg(f"Unknown quiz language {lang!r}: expected one of {LANGUAGES}.",
                            f"Quiz की अनजानी भाषा {lang!r}: {LANGUAGES} में से एक चुनें।"))
    path = quiz_path(lesson)
    if not path.exists():
        raise QuizError(msg(f"No quiz for lesson {lesson!r} (expected {path}).",
                            f"पाठ {lesson!r} का कोई quiz नहीं मिला ({path} होना चाहिए)।"))
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise QuizError(f"{path}: not valid YAML ({err})") from err
    if not isinstance(items, list) or not items:
        raise QuizError(f"{path}: expected a list of questions")
    questions = []
    for number, item in enumerate(items, start=1):
        question = _question(item, lang, f"{path.name} #{number}")
        if shuffle:
            order = display_order(lesson, number, len(question.choices))
            question = Question(question.text, [question.choices[i] for i in order], order.index(question.answer),
                                [question.feedback[i] for i in order], question.explanation)
        questions.append(question)
    return questions


def _question(item: object, lang: str, where: str) -> Question:
    """Check one raw question (both languages, exactly one correct choice, feedback everywhere) and pick `lang`."""
    def text(node: object, what: str) -> str:
        if not isinstance(node, dict) or any(not str(node.get(code, "")).strip() for code in LANGUAGES):
            raise QuizError(f"{where}: {what} needs non-empty text for each of {LANGUAGES}")
        return str(node[lang]).strip()

    if not isinstance(item, dict):
        raise QuizError(f"{where}: expected a question with 'question' and 'choices'")
    choices = item.get("choices")
    if not isinstance(choices, list) or len(choices) < 2 or not all(isinstance(c, dict) for c in choices):
        raise QuizError(f"{where}: expected at least two choices")
    correct = [i for i, choice in enumerate(choices) if choice.get("correct") is True]
    if len(correct) != 1:
        raise QuizError(f"{where}: expected exactly one correct choice, found {len(correct)}")
    explanation = text(item["explanation"], "explanation") if "explanation" in item else ""
    return Question(text(item.get("question"), "question"),
                    [text(choice, f"choice {i + 1}") for i, choice in enumerate(choices)], correct[0],
                    [text(choice.get("feedback"), f"feedback of choice {i + 1}") for i, choice in enumerate(choices)],
                    explanation)


def check_answer(question: Question, choice: int | None) -> tuple[bool, str]:
    """(is it right?, feedback in the notebook's language) for the chosen choice index (display order)."""
    if choice is None:
        return False, msg("Pick an answer first.", "पहले कोई एक उत्तर चुनें।")
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(question.choices):
        raise ValueError(msg(f"Choice {choice!r} does not exist: pick 0 to {len(question.choices) - 1}.",
                             f"विकल्प {choice!r} मौजूद नहीं है: 0 से {len(question.choices) - 1} तक चुनें।"))
    if choice == question.answer:
        extra = f" {question.explanation}" if question.explanation else ""
        return True, f"✅ {question.feedback[choice]}{extra}"  # the feedback of a right choice says so itself
    return False, msg(f"❌ Not this one. {question.feedback[choice]} Try another answer.",
                      f"❌ यह नहीं। {question.feedback[choice]} कोई दूसरा उत्तर आज़माइए।")


class Score:
    """Questions answered right at the first try, out of those answered, out of all."""

    def __init__(self, total: int):
        self.total = total
        self.first_try: dict[int, bool] = {}

    def record(self, number: int, right: bool) -> None:
        self.first_try.setdefault(number, right)

    def text(self) -> str:
        right, answered = sum(self.first_try.values()), len(self.first_try)
        return msg(f"Score: {right} of {answered} answered right at the first try ({self.total} questions).",
                   f"Score: {answered} में से {right} उत्तर पहली बार में सही ({self.total} प्रश्न)।")


def show_quiz(lesson: str):
    """Display the lesson's quiz: shuffled radio-button choices, a Check button, feedback and a running score."""
    import ipywidgets as widgets
    from IPython.display import display

    questions = load_quiz(lesson)
    score = Score(len(questions))
    score_line = widgets.HTML(f"<b>{score.text()}</b>")
    boxes = []
    for number, question in enumerate(questions, start=1):
        options = widgets.RadioButtons(options=[(c, i) for i, c in enumerate(question.choices)], value=None,
                                       layout=widgets.Layout(width="auto"))
        button = widgets.Button(description=msg("Check", "जाँचें"))
        feedback = widgets.HTML()

        def on_click(_, number=number, question=question, options=options, feedback=feedback):
            right, message = check_answer(question, options.value)
            feedback.value = message
            if options.value is not None:
                score.record(number, right)
                score_line.value = f"<b>{score.text()}</b>"

        button.on_click(on_click)
        boxes.append(widgets.VBox([widgets.HTML(f"<b>{number}. {question.text}</b>"), options, button, feedback]))
    quiz = widgets.VBox([*boxes, score_line])
    display(quiz)
    return quiz


LETTERS = "abcdefgh"


def quiz_markdown(lesson: str, lang: str) -> str:
    """The quiz as static Markdown with revealable answers (for GitHub, nbviewer, a page without a kernel)."""
    questions = load_quiz(lesson, lang)
    summary = {"en": "The quiz as text, for reading without a running notebook (answers hidden)",
               "hi": "यही quiz text के रूप में, बिना चलते notebook के पढ़ने के लिए (उत्तर छिपे हैं)"}[lang]
    answer = {"en": "Answer", "hi": "उत्तर"}[lang]
    lines = [f"<details><summary>{summary}</summary>", ""]
    for number, question in enumerate(questions, start=1):
        lines.append(f"**{number}. {question.text}**")
        lines.append("")
        lines += [f"- ({LETTERS[i]}) {choice}" for i, choice in enumerate(question.choices)]
        lines.append("")
        right = question.answer
        explanation = f" {question.explanation}" if question.explanation else ""
        lines += [f"<details><summary>{answer}</summary>", "",
                  f"({LETTERS[right]}) {question.feedback[right]}{explanation}", "", "</details>", ""]
    lines.append("</details>")
    return "\n".join(lines)
