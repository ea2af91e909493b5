"""Durable acknowledgement: a submission is stored and queued on disk before the service says yes.

`accept` writes the attempt (notebook, timestamp.txt, answers.json) and an inbox entry,
each fsynced together with its directory; once it returns, the submission survives a
crash of the process or the machine. The grading worker removes the entry after the
gradebook transaction that records the grade (and the ledger row) has committed; on
startup every entry still in the inbox is graded, and the ledger keeps one that was
graded just before a crash from being graded twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from kurskit.fast_grading import notebook_json
from kurskit.submission import (
    TIMESTAMP_FORMAT,
    Attempt,
    attempts_dir,
    list_attempts,
    valid_learner_id,
)

INBOX = "inbox"
_locks_guard = threading.Lock()
_thread_locks: dict[Path, threading.Lock] = {}


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
        return f"{self.learner}--{self.module}--{self.attempt:04d}.json"

    def attempt_path(self, root: Path) -> Path:
        return attempt_path(root, self.learner, self.module, self.attempt)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (POSIX needs the directory synced)."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def _learner_lock(folder: Path) -> Iterator[None]:
    """Attempt numbers of one learner and module are handed out one at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    with _locks_guard:
        lock = _thread_locks.setdefault(folder, threading.Lock())
    with lock, open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def accept(root: Path, learner: str, module_id: str, notebook_name: str,
           notebook: NotebookNode, answers: dict[str, Any]) -> tuple[Attempt, Entry]:
    """Store a new attempt and queue it; on return the submission is acknowledged."""
    if not valid_learner_id(learner):
        raise ValueError(f"invalid learner id {learner!r}")
    folder = attempts_dir(root, learner, module_id)
    inbox = root / INBOX
    inbox.mkdir(parents=True, exist_ok=True)
    with _learner_lock(folder):
        existing = list_attempts(root, learner, module_id)
        number = int(existing[-1].name) + 1 if existing else 1
        now = datetime.now(UTC)
        final = folder / f"{number:04d}"
        # a staging folder renamed into place: an attempt is complete or absent
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
        _write_synced(staging / notebook_name, notebook_json(notebook).encode("utf-8"))
        _write_synced(staging / "timestamp.txt", now.strftime(TIMESTAMP_FORMAT).encode())
        _write_synced(staging / "answers.json",
                      json.dumps(answers, ensure_ascii=False, indent=1).encode("utf-8"))
        fsync_dir(staging)
        os.rename(staging, final)
        fsync_dir(folder)
        entry = Entry(learner, module_id, number, notebook_name, now.isoformat())
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=inbox)
        os.close(handle)
        _write_synced(Path(temporary), json.dumps(entry.__dict__).encode("utf-8"))
        os.replace(temporary, inbox / entry.name)
        fsync_dir(inbox)
    return Attempt(learner, module_id, number, final, now), entry


def pending(root: Path) -> list[Entry]:
    """Every acknowledged entry not yet recorded, oldest first."""
    inbox = root / INBOX
    if not inbox.is_dir():
        return []
    entries = []
    for path in inbox.glob("*.json"):
        try:
            entries.append(Entry(**json.loads(path.read_text("utf-8"))))
        except (OSError, ValueError, TypeError):
            continue  # a half-written temporary never has the .json name; skip the odd file
    return sorted(entries, key=lambda e: (e.accepted_at, e.learner, e.module, e.attempt))


def is_pending(root: Path, learner: str, module_id: str, attempt: int) -> bool:
    return (root / INBOX / Entry(learner, module_id, attempt, "", "").name).is_file()


def read_entry(root: Path, learner: str, module_id: str, attempt: int) -> Entry | None:
    """The inbox entry of one attempt, or None once it is recorded."""
    path = root / INBOX / Entry(learner, module_id, attempt, "", "").name
    try:
        return Entry(**json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def attempt_path(root: Path, learner: str, module_id: str, attempt: int) -> Path:
    return attempts_dir(root, learner, module_id) / f"{attempt:04d}"


def done(root: Path, entry: Entry) -> None:
    """Drop a recorded entry (no fsync needed: the ledger already says it is graded)."""
    (root / INBOX / entry.name).unlink(missing_ok=True)
