"""Check functions called from the hidden tests of a module (run by nbgrader in a kernel).

A wrong answer raises AssertionError, so nbgrader gives the test cell 0 points; a right
answer returns None, so it gives full points. The message is the author's explanation in
German, which nbgrader's feedback shows. Nothing here may write to stderr: nbgrader counts
any stderr output as a failed test.
"""

from __future__ import annotations

from typing import Any


class WrongAnswer(AssertionError):
    pass


def _fail(explanation: str) -> None:
    raise WrongAnswer(f"Leider nicht richtig. {explanation}")


def check_single_choice(answer: Any, solution: str, explanation: str) -> None:
    if not isinstance(answer, str) or answer != solution:
        _fail(explanation)


def check_multiple_choice(answer: Any, solution: list[str], explanation: str) -> None:
    if not isinstance(answer, list | tuple) or sorted(map(str, answer)) != sorted(solution):
        _fail(explanation)
    if len(set(answer)) != len(answer):
        _fail(explanation)


def check_matching(answer: Any, solution: dict[str, str], explanation: str) -> None:
    if not isinstance(answer, dict) or answer != solution:
        _fail(explanation)


def check_ordering(answer: Any, solution: list[str], explanation: str) -> None:
    if not isinstance(answer, list | tuple) or list(answer) != list(solution):
        _fail(explanation)


def check_numeric(answer: Any, solution: float, explanation: str, tolerance: float = 0) -> None:
    if (isinstance(answer, bool) or not isinstance(answer, int | float)
            or abs(answer - solution) > tolerance):
        _fail(explanation)


def normalize_text(text: str) -> str:
    """Case, inner whitespace and a final period do not matter in a short answer."""
    return " ".join(text.casefold().split()).rstrip(".").strip()


def check_short_text(answer: Any, accepted: list[str], explanation: str) -> None:
    if not isinstance(answer, str) or normalize_text(answer) not in {
            normalize_text(a) for a in accepted}:
        _fail(explanation)
