"""Notebook files of the grading side, read and written fast.

Submissions and autograded notebooks are built from a valid release notebook and only
get answer cells and outputs of the shapes nbformat defines, so they are written without
validating the schema again (which costs more than grading them).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode


def read_notebook(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def notebook_from_json(text: str) -> NotebookNode:
    """A notebook kurskit wrote itself (no schema check needed)."""
    return nbformat.from_dict(json.loads(text))


def notebook_json(notebook: NotebookNode) -> str:
    """A notebook file nbformat reads, without validating the schema again."""
    # no indent: only then does the json module use its C encoder (5-10x faster)
    return json.dumps(notebook, sort_keys=True, ensure_ascii=False) + "\n"
