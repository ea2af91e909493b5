"""Writes that survive a crash: atomic replacement, fsync, staged folders, locked JSON state.

POSIX makes a write durable only when the file is synced, and a new name in a folder only
when the folder is synced too. Every part of kurskit that must not lose or half-write a
file (attempts, the inbox, drafts, results) writes through here.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_synced(path: Path, data: bytes) -> None:
    """Write a new file and sync it (its folder is synced by the caller, once for many)."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace(path: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Write atomically: readers see the old or the new file, never half of one.

    `durable=False` skips the fsync, for files that can be derived again after a crash.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


@contextmanager
def staged_folder(final: Path) -> Iterator[Path]:
    """A folder filled under a temporary name and renamed to `final`: complete or absent.

    Files written into the staging folder must be synced (`write_synced`); the staging
    folder, the rename and the parent are synced here. On any error the staging folder
    goes away.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=final.parent))
    try:
        yield staging
        fsync_dir(staging)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(final.parent)


STAGING_PREFIXES = (".tmp-", ".incoming-")  # names of writes not yet renamed into place


def sweep_staging(folder: Path, older_than: float = 300.0) -> list[Path]:
    """Remove what writes interrupted by a crash left below `folder` (temporary files and
    staging folders older than `older_than` seconds); returns what was removed."""
    if not folder.is_dir():
        return []
    cutoff, removed = time.time() - older_than, []
    for path in sorted(folder.rglob(".*")):
        if not path.name.startswith(STAGING_PREFIXES) or not path.exists():
            continue
        try:
            if path.lstat().st_mtime > cutoff:
                continue  # perhaps still being written by another process
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


# --- small JSON state files (drafts, check counters) ----------------------------------

def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return default


def write_json(path: Path, value: Any) -> None:
    replace(path, json.dumps(value, ensure_ascii=False, indent=1))


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock (across threads and processes) on a `.lock` file beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def update_json(path: Path, default: Any, change: Callable[[Any], Any]) -> Any:
    """Read, change and write one state file while holding its lock; returns the new value."""
    with locked(path):
        value = change(read_json(path, default))
        write_json(path, value)
        return value
