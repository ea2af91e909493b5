"""„Meine Kurse“: every course and module of one learner with its state, from the record.

The score that counts is the gradebook's (nbgrader's current submission: the attempt the
module's grading selects); attempts and the last activity come from the learner's own
attempts and draft. A module is „bestanden“ by its own pass mark (the course's unless the
module sets one), „begonnen“ once there is a draft or an attempt, else „offen“.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import Catalog
from kurskit.grading import attempts

OPEN, STARTED, PASSED = "offen", "begonnen", "bestanden"


@dataclass(frozen=True)
class ModuleState:
    id: str
    title: str
    state: str
    score: float | None
    max_score: float
    attempts: int
    last_activity: datetime | None


@dataclass(frozen=True)
class CourseState:
    id: str
    title: str
    pass_percent: int
    modules: list[ModuleState]


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None


def my_courses(root: Path, catalog: Catalog, learner: str) -> list[CourseState]:
    graded = nbgrader_course.learner_submissions(root, learner)
    courses = []
    for course in catalog.courses:
        modules = []
        for module in course.modules:
            if module.notebook.problems:
                continue
            folders = attempts.list_attempts(root, learner, module.id)
            times = [t for t in (_mtime(f / layout.TIMESTAMP) for f in folders) if t]
            draft = _mtime(layout.draft_file(root, learner, module.id))
            current = graded.get(module.id)
            maximum = float(module.notebook.max_points)
            score = current.score if current else None
            if current and current.timestamp:
                times.append(current.timestamp.replace(tzinfo=UTC))
            passed = score is not None and module.policy.passed(score, maximum)
            state = PASSED if passed else STARTED if (folders or draft or current) else OPEN
            last = max([*times, *([draft] if draft else [])], default=None)
            modules.append(ModuleState(module.id, module.title, state, score, maximum,
                                       len(folders), last))
        courses.append(CourseState(course.id, course.title, course.pass_percent, modules))
    return courses
