"""A learner's attempts on disk: every attempt numbered and kept, and nbgrader's copies.

`attempts/<learner>/<module>/<NNNN>/` holds each attempt (the submission notebook,
`timestamp.txt` in nbgrader's format, `answers.json`), written under a staging name and
renamed into place, so an attempt is complete or absent. nbgrader expects one submission
per learner and module: `submitted/<learner>/<module>/` holds the newest attempt, and
`autograded/<learner>/<module>/` its graded notebook. This module is the one writer of
all three.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from kurskit import durable, layout
from kurskit.grading.notebook_files import notebook_json
from kurskit.nbgrader_course import TIMESTAMP_FORMAT

# threads of one process share these (the file lock serializes processes): a fixed set,
# so that the map does not grow with every learner and module the service ever saw
_thread_locks = tuple(threading.Lock() for _ in range(64))


@dataclass(frozen=True)
class Attempt:
    learner: str
    module_id: str
    number: int
    path: Path
    timestamp: datetime
    notebook: str  # file name of the module notebook


class AttemptsExhausted(Exception):
    """Every attempt the module allows is used: nothing was written."""

    def __init__(self, allowed: int) -> None:
        super().__init__(f"all {allowed} attempts are used")
        self.allowed = allowed


def list_attempts(root: Path, learner: str, module_id: str) -> list[Path]:
    """The attempt folders of a learner at a module, oldest first."""
    folder = layout.attempts_dir(root, learner, module_id)
    if not folder.is_dir():
        return []
    numbered = [(layout.attempt_number(p), p) for p in folder.iterdir() if p.is_dir()]
    return [path for number, path in sorted((n, p) for n, p in numbered if n is not None)]


@contextmanager
def _numbering(folder: Path) -> Iterator[None]:
    """Attempt numbers of one learner and module are handed out one at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = _thread_locks[hash(folder) % len(_thread_locks)]
    with lock, open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def store(root: Path, learner: str, module_id: str, notebook_name: str,
          notebook: NotebookNode, answers: dict[str, Any], allowed: int | None = None,
          before_publish: Callable[[Attempt], None] | None = None) -> Attempt:
    """Store a new attempt, fsynced; earlier attempts stay untouched.

    With `allowed`, an attempt over that number is refused (`AttemptsExhausted`) under the
    numbering lock, before anything is written. `before_publish` runs once the attempt's
    files are synced, before the folder gets its name (e.g. to queue it): an attempt that
    exists is always queued.
    """
    if not layout.valid_learner_id(learner):
        raise ValueError(f"invalid learner id {learner!r}")
    folder = layout.attempts_dir(root, learner, module_id)
    with _numbering(folder):
        existing = list_attempts(root, learner, module_id)
        if allowed is not None and len(existing) >= allowed:
            raise AttemptsExhausted(allowed)
        number = (layout.attempt_number(existing[-1]) or 0) + 1 if existing else 1
        now = datetime.now(UTC)
        final = layout.attempt_dir(root, learner, module_id, number)
        with durable.staged_folder(final) as staging:
            durable.write_synced(staging / notebook_name, notebook_json(notebook).encode())
            durable.write_synced(staging / layout.TIMESTAMP,
                                 now.strftime(TIMESTAMP_FORMAT).encode())
            durable.write_synced(staging / layout.ANSWERS, json.dumps(
                answers, ensure_ascii=False, indent=1).encode("utf-8"))
            attempt = Attempt(learner, module_id, number, final, now, notebook_name)
            if before_publish is not None:
                before_publish(attempt)
    return attempt


def make_current(root: Path, attempt: Attempt, autograded: str | None = None, *,
                 selected: bool = False) -> None:
    """Make the attempt nbgrader's current submission (and, once graded, give it its
    autograded notebook), unless a newer attempt is already there.

    `selected`: the gradebook counts this attempt (its grading method chose it under the
    gradebook's lock), so it is placed whatever attempt was there before.
    """
    _place(layout.submitted_dir(root, attempt.learner, attempt.module_id), attempt,
           lambda target: shutil.copyfile(attempt.path / attempt.notebook, target), selected)
    if autograded is not None:
        _place(layout.autograded_dir(root, attempt.learner, attempt.module_id), attempt,
               lambda target: target.write_text(autograded, "utf-8"), selected)


def current_attempt(root: Path, learner: str, module_id: str) -> int | None:
    """The attempt number of nbgrader's current submission (None: not placed by kurskit)."""
    marker = layout.submitted_dir(root, learner, module_id) / layout.CURRENT_ATTEMPT
    try:
        return int(marker.read_text() or 0) if marker.is_file() else None
    except ValueError:
        return None


def _place(folder: Path, attempt: Attempt, write: Callable[[Path], object],
           selected: bool = False) -> None:
    marker = folder / layout.CURRENT_ATTEMPT
    if not selected and marker.is_file() and int(marker.read_text() or 0) > attempt.number:
        return  # a newer attempt is already there
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / attempt.notebook)
    shutil.copyfile(attempt.path / layout.TIMESTAMP, folder / layout.TIMESTAMP)
    marker.write_text(str(attempt.number))


def write_autograded(root: Path, learner: str, module_id: str, notebook_name: str,
                     notebook_text: str, timestamp: str) -> None:
    """The autograded notebook of nbgrader's current submission (a batch regrade)."""
    target = layout.autograded_dir(root, learner, module_id)
    target.mkdir(parents=True, exist_ok=True)
    (target / notebook_name).write_text(notebook_text, "utf-8")
    (target / layout.TIMESTAMP).write_text(timestamp, "utf-8")


def attempt_of(root: Path, learner: str, module_id: str, number: int,
               notebook: str, accepted_at: str) -> Attempt:
    """An attempt already on disk (e.g. read back from the inbox after a restart)."""
    return Attempt(learner, module_id, number,
                   layout.attempt_dir(root, learner, module_id, number),
                   datetime.fromisoformat(accepted_at), notebook)
