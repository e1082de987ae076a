"""Checkers for the lessons' exercises: each `check_*` runs a student's answer on real data and says, in
the notebook's language, whether it works and, if not, what is wrong.

One module per lesson (`helpers.exercises.lesson01`, …). A checker never raises for a wrong or missing
answer — it prints what to fix and returns a `CheckResult` that is falsy — so that a notebook whose
exercise is still empty (a student copy from `make student`) runs to the end.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..lang import msg


@dataclass
class CheckResult:
    """The verdict of a checker: passed or not, and the message the student saw."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed


def passed(en: str, hi: str) -> CheckResult:
    """Print a success message in the notebook's language and return a passing result."""
    text = "✅ " + msg(en, hi)
    print(text)
    return CheckResult(True, text)


def failed(en: str, hi: str) -> CheckResult:
    """Print what is wrong (and what to do) in the notebook's language and return a failing result."""
    text = "❌ " + msg(en, hi)
    print(text)
    return CheckResult(False, text)


def not_done(what: str) -> CheckResult:
    """The answer is still empty (`...`, None, or a function whose body is `...`)."""
    return failed(f"Not done yet: {what} is still empty. Write your answer in the exercise cell above and run it "
                  f"again.",
                  f"अभी बाकी है: {what} अभी खाली है। ऊपर वाले अभ्यास cell में अपना उत्तर लिखें और उसे फिर से चलाएँ।")


def is_empty(answer: object) -> bool:
    """True for answers a student has not written yet: None, `...`, or a function that returns None at once."""
    if answer is None or answer is Ellipsis:
        return True
    code = getattr(answer, "__code__", None)
    if code is None:
        return False
    import dis

    # a body of only `...` or `pass` (after a docstring) just returns a constant
    trivial = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "POP_TOP", "CACHE"}
    return all(instruction.opname in trivial for instruction in dis.get_instructions(code))
