"""The learner's work in progress, kept on the grading side: drafts and „Prüfen“ counters.

A draft holds the answers given so far (only valid answers to known questions), so a
reload, a closed browser or a new kernel loses nothing. „Prüfen“ checks one answer with
the module's own check function (`quickcheck`) and writes nothing into the gradebook;
each question allows `checks_per_question` checks per attempt (module metadata, default
2): a new attempt brings new checks. A check is counted only once it has been graded, so
a check that fails to grade costs the learner nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kurskit import durable, layout
from kurskit.authoring.catalog import Module
from kurskit.authoring.exercise_cells import Exercise
from kurskit.grading import attempts, quickcheck

DEFAULT_CHECKS = 2


class NoChecksLeft(Exception):
    def __init__(self, allowed: int) -> None:
        super().__init__(f"all {allowed} checks are used")
        self.allowed = allowed


@dataclass(frozen=True)
class Draft:
    answers: dict[str, Any]
    saved_at: str | None
    checks_left: dict[str, int]  # question id → „Prüfen“ still allowed
    checks_per_question: int


@dataclass(frozen=True)
class Checked:
    points: float
    correct: bool
    checks_left: int


def checks_allowed(module: Module) -> int:
    return int(module.notebook.metadata.get("checks_per_question", DEFAULT_CHECKS))


def save(root: Path, learner: str, module: Module, answers: dict[str, Any],
         sequence: int | None = None) -> Draft:
    """Keep the given (validated) answers; unanswered questions are left out.

    `sequence` (the page's rising save counter): a save whose counter is not above the
    kept draft's arrived late and is ignored, so it never overwrites a newer save.
    """
    kept = {qid: answer for qid, answer in answers.items() if answer is not None}

    def newer(current: dict[str, Any]) -> dict[str, Any]:
        stored = current.get("sequence")
        if sequence is not None and stored is not None and sequence <= stored:
            return current
        return {"answers": kept, "saved_at": datetime.now(UTC).isoformat(),
                "sequence": sequence}

    durable.update_json(layout.draft_file(root, learner, module.id), {}, newer)
    return load(root, learner, module)


def load(root: Path, learner: str, module: Module) -> Draft:
    saved = durable.read_json(layout.draft_file(root, learner, module.id), {})
    used = _used(durable.read_json(layout.checks_file(root, learner, module.id), {}),
                 _attempt(root, learner, module))
    allowed = checks_allowed(module)
    return Draft(answers=saved.get("answers", {}), saved_at=saved.get("saved_at"),
                 checks_left={e.qid: max(0, allowed - used.get(e.qid, 0))
                              for e in module.notebook.exercises if not e.manual},
                 checks_per_question=allowed)


def check(root: Path, learner: str, module: Module, exercise: Exercise,
          answer: Any) -> Checked:
    """Use up one check of the question and grade the (validated) answer."""
    allowed = checks_allowed(module)
    qid = exercise.qid
    number = _attempt(root, learner, module)
    path = layout.checks_file(root, learner, module.id)
    if _used(durable.read_json(path, {}), number).get(qid, 0) >= allowed:
        raise NoChecksLeft(allowed)
    points = quickcheck.points_for(exercise, answer)  # an exception here costs nothing

    def count(stored: dict[str, Any]) -> dict[str, Any]:
        used = _used(stored, number)
        if used.get(qid, 0) >= allowed:  # a parallel check took the last one meanwhile
            raise NoChecksLeft(allowed)
        return {"attempt": number, "used": {**used, qid: used.get(qid, 0) + 1}}

    saved = durable.update_json(path, {}, count)
    return Checked(points=points, correct=points >= exercise.points,
                   checks_left=allowed - saved["used"][qid])


def _attempt(root: Path, learner: str, module: Module) -> int:
    """The attempt the learner is working on: one after those submitted."""
    return len(attempts.list_attempts(root, learner, module.id)) + 1


def _used(stored: dict[str, Any], number: int) -> dict[str, int]:
    """Checks used in attempt `number` (a file of an earlier attempt counts none)."""
    if "used" not in stored:  # written before checks counted per attempt: attempt 1's
        stored = {"attempt": 1, "used": stored}
    return dict(stored["used"]) if stored.get("attempt") == number else {}
