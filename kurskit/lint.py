"""`kurskit check`: lint every course, then prove each module through real nbgrader.

Static checks come from the catalogue reader (manifest schema, notebook metadata, cell
kinds, grade ids, hidden tests) and the glossary reader (`courses/glossar.yml`). Then
each clean module is released and autograded in a throw-away course: the solution must
score full points, a blank submission 0, and the release must carry no key.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import nbformat

from kurskit import grading
from kurskit.catalog import Module, load_catalog
from kurskit.glossary import load_glossary
from kurskit.module_notebook import BEGIN_HIDDEN, BEGIN_SOLUTION, TEST_SUFFIX, Problem
from kurskit.questions import KINDS
from kurskit.submission import build_submission, store_attempt

SOLUTION_LEARNER, BLANK_LEARNER = "kurskit-loesung", "kurskit-leer"


def check(courses_dir: Path, grading_root: Path, with_nbgrader: bool = True,
          progress: Callable[[str], None] | None = None) -> list[Problem]:
    catalog = load_catalog(courses_dir)
    problems = list(catalog.problems) + load_glossary(courses_dir).problems
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
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="kurskit-check-") as tmp:
        root = Path(tmp)
        config = grading_root / grading.CONFIG_FILE
        if config.is_file():
            shutil.copy2(config, root / grading.CONFIG_FILE)
        try:
            release_path = grading.release_module(root, module)
        except grading.GradingError as error:
            return [Problem(module.path, f"nbgrader cannot release this module: {error}")]
        release = nbformat.read(release_path, as_version=4)
        problems += _leaks(module, "\n".join(cell.source for cell in release.cells))
        exercises = module.notebook.exercises
        cases = {
            SOLUTION_LEARNER: {e.qid: KINDS[e.spec.kind].answer_for_solution(e.solution)
                               for e in exercises},
            BLANK_LEARNER: {e.qid: None for e in exercises},
        }
        for learner, answers in cases.items():
            notebook = build_submission(release, answers)
            try:
                with grading.course_lock(root):
                    store_attempt(root, learner, module.id, module.filename, notebook, answers)
                    result = grading.autograde(root, module.id, learner, module.filename,
                                               lock=False)
            except grading.GradingError as error:
                problems.append(Problem(module.path, f"nbgrader autograde failed: {error}"))
                continue
            for exercise in exercises:
                if exercise.manual:
                    grade = result.grades.get(exercise.qid)
                    expected = None if learner == SOLUTION_LEARNER else 0
                    if grade is None or grade.score != expected:
                        problems.append(Problem(
                            module.path, f"free text {exercise.qid!r} is not graded as a manual "
                            f"answer by nbgrader (expected {expected}, got "
                            f"{grade.score if grade else 'no grade'})", exercise.answer_cell))
                    continue
                grade = result.grades.get(exercise.qid + TEST_SUFFIX)
                score = grade.score if grade else None
                if learner == SOLUTION_LEARNER and score != exercise.points:
                    problems.append(Problem(
                        module.path, f"the solution of {exercise.qid!r} scores {score} "
                        f"of {exercise.points} points in nbgrader", exercise.test_cell))
                if learner == BLANK_LEARNER and score != 0:
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
