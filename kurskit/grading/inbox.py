"""Durable acknowledgement: a submission is stored and queued on disk before the service says yes.

`accept` stores the attempt (`attempts.store`, fsynced) and writes an inbox entry, fsynced
with its folder; once it returns, the submission survives a crash of the process or the
machine. The grading worker removes the entry after the gradebook transaction that
records the grade (and the ledger row) has committed; on startup every entry still in
the inbox is graded, and the ledger keeps one that was graded just before a crash from
being graded twice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from kurskit import durable, layout
from kurskit.grading import attempts
from kurskit.grading.attempts import Attempt


ORPHAN_SECONDS = 600.0  # an entry whose attempt is this long absent was never acknowledged


@dataclass(frozen=True)
class Entry:
    """One acknowledged, not yet recorded submission."""

    learner: str
    module: str
    attempt: int
    notebook: str  # file name of the module notebook
    accepted_at: str

    @property
    def name(self) -> str:
        return entry_name(self.learner, self.module, self.attempt)

    def attempt_path(self, root: Path) -> Path:
        return layout.attempt_dir(root, self.learner, self.module, self.attempt)

    def stored_attempt(self, root: Path) -> Attempt:
        return attempts.attempt_of(root, self.learner, self.module, self.attempt,
                                   self.notebook, self.accepted_at)


def entry_name(learner: str, module_id: str, attempt: int) -> str:
    return f"{learner}--{module_id}--{attempt:04d}.json"


def accept(root: Path, learner: str, module_id: str, notebook_name: str,
           notebook: NotebookNode, answers: dict[str, Any],
           allowed: int | None = None) -> tuple[Attempt, Entry]:
    """Store a new attempt and queue it; on return the submission is acknowledged.

    Over `allowed` attempts, `attempts.AttemptsExhausted` and nothing is written. The entry
    is written (synced) before the attempt's folder gets its name, so a crash between the
    two writes leaves no attempt that nobody grades: at worst an entry whose attempt never
    appeared, which `pending` skips (and drops once it is old).
    """
    queued: list[Entry] = []

    def queue(attempt: Attempt) -> None:
        entry = Entry(learner, module_id, attempt.number, notebook_name,
                      attempt.timestamp.isoformat())
        durable.replace(layout.inbox_dir(root) / entry.name, json.dumps(asdict(entry)))
        queued.append(entry)

    try:
        attempt = attempts.store(root, learner, module_id, notebook_name, notebook, answers,
                                 allowed, before_publish=queue)
    except BaseException:
        for entry in queued:  # the attempt did not appear: neither does its entry
            (layout.inbox_dir(root) / entry.name).unlink(missing_ok=True)
        raise
    return attempt, queued[0]


def pending(root: Path) -> list[Entry]:
    """Every acknowledged entry not yet recorded, oldest first."""
    inbox = layout.inbox_dir(root)
    if not inbox.is_dir():
        return []
    entries = []
    for path in inbox.glob("*.json"):
        try:
            entry = Entry(**json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            continue  # a half-written temporary never has the .json name; skip the odd file
        if (entry.attempt_path(root) / layout.TIMESTAMP).is_file():
            entries.append(entry)
        elif _age(entry) > ORPHAN_SECONDS:  # its attempt never appeared (a crash in accept)
            path.unlink(missing_ok=True)
    return sorted(entries, key=lambda e: (e.accepted_at, e.learner, e.module, e.attempt))


def _age(entry: Entry) -> float:
    try:
        return (datetime.now(UTC) - datetime.fromisoformat(entry.accepted_at)).total_seconds()
    except ValueError:
        return ORPHAN_SECONDS + 1


def is_pending(root: Path, learner: str, module_id: str, attempt: int) -> bool:
    return (layout.inbox_dir(root) / entry_name(learner, module_id, attempt)).is_file()


def read_entry(root: Path, learner: str, module_id: str, attempt: int) -> Entry | None:
    """The inbox entry of one attempt, or None once it is recorded."""
    path = layout.inbox_dir(root) / entry_name(learner, module_id, attempt)
    try:
        return Entry(**json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def done(root: Path, entry: Entry) -> None:
    """Drop a recorded entry (no fsync needed: the ledger already says it is graded)."""
    (layout.inbox_dir(root) / entry.name).unlink(missing_ok=True)
