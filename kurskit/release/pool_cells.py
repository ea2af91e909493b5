"""nbgrader's GenerateAssignment, extended for question pools: one grade cell per pool.

`MergePoolTests` runs first in the pipeline (see `generate_assignment_pipeline`, set in
the course's nbgrader configuration). It replaces the hidden-test cells of a pool's
variants by one locked grade cell `<pool>_test` right after the pool's last variant,
worth the variants' points. Its hidden tests call `kurskit.checks.grade_pool`, which
grades whichever variant the submission answers and fails unless exactly one variant is
answered (the others hold the "not drawn" literal `...`). nbgrader's gradebook thus
counts each pool once, and `nbgrader autograde` and kurskit's fast path run the same cell.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_code_cell
from traitlets import Bool

from kurskit.authoring.cells import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    TEST_SUFFIX,
    Kind,
    kind_of,
    question_in,
    split_region,
)

# nbgrader 0.9's GenerateAssignment pipeline, with the pool merge in front
NBGRADER_PIPELINE = [f"nbgrader.preprocessors.{name}" for name in (
    "IncludeHeaderFooter", "InstantiateTests", "LockCells", "ClearSolutions", "ClearOutput",
    "CheckCellMetadata", "ComputeChecksums", "SaveCells", "ClearHiddenTests",
    "ClearMarkScheme", "ComputeChecksums", "CheckCellMetadata")]


def generate_assignment_pipeline() -> list[str]:
    """The preprocessors of `nbgrader generate_assignment` for kurskit modules."""
    return [f"{__name__}.MergePoolTests", *NBGRADER_PIPELINE]


def merged_test_source(pool: str, variants: dict[str, str]) -> str:
    """The hidden tests of a pool's grade cell (variant question id → its test source)."""
    lines = [BEGIN_HIDDEN, "from kurskit.checks import grade_pool", "",
             f"grade_pool({pool!r}, globals(), {{"]
    lines += [f"    {qid!r}: {source!r}," for qid, source in variants.items()]
    lines += ["})", END_HIDDEN]
    return "\n".join(lines)


class MergePoolTests(Preprocessor):
    """Merge the test cells of each question pool into one grade cell (see module doc)."""

    enabled = Bool(True).tag(config=True)  # nbconvert's preprocessors start disabled

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        cells: list[Any] = []
        pool: str | None = None
        variants: dict[str, str] = {}
        points = 0.0
        for cell in nb.cells:
            kind = kind_of(cell)
            spec = question_in(cell.source) if kind is Kind.ANSWER else None
            grade_id = str(cell.metadata.get("nbgrader", {}).get("grade_id") or "")
            if (kind is Kind.TEST and pool is not None
                    and grade_id.removesuffix(TEST_SUFFIX) in variants):
                parts = split_region(cell.source, BEGIN_HIDDEN, END_HIDDEN)
                variants[grade_id.removesuffix(TEST_SUFFIX)] = (
                    parts[1].strip() if parts else cell.source)
                points = float(cell.metadata["nbgrader"].get("points", 0))
                continue
            if pool is not None and (spec is None or spec.pool != pool):
                cells.append(self._merged(pool, variants, points))
                pool, variants = None, {}
            if spec is not None and spec.pool:
                pool = spec.pool
                variants[spec.qid] = ""
            cells.append(cell)
        if pool is not None:
            cells.append(self._merged(pool, variants, points))
        nb.cells = cells
        return nb, resources

    @staticmethod
    def _merged(pool: str, variants: dict[str, str], points: float) -> Any:
        grade_id = pool + TEST_SUFFIX
        cell = new_code_cell(merged_test_source(pool, variants), metadata={"nbgrader": {
            "grade": True, "grade_id": grade_id, "locked": True, "points": points,
            "schema_version": 3, "solution": False, "task": False}})
        cell["id"] = grade_id.replace("_", "-")
        return cell
