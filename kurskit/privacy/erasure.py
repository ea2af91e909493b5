"""`kurskit privacy erase`: the right to erasure (Art. 17 DSGVO).

Removes a learner from nbgrader's gradebook through nbgrader's own API (`remove_student`:
student, submissions, notebooks, grades and comments), deletes kurskit's rows of the
learner (`kurskit_graded_attempt`, `kurskit_regrade_journal`) and every folder and inbox
entry of the learner (attempts with their results, nbgrader's submitted, autograded and
feedback copies, drafts, „Prüfen“ counters). SQLite keeps deleted rows in free pages of the
file until it is rebuilt, so the gradebook is vacuumed afterwards. In the audit log and
nbgrader's log the learner id is replaced by an erasure mark (`geloescht-<random>`), which
the command prints for the request's file: no file or row names the learner afterwards.
Aggregates (`kurskit report`) still compute, without the learner.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kurskit import durable, layout, nbgrader_course
from kurskit.privacy import audit
from kurskit.privacy.subject import Holdings, UnknownLearner, holdings, kurskit_rows

MARK_PREFIX = "geloescht-"


@dataclass
class Erasure:
    """What was (or, in a dry run, would be) erased."""

    learner: str
    done: bool
    mark: str | None = None  # replaces the learner id in the logs
    files: dict[str, int] = field(default_factory=dict)  # registry type → files
    rows: dict[str, int] = field(default_factory=dict)  # table → rows
    paths: list[str] = field(default_factory=list)  # relative to the course root
    log_entries: int = 0  # audit entries about the learner


def plan(grading: Path, learner: str) -> tuple[Holdings, Erasure]:
    """What erasing `learner` would remove; UnknownLearner when kurskit holds nothing."""
    held = holdings(grading, learner)
    if held.empty and not audit.about(grading, learner):
        raise UnknownLearner(f"kurskit holds no data about learner {learner!r}")
    result = Erasure(learner, done=False)
    for type_id, files in held.files.items():
        result.files[type_id] = len(files)
        result.paths += [str(p.relative_to(grading)) for p in files]
    result.rows = {table: n for table, n in held.rows.items() if n}
    if held.student is not None:
        result.rows = {"student": 1, **result.rows}
    result.log_entries = len(audit.about(grading, learner))
    return held, result


def erase(grading: Path, learner: str, *, confirm: bool = False, who: str | None = None,
          now: datetime | None = None, reason: str = "request", vacuum: bool = True
          ) -> Erasure:
    """Erase everything about `learner` when `confirm`; else only report what would go.

    `vacuum=False` leaves rebuilding the gradebook to the caller, who must then call
    `vacuum_gradebook` (retention erases many learners and rebuilds once).
    """
    held, result = plan(grading, learner)
    if not confirm:
        return result
    mark = MARK_PREFIX + secrets.token_hex(4)
    with nbgrader_course.course_lock(grading):
        if nbgrader_course.has_gradebook(grading):
            _erase_rows(grading, learner, student=held.student is not None)
            if vacuum:
                vacuum_gradebook(grading)
        for folder in layout.learner_folders(grading, learner):
            if folder.is_dir():
                shutil.rmtree(folder)
                durable.fsync_dir(folder.parent)
        for entry in held.files.get("attempts", []):
            if entry.parent == layout.inbox_dir(grading):
                entry.unlink(missing_ok=True)
        _scrub_log(layout.nbgrader_log(grading), learner, mark)
    audit.pseudonymise(grading, learner, mark)
    audit.record(grading, "erase", subject=mark, who=who, now=now,
                 details={"reason": reason, "files": result.files, "rows": result.rows})
    result.done, result.mark = True, mark
    return result


def _erase_rows(grading: Path, learner: str, *, student: bool) -> None:
    from sqlalchemy import text

    with nbgrader_course.open_gradebook(grading) as book:
        if student:
            book.remove_student(learner)  # cascades: submissions, notebooks, grades, comments
        for table in kurskit_rows(book, learner):
            book.db.execute(text(f"DELETE FROM {table} WHERE learner = :l"), {"l": learner})
        book.db.commit()


def vacuum_gradebook(grading: Path) -> None:
    """Deleted rows stay readable in SQLite's free pages until the file is rebuilt."""
    with nbgrader_course.open_gradebook(grading) as book:
        if book.engine.dialect.name == "sqlite":
            with book.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM")


def _scrub_log(path: Path, learner: str, mark: str) -> None:
    """nbgrader's log names the learner in lines about their autograde runs."""
    if not path.is_file():
        return
    text = path.read_text("utf-8", errors="replace")
    if learner in text:
        durable.replace(path, text.replace(learner, mark))


def describe(result: Erasure) -> list[str]:
    """English lines for the CLI."""
    verb = "erased" if result.done else "would erase"
    lines = [f"{verb} for {result.learner}:"]
    lines += [f"  {n} file(s) of {type_id}" for type_id, n in result.files.items() if n]
    lines += [f"  {n} row(s) in gradebook table {table}" for table, n in result.rows.items()]
    if result.log_entries:
        lines.append(f"  {result.log_entries} audit entry(ies): learner id replaced by a mark")
    if not result.done:
        lines += [f"    {path}" for path in result.paths]
    else:
        lines.append(f"erasure mark (note it in the request's file): {result.mark}")
    return lines
