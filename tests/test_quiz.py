"""Quiz files are valid in both languages, and the quiz logic and widget work without a browser."""
import re

import pytest

import helpers
from helpers import quiz

QUIZ_FILES = sorted(quiz.QUIZ_DIR.glob("*.yaml"))


def write(tmp_path, monkeypatch, text: str) -> str:
    monkeypatch.setattr(quiz, "QUIZ_DIR", tmp_path)
    (tmp_path / "99_demo.yaml").write_text(text, encoding="utf-8")
    return "99_demo"


GOOD = """
- question: {en: "2 + 2?", hi: "2 + 2 कितना?"}
  choices:
    - {en: "3", hi: "तीन"}
    - {en: "4", hi: "चार", correct: true}
  explanation: {en: "Two and two make four.", hi: "दो और दो चार होते हैं।"}
"""


def test_questions_load_in_the_notebook_language(tmp_path, monkeypatch):
    lesson = write(tmp_path, monkeypatch, GOOD)
    assert quiz.load_quiz(lesson)[0].choices == ["3", "4"]
    helpers.set_language("hi")
    question = quiz.load_quiz(lesson)[0]
    assert question.text == "2 + 2 कितना?" and question.answer == 1


def test_feedback_for_right_wrong_and_missing_answers(tmp_path, monkeypatch):
    question = quiz.load_quiz(write(tmp_path, monkeypatch, GOOD))[0]
    assert quiz.check_answer(question, 1) == (True, "✅ Correct! Two and two make four.")
    right, message = quiz.check_answer(question, 0)
    assert not right and "Not quite" in message and "four" not in message  # no spoiler
    assert quiz.check_answer(question, None)[0] is False
    with pytest.raises(ValueError, match="pick 0 to 1"):
        quiz.check_answer(question, 5)
    helpers.set_language("hi")
    assert quiz.check_answer(quiz.load_quiz("99_demo")[0], 1)[1].startswith("✅ सही!")


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace(", correct: true", ""), "exactly one correct choice, found 0"),
    (GOOD.replace('{en: "3", hi: "तीन"}', '{en: "3", hi: "तीन", correct: true}'), "found 2"),
    (GOOD.replace('hi: "चार", ', ""), "choice 2 needs non-empty text"),
    (GOOD.replace('hi: "2 + 2 कितना?"', 'hi: ""'), "question needs non-empty text"),
    ("[]", "expected a list of questions"),
])
def test_malformed_quizzes_are_rejected(tmp_path, monkeypatch, broken, message):
    with pytest.raises(quiz.QuizError, match=message):
        quiz.load_quiz(write(tmp_path, monkeypatch, broken))


def test_missing_quiz_file(tmp_path, monkeypatch):
    monkeypatch.setattr(quiz, "QUIZ_DIR", tmp_path)
    with pytest.raises(quiz.QuizError, match="No quiz for lesson"):
        quiz.load_quiz("42_nothing")


def test_widget_renders_headless_and_the_check_button_gives_feedback(tmp_path, monkeypatch):
    lesson = write(tmp_path, monkeypatch, GOOD)
    box = quiz.show_quiz(lesson)
    question_box = box.children[0]
    title, options, button, feedback = question_box.children
    assert "2 + 2?" in title.value and feedback.value == ""
    options.value = 1
    button.click()
    assert feedback.value.startswith("✅")
    options.value = 0
    button.click()
    assert feedback.value.startswith("❌")


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.stem)
def test_course_quiz_files_are_valid_and_hindi_is_hindi(path):
    english, hindi = quiz.load_quiz(path.stem, "en"), quiz.load_quiz(path.stem, "hi")
    assert len(english) >= 4, "a lesson quiz has at least four questions"
    for question in hindi:
        text = question.text + " " + question.explanation
        devanagari = len(re.findall(r"[\u0900-\u097f]", text))
        latin = len(re.findall(r"[A-Za-z]", text))
        assert devanagari > latin, f"not mostly Hindi: {question.text}"


def test_every_lesson_has_a_quiz():
    from pathlib import Path

    lessons = {p.stem for p in (Path(__file__).resolve().parent.parent / "lessons_en").glob("[0-9][0-9]_*.md")}
    assert lessons <= {p.stem for p in QUIZ_FILES}, f"lessons without a quiz: {lessons - {p.stem for p in QUIZ_FILES}}"
