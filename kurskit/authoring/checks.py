"""Check functions called from the hidden tests of a module (run by nbgrader in a kernel).

A wrong answer raises AssertionError, so nbgrader gives the test cell 0 points; a right
answer returns None, so it gives full points. With partial credit (`points=` given) a
partly right answer returns the points it earns: nbgrader takes a number as the cell's
output as its score. The message is the author's explanation in German, which nbgrader's
feedback shows. Nothing here may write to stderr: nbgrader counts any stderr output as a
failed test. `hint=` is the author's hint for „Prüfen“ (read by the catalogue, shown by the
grading service after a wrong check); the functions accept and ignore it.
"""

from __future__ import annotations

from typing import Any, NoReturn


class WrongAnswer(AssertionError):
    pass


def _fail(explanation: str) -> NoReturn:
    raise WrongAnswer(f"Leider nicht richtig. {explanation}")


def check_single_choice(answer: Any, solution: str, explanation: str, hint: str = "") -> None:
    if not isinstance(answer, str) or answer != solution:
        _fail(explanation)


def _partial(fraction: float, points: float | None, explanation: str) -> float | None:
    """None for full credit, the earned points for partial credit, else WrongAnswer."""
    if fraction >= 1:
        return None
    if points is None or fraction <= 0:
        _fail(explanation)
    return round(points * fraction, 2)


def check_multiple_choice(answer: Any, solution: list[str], explanation: str,
                          points: float | None = None, hint: str = "") -> float | None:
    """Partial credit: each right choice earns, each wrong choice costs 1/len(solution)."""
    if (not isinstance(answer, list | tuple) or len(set(answer)) != len(answer)
            or not all(isinstance(a, str) for a in answer)):
        _fail(explanation)
    right = sum(1 for a in answer if a in solution)
    wrong = len(answer) - right
    return _partial((right - wrong) / len(solution), points, explanation)


def check_matching(answer: Any, solution: dict[str, str], explanation: str,
                   points: float | None = None, hint: str = "") -> float | None:
    """Partial credit: the share of cases matched right."""
    if not isinstance(answer, dict):
        _fail(explanation)
    right = sum(1 for case, category in solution.items() if answer.get(case) == category)
    return _partial(right / len(solution), points, explanation)


def check_true_false(answer: Any, solution: dict[str, bool], explanation: str,
                     points: float | None = None, hint: str = "") -> float | None:
    """Partial credit: the share of statements judged right."""
    if not isinstance(answer, dict):
        _fail(explanation)
    right = sum(1 for s, truth in solution.items() if answer.get(s) is truth)
    return _partial(right / len(solution), points, explanation)


def check_ordering(answer: Any, solution: list[str], explanation: str,
                   points: float | None = None, hint: str = "") -> float | None:
    """Partial credit: the share of pairs of steps in the right order (Kendall), so one
    swapped neighbour costs little and a reversed list earns nothing."""
    if (not isinstance(answer, list | tuple) or len(answer) != len(solution)
            or sorted(map(str, answer)) != sorted(solution)):
        _fail(explanation)
    position = {step: i for i, step in enumerate(answer)}
    pairs = [(a, b) for i, a in enumerate(solution) for b in solution[i + 1:]]
    in_order = sum(1 for a, b in pairs if position[a] < position[b])
    return _partial(in_order / len(pairs) if pairs else 1.0, points, explanation)


def check_numeric(answer: Any, solution: float, explanation: str, tolerance: float = 0,
                  hint: str = "") -> None:
    if (isinstance(answer, bool) or not isinstance(answer, int | float)
            or abs(answer - solution) > tolerance):
        _fail(explanation)


def normalize_text(text: str) -> str:
    """Case, inner whitespace and a final period do not matter in a short answer."""
    return " ".join(text.casefold().split()).rstrip(".").strip()


def check_short_text(answer: Any, accepted: list[str], explanation: str, hint: str = "") -> None:
    if not isinstance(answer, str) or normalize_text(answer) not in {
            normalize_text(a) for a in accepted}:
        _fail(explanation)


# --- question pools -----------------------------------------------------------------
# The submission notebook binds each variant of a pool that was not drawn to this literal
# (`qid = ...`): no answer can be it (JSON has no Ellipsis; the service refuses it).
NOT_DRAWN = Ellipsis
POOL_NOT_ONE_DE = ("Diese Frage wurde nicht bewertet: Zu einer Fragengruppe muss genau eine "
                   "der gezogenen Fragen beantwortet sein.")


def grade_pool(pool: str, namespace: dict[str, Any], variants: dict[str, str]) -> Any:
    """The grade of a pool's merged test cell: run the test of the one variant that was
    drawn (bound in `namespace` to something other than NOT_DRAWN) and give its result.

    No variant drawn, or more than one, fails: nobody earns points by answering none or
    all. `variants` maps each variant's question id to its author's hidden-test source,
    which runs exactly as in its own cell (its last expression is the cell's value).
    """
    import ast
    import sys

    drawn = [qid for qid in variants if qid in namespace and namespace[qid] is not NOT_DRAWN]
    if len(drawn) != 1:
        raise WrongAnswer(POOL_NOT_ONE_DE)
    # named after the calling cell, so the grader's time limit watches this code as well
    filename = f"{sys._getframe(1).f_code.co_filename}<pool {pool}:{drawn[0]}>"
    tree = ast.parse(variants[drawn[0]], filename=filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), namespace)  # the author's test, from the gradebook
    if last is None:
        return None
    assert isinstance(last, ast.Expr)
    return eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
