"""Record fast-path grades in nbgrader's gradebook: the rows autograde writes, group-committed.

The rows come from nbgrader's own Gradebook API (`update_or_create_student`,
`update_or_create_submission`, which mirrors the assignment into SubmittedNotebook, Grade
and Comment rows) and are then filled in as `SaveAutoGrades` and `AssignLatePenalties` do.
nbgrader commits after every call; here its session flushes instead, and one commit per
batch makes many submissions durable at once (group commit: one fsync for the batch).

kurskit's own bookkeeping lives in two extra tables of the same database (SQLite, or
PostgreSQL in hub mode), written in the
same transaction as nbgrader's rows, so "graded" and "recorded" cannot disagree after a
crash: `kurskit_graded_attempt` (the ledger: every attempt the service graded, exactly
once, with its score) and `kurskit_regrade_journal` (what `kurskit grade` finished).

nbgrader keeps one submission per learner and module. Which attempt that row belongs to is
decided here, under the gradebook's lock, by the module's grading method over the ledger's
scores (`kurskit.qualification.policy.selected_attempt`): an attempt that is not selected
goes into the ledger only, so an older attempt — a retry in the worker, a `kurskit grade`
run — never overwrites the counted one, whichever finishes last.
nbgrader ignores tables it does not know; its migrations only touch its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, text

from kurskit import nbgrader_course
from kurskit.grading.fast_path import Graded
from kurskit.grading.module_version import ModuleVersion, load_version
from kurskit.qualification import certificates
from kurskit.qualification.policy import selected_attempt

log = logging.getLogger("kurskit.gradebook")

LEDGER = "kurskit_graded_attempt"
JOURNAL = "kurskit_regrade_journal"
_TABLES = [
    f"""CREATE TABLE IF NOT EXISTS {LEDGER} (
        learner VARCHAR(128) NOT NULL, module VARCHAR(128) NOT NULL, attempt INTEGER NOT NULL,
        submitted_at VARCHAR(40) NOT NULL, version VARCHAR(64) NOT NULL, score FLOAT NOT NULL,
        graded_at VARCHAR(40) NOT NULL,
        PRIMARY KEY (learner, module, attempt, submitted_at))""",
    f"""CREATE TABLE IF NOT EXISTS {JOURNAL} (
        learner VARCHAR(128) NOT NULL, module VARCHAR(128) NOT NULL,
        version VARCHAR(64) NOT NULL, submitted_at VARCHAR(40) NOT NULL,
        graded_at VARCHAR(40) NOT NULL,
        PRIMARY KEY (learner, module, version, submitted_at))""",
]


_JOURNAL_TABLE = Table(JOURNAL, MetaData(), *(
    Column(name, String, primary_key=name != "graded_at")
    for name in ("learner", "module", "version", "submitted_at", "graded_at")))


def _upsert_journal(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE in the gradebook's dialect (SQLite or PostgreSQL)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(_JOURNAL_TABLE)
    return statement.on_conflict_do_update(
        index_elements=["learner", "module", "version", "submitted_at"],
        set_={"graded_at": statement.excluded.graded_at})


@dataclass
class Record:
    """One graded submission to write: who, which module version, when submitted, what."""

    learner: str
    version: ModuleVersion
    timestamp: str  # timestamp.txt of the submission, nbgrader's format
    graded: Graded
    attempt: int | None = None  # service attempts go into the ledger
    journal: bool = False  # regrade runs go into the journal (attempt: the one regraded)
    method: str = "highest"  # the module's grading method


@dataclass
class Recorded:
    score: float
    max_score: float
    grades: dict[str, nbgrader_course.QuestionGrade] = field(default_factory=dict)
    counted: bool = True  # the gradebook's row is this attempt's (its grading method chose it)


class _CommitOnce:
    """nbgrader's session, its commit() deferred: the batch commits once at its end.

    Pending rows still reach the database before every query (autoflush), so nbgrader's
    find_* calls see them; a constraint error then fails the batch, which is retried
    one record at a time.
    """

    def __init__(self, session: Any) -> None:
        self._session = session

    def commit(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class GradebookWriter:
    """One open gradebook for a long-running writer (the service, a regrade run)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        config = nbgrader_course.load_config(root)
        # autograde opens the gradebook with the course id and (in its preprocessors)
        # without; both create their course row, so both are opened once here
        nbgrader_course.open_gradebook(root).close()
        self.gradebook = nbgrader_course.open_gradebook(root, nbgrader_course.course_id(config))
        self._config = config
        with self.gradebook.engine.begin() as connection:
            for statement in _TABLES:
                connection.execute(text(statement))
            certificates.create_table(connection)  # before any request can read it
        self._versions: dict[str, tuple[str, ModuleVersion]] = {}
        self._students: set[str] = set()  # known to exist in the gradebook (committed)
        self._new_students: set[str] = set()  # added in the current transaction
        self._batch_keys: set[tuple[str, str]] = set()

    def close(self) -> None:
        self.gradebook.close()

    # --- reading ---------------------------------------------------------------------

    def version(self, module_id: str) -> ModuleVersion:
        """The module as released in the gradebook; re-read when its cells change."""
        from nbgrader.api import Assignment, Notebook, SourceCell

        session = self.gradebook.db
        rows = session.query(SourceCell.name, SourceCell.checksum).join(
            Notebook, Notebook.id == SourceCell.notebook_id).join(
            Assignment, Assignment.id == Notebook.assignment_id).filter(
            Assignment.name == module_id).all()
        fingerprint = ",".join(sorted(f"{n}:{c}" for n, c in rows))
        cached = self._versions.get(module_id)
        if cached is None or cached[0] != fingerprint:
            cached = (fingerprint, load_version(self.gradebook, module_id))
            self._versions[module_id] = cached
        session.commit()  # end the read transaction: never hold SQLite's shared lock
        return cached[1]

    def graded_attempts(self, learner: str, module_id: str) -> set[tuple[int, str]]:
        """(attempt, submitted_at) of every attempt in the ledger: an attempt number that
        comes back with another timestamp (its folder was deleted) is a new submission."""
        rows = self.gradebook.db.execute(
            text(f"SELECT attempt, submitted_at FROM {LEDGER} WHERE learner = :l AND module = :m"),
            {"l": learner, "m": module_id}).all()
        self.gradebook.db.commit()
        return {(int(r[0]), str(r[1])) for r in rows}

    def _scores(self, learner: str, module_id: str) -> dict[int, float]:
        """Each graded attempt's score (inside the writing transaction: it sees the batch)."""
        rows = self.gradebook.db.execute(
            text(f"SELECT attempt, score FROM {LEDGER} WHERE learner = :l AND module = :m "
                 "ORDER BY graded_at"), {"l": learner, "m": module_id}).all()
        return {int(r[0]): float(r[1]) for r in rows}

    def journal(self) -> set[tuple[str, str, str, str]]:
        rows = self.gradebook.db.execute(
            text(f"SELECT learner, module, version, submitted_at FROM {JOURNAL}")).all()
        self.gradebook.db.commit()
        return {(str(a), str(b), str(c), str(d)) for a, b, c, d in rows}

    def clear_journal(self, modules: list[str]) -> None:
        with self._transaction():
            for module in modules:
                self.gradebook.db.execute(text(f"DELETE FROM {JOURNAL} WHERE module = :m"),
                                          {"m": module})

    # --- writing ---------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        session = self.gradebook.db
        real = session
        self.gradebook.db = _CommitOnce(real)
        try:
            # kurskit's lock keeps nbgrader runs of the same course (autograde, release)
            # out of the gradebook while a batch is written
            with nbgrader_course.course_lock(self.root):
                yield
                real.commit()
            self._students |= self._new_students
        except BaseException:
            real.rollback()
            raise
        finally:
            self._new_students, self._batch_keys = set(), set()
            real.expunge_all()  # the session stays small: module cells are cached elsewhere
            self.gradebook.db = real

    def record(self, records: list[Record]) -> list[Recorded | Exception | None]:
        """Write all records in one transaction; if that fails, each on its own.

        Returns, per record, what the gradebook now says, None for an attempt the ledger
        already holds (graded by an earlier run: it is not written again), or the exception
        that kept it out.
        """
        if not records:
            return []
        try:
            with self._transaction():
                # checked under the lock and inside the transaction: two writers (an old and
                # a new service process) can never both record the same attempt
                done = self._in_ledger(records)
                self._add_students({r.learner for r in records})
                results: list[Recorded | Exception | None] = []
                with self.gradebook.db.no_autoflush:
                    # no flush per record: the batch's rows are inserted at commit, in bulk
                    for record in records:
                        key = (record.learner, record.version.assignment, record.attempt,
                               record.timestamp)
                        results.append(None if key in done else self._write(record))
            return results
        except Exception as error:
            if len(records) == 1:
                log.error("recording %s/%s failed: %s", records[0].learner,
                          records[0].version.assignment, error)
                return [error]
            log.warning("batch of %d failed (%s); recording one at a time", len(records), error)
        self._students.clear()  # e.g. a trainer removed a student meanwhile
        return [self.record([r])[0] for r in records]

    def _in_ledger(self, records: list[Record]) -> set[tuple[str, str, int | None, str]]:
        found: set[tuple[str, str, int | None, str]] = set()
        for learner, module in {(r.learner, r.version.assignment) for r in records
                                if r.attempt is not None and not r.journal}:
            found |= {(learner, module, attempt, stamp)
                      for attempt, stamp in self.graded_attempts(learner, module)}
        return found

    def _add_students(self, learners: set[str]) -> None:
        """autograde's update_or_create_student, for every learner new to the gradebook."""
        from nbgrader.api import Student

        unknown = learners - self._students
        if unknown:
            rows = self.gradebook.db.query(Student.id).filter(Student.id.in_(unknown)).all()
            self._students |= {r[0] for r in rows}
        for learner in sorted(learners - self._students):
            self.gradebook.update_or_create_student(learner)
            self._new_students.add(learner)
        self.gradebook.db.flush()

    def _write(self, record: Record) -> Recorded:
        from nbgrader.plugins import LateSubmissionPlugin

        gb = self.gradebook
        module, learner = record.version.assignment, record.learner
        now = datetime.now(UTC).isoformat()
        if record.attempt is not None and record.journal:  # a regrade of a stored attempt
            gb.db.execute(text(
                f"UPDATE {LEDGER} SET score = :s, version = :v, graded_at = :t WHERE "
                "learner = :l AND module = :m AND attempt = :a"),
                {"l": learner, "m": module, "a": record.attempt, "v": record.version.key,
                 "s": record.graded.score, "t": now})
        elif record.attempt is not None:
            # the primary key refuses a second grading of the same submission
            gb.db.execute(text(
                f"INSERT INTO {LEDGER} (learner, module, attempt, submitted_at, version, score, "
                "graded_at) VALUES (:l, :m, :a, :ts, :v, :s, :t)"),
                {"l": learner, "m": module, "a": record.attempt, "ts": record.timestamp,
                 "v": record.version.key, "s": record.graded.score, "t": now})
        if record.journal:
            gb.db.execute(_upsert_journal(gb.engine.dialect.name),
                          {"learner": learner, "module": module, "version": record.version.key,
                           "submitted_at": record.timestamp, "graded_at": now})
        if record.attempt is not None:
            chosen = selected_attempt(self._scores(learner, module), record.method)
            if chosen is not None and chosen != record.attempt:
                return _uncounted(record)  # the gradebook's row stays the chosen attempt's
        if (learner, module) in self._batch_keys:
            gb.db.flush()  # a second attempt in the same batch must find the first one's rows
        self._batch_keys.add((learner, module))
        submission = gb.update_or_create_submission(module, learner, timestamp=record.timestamp)
        recorded = Recorded(0.0, 0.0)
        for notebook in submission.notebooks:
            if notebook.notebook.name != record.version.notebook:
                continue
            for grade in notebook.grades:  # SaveAutoGrades._add_score
                name = record.version.cell_names.get(grade.cell_id, "")
                if name not in record.graded.auto_scores:
                    continue  # a cell missing from the submission keeps its row untouched
                grade.auto_score = record.graded.auto_scores[name]
                grade.needs_manual_grade = (grade.manual_score is not None
                                            or grade.auto_score is None)
                value = grade.manual_score if grade.manual_score is not None else grade.auto_score
                extra = grade.extra_credit or 0.0
                max_score = record.version.cells[name].points
                recorded.grades[name] = nbgrader_course.QuestionGrade(
                    name, None if value is None else float(value + extra), max_score)
                recorded.score += float(value + extra) if value is not None else 0.0
                recorded.max_score += max_score
            for comment in notebook.comments:  # SaveAutoGrades._add_comment
                name = record.version.cell_names.get(comment.cell_id, "")
                if name in record.graded.auto_comments:
                    comment.auto_comment = record.graded.auto_comments[name]
            # AssignLatePenalties
            notebook.late_submission_penalty = None
            if submission.total_seconds_late > 0:
                plugin = LateSubmissionPlugin(config=self._config)
                penalty = plugin.late_submission_penalty(learner, recorded.score,
                                                         submission.total_seconds_late)
                if penalty is not None:
                    notebook.late_submission_penalty = min(max(penalty, 0), recorded.score)
        return recorded


def _uncounted(record: Record) -> Recorded:
    """The grades of an attempt the gradebook does not count, as autograde gave them."""
    recorded = Recorded(0.0, 0.0, counted=False)
    for name, score in record.graded.auto_scores.items():
        max_score = record.version.cells[name].points
        recorded.grades[name] = nbgrader_course.QuestionGrade(name, score, max_score)
        recorded.score += score or 0.0
        recorded.max_score += max_score
    return recorded
