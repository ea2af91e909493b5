"""A private copy of the graded fixture course, with every kind of data kurskit keeps."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from kurskit import durable, layout
from kurskit.layout import Project
from kurskit.privacy import audit

ANNA = "lern-q7-anna"


def own_copy(graded: Project, target: Path) -> Project:
    """The session's graded project copied (tests here change it)."""
    shutil.copytree(graded.root, target, symlinks=True)
    return Project(target)


def add_work_in_progress(project: Project, learner: str = ANNA,
                         saved_at: str = "2026-03-21T09:00:00+00:00") -> None:
    """A draft, „Prüfen“ counters, a queued submission and an audit entry about `learner`."""
    grading = project.grading
    durable.write_json(layout.draft_file(grading, learner, "beispiel-02-weitere"),
                       {"answers": {"meldefrist": 48}, "saved_at": saved_at})
    durable.write_json(layout.checks_file(grading, learner, "beispiel-02-weitere"),
                       {"meldefrist": 2})
    entry = {"learner": learner, "module": "beispiel-02-weitere", "attempt": 9,
             "notebook": "02-weitere.ipynb", "accepted_at": saved_at}
    durable.write_json(layout.inbox_dir(grading) / f"{learner}--beispiel-02-weitere--0009.json",
                       entry)
    _ledger_rows(project, [learner, "lern-q7-bernd"])
    layout.nbgrader_log(grading).write_text(  # as nbgrader writes it when a logfile is set
        f"[AutogradeApp | INFO] Creating/updating student with ID '{learner}'\n"
        "[AutogradeApp | INFO] Autograding beispiel-01-kurz for lern-q7-bernd\n", "utf-8")
    audit.record(grading, "regrade", subject=learner, who="trainerin-mueller",
                 details={"module": "beispiel-01-kurz"},
                 now=datetime(2026, 3, 22, 8, 0, tzinfo=UTC))


def _ledger_rows(project: Project, learners: list[str]) -> None:
    """kurskit's ledger and journal rows, as the fast path and a regrade write them."""
    import sqlite3

    from kurskit.grading.gradebook_writer import JOURNAL, LEDGER, GradebookWriter

    GradebookWriter(project.grading).close()  # creates kurskit's tables
    connection = sqlite3.connect(layout.gradebook_file(project.grading))
    with connection:
        for learner in learners:
            connection.execute(f"INSERT INTO {LEDGER} VALUES (?, 'beispiel-01-kurz', 1, "
                               "'2026-03-02 10:00:00', 'v1', 4.0, '2026-03-02')", (learner,))
            connection.execute(f"INSERT INTO {JOURNAL} VALUES (?, 'beispiel-01-kurz', 'v1', "
                               "'2026-03-02 10:00:00', '2026-03-02')", (learner,))
    connection.close()


def gradebook_text(project: Project) -> str:
    """Every text column of every table of the gradebook, one line per row."""
    import sqlite3

    connection = sqlite3.connect(layout.gradebook_file(project.grading))
    try:
        lines = []
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                lines.append(json.dumps([str(v) for v in row], ensure_ascii=False))
        return "\n".join(lines)
    finally:
        connection.close()


def files_naming(root: Path, words: list[str]) -> list[tuple[str, str]]:
    """(file, word) for every file below `root` whose bytes or path contain a word."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for word in words:
            if word.encode() in data or word.lower().encode() in data.lower() or word in str(
                    path.relative_to(root)):
                found.append((str(path.relative_to(root)), word))
    return found
