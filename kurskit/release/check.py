"""`kurskit check`: lint every course, then prove each module through real nbgrader.

The static problems come from `kurskit.authoring.lint`. Then each clean module is released
and autograded in a throw-away course: the solution must score full points, a blank
submission 0, and the release must carry no key.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import Module
from kurskit.authoring.cells import BEGIN_HIDDEN, BEGIN_SOLUTION
from kurskit.authoring.exercise_cells import Exercise
from kurskit.authoring.lint import static_problems
from kurskit.authoring.pools import graded_units
from kurskit.authoring.problems import Problem
from kurskit.authoring.questions import KINDS
from kurskit.grading import attempts
from kurskit.grading.notebook_files import read_notebook
from kurskit.grading.submission import build_submission

SOLUTION_LEARNER, BLANK_LEARNER = "kurskit-loesung", "kurskit-leer"


def check(courses_dir: Path, grading_root: Path, with_nbgrader: bool = True,
          progress: Callable[[str], None] | None = None) -> list[Problem]:
    catalog, problems = static_problems(courses_dir)
    if with_nbgrader:
        for module in catalog.modules:
            if module.notebook.problems:
                continue
            if progress:
                progress(f"grading {module.id} through nbgrader")
            problems.extend(roundtrip_problems(module, grading_root))
    return problems


def roundtrip_problems(module: Module, grading_root: Path) -> list[Problem]:
    """Release and autograde the module's solution and a blank submission in a temp course."""
    with tempfile.TemporaryDirectory(prefix="kurskit-check-") as tmp:
        root = Path(tmp)
        config = layout.config_file(grading_root)
        if config.is_file():
            shutil.copy2(config, layout.config_file(root))
        try:
            release_path = nbgrader_course.release_module(root, module)
        except nbgrader_course.GradingError as error:
            return [Problem(module.path, f"nbgrader cannot release this module: {error}")]
        release = read_notebook(release_path)
        problems = _leaks(module, "\n".join(cell.source for cell in release.cells))
        cases = _cases(module)
        for learner, (drawn, answers) in cases.items():
            try:
                with nbgrader_course.course_lock(root):
                    attempt = attempts.store(root, learner, module.id, module.filename,
                                             build_submission(release, answers), answers)
                    attempts.make_current(root, attempt)
                    result = nbgrader_course.autograde(root, module.id, learner,
                                                       module.filename, lock=False)
            except nbgrader_course.GradingError as error:
                problems.append(Problem(module.path, f"nbgrader autograde failed: {error}"))
                continue
            problems += _score_problems(module, learner, drawn, result)
    return problems


def _cases(module: Module) -> dict[str, tuple[list[Exercise], dict[str, Any]]]:
    """learner → (the exercises drawn, the answers): the solution once per variant of the
    largest pool (so every variant of every pool is proven), and a blank submission."""
    units = graded_units(module.notebook.exercises)
    rounds = max((len(unit) for unit in units), default=1)
    cases: dict[str, tuple[list[Exercise], dict[str, Any]]] = {}
    for number in range(rounds):
        drawn = [unit[number % len(unit)] for unit in units]
        learner = SOLUTION_LEARNER if number == 0 else f"{SOLUTION_LEARNER}-{number + 1}"
        cases[learner] = (drawn, {e.qid: KINDS[e.spec.kind].answer_for_solution(e.solution)
                                  for e in drawn})
    blank = [unit[0] for unit in units]
    cases[BLANK_LEARNER] = (blank, {e.qid: None for e in blank})
    return cases


def _score_problems(module: Module, learner: str, drawn: list[Exercise],
                    result: nbgrader_course.GradeResult) -> list[Problem]:
    """The solution must earn every point, a blank submission none."""
    problems = []
    solution = learner != BLANK_LEARNER
    for exercise in drawn:
        grade = result.grades.get(exercise.grade_id)
        score = grade.score if grade else None
        if exercise.manual:
            expected = None if solution else 0
            if grade is None or score != expected:
                problems.append(Problem(
                    module.path, f"free text {exercise.qid!r} is not graded as a manual "
                    f"answer by nbgrader (expected {expected}, got "
                    f"{score if grade else 'no grade'})", exercise.answer_cell))
        elif solution and score != exercise.points:
            problems.append(Problem(
                module.path, f"the solution of {exercise.qid!r} scores {score} "
                f"of {exercise.points} points in nbgrader", exercise.test_cell))
        elif not solution and score != 0:
            problems.append(Problem(
                module.path, f"a blank answer to {exercise.qid!r} scores {score} "
                "points in nbgrader (must be 0)", exercise.test_cell))
    return problems


def _leaks(module: Module, release_sources: str) -> list[Problem]:
    found = []
    for marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
        if marker in release_sources:
            found.append(Problem(module.path, f"release notebook still contains {marker!r}"))
    for exercise in module.notebook.exercises:
        if exercise.guidance and exercise.guidance.strip() in release_sources:
            found.append(Problem(module.path, f"the grading guidance of {exercise.qid!r} "
                                 "reaches the release notebook", exercise.answer_cell))
        if exercise.explanation and exercise.explanation in release_sources:
            found.append(Problem(module.path, f"the explanation of {exercise.qid!r} appears "
                                 "outside the hidden tests (it would reach the learner)",
                                 exercise.answer_cell))
    return found
