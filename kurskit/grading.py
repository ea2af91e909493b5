"""nbgrader integration: release modules, autograde submissions, read the gradebook.

nbgrader's gradebook is the system of record. kurskit drives nbgrader through its own
Python API (`NbGraderAPI`) with the configuration in `grading/nbgrader_config.py`, so
the trainer's formgrader and kurskit see the same course.
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
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from kurskit.catalog import Module

CONFIG_FILE = "nbgrader_config.py"
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


def load_config(root: Path) -> Config:
    """The course's nbgrader configuration, with the course root pinned to `root`."""
    config = Config()
    if (root / CONFIG_FILE).is_file():
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root.resolve())
    # kurskit hands out modules through the portal, not nbgrader's exchange; keep the exchange
    # inside the course so nbgrader never reaches for /usr/local/share/nbgrader/exchange
    config.Exchange.root = str((root / "exchange").resolve())
    return config


def _venv_on_path() -> None:
    """nbgrader runs `alembic` (gradebook migrations) as a subprocess found on PATH."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])


def api(root: Path):  # -> nbgrader.apps.NbGraderAPI (imported lazily: nbgrader is slow to import)
    from nbgrader.apps import NbGraderAPI

    _venv_on_path()
    return NbGraderAPI(config=load_config(root))


def db_url(root: Path) -> str:
    return f"sqlite:///{(root / 'gradebook.db').resolve()}"


@contextmanager
def course_lock(root: Path) -> Iterator[None]:
    """One nbgrader operation at a time per course root, across threads and processes."""
    root.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(root / ".kurskit.lock", "w") as handle:
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
    source_dir = root / "source" / module.id
    (root / "exchange").mkdir(parents=True, exist_ok=True)  # formgrader warns without it
    with course_lock(root):
        source_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module.path, source_dir / module.filename)
        _ensure_ok(api(root).generate_assignment(module.id, force=True, create=True),
                   f"nbgrader generate_assignment {module.id}")
    return root / "release" / module.id / module.filename


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
    from nbgrader.api import Gradebook

    with Gradebook(db_url(root)) as gradebook:
        submission = gradebook.find_submission(module_id, learner)
        submitted_nb = gradebook.find_submission_notebook(Path(notebook).stem, module_id, learner)
        # nbgrader reports 0 for an answer no one has graded yet; kurskit says "pending"
        grades = {g.name: QuestionGrade(
            g.name, None if g.auto_score is None and g.manual_score is None else float(g.score),
            float(g.max_score)) for g in submitted_nb.grades}
        return GradeResult(module_id, learner, float(submission.score),
                           float(submission.max_score), grades)
