"""The one adapter to nbgrader's course: configuration, its API, the course lock, results.

nbgrader's gradebook is the system of record. kurskit drives nbgrader through its own
Python API (`NbGraderAPI`) with the configuration in `grading/nbgrader_config.py`, so
the trainer's formgrader and kurskit see the same course. nbgrader is imported lazily
(it is slow to import); the grading stage's fast path and gradebook writer use nbgrader's
grading rules and gradebook model directly, as nbgrader's own preprocessors do, but open
the gradebook and take the course lock through here.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from kurskit import deployment, layout

if TYPE_CHECKING:
    from kurskit.authoring.catalog import Module

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's format of timestamp.txt
_thread_lock = threading.Lock()
# nbgrader's own gradebook code triggers SQLAlchemy autoflush warnings; they are not ours
warnings.filterwarnings("ignore", message=".*not in session.*", module="nbgrader")


class GradingError(RuntimeError):
    """nbgrader could not release or grade (English message for trainers and logs)."""


@dataclass
class QuestionGrade:
    grade_id: str
    score: float | None  # None: waits for a trainer's manual grade
    max_score: float


@dataclass
class GradeResult:
    module_id: str
    learner: str
    score: float
    max_score: float
    grades: dict[str, QuestionGrade] = field(default_factory=dict)


@dataclass(frozen=True)
class CurrentSubmission:
    """nbgrader's current submission of one learner at one module."""

    learner: str
    score: float
    max_score: float
    timestamp: datetime | None


def load_config(root: Path) -> Config:
    """The course's nbgrader configuration, with the course root pinned to `root`."""
    config = Config()
    if layout.config_file(root).is_file():
        config = PyFileConfigLoader(layout.CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root.resolve())
    config.CourseDirectory.db_url = db_url(root)
    # kurskit hands out modules through the portal, not nbgrader's exchange; keep the exchange
    # inside the course so nbgrader never reaches for /usr/local/share/nbgrader/exchange
    config.Exchange.root = str(layout.exchange_dir(root).resolve())
    # question pools: one grade cell per pool (kurskit.release.pool_cells)
    from kurskit.release.pool_cells import generate_assignment_pipeline

    config.GenerateAssignment.preprocessors = generate_assignment_pipeline()
    return config


def course_id(config: Config) -> str:
    return str(config.CourseDirectory.get("course_id", "default_course") or "default_course")


def venv_on_path() -> None:
    """nbgrader runs `alembic` (gradebook migrations) as a subprocess found on PATH."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])


def api(root: Path) -> Any:  # nbgrader.apps.NbGraderAPI
    from nbgrader.apps import NbGraderAPI

    venv_on_path()
    return NbGraderAPI(config=load_config(root))


def db_url(root: Path) -> str:
    """The gradebook: the database the deployment names (PostgreSQL in hub mode), else
    the SQLite file in the course root."""
    return deployment.db_url() or f"sqlite:///{layout.gradebook_file(root).resolve()}"


def has_gradebook(root: Path) -> bool:
    """Whether there is a gradebook to read (a named database always counts)."""
    return deployment.db_url() is not None or layout.gradebook_file(root).is_file()


def migrate(root: Path) -> None:
    """Make the gradebook's tables, then run nbgrader's migrations (`nbgrader db upgrade`).

    nbgrader's migrations fail on an empty database, so the gradebook is opened (which
    creates nbgrader's tables and stamps them with the newest revision) first; on a
    database at the newest revision the upgrade changes nothing.
    """
    import subprocess

    open_gradebook(root).close()
    venv_on_path()
    done = subprocess.run([sys.executable, "-m", "nbgrader", "db", "upgrade"], cwd=root,
                          capture_output=True, text=True,
                          env={**os.environ, deployment.DB_URL: db_url(root)})
    if done.returncode != 0:
        raise GradingError(f"nbgrader db upgrade failed:\n{done.stdout}\n{done.stderr}")


def open_gradebook(root: Path, course: str | None = None) -> Any:  # nbgrader.api.Gradebook
    from nbgrader.api import Gradebook

    venv_on_path()
    return Gradebook(db_url(root)) if course is None else Gradebook(db_url(root), course)


@contextmanager
def course_lock(root: Path) -> Iterator[None]:
    """One nbgrader operation at a time per course root, across threads and processes."""
    root.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(layout.lock_file(root), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_ok(result: dict, what: str) -> None:
    if not result.get("success"):
        # nbgrader's log names the cause; its traceback only says that something failed
        detail = "\n".join(str(result.get(k) or "").strip() for k in ("log", "error")).strip()
        raise GradingError(f"{what} failed:\n{detail}")


def release_module(root: Path, module: Module) -> Path:
    """Copy the source notebook into the course and run nbgrader generate_assignment."""
    source_dir = layout.source_dir(root, module.id)
    layout.exchange_dir(root).mkdir(parents=True, exist_ok=True)  # formgrader warns without
    with course_lock(root):
        source_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module.path, source_dir / module.filename)
        _ensure_ok(api(root).generate_assignment(module.id, force=True, create=True),
                   f"nbgrader generate_assignment {module.id}")
    return layout.release_notebook(root, module.id, module.filename)


def autograde(root: Path, module_id: str, learner: str, notebook: str,
              *, lock: bool = True) -> GradeResult:
    """Run nbgrader autograde on grading/submitted/<learner>/<module>/ and read the result.

    Pass lock=False when the caller already holds the course lock (e.g. to store a
    submission and grade it as one step).
    """
    with course_lock(root) if lock else nullcontext():
        _ensure_ok(api(root).autograde(module_id, learner, force=True, create=True),
                   f"nbgrader autograde {module_id} for {learner}")
        return read_result(root, module_id, learner, notebook)


def read_result(root: Path, module_id: str, learner: str, notebook: str) -> GradeResult:
    with open_gradebook(root) as gradebook:
        submission = gradebook.find_submission(module_id, learner)
        submitted_nb = gradebook.find_submission_notebook(Path(notebook).stem, module_id, learner)
        # nbgrader reports 0 for an answer no one has graded yet; kurskit says "pending"
        grades = {g.name: QuestionGrade(
            g.name, None if g.auto_score is None and g.manual_score is None else float(g.score),
            float(g.max_score)) for g in submitted_nb.grades}
        return GradeResult(module_id, learner, float(submission.score),
                           float(submission.max_score), grades)


def current_submissions(root: Path, module_ids: list[str]) -> dict[str, list[CurrentSubmission]]:
    """Every learner's current submission per module, as the gradebook scores it."""
    from nbgrader.api import MissingEntry

    found: dict[str, list[CurrentSubmission]] = {}
    if not has_gradebook(root):
        return found
    with course_lock(root), open_gradebook(root) as book:
        for module_id in module_ids:
            try:
                submissions = book.assignment_submissions(module_id)
            except MissingEntry:
                continue
            found[module_id] = [CurrentSubmission(
                str(s.student_id), float(s.score), float(s.max_score or 0), s.timestamp)
                for s in submissions]
    return found


@dataclass(frozen=True)
class StudentRecord:
    """A student row of the gradebook (names and ids as a trainer entered them)."""

    learner: str
    first_name: str | None
    last_name: str | None
    email: str | None
    lms_user_id: str | None


def students(root: Path) -> list[StudentRecord]:
    """Every student of the gradebook, by id."""
    if not has_gradebook(root):
        return []
    with course_lock(root), open_gradebook(root) as book:
        found = [StudentRecord(str(s.id), s.first_name, s.last_name, s.email, s.lms_user_id)
                 for s in book.students]
        book.db.commit()
    return sorted(found, key=lambda s: s.learner)


def display_name(root: Path, learner: str) -> str | None:
    """The learner's name as trainers entered it in the gradebook (formgrader's "Manage
    Students", or an LMS import): first and last name, or None when neither is set."""
    from nbgrader.api import MissingEntry

    if not has_gradebook(root):
        return None
    with open_gradebook(root) as book:
        try:
            student = book.find_student(learner)
        except MissingEntry:
            return None
        name = " ".join(part.strip() for part in (student.first_name, student.last_name)
                        if part and part.strip())
        book.db.commit()
    return name or None


def learner_submissions(root: Path, learner: str) -> dict[str, CurrentSubmission]:
    """One learner's current submission per module (module id → what the gradebook says)."""
    from nbgrader.api import MissingEntry

    if not has_gradebook(root):
        return {}
    with open_gradebook(root) as book:
        try:
            student = book.find_student(learner)
        except MissingEntry:
            return {}
        found = {str(s.assignment.name): CurrentSubmission(
            learner, float(s.score), float(s.max_score or 0), s.timestamp)
            for s in student.submissions}
        book.db.commit()
    return found


@dataclass
class Autograded:
    """What `nbgrader autograde` recorded for one submission notebook."""

    auto_scores: dict[str, float | None]  # grade id → score
    auto_comments: dict[str, str | None]  # grade id → comment
    notebook: str  # the autograded notebook (JSON)


def autograde_apart(root: Path, module: Module, learner: str, submission: Path,
                    *, seconds: float | None = None) -> Autograded:
    """`nbgrader autograde` of one stored submission (a folder with the notebook and
    timestamp.txt) in a scratch course beside `root`, built from `root`'s configuration and
    source notebook; `root`'s gradebook and folders are not touched, so the caller records
    the grades as it records every other (the gradebook writer: ledger, counted attempt).

    `seconds`: nbgrader's time limit per cell (`Execute.timeout`)."""
    import tempfile

    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    with tempfile.TemporaryDirectory(prefix="kurskit-autograde-") as tmp:
        scratch = Path(tmp)
        if layout.config_file(root).is_file():
            shutil.copy2(layout.config_file(root), layout.config_file(scratch))
        shutil.copytree(layout.source_dir(root, module.id), layout.source_dir(scratch, module.id))
        submitted = layout.submitted_dir(scratch, learner, module.id)
        submitted.mkdir(parents=True)
        for name in (module.filename, layout.TIMESTAMP):
            shutil.copy2(submission / name, submitted / name)
        config = load_config(scratch)
        url = f"sqlite:///{layout.gradebook_file(scratch).resolve()}"
        config.CourseDirectory.db_url = url  # never the deployment's database
        if seconds is not None:
            config.Execute.timeout = max(1, round(seconds))
        venv_on_path()
        nbgrader = NbGraderAPI(config=config)
        _ensure_ok(nbgrader.generate_assignment(module.id, force=True, create=True),
                   f"nbgrader generate_assignment {module.id} (scratch course)")
        _ensure_ok(nbgrader.autograde(module.id, learner, force=True, create=True),
                   f"nbgrader autograde {module.id} for {learner}")
        with Gradebook(url) as gradebook:
            graded = gradebook.find_submission_notebook(Path(module.filename).stem, module.id,
                                                        learner)
            scores = {g.name: (None if g.auto_score is None else float(g.auto_score))
                      for g in graded.grades}
            comments = {c.name: c.auto_comment for c in graded.comments}
        text = (layout.autograded_dir(scratch, learner, module.id) / module.filename
                ).read_text("utf-8")
    return Autograded(scores, comments, text)
