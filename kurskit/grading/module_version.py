"""A released module as nbgrader's gradebook knows it: the cells autograde restores and runs.

`ModuleVersion` is plain data (a process pool can receive it); its `key` changes with any
cell autograde takes from the gradebook, so compiled tests and cached versions follow a
new release.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


class NotFastGradable(ValueError):
    """The submission needs a kernel: grade it with `nbgrader autograde` (English message)."""


@dataclass(frozen=True)
class SourceCell:
    """One cell as nbgrader's gradebook keeps it from `generate_assignment`."""

    name: str
    cell_type: str
    locked: bool
    checksum: str
    source: str
    grade: bool = False
    solution: bool = False
    task: bool = False
    points: float = 0.0


@dataclass(frozen=True)
class ModuleVersion:
    """A released module as the gradebook knows it; `key` changes with any graded cell.

    Plain data, so a process pool can receive it; the compiled tests are cached per key.
    """

    assignment: str
    notebook: str  # nbgrader's notebook id: the file name without .ipynb
    cells: dict[str, SourceCell]
    key: str
    # the gradebook's row ids of the grade, solution and task cells → grade id
    cell_names: dict[str, str] = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.cells.values() if c.grade or c.task)


def version_key(assignment: str, notebook: str, cells: dict[str, SourceCell]) -> str:
    """sha256 over everything autograde takes from the gradebook for this notebook."""
    digest = hashlib.sha256(f"{assignment}\0{notebook}".encode())
    for name in sorted(cells):
        cell = cells[name]
        digest.update(json.dumps([cell.name, cell.cell_type, cell.locked, cell.checksum,
                                  cell.source, cell.grade, cell.solution, cell.task,
                                  cell.points]).encode())
    return digest.hexdigest()


def load_version(gradebook: Any, assignment: str) -> ModuleVersion:
    """Read a module's released cells from an open nbgrader Gradebook."""
    found = gradebook.find_assignment(assignment)
    if len(found.notebooks) != 1:
        raise NotFastGradable(f"module {assignment!r} has {len(found.notebooks)} notebooks; "
                              "kurskit modules have exactly one")
    notebook = found.notebooks[0]
    grade_points = {c.name: float(c.max_score) for c in notebook.grade_cells}
    task_points = {c.name: float(c.max_score) for c in notebook.task_cells}
    solutions = {c.name for c in notebook.solution_cells}
    cells = {}
    for cell in notebook.source_cells:
        cells[cell.name] = SourceCell(
            name=cell.name, cell_type=cell.cell_type, locked=bool(cell.locked),
            checksum=cell.checksum or "", source=cell.source or "",
            grade=cell.name in grade_points, solution=cell.name in solutions,
            task=cell.name in task_points,
            points=grade_points.get(cell.name, task_points.get(cell.name, 0.0)))
    cell_names = {c.id: c.name for kind in (notebook.grade_cells, notebook.solution_cells,
                                            notebook.task_cells) for c in kind}
    return ModuleVersion(assignment, notebook.name, cells,
                         version_key(assignment, notebook.name, cells), cell_names)
