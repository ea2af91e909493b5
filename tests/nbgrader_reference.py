"""Real `nbgrader autograde` as the reference, and a gradebook snapshot to compare with.

Used by the consistency test and by the grading benchmark: both grade the same stored
submissions once with nbgrader and once with kurskit's fast path and compare every row.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import Module
from kurskit.grading import attempts
from kurskit.grading.submission import build_submission


def store(root: Path, module: Module, learner: str, answers: dict[str, Any]) -> None:
    """Store a submission as the service does (attempt + nbgrader's submitted/)."""
    release = nbformat.read(layout.release_notebook(root, module.id, module.filename),
                            as_version=4)
    with nbgrader_course.course_lock(root):
        attempt = attempts.store(root, learner, module.id, module.filename,
                                 build_submission(release, answers), answers)
        attempts.make_current(root, attempt)


def nbgrader_autograde(root: Path, module_id: str) -> None:
    """`nbgrader autograde MODULE`: every student of the module, serially, one kernel each."""
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": os.pathsep.join([bindir, os.environ.get("PATH", "")])}
    completed = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", module_id, "--force",
         f"--CourseDirectory.root={root.resolve()}",
         f"--Exchange.root={(root / 'exchange').resolve()}"],
        cwd=root, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"nbgrader autograde {module_id} failed:\n{completed.stderr[-3000:]}")


Snapshot = dict[tuple[str, str], dict[str, Any]]


def gradebook_snapshot(root: Path) -> Snapshot:
    """Per (learner, module): total score and, per grade id, score, flags and comments."""
    from nbgrader.api import Gradebook

    found: Snapshot = {}
    with Gradebook(nbgrader_course.db_url(root)) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                row: dict[str, Any] = {"score": round(float(submission.score), 6),
                                       "timestamp": submission.timestamp}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        row[f"grade:{grade.cell.name}"] = (
                            grade.auto_score, grade.manual_score, grade.needs_manual_grade)
                    for comment in notebook.comments:
                        row[f"comment:{comment.cell.name}"] = comment.auto_comment
                    row["late_penalty"] = notebook.late_submission_penalty
                found[(submission.student.id, assignment.name)] = row
    return found


def autograded_cells(root: Path, learner: str, module: Module) -> list[tuple[str, str, Any]]:
    """What formgrader reads of an autograded notebook: type, source, nbgrader metadata."""
    path = layout.autograded_dir(root, learner, module.id) / module.filename
    notebook = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in notebook.cells]
