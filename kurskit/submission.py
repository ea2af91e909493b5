"""Widget answers → an nbgrader submission notebook, stored as a numbered attempt.

Voilà saves nothing and nbgrader grades notebook source, so each answer cell of the
release notebook is replaced by one literal assignment (`qid = <literal>`). All other
cells keep the release's source, ids and nbgrader metadata, which nbgrader's autograde
needs to restore locked cells by checksum.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from kurskit.literals import literal_source

LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's own format


def valid_learner_id(learner: str) -> bool:
    return bool(LEARNER_ID.match(learner))


def build_submission(release: NotebookNode, answers: dict[str, Any]) -> NotebookNode:
    """A copy of the release notebook whose answer cells hold the given literal answers.

    `answers` must already be validated and normalized; questions without an answer get
    `None`, which the checks grade as wrong.
    """
    notebook = nbformat.from_dict(json.loads(json.dumps(release)))
    seen = set()
    for cell in notebook.cells:
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.cell_type == "code" and nbg.get("solution") and not nbg.get("grade"):
            qid = nbg["grade_id"]
            cell.source = f"{qid} = {literal_source(answers.get(qid))}\n"
            seen.add(qid)
        elif cell.cell_type == "markdown" and nbg.get("solution") and nbg.get("grade"):
            qid = nbg["grade_id"]
            text = answers.get(qid)
            if text is not None:  # unanswered keeps the release stub: nbgrader then gives 0
                cell.source = fenced_text(str(text))
            seen.add(qid)
    unknown = set(answers) - seen
    if unknown:
        raise KeyError(f"no answer cell for {sorted(unknown)}")
    return notebook


def fenced_text(text: str) -> str:
    """Learner text as a fenced block: shown verbatim to trainers, never read as markup."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}\n"


@dataclass
class Attempt:
    learner: str
    module_id: str
    number: int
    path: Path
    timestamp: datetime


def attempts_dir(root: Path, learner: str, module_id: str) -> Path:
    return root / "attempts" / learner / module_id


def list_attempts(root: Path, learner: str, module_id: str) -> list[Path]:
    folder = attempts_dir(root, learner, module_id)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def store_attempt(root: Path, learner: str, module_id: str, notebook_name: str,
                  notebook: NotebookNode, answers: dict[str, Any]) -> Attempt:
    """Archive the attempt under attempts/ and make it nbgrader's current submission.

    Earlier attempts stay in attempts/ untouched; submitted/<learner>/<module>/ always
    holds the newest one, as nbgrader expects one submission per learner and module.
    Callers hold the course lock.
    """
    if not valid_learner_id(learner):
        raise ValueError(f"invalid learner id {learner!r}")
    now = datetime.now(UTC)
    existing = list_attempts(root, learner, module_id)
    number = int(existing[-1].name) + 1 if existing else 1
    final = attempts_dir(root, learner, module_id) / f"{number:04d}"
    final.parent.mkdir(parents=True, exist_ok=True)
    # write into a temporary folder and rename: an attempt is either complete or absent
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=final.parent))
    nbformat.write(notebook, staging / notebook_name)
    (staging / "timestamp.txt").write_text(now.strftime(TIMESTAMP_FORMAT), "utf-8")
    (staging / "answers.json").write_text(
        json.dumps(answers, ensure_ascii=False, indent=1), "utf-8")
    _fsync_tree(staging)
    os.rename(staging, final)

    submitted = root / "submitted" / learner / module_id
    if submitted.exists():
        shutil.rmtree(submitted)
    submitted.mkdir(parents=True)
    shutil.copy2(final / notebook_name, submitted / notebook_name)
    shutil.copy2(final / "timestamp.txt", submitted / "timestamp.txt")
    return Attempt(learner, module_id, number, final, now)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
