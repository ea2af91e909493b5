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
