"""The fast path: grade a kurskit submission in-process, by nbgrader's own rules.

`nbgrader autograde` restores the locked cells of a submission from the gradebook, runs
every cell in a fresh kernel (≈1 s) and grades each test cell from its outputs with
`nbgrader.utils.determine_grade`. In a kurskit submission every answer cell is one literal
assignment, so the only code worth running is the author's: the test cells with their
hidden tests, exactly as the gradebook stores them (the source autograde restores and
executes). They are compiled once per module version and run here; answers are parsed
with `ast.literal_eval` and bound as plain values, never executed. Each test cell's outputs
are rebuilt as the kernel publishes them (an error, stderr, an `execute_result` formatted by
IPython's plain-text formatter) and then graded by nbgrader's `determine_grade` itself, so
full points, 0 and partial credit follow nbgrader to the letter.

A submission of any other shape (code in an answer cell, a cell the learner added, ids
that do not match the module) is refused with NotFastGradable: it needs a kernel, and
`nbgrader autograde` remains the way to grade it.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Any

from nbformat import NotebookNode

from kurskit.grading.hidden_tests import run_test_cell, time_limit
from kurskit.grading.module_version import ModuleVersion, NotFastGradable


@dataclass
class Graded:
    """What autograde would record for one submission notebook."""

    auto_scores: dict[str, float | None] = field(default_factory=dict)  # grade id → score
    auto_comments: dict[str, str | None] = field(default_factory=dict)  # grade id → comment
    notebook: NotebookNode | None = None  # the autograded notebook

    @property
    def score(self) -> float:
        return float(sum(s for s in self.auto_scores.values() if s is not None))


# --- the submission -----------------------------------------------------------------

def _literal_assignment(source: str, grade_id: str) -> tuple[bool, Any]:
    """(bound, value) of an answer cell: `qid = <literal>`, or the release stub (comments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        raise NotFastGradable(f"answer cell {grade_id!r} is not valid Python") from None
    if not tree.body:
        return False, None  # the stub: nothing is bound, the test sees a NameError
    statement = tree.body[0]
    if (len(tree.body) != 1 or not isinstance(statement, ast.Assign)
            or len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name)
            or statement.targets[0].id != grade_id):
        raise NotFastGradable(f"answer cell {grade_id!r} holds code, not `{grade_id} = <literal>`")
    try:
        return True, ast.literal_eval(statement.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NotFastGradable(f"answer cell {grade_id!r} holds no literal") from None


def _checksum(cell: NotebookNode) -> str:
    from nbgrader.utils import compute_checksum

    return str(compute_checksum(cell))


def _sanitize(version: ModuleVersion, notebook: NotebookNode) -> None:
    """autograde's sanitize step: ClearOutput, DeduplicateIds, OverwriteCells (in place)."""
    seen: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            for key in ("collapsed", "scrolled"):
                cell.metadata.pop(key, None)
        nbg = cell.metadata.get("nbgrader")
        grade_id = nbg.get("grade_id") if nbg else None
        if grade_id is None:
            continue
        if grade_id in seen:
            raise NotFastGradable(f"grade id {grade_id!r} appears more than once")
        seen.add(grade_id)
        source = version.cells.get(grade_id)
        if source is None:
            raise NotFastGradable(f"cell {grade_id!r} is not part of module {version.assignment!r}")
        if cell.cell_type != source.cell_type:
            raise NotFastGradable(f"cell {grade_id!r} changed its type")
        if bool(nbg.get("locked")) != source.locked:
            nbg["locked"] = source.locked
        if nbg.get("grade") and float(nbg.get("points", 0)) != source.points:
            nbg["points"] = source.points
        nbg["checksum"] = source.checksum
        if source.locked and _checksum(cell) != source.checksum:
            cell.source = source.source
            if _checksum(cell) != source.checksum:
                raise NotFastGradable(f"inconsistent checksums for cell {grade_id!r}")


def grade_notebook(version: ModuleVersion, submitted: NotebookNode,
                   seconds: float | None = None) -> Graded:
    """Grade one submission notebook (changed in place into the autograded notebook);
    GradingTimedOut when the author's tests run longer than `seconds`."""
    _sanitize(version, submitted)
    with time_limit(version, seconds):
        return _grade_cells(version, submitted)


def _grade_cells(version: ModuleVersion, submitted: NotebookNode) -> Graded:
    from nbgrader.utils import determine_grade, is_grade, is_solution, is_task

    graded = Graded(notebook=submitted)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    for cell in submitted.cells:
        nbg = cell.metadata.get("nbgrader") or {}
        grade_id = nbg.get("grade_id")
        source = version.cells.get(grade_id) if grade_id else None
        if cell.cell_type == "code":
            if source is None:
                raise NotFastGradable("the submission has a code cell that is not the module's")
            if source.grade and not source.solution:
                if cell.source != source.source:  # unlocked test cell the learner changed
                    raise NotFastGradable(f"test cell {grade_id!r} differs from the release")
                cell.outputs = run_test_cell(version, source.name, namespace)
            elif source.solution:
                bound, value = _literal_assignment(cell.source, source.name)
                if bound:
                    namespace[source.name] = value
            elif not source.locked:
                raise NotFastGradable(f"code cell {grade_id!r} is neither locked nor an answer")
            # other locked cells build the learner's widgets; they grade nothing
        if grade_id and is_grade(cell):
            graded.auto_scores[grade_id] = determine_grade(cell)[0]
        if grade_id and (is_solution(cell) or is_task(cell)):
            unchanged = nbg.get("checksum") == _checksum(cell) and not is_task(cell)
            graded.auto_comments[grade_id] = "No response." if unchanged else None
    return graded
