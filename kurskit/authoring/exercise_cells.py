"""The exercise cells of a source notebook: the question call, its solution, its hidden test.

Read with `ast`, never executed; each rule that an author breaks becomes a problem
with the cell's number (see `module_notebook`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kurskit.authoring.cells import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    QUESTION_SUFFIX,
    TEST_SUFFIX,
    split_region,
)
from kurskit.authoring.questions import CHECK_FUNCTIONS, KINDS, QuestionSpec, SpecError

# reports one problem: (message, cell number)
Report = Callable[[str, int], None]


@dataclass
class Exercise:
    spec: QuestionSpec
    answer_cell: int
    solution: Any = None
    test_cell: int | None = None
    points: float = 0.0
    checked_solution: Any = None
    explanation: str = ""
    hint: str = ""  # „Prüfen“ shows it after a wrong answer: it helps without the answer
    check_options: dict[str, Any] = field(default_factory=dict)
    manual: bool = False  # graded by a trainer (free text); `guidance` is for trainers only
    guidance: str = ""

    @property
    def qid(self) -> str:
        return self.spec.qid

    @property
    def pool(self) -> str | None:
        """The pool (group of interchangeable variants) the exercise belongs to, if any."""
        return self.spec.pool

    @property
    def grade_id(self) -> str:
        """The gradebook's grade cell of this exercise: the test cell (for a pool variant the
        pool's one merged test cell), or the free-text answer."""
        if self.manual:
            return self.qid
        return (self.spec.pool or self.qid) + TEST_SUFFIX


def parse(source: str, index: int, problem: Report) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError as error:
        problem(f"Python syntax error: {error.msg} (line {error.lineno})", index)
        return None


def question_call(source: str, index: int, problem: Report) -> QuestionSpec | None:
    tree = parse(source, index, problem)
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


def read_free_text_question(source: str, grade_id: str, index: int,
                             problem: Report) -> Exercise | None:
    spec = question_call(source, index, problem)
    if spec is None:
        return None
    if spec.kind != "free_text":
        problem(f"a {QUESTION_SUFFIX!r} cell holds a free_text(...) question", index)
        return None
    if grade_id != spec.qid + QUESTION_SUFFIX:
        problem(f"grade id {grade_id!r} must be {spec.qid + QUESTION_SUFFIX!r}", index)
    return Exercise(spec=spec, answer_cell=index, manual=True)


def read_answer_cell(source: str, grade_id: Any, index: int, problem: Report) -> Exercise | None:
    parts = split_region(source, BEGIN_SOLUTION, END_SOLUTION)
    if parts is None:
        problem(f"answer cell needs a {BEGIN_SOLUTION} ... {END_SOLUTION} region", index)
        return None
    before, inside, after = parts
    if after.strip():
        problem(f"nothing may follow {END_SOLUTION}", index)
    spec = question_call(before, index, problem)
    if spec is None:
        return None
    if KINDS[spec.kind].manual:
        problem(f"{spec.kind}(...) goes into a locked '<qid>{QUESTION_SUFFIX}' cell followed by "
                "a graded markdown answer cell", index)
        return None
    if grade_id != spec.qid:
        problem(f"grade id {grade_id!r} differs from the question id {spec.qid!r}", index)
    exercise = Exercise(spec=spec, answer_cell=index)
    solution_tree = parse(inside, index, problem)
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


def read_test_cell(source: str, exercise: Exercise, index: int, problem: Report) -> None:
    exercise.test_cell = index
    parts = split_region(source, BEGIN_HIDDEN, END_HIDDEN)
    if parts is None:
        problem(f"test cell needs a {BEGIN_HIDDEN} ... {END_HIDDEN} region", index)
        return
    before, inside, after = parts
    if before.strip() or after.strip():
        problem("everything in a test cell must be inside the hidden-tests region", index)
    tree = parse(inside, index, problem)
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
            or any(k.arg not in (*kind.check_options, "hint") for k in call.keywords)):
        options = "".join(f", {o}=..." for o in (*kind.check_options, "hint"))
        problem(f"call {expected}({exercise.qid}, <solution>, <explanation>{options})", index)
        return
    try:
        exercise.checked_solution = ast.literal_eval(call.args[1])
        explanation = ast.literal_eval(call.args[2])
        exercise.check_options = {str(k.arg): ast.literal_eval(k.value) for k in call.keywords}
    except (ValueError, TypeError, SyntaxError):
        problem("solution, explanation and options in the check call must be literals", index)
        return
    hint = exercise.check_options.pop("hint", "")
    if not isinstance(hint, str):
        problem("hint= must be a text", index)
    elif hint:
        exercise.hint = hint
        for named in answer_texts(exercise.checked_solution):
            if re.search(rf"(?<!\w){re.escape(named)}(?!\w)", hint, re.IGNORECASE):
                problem(f"the hint of {exercise.qid!r} names the right answer ({named!r}): "
                        "a hint must help without giving the answer away", index)
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


def answer_texts(solution: Any) -> list[str]:
    """The texts a right answer consists of (a hint or a check must not name them)."""
    if isinstance(solution, bool):
        return []
    if isinstance(solution, str):
        return [solution] if solution.strip() else []
    if isinstance(solution, int | float):
        return [f"{solution:g}"]
    if isinstance(solution, list | tuple):
        return [t for item in solution for t in answer_texts(item)]
    if isinstance(solution, dict):  # matching: the targets; true/false: no text
        return [t for value in solution.values() for t in answer_texts(value)]
    return []
