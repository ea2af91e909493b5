"""The learner's result of an attempt: built from the gradebook's grades, stored beside it.

Once the grade is recorded in nbgrader's gradebook, the grading worker stores what the
learner sees as `result.json` in the attempt's folder; the service answers with it, now
or when the learner's page asks again. The file is derived from the gradebook, so a lost
one is made again from the gradebook.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from kurskit import durable, layout, nbgrader_course
from kurskit.authoring.catalog import Catalog, Module
from kurskit.authoring.pools import graded_units
from kurskit.grading import attempts, inbox

if TYPE_CHECKING:
    from kurskit.grading.gradebook_writer import Recorded
    from kurskit.grading.inbox import Entry

log = logging.getLogger("kurskit.grading")
PENDING_FEEDBACK = ("Ihre Antwort ist gespeichert. Eine Trainerin oder ein Trainer bewertet "
                    "sie und gibt Ihnen Rückmeldung.")


class GradingFailed(RuntimeError):
    """The attempt is stored, but it has no result (English, for trainers and logs)."""


class QuestionResult(BaseModel):
    id: str
    points: float | None = Field(description="null while a trainer has not graded it yet")
    max_points: float
    correct: bool | None = Field(description="null when the review options show the score "
                                 "only")
    pending: bool = Field(False, description="waits for a trainer's grade (free text)")
    answered: bool
    pool: str | None = Field(None, description="the question pool this question was drawn "
                             "from (one result per pool: the drawn variant)")
    feedback: str = Field(description="German explanation by the author — only from the "
                          "review point on (module passed or last attempt used); before it "
                          "a note that the explanation comes later")


class SubmissionResult(BaseModel):
    module: str
    learner: str
    attempt: int
    submitted_at: datetime
    score: float
    max_score: float
    pending_points: float = Field(0, description="points that wait for a trainer's grade")
    questions: list[QuestionResult]
    grading_seconds: float
    counted: bool = Field(True, description="the gradebook counts this attempt (grading "
                          "method of the module)")
    passed: bool | None = Field(default=None, description="this attempt reaches the pass mark")
    module_passed: bool | None = Field(default=None, description="„bestanden“: the counted attempt "
                                       "reaches the pass mark")
    attempts_allowed: int | None = None
    attempts_left: int | None = None
    pass_percent: int | None = None
    certificate: str | None = Field(default=None, description="the code of the course's "
                                    "certificate, once every module of it is passed")
    drawn: dict[str, str] = Field(default_factory=dict, description="pool id → the question "
                                  "id of the variant drawn in this attempt")
    review: str | None = Field(default=None, description="what this answer shows: `full` "
                               "(explanations), `correctness` (right/wrong per question) or "
                               "`score`")


def build_result(module: Module, attempt: int, submitted_at: datetime, answers: dict[str, Any],
                 graded: nbgrader_course.GradeResult, seconds: float,
                 counted: bool = True) -> SubmissionResult:
    questions, drawn = [], {}
    for unit in graded_units(module.notebook.exercises):
        # a pool: the variant that was drawn (the submission holds its key in `answers`)
        exercise = next((e for e in unit if e.qid in answers), unit[0])
        if exercise.pool:
            drawn[exercise.pool] = exercise.qid
        grade = graded.grades.get(exercise.grade_id)
        max_points = grade.max_score if grade else exercise.points
        points = grade.score if grade else 0.0
        pending = exercise.manual and points is None
        questions.append(QuestionResult(
            id=exercise.qid, points=points, max_points=max_points, pending=pending,
            correct=points is not None and points >= max_points,
            answered=answers.get(exercise.qid) is not None, pool=exercise.pool,
            feedback=PENDING_FEEDBACK if pending else exercise.explanation))
    return SubmissionResult(module=module.id, learner=graded.learner, attempt=attempt,
                            submitted_at=submitted_at, score=graded.score,
                            max_score=graded.max_score, questions=questions,
                            pending_points=sum(q.max_points for q in questions if q.pending),
                            grading_seconds=round(seconds, 3), counted=counted, drawn=drawn)


def store_result(catalog: Catalog, root: Path, entry: Entry, recorded: Recorded | None,
                 seconds: float) -> SubmissionResult:
    """Once the grade is in the gradebook: the learner's result, stored as result.json.

    `recorded` is None for an attempt graded before a restart: the gradebook has it.
    """
    module = catalog.module(entry.module)
    if module is None:
        raise GradingFailed(f"module {entry.module!r} left the catalogue")
    folder = entry.attempt_path(root)
    stored = read_stored(folder)
    if recorded is None and stored is not None:
        return stored
    if recorded is None:
        graded = nbgrader_course.read_result(root, module.id, entry.learner, module.filename)
    else:
        graded = nbgrader_course.GradeResult(module.id, entry.learner, recorded.score,
                                             recorded.max_score, recorded.grades)
    answers = json.loads((folder / layout.ANSWERS).read_text("utf-8"))
    result = build_result(module, entry.attempt, datetime.fromisoformat(entry.accepted_at),
                          answers, graded, seconds,
                          counted=recorded.counted if recorded is not None else True)
    # synced before the inbox entry goes: after a power loss the result is whole or the
    # entry is still there (and the ledger makes the next start store it again)
    durable.replace(folder / layout.RESULT, result.model_dump_json(indent=1))
    return result


def read_stored(folder: Path) -> SubmissionResult | None:
    """The stored result; None when there is none, or only a damaged one."""
    path = folder / layout.RESULT
    try:
        return SubmissionResult.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.error("%s is damaged (%s); the attempt counts as not graded", path, error)
        return None


def mark_failed(folder: Path, error: BaseException | None) -> None:
    """Say in the attempt's folder why its grading failed (None: it did not)."""
    marker = folder / layout.FAILED
    if error is None:
        marker.unlink(missing_ok=True)
    elif folder.is_dir():
        marker.write_text(f"{type(error).__name__}: {error}\n", "utf-8")


@dataclass(frozen=True)
class AttemptState:
    """What the learner's page may learn about one of its attempts."""

    exists: bool
    result: SubmissionResult | None = None
    submitted_at: datetime | None = None
    failed: bool = False  # stored, not graded, not queued: a trainer must regrade it


def attempt_state(root: Path, learner: str, module_id: str, number: int) -> AttemptState:
    if not layout.valid_attempt_number(number):
        return AttemptState(exists=False)
    folder = layout.attempt_dir(root, learner, module_id, number)
    stamp = folder / layout.TIMESTAMP
    if not stamp.is_file():
        return AttemptState(exists=False)
    result = read_stored(folder)
    if result is not None:
        return AttemptState(exists=True, result=result)
    failed = ((folder / layout.FAILED).is_file()
              or not inbox.is_pending(root, learner, module_id, number))
    return AttemptState(exists=True, submitted_at=datetime.fromtimestamp(stamp.stat().st_mtime,
                                                                         UTC), failed=failed)


@dataclass(frozen=True)
class AttemptSummary:
    attempt: int
    submitted_at: str
    score: float | None
    max_score: float | None


def summaries(root: Path, learner: str, module_id: str, offset: int = 0,
              limit: int | None = None) -> list[AttemptSummary]:
    """The attempts of a learner at a module with their scores, once graded, oldest first;
    `offset` and `limit` page through them (only the page's results are read)."""
    found = []
    folders = attempts.list_attempts(root, learner, module_id)
    for folder in folders[offset:None if limit is None else offset + limit]:
        result = read_stored(folder)
        found.append(AttemptSummary(
            attempt=layout.attempt_number(folder) or 0,
            submitted_at=(folder / layout.TIMESTAMP).read_text("utf-8").strip(),
            score=result.score if result else None,
            max_score=result.max_score if result else None))
    return found
