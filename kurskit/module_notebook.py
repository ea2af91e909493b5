"""Read a module's nbgrader source notebook into a model, collecting authoring problems.

The cell kinds form a closed set (see the developer page of the handbook):
lesson text (markdown), the setup cell, an exercise as an answer cell followed by its
hidden-test cell, and the submit cell. Everything is read with `ast`; nothing is executed.
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

from kurskit.questions import CHECK_FUNCTIONS, KINDS, QuestionSpec, SpecError

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "module.schema.json").read_text("utf-8"))

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SETUP_ID, SUBMIT_ID = "setup", "abgabe"
TEST_SUFFIX = "_test"
QUESTION_SUFFIX = "_frage"  # the widget cell of a free-text exercise


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    cell: int | None = None  # 1-based cell number as shown in JupyterLab

    def __str__(self) -> str:
        where = f"{self.path}: cell {self.cell}" if self.cell else str(self.path)
        return f"{where}: {self.message}"


@dataclass
class Exercise:
    spec: QuestionSpec
    answer_cell: int
    solution: Any = None
    test_cell: int | None = None
    points: float = 0.0
    checked_solution: Any = None
    explanation: str = ""
    check_options: dict[str, Any] = field(default_factory=dict)
    manual: bool = False  # graded by a trainer (free text); `guidance` is for trainers only
    guidance: str = ""

    @property
    def qid(self) -> str:
        return self.spec.qid


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
        return sum(e.points for e in self.exercises)

    def exercise(self, qid: str) -> Exercise | None:
        return next((e for e in self.exercises if e.qid == qid), None)


def split_region(source: str, begin: str, end: str) -> tuple[str, str, str] | None:
    """(before, inside, after) of a delimited region, or None when the region is absent."""
    if begin not in source:
        return None
    before, rest = source.split(begin, 1)
    if end not in rest:
        return None
    inside, after = rest.split(end, 1)
    return before, inside, after


def read_module(path: Path) -> ModuleNotebook:
    model = ModuleNotebook(path=path)

    def problem(message: str, cell: int | None = None) -> None:
        model.problems.append(Problem(path, message, cell))

    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises many kinds; all mean "not a notebook"
        first_line = str(exc).splitlines()[0] if str(exc) else repr(exc)
        problem(f"not a valid notebook: {first_line}")
        return model

    meta = nb.metadata.get("kurskit")
    if meta is None:
        problem("notebook metadata has no 'kurskit' section (title, minutes, level, ...)")
    else:
        for error in jsonschema.Draft202012Validator(SCHEMA).iter_errors(meta):
            location = "/".join(str(p) for p in error.absolute_path) or "kurskit"
            problem(f"metadata {location}: {error.message}")
        model.metadata = dict(meta)
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problem("kernelspec must be python3")

    grade_ids: dict[str, int] = {}
    pending: Exercise | None = None
    pending_free: Exercise | None = None
    saw_setup = saw_submit = False
    for index, cell in enumerate(nb.cells, start=1):
        nbg = cell.metadata.get("nbgrader", {})
        grade_id = nbg.get("grade_id")
        if grade_id:
            if grade_id in grade_ids:
                problem(f"grade id {grade_id!r} already used in cell {grade_ids[grade_id]}", index)
            grade_ids[grade_id] = index
        if pending_free is not None and not (
                cell.cell_type == "markdown" and grade_id == pending_free.qid):
            problem(f"free-text question {pending_free.qid!r} must be followed by its answer "
                    f"cell (markdown, grade id {pending_free.qid!r})", pending_free.answer_cell)
            pending_free = None
        if cell.cell_type == "markdown":
            if nbg.get("solution") or nbg.get("grade"):
                if pending_free is None or not (nbg.get("solution") and nbg.get("grade")):
                    problem("a graded markdown cell must be the answer cell right after its "
                            "free_text(...) question", index)
                    continue
                pending_free.points = float(nbg.get("points", 0))
                pending_free.guidance = cell.source
                if pending_free.points <= 0:
                    problem("a free-text answer cell needs points > 0", index)
                if len(cell.source.strip()) < 10:
                    problem("write the grading guidance for trainers into the answer cell",
                            index)
                pending_free = None
            for message in _picture_problems(cell):
                problem(message, index)
            continue
        if cell.cell_type != "code":
            problem(f"cell type {cell.cell_type!r} is not allowed", index)
            continue
        if pending is not None and not (nbg.get("grade") and grade_id == pending.qid + TEST_SUFFIX):
            problem(f"exercise {pending.qid!r} must be followed by its test cell "
                    f"{pending.qid + TEST_SUFFIX!r}", pending.answer_cell)
            pending = None
        if grade_id == SETUP_ID:
            saw_setup = True
            model.declared_id = _read_setup(cell.source, index, problem)
            if not nbg.get("locked"):
                problem("the setup cell must be locked (read-only)", index)
        elif isinstance(grade_id, str) and grade_id.endswith(QUESTION_SUFFIX):
            exercise = _read_free_text_question(cell.source, grade_id, index, problem)
            if not nbg.get("locked"):
                problem("a free-text question cell must be locked", index)
            if exercise is not None:
                model.exercises.append(exercise)
                pending_free = exercise
        elif grade_id == SUBMIT_ID:
            saw_submit = True
            if cell.source.strip() != "submit_panel()":
                problem("the submit cell must contain exactly submit_panel()", index)
            if index != len(nb.cells):
                problem("the submit cell must be the last cell", index)
        elif nbg.get("solution") and not nbg.get("grade"):
            exercise = _read_answer_cell(cell.source, grade_id, index, problem)
            if exercise is not None:
                model.exercises.append(exercise)
                pending = exercise
        elif nbg.get("grade") and not nbg.get("solution"):
            if pending is None or grade_id != pending.qid + TEST_SUFFIX:
                problem(f"test cell {grade_id!r} does not follow its exercise", index)
                continue
            _read_test_cell(cell.source, pending, index, problem)
            pending.points = float(nbg.get("points", 0))
            if pending.points <= 0:
                problem("a test cell needs points > 0", index)
            partial = pending.check_options.get("points")
            if partial is not None and partial != pending.points:
                problem(f"points={partial} in the check call must equal the cell's points "
                        f"({pending.points:g})", index)
            if not nbg.get("locked"):
                problem("a test cell must be locked", index)
            pending = None
        else:
            problem("code cell is none of: setup, exercise, test, submit "
                    "(every code cell needs nbgrader metadata of one of these kinds)", index)
    if pending is not None:
        problem(f"exercise {pending.qid!r} has no test cell", pending.answer_cell)
    if pending_free is not None:
        problem(f"free-text question {pending_free.qid!r} has no answer cell",
                pending_free.answer_cell)
    if not saw_setup:
        problem(f"no setup cell (grade id {SETUP_ID!r}) calling start_module(...)")
    if not saw_submit:
        problem(f"no submit cell (grade id {SUBMIT_ID!r}) with submit_panel()")
    if not model.exercises:
        problem("module has no graded exercise")
    return model


IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")


def _picture_problems(cell: Any) -> list[str]:
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


def _parse(source: str, index: int, problem: Any) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError as error:
        problem(f"Python syntax error: {error.msg} (line {error.lineno})", index)
        return None


def _read_setup(source: str, index: int, problem: Any) -> str | None:
    tree = _parse(source, index, problem)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "start_module" and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            return node.args[0].value
    problem('the setup cell must call start_module("<course>-<module>")', index)
    return None


def _question_call(source: str, index: int, problem: Any) -> QuestionSpec | None:
    tree = _parse(source, index, problem)
    if tree is None:
        return None
    calls = [s.value for s in tree.body
             if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)]
    if len(tree.body) != 1 or len(calls) != 1 or not isinstance(calls[0].func, ast.Name):
        problem("the cell must hold exactly one question call, e.g. single_choice(...)", index)
        return None
    func = calls[0].func.id
    if func not in KINDS:
        problem(f"unknown question type {func!r}; known: {', '.join(sorted(KINDS))}", index)
        return None
    try:
        return KINDS[func].spec_from_call(calls[0])
    except SpecError as error:
        problem(str(error), index)
        return None


def _read_free_text_question(source: str, grade_id: str, index: int,
                             problem: Any) -> Exercise | None:
    spec = _question_call(source, index, problem)
    if spec is None:
        return None
    if spec.kind != "free_text":
        problem(f"a {QUESTION_SUFFIX!r} cell holds a free_text(...) question", index)
        return None
    if grade_id != spec.qid + QUESTION_SUFFIX:
        problem(f"grade id {grade_id!r} must be {spec.qid + QUESTION_SUFFIX!r}", index)
    return Exercise(spec=spec, answer_cell=index, manual=True)


def _read_answer_cell(source: str, grade_id: Any, index: int, problem: Any) -> Exercise | None:
    parts = split_region(source, BEGIN_SOLUTION, END_SOLUTION)
    if parts is None:
        problem(f"answer cell needs a {BEGIN_SOLUTION} ... {END_SOLUTION} region", index)
        return None
    before, inside, after = parts
    if after.strip():
        problem(f"nothing may follow {END_SOLUTION}", index)
    spec = _question_call(before, index, problem)
    if spec is None:
        return None
    if KINDS[spec.kind].manual:
        problem(f"{spec.kind}(...) goes into a locked '<qid>{QUESTION_SUFFIX}' cell followed by "
                "a graded markdown answer cell", index)
        return None
    if grade_id != spec.qid:
        problem(f"grade id {grade_id!r} differs from the question id {spec.qid!r}", index)
    exercise = Exercise(spec=spec, answer_cell=index)
    solution_tree = _parse(inside, index, problem)
    if solution_tree is None:
        return exercise
    body = solution_tree.body
    if (len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1
            or not isinstance(body[0].targets[0], ast.Name) or body[0].targets[0].id != spec.qid):
        problem(f"the solution region must hold one assignment: {spec.qid} = <answer>", index)
        return exercise
    try:
        exercise.solution = ast.literal_eval(body[0].value)
    except (ValueError, TypeError, SyntaxError):
        problem("the solution must be a literal", index)
        return exercise
    for message in KINDS[spec.kind].solution_problems(spec, exercise.solution):
        problem(message, index)
    return exercise


def _read_test_cell(source: str, exercise: Exercise, index: int, problem: Any) -> None:
    exercise.test_cell = index
    parts = split_region(source, BEGIN_HIDDEN, END_HIDDEN)
    if parts is None:
        problem(f"test cell needs a {BEGIN_HIDDEN} ... {END_HIDDEN} region", index)
        return
    before, inside, after = parts
    if before.strip() or after.strip():
        problem("everything in a test cell must be inside the hidden-tests region", index)
    tree = _parse(inside, index, problem)
    if tree is None:
        return
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id in CHECK_FUNCTIONS]
    if len(calls) != 1:
        problem("a test cell must call exactly one check function, e.g. check_single_choice(...)",
                index)
        return
    call = calls[0]
    assert isinstance(call.func, ast.Name)
    expected = KINDS[exercise.spec.kind].check_function
    if call.func.id != expected:
        problem(f"{exercise.spec.kind} is checked with {expected}(), not {call.func.id}()", index)
    kind = KINDS[exercise.spec.kind]
    if (len(call.args) != 3 or not isinstance(call.args[0], ast.Name)
            or call.args[0].id != exercise.qid
            or any(k.arg not in kind.check_options for k in call.keywords)):
        options = "".join(f", {o}=..." for o in kind.check_options)
        problem(f"call {expected}({exercise.qid}, <solution>, <explanation>{options})", index)
        return
    try:
        exercise.checked_solution = ast.literal_eval(call.args[1])
        explanation = ast.literal_eval(call.args[2])
        exercise.check_options = {str(k.arg): ast.literal_eval(k.value) for k in call.keywords}
    except (ValueError, TypeError, SyntaxError):
        problem("solution, explanation and options in the check call must be literals", index)
        return
    tolerance = exercise.check_options.get("tolerance", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
        problem("tolerance must be a number >= 0", index)
    if not isinstance(explanation, str) or len(explanation.strip()) < 10:
        problem("the explanation must be a text of at least 10 characters", index)
    else:
        exercise.explanation = explanation
    same = exercise.checked_solution == exercise.solution
    if not same:
        try:
            same = (kind.normalize(exercise.spec, exercise.checked_solution)
                    == kind.normalize(exercise.spec, exercise.solution))
        except Exception:
            same = False
    if not same:
        problem(f"the solution in the test differs from the solution of {exercise.qid!r}", index)
