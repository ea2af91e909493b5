"""The audit log: staff actions on personal data, one JSON line each, append-only.

Recorded: Auskunft exports, erasure, retention deletions, regrades and grade exports. Each
entry holds `time` (UTC, ISO 8601), `actor` (the staff account that ran the command: the
`--actor` option, else $KURSKIT_ACTOR, else the operating-system user; never a learner),
`action`, `subject` (the learner concerned, or null for an action on many) and `details`.
The subject is recorded in clear, because the learner's Auskunft must list the entries
about them; erasure replaces it with an erasure mark (`pseudonymise`). Lines are appended
with O_APPEND and fsync, so a crash loses at most the line being written and never
changes an earlier one; only retention and erasure rewrite the file (atomically).
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kurskit import deployment, durable, layout

ACTOR_ENV = deployment.ACTOR
ACTIONS = ("privacy-export", "erase", "retention", "regrade", "export", "certificate-revoke")


def actor(explicit: str | None = None) -> str:
    """Who acts: the named staff account, else the deployment's, else the OS user."""
    if explicit:
        return explicit
    try:
        return os.environ.get(ACTOR_ENV) or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (e.g. a container's numeric user)
        return f"uid-{os.getuid()}"


def record(grading: Path, action: str, *, subject: str | None, details: dict[str, Any],
           who: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Append one entry, durably, and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = {"time": (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
             "actor": actor(who), "action": action, "subject": subject, "details": details}
    path = layout.audit_log(grading)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    with durable.locked(path):  # never append while retention or erasure rewrites
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(handle, line)
            os.fsync(handle)
        finally:
            os.close(handle)
    if new:
        durable.fsync_dir(path.parent)
    return entry


def entries(grading: Path) -> Iterator[dict[str, Any]]:
    """Every readable entry, oldest first (a torn last line after a crash is skipped)."""
    path = layout.audit_log(grading)
    if not path.is_file():
        return
    for line in path.read_text("utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            yield entry


def about(grading: Path, learner: str) -> list[dict[str, Any]]:
    return [e for e in entries(grading) if e.get("subject") == learner]


def _rewrite(grading: Path, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
             ) -> tuple[int, int]:
    """Only erasure and retention rewrite the log: read, change and replace it under the
    lock that appends wait for, so no entry written meanwhile is lost. (before, after)."""
    path = layout.audit_log(grading)
    with durable.locked(path):
        before = list(entries(grading))
        after = change(before)
        if after != before:
            durable.replace(path, "".join(json.dumps(e, ensure_ascii=False, sort_keys=True)
                                          + "\n" for e in after))
    return len(before), len(after)


def pseudonymise(grading: Path, learner: str, mark: str) -> int:
    """Replace the learner in every entry by `mark`; returns how many entries changed."""
    if not layout.audit_log(grading).is_file():
        return 0
    changed = 0

    def replace(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nonlocal changed
        changed = sum(e.get("subject") == learner for e in found)
        return [{**e, "subject": mark} if e.get("subject") == learner else e for e in found]

    _rewrite(grading, replace)
    return changed


def expired(grading: Path, cutoff: datetime) -> list[dict[str, Any]]:
    return [e for e in entries(grading) if _time(e) < cutoff]


def drop_before(grading: Path, cutoff: datetime) -> int:
    """Remove entries older than `cutoff` (retention); returns how many went."""
    before, after = _rewrite(grading, lambda found: [e for e in found if _time(e) >= cutoff])
    return before - after


def _time(entry: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(entry.get("time")))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)  # unreadable time: oldest, goes first
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
