"""Answers → an nbgrader submission notebook.

Voilà saves nothing and nbgrader grades notebook source, so each answer cell of the
release notebook is replaced by one literal assignment (`qid = <literal>`). All other
cells keep the release's source, ids and nbgrader metadata, which nbgrader's autograde
needs to restore locked cells by checksum.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from kurskit.authoring.cells import Kind, kind_of, question_in
from kurskit.authoring.literals import literal_source
from kurskit.grading.notebook_files import notebook_from_json, notebook_json, read_notebook


class ModuleOutdated(KeyError):
    """The answers name a question the release notebook lacks: the release is older than
    its source (`kurskit build` releases it again)."""


def build_submission(release: NotebookNode, answers: dict[str, Any]) -> NotebookNode:
    """A copy of the release notebook whose answer cells hold the given literal answers.

    `answers` must already be validated and normalized; questions without an answer get
    `None`, which the checks grade as wrong. A question pool's variant that is missing from
    `answers` was not drawn: it gets `...` (`kurskit.checks.NOT_DRAWN`), which no answer can
    be, and the pool's grade cell grades the one variant that was drawn.
    """
    notebook = notebook_from_json(notebook_json(release))
    seen = set()
    for cell in notebook.cells:
        kind, nbg = kind_of(cell), cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if kind is Kind.ANSWER:
            qid = nbg["grade_id"]
            if qid not in answers and _pool_variant(cell.source):
                cell.source = f"{qid} = ...  # nicht gezogen\n"
            else:
                cell.source = f"{qid} = {literal_source(answers.get(qid))}\n"
            seen.add(qid)
        elif kind is Kind.FREE_TEXT_ANSWER and nbg.get("solution") and nbg.get("grade"):
            qid = nbg["grade_id"]
            text = answers.get(qid)
            if text is not None:  # unanswered keeps the release stub: nbgrader then gives 0
                cell.source = fenced_text(str(text))
            seen.add(qid)
    unknown = set(answers) - seen
    if unknown:
        raise ModuleOutdated(f"no answer cell for {sorted(unknown)}")
    return notebook


def _pool_variant(source: str) -> bool:
    spec = question_in(source)
    return spec is not None and spec.pool is not None


def fenced_text(text: str) -> str:
    """Learner text as a fenced block: shown verbatim to trainers, never read as markup."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}\n"


class ReleaseCache:
    """Release notebooks read once and kept until the file changes (a new release)."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[int, NotebookNode]] = {}

    def read(self, path: Path) -> NotebookNode:
        stamp = path.stat().st_mtime_ns
        cached = self._cache.get(path)
        if cached is None or cached[0] != stamp:
            cached = self._cache[path] = (stamp, read_notebook(path))
        return cached[1]
