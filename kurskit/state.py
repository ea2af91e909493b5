"""Small JSON state files of the grading side (drafts, check counters): atomic and locked."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return default


def write_json(path: Path, value: Any) -> None:
    """Write atomically: readers see the old or the new file, never half of one."""
    write_text(path, json.dumps(value, ensure_ascii=False, indent=1))


def write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """Write atomically: readers see the old or the new file, never half of one.

    `durable=False` skips the fsync, for files that can be derived again after a crash.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
        if durable:
            out.flush()
            os.fsync(out.fileno())
    os.replace(temporary, path)


def update_json(path: Path, default: Any, change: Callable[[Any], Any]) -> Any:
    """Read, change and write one state file while holding its lock; returns the new value."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        value = change(read_json(path, default))
        write_json(path, value)
        return value
