"""Read a module's nbgrader source notebook into a model, collecting authoring problems.

The cell kinds form a closed set (`kurskit.authoring.cells`, described on the developer
page of the handbook): lesson text (markdown), the setup cell, an exercise as an answer
cell followed by its hidden-test cell, a free-text question followed by its answer cell,
and the submit cell. Everything is read with `ast`; nothing is executed.
"""

from __future__ import annotations

import ast
import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import nbformat

from kurskit.authoring.cells import (
    SETUP_ID,
    SUBMIT_ID,
    TEST_SUFFIX,
    Kind,
    kind_of,
    module_id_in,
)
from kurskit.authoring.exercise_cells import (
    Exercise,
    parse,
    read_answer_cell,
    read_free_text_question,
    read_test_cell,
)
from kurskit.authoring.pools import max_points, pool_problems, pools_of
from kurskit.authoring.problems import Problem

# kinds with several parts: one slip among them must not cost every point
PARTIAL_CREDIT_KINDS = ("matching", "ordering", "true_false")

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "module.schema.json").read_text("utf-8"))


@dataclass
class ModuleNotebook:
    path: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    declared_id: str | None = None
    exercises: list[Exercise] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.metadata.get("title", self.path.stem))

    @property
    def max_points(self) -> float:
        """The module's total as nbgrader's gradebook counts it (one grade cell per pool)."""
        return max_points(self.exercises)

    @property
    def pools(self) -> dict[str, list[Exercise]]:
        """Each question pool's variants (pool id → variants, in the notebook's order)."""
        return pools_of(self.exercises)

    def exercise(self, qid: str) -> Exercise | None:
        return next((e for e in self.exercises if e.qid == qid), None)


def read_module(path: Path) -> ModuleNotebook:
    model = ModuleNotebook(path=path)
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises many kinds; all mean "not a notebook"
        first_line = str(exc).splitlines()[0] if str(exc) else repr(exc)
        model.problems.append(Problem(path, f"not a valid notebook: {first_line}"))
        return model
    return _Reader(model).read(notebook)


class _Reader:
    """One pass over the cells; an exercise waits for its test cell, a free-text question
    for its answer cell."""

    def __init__(self, model: ModuleNotebook) -> None:
        self.model = model
        self.grade_ids: dict[str, int] = {}
        self.pending: Exercise | None = None
        self.pending_free: Exercise | None = None
        self.saw_setup = self.saw_submit = False
        self.setup_cell: int | None = None
        self.imported: set[str] = set()
        self.cells = 0

    def problem(self, message: str, cell: int | None = None) -> None:
        self.model.problems.append(Problem(self.model.path, message, cell))

    def read(self, notebook: Any) -> ModuleNotebook:
        self._metadata(notebook.metadata)
        self.cells = len(notebook.cells)
        for index, cell in enumerate(notebook.cells, start=1):
            self._cell(index, cell)
        self._finish()
        return self.model

    def _metadata(self, metadata: Any) -> None:
        meta = metadata.get("kurskit")
        if meta is None:
            self.problem("notebook metadata has no 'kurskit' section (title, minutes, level, ...)")
        else:
            for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(meta):
                location = "/".join(str(p) for p in error.absolute_path) or "kurskit"
                self.problem(f"metadata {location}: {error.message}")
            self.model.metadata = dict(meta)
        if metadata.get("kernelspec", {}).get("name") != "python3":
            self.problem("kernelspec must be python3")

    def _cell(self, index: int, cell: Any) -> None:
        nbg = cell.metadata.get("nbgrader", {})
        grade_id = nbg.get("grade_id")
        if grade_id:
            if grade_id in self.grade_ids:
                self.problem(f"grade id {grade_id!r} already used in cell "
                             f"{self.grade_ids[grade_id]}", index)
            self.grade_ids[grade_id] = index
        free = self.pending_free
        if free is not None and not (cell.cell_type == "markdown" and grade_id == free.qid):
            self.problem(f"free-text question {free.qid!r} must be followed by its answer "
                         f"cell (markdown, grade id {free.qid!r})", free.answer_cell)
            self.pending_free = None
        if cell.cell_type == "markdown":
            self._markdown(index, cell, nbg)
            return
        if cell.cell_type != "code":
            self.problem(f"cell type {cell.cell_type!r} is not allowed", index)
            return
        waiting = self.pending
        if waiting is not None and not (nbg.get("grade")
                                        and grade_id == waiting.qid + TEST_SUFFIX):
            self.problem(f"exercise {waiting.qid!r} must be followed by its test cell "
                         f"{waiting.qid + TEST_SUFFIX!r}", waiting.answer_cell)
            self.pending = None
        kind = kind_of(cell)
        if kind is Kind.SETUP:
            self._setup(index, cell, nbg)
        elif kind is Kind.FREE_TEXT_QUESTION:
            self._free_text_question(index, cell, nbg, grade_id)
        elif kind is Kind.SUBMIT:
            self._submit(index, cell)
        elif kind is Kind.ANSWER:
            self.pending = read_answer_cell(cell.source, grade_id, index, self.problem)
            if self.pending is not None:
                self.model.exercises.append(self.pending)
        elif kind is Kind.TEST:
            self._test(index, cell, nbg, grade_id)
        else:
            self.problem("code cell is none of: setup, exercise, test, submit "
                         "(every code cell needs nbgrader metadata of one of these kinds)", index)

    def _markdown(self, index: int, cell: Any, nbg: dict[str, Any]) -> None:
        if kind_of(cell) is Kind.FREE_TEXT_ANSWER:
            free = self.pending_free
            if free is None or not (nbg.get("solution") and nbg.get("grade")):
                self.problem("a graded markdown cell must be the answer cell right after its "
                             "free_text(...) question", index)
                return
            free.points = float(nbg.get("points", 0))
            free.guidance = cell.source
            if free.points <= 0:
                self.problem("a free-text answer cell needs points > 0", index)
            if len(cell.source.strip()) < 10:
                self.problem("write the grading guidance for trainers into the answer cell",
                             index)
            self.pending_free = None
        for message in picture_problems(cell):
            self.problem(message, index)

    def _setup(self, index: int, cell: Any, nbg: dict[str, Any]) -> None:
        self.saw_setup = True
        tree = parse(cell.source, index, self.problem)
        if tree is not None:
            self.setup_cell = index
            self.imported = {alias.asname or alias.name for node in ast.walk(tree)
                             if isinstance(node, ast.ImportFrom)
                             and node.module == "kurskit.exercises" for alias in node.names}
            self.model.declared_id = module_id_in(cell.source)
            if self.model.declared_id is None:
                self.problem('the setup cell must call start_module("<course>-<module>")', index)
        if not nbg.get("locked"):
            self.problem("the setup cell must be locked (read-only)", index)

    def _free_text_question(self, index: int, cell: Any, nbg: dict[str, Any],
                            grade_id: str) -> None:
        exercise = read_free_text_question(cell.source, grade_id, index, self.problem)
        if not nbg.get("locked"):
            self.problem("a free-text question cell must be locked", index)
        if exercise is not None:
            self.model.exercises.append(exercise)
            self.pending_free = exercise

    def _submit(self, index: int, cell: Any) -> None:
        self.saw_submit = True
        if cell.source.strip() != "submit_panel()":
            self.problem("the submit cell must contain exactly submit_panel()", index)
        if index != self.cells:
            self.problem("the submit cell must be the last cell", index)

    def _test(self, index: int, cell: Any, nbg: dict[str, Any], grade_id: str) -> None:
        exercise = self.pending
        if exercise is None or grade_id != exercise.qid + TEST_SUFFIX:
            self.problem(f"test cell {grade_id!r} does not follow its exercise", index)
            return
        read_test_cell(cell.source, exercise, index, self.problem)
        exercise.points = float(nbg.get("points", 0))
        if exercise.points <= 0:
            self.problem("a test cell needs points > 0", index)
        partial = exercise.check_options.get("points")
        if (partial is None and exercise.points >= 2
                and exercise.spec.kind in PARTIAL_CREDIT_KINDS):
            self.problem(f"a {exercise.spec.kind} worth {exercise.points:g} points gives partial "
                         f"credit: add points={exercise.points:g} to the check call", index)
        if partial is not None and partial != exercise.points:
            self.problem(f"points={partial} in the check call must equal the cell's points "
                         f"({exercise.points:g})", index)
        if not nbg.get("locked"):
            self.problem("a test cell must be locked", index)
        self.pending = None

    def _finish(self) -> None:
        if self.pending is not None:
            self.problem(f"exercise {self.pending.qid!r} has no test cell",
                         self.pending.answer_cell)
        if self.pending_free is not None:
            self.problem(f"free-text question {self.pending_free.qid!r} has no answer cell",
                         self.pending_free.answer_cell)
        if not self.saw_setup:
            self.problem(f"no setup cell (grade id {SETUP_ID!r}) calling start_module(...)")
        if not self.saw_submit:
            self.problem(f"no submit cell (grade id {SUBMIT_ID!r}) with submit_panel()")
        if not self.model.exercises:
            self.problem("module has no graded exercise")
        if self.setup_cell is not None:
            # the module runs in Voilà: a question function it does not import is a NameError
            missing = sorted({e.spec.kind for e in self.model.exercises} - self.imported)
            if missing:
                self.problem(f"the setup cell must import {', '.join(missing)} from "
                             "kurskit.exercises", self.setup_cell)
        pool_problems(self.model.exercises, self.grade_ids, self.problem)


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")


def picture_problems(cell: Any) -> list[str]:
    """Pictures are cell attachments (base64, as nbformat requires) with German alt text."""
    problems = []
    attachments = cell.get("attachments") or {}
    for alt, target in IMAGE.findall(cell.source):
        if len(alt.strip()) < 10:
            problems.append(f"picture {target!r} needs an alt text that says what it shows")
        if not target.startswith("attachment:"):
            problems.append(f"picture {target!r} must be a cell attachment (attachment:name)")
        elif target.removeprefix("attachment:") not in attachments:
            problems.append(f"picture {target!r} has no attachment of that name")
    for name, bundle in attachments.items():
        for mime, payload in bundle.items():
            try:
                data = base64.b64decode(payload, validate=True)
            except (binascii.Error, ValueError, TypeError):
                problems.append(f"attachment {name!r} ({mime}) is not base64-encoded")
                continue
            if mime == "image/svg+xml" and b"<svg" not in data[:2000]:
                problems.append(f"attachment {name!r} is not an SVG picture")
    return problems
