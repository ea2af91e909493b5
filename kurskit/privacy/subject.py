"""Where one learner's data lives: files below the course root and rows in the gradebook.

Auskunft and erasure both ask here, so what is exported and what is erased cannot drift
apart. The places are those the registry lists (`datenschutz.yml`, `speicherort`), found
through `kurskit.layout`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kurskit import layout, nbgrader_course
from kurskit.grading.gradebook_writer import JOURNAL, LEDGER
from kurskit.qualification.certificates import CERTIFICATES

# registry data type of each learner folder (layout.learner_folders)
FOLDER_TYPES = {"attempts": "attempts", "submitted": "attempts", "autograded": "attempts",
                "feedback": "attempts", "drafts": "drafts", "checks": "checks"}


class InvalidLearner(ValueError):
    """Not a learner id kurskit could have stored (English message)."""


class UnknownLearner(LookupError):
    """kurskit stores nothing about this learner (English message)."""


@dataclass
class Holdings:
    """Everything kurskit holds about one learner, by registry data type."""

    learner: str
    files: dict[str, list[Path]] = field(default_factory=dict)  # type id → files
    rows: dict[str, int] = field(default_factory=dict)  # table → rows naming the learner
    student: dict[str, Any] | None = None  # nbgrader's student row

    @property
    def empty(self) -> bool:
        return self.student is None and not any(self.files.values()) and not any(
            self.rows.values())


def check_id(learner: str) -> None:
    if not layout.valid_learner_id(learner):
        raise InvalidLearner(f"invalid learner id {learner!r}: expected lower-case letters, "
                             "digits, '.', '_' or '-' (at most 64)")


def inbox_entries(grading: Path, learner: str) -> list[Path]:
    """Queued submissions of the learner (read from the entry, not guessed from its name)."""
    inbox = layout.inbox_dir(grading)
    found = []
    for path in sorted(inbox.glob("*.json")) if inbox.is_dir() else []:
        try:
            if json.loads(path.read_text("utf-8")).get("learner") == learner:
                found.append(path)
        except (OSError, ValueError, AttributeError):
            continue
    return found


def holdings(grading: Path, learner: str) -> Holdings:
    """What kurskit holds about `learner`; InvalidLearner for an id it cannot hold."""
    check_id(learner)
    held = Holdings(learner)
    for folder in layout.learner_folders(grading, learner):
        type_id = FOLDER_TYPES[folder.parent.name]
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        held.files.setdefault(type_id, []).extend(files)
    held.files["attempts"] = held.files.get("attempts", []) + inbox_entries(grading, learner)
    if nbgrader_course.has_gradebook(grading):
        held.student, held.rows = _gradebook_rows(grading, learner)
    return held


def _gradebook_rows(grading: Path, learner: str) -> tuple[dict[str, Any] | None, dict[str, int]]:
    from nbgrader.api import MissingEntry

    rows: dict[str, int] = {}
    with nbgrader_course.course_lock(grading), nbgrader_course.open_gradebook(grading) as book:
        try:
            student = book.find_student(learner)
        except MissingEntry:
            student = None
        row = None
        if student is not None:
            row = {"id": student.id, "first_name": student.first_name,
                   "last_name": student.last_name, "email": student.email,
                   "lms_user_id": student.lms_user_id}
            submissions = list(student.submissions)
            rows["submitted_assignment"] = len(submissions)
            notebooks = [nb for s in submissions for nb in s.notebooks]
            rows["submitted_notebook"] = len(notebooks)
            rows["grade"] = sum(len(nb.grades) for nb in notebooks)
            rows["comment"] = sum(len(nb.comments) for nb in notebooks)
        rows.update(kurskit_rows(book, learner))
        book.db.commit()  # end the read transaction
    return row, rows


def kurskit_rows(book: Any, learner: str) -> dict[str, int]:
    """Rows of kurskit's own tables that name the learner (tables may not exist yet)."""
    from sqlalchemy import inspect, text

    found = {}
    tables = set(inspect(book.engine).get_table_names())
    for table in (LEDGER, JOURNAL, CERTIFICATES.name):
        if table in tables:
            found[table] = int(book.db.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE learner = :l"),
                {"l": learner}).scalar() or 0)
    return found
