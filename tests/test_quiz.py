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
    - {en: "3", hi: "तीन", feedback: {en: "One short.", hi: "एक कम।"}}
    - {en: "4", hi: "चार", correct: true, feedback: {en: "Right: two and two.", hi: "सही: दो और दो।"}}
  explanation: {en: "Two and two make four.", hi: "दो और दो चार होते हैं।"}
"""


def test_questions_load_in_the_notebook_language(tmp_path, monkeypatch):
    lesson = write(tmp_path, monkeypatch, GOOD)
    assert quiz.load_quiz(lesson, shuffle=False)[0].choices == ["3", "4"]
    helpers.set_language("hi")
    question = quiz.load_quiz(lesson, shuffle=False)[0]
    assert question.text == "2 + 2 कितना?" and question.answer == 1 and question.feedback[0] == "एक कम।"


def test_shuffled_order_is_seeded_and_keeps_answer_and_feedback_together(tmp_path, monkeypatch):
    lesson = write(tmp_path, monkeypatch, GOOD)
    first, again = quiz.load_quiz(lesson)[0], quiz.load_quiz(lesson)[0]
    assert first == again  # the same order on every run
    assert first.choices[first.answer] == "4" and first.feedback[first.answer] == "Right: two and two."
    assert {first.choices.index("3"): "One short."}.items() <= dict(enumerate(first.feedback)).items()
    orders = {tuple(quiz.display_order("01_demo", number, 4)) for number in range(1, 30)}
    assert len(orders) > 5, "the seeded shuffle should differ between questions"


def test_feedback_for_right_wrong_and_missing_answers(tmp_path, monkeypatch):
    question = quiz.load_quiz(write(tmp_path, monkeypatch, GOOD), shuffle=False)[0]
    assert quiz.check_answer(question, 1) == (True, "✅ Right: two and two. Two and two make four.")
    right, message = quiz.check_answer(question, 0)
    assert not right and "One short." in message and "four" not in message  # no spoiler
    assert quiz.check_answer(question, None)[0] is False
    with pytest.raises(ValueError, match="pick 0 to 1"):
        quiz.check_answer(question, 5)
    with pytest.raises(ValueError, match="pick 0 to 1"):
        quiz.check_answer(question, True)
    helpers.set_language("hi")
    right, message = quiz.check_answer(quiz.load_quiz("99_demo", shuffle=False)[0], 0)
    assert not right and "एक कम।" in message and "दूसरा उत्तर" in message


def test_score_counts_the_first_try_only():
    score = quiz.Score(3)
    score.record(1, False)
    score.record(1, True)  # a second try does not raise the score
    score.record(2, True)
    assert score.text() == "Score: 1 of 2 answered right at the first try (3 questions)."


def test_static_markdown_hides_the_answer_in_a_details_block(tmp_path, monkeypatch):
    lesson = write(tmp_path, monkeypatch, GOOD)
    text = quiz.quiz_markdown(lesson, "hi")
    assert "2 + 2 कितना?" in text and "चार" in text and text.count("<details>") == 2
    answer_block = text.split("<summary>उत्तर</summary>")[1]
    assert "सही: दो और दो।" in answer_block


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace(", correct: true", ""), "exactly one correct choice, found 0"),
    (GOOD.replace('hi: "तीन",', 'hi: "तीन", correct: true,'), "found 2"),
    (GOOD.replace('feedback: {en: "One short.", hi: "एक कम।"}', ""), "feedback of choice 1 needs non-empty text"),
    (GOOD.replace('hi: "एक कम।"', 'hi: ""'), "feedback of choice 1 needs non-empty text"),
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
    right = quiz.load_quiz(lesson)[0].answer
    options.value = 1 - right
    button.click()
    assert feedback.value.startswith("❌") and "One short." in feedback.value
    options.value = right
    button.click()
    assert feedback.value.startswith("✅")
    assert "0 of 1" in box.children[-1].value  # the score keeps the first try


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.stem)
def test_course_quiz_files_are_valid_and_hindi_is_hindi(path):
    english, hindi = quiz.load_quiz(path.stem, "en"), quiz.load_quiz(path.stem, "hi")
    assert len(english) >= 6, "a lesson quiz has at least six questions"
    for question in hindi:
        text = question.text + " " + question.explanation + " " + " ".join(question.feedback)
        devanagari = len(re.findall(r"[\u0900-\u097f]", text))
        latin = len(re.findall(r"[A-Za-z]", text))
        assert devanagari > latin, f"not mostly Hindi: {question.text}"


def test_answers_cannot_be_guessed_by_length_or_position():
    """Over all quizzes: the right choice is the longest in at most 40 % of questions (English and Hindi), and
    its stored position is spread (no position holds more than half of the answers)."""
    import yaml

    items = [item for path in QUIZ_FILES for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    positions = [next(i for i, c in enumerate(item["choices"]) if c.get("correct")) for item in items]
    for lang in ("en", "hi"):
        longest = sum(len(item["choices"][p][lang]) == max(len(c[lang]) for c in item["choices"])
                      for item, p in zip(items, positions))
        assert longest <= 0.4 * len(items), f"{lang}: the right choice is the longest in {longest} of {len(items)}"
    for path in QUIZ_FILES:
        stored = [next(i for i, c in enumerate(item["choices"]) if c.get("correct"))
                  for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
        most = max(stored.count(p) for p in set(stored))
        assert most <= len(stored) / 2, f"{path.name}: the right choice is at one position in {most} of {len(stored)}"


def test_every_lesson_has_a_quiz():
    from pathlib import Path

    lessons = {p.stem for p in (Path(__file__).resolve().parent.parent / "lessons_en").glob("[0-9][0-9]_*.md")}
    assert lessons <= {p.stem for p in QUIZ_FILES}, f"lessons without a quiz: {lessons - {p.stem for p in QUIZ_FILES}}"
