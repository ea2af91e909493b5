"""Grade one answer in-process with the module's own check function (for "Prüfen").

The check functions are kurskit's own code and the answer is validated literal data,
so calling them here gives the points nbgrader gives when the same function runs in a
hidden test: None means full points, a number is partial credit, WrongAnswer means 0.
"""

from __future__ import annotations

from typing import Any

from kurskit.authoring import checks
from kurskit.authoring.exercise_cells import Exercise
from kurskit.authoring.questions import KINDS


def points_for(exercise: Exercise, answer: Any) -> float:
    kind = KINDS[exercise.spec.kind]
    if kind.manual:
        raise ValueError(f"{exercise.qid} is graded by a trainer")
    check = getattr(checks, kind.check_function)
    try:
        earned = check(answer, exercise.checked_solution, exercise.explanation,
                       **exercise.check_options)
    except AssertionError:
        return 0.0
    return exercise.points if earned is None else min(float(earned), exercise.points)
