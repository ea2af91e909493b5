"""The closed set of cell kinds of a module notebook, and how to tell them apart.

A source notebook (`courses/`) and its release (`grading/release/`) have the same cells,
and nbgrader's cell metadata tells each cell's kind. The source reader
(`module_notebook`) checks every kind's rules; the readers of release notebooks (the
portal's module page, the handbook's lesson pages) use `kind_of` too, so they skip the
same cells (hidden tests, free-text answer cells) and find the same questions. Question
calls are read with `ast`, never executed.
"""

from __future__ import annotations

import ast
from enum import Enum
from typing import Any

from kurskit.authoring.questions import KINDS, QuestionSpec, SpecError

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SETUP_ID, SUBMIT_ID = "setup", "abgabe"
TEST_SUFFIX = "_test"  # the hidden-test cell of exercise <qid> is <qid>_test
QUESTION_SUFFIX = "_frage"  # the widget cell of a free-text exercise


class Kind(Enum):
    LESSON = "lesson text (markdown)"
    FREE_TEXT_ANSWER = "free-text answer (graded markdown)"
    SETUP = "setup"
    FREE_TEXT_QUESTION = "free-text question"
    ANSWER = "answer cell"
    TEST = "hidden-test cell"
    SUBMIT = "submit cell"
    OTHER = "none of the kinds"

    @property
    def asks(self) -> bool:
        """A cell that shows the learner a question."""
        return self in (Kind.ANSWER, Kind.FREE_TEXT_QUESTION)


def kind_of(cell: Any) -> Kind:
    nbg = cell.metadata.get("nbgrader", {})
    grade_id = str(nbg.get("grade_id") or "")
    if cell.cell_type == "markdown":
        return Kind.FREE_TEXT_ANSWER if nbg.get("solution") or nbg.get("grade") else Kind.LESSON
    if cell.cell_type != "code":
        return Kind.OTHER
    if grade_id == SETUP_ID:
        return Kind.SETUP
    if grade_id.endswith(QUESTION_SUFFIX):
        return Kind.FREE_TEXT_QUESTION
    if grade_id == SUBMIT_ID:
        return Kind.SUBMIT
    if nbg.get("solution") and not nbg.get("grade"):
        return Kind.ANSWER
    if nbg.get("grade") and not nbg.get("solution"):
        return Kind.TEST
    return Kind.OTHER


def _calls(source: str) -> list[ast.Call]:
    """The calls of a plain name that stand as statements at the top of `source`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [s.value for s in tree.body if isinstance(s, ast.Expr)
            and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Name)]


def question_in(source: str) -> QuestionSpec | None:
    """The question call at the top of a cell, e.g. `single_choice(...)`, or None."""
    for call in _calls(source):
        kind = KINDS.get(call.func.id)  # type: ignore[attr-defined]
        if kind is not None:
            try:
                return kind.spec_from_call(call)
            except SpecError:
                return None
    return None


def module_id_in(source: str) -> str | None:
    """The module id that a setup cell names: `start_module("<course>-<module>")`."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "start_module" and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            return node.args[0].value
    return None


def split_region(source: str, begin: str, end: str) -> tuple[str, str, str] | None:
    """(before, inside, after) of a delimited region, or None when the region is absent."""
    if begin not in source:
        return None
    before, rest = source.split(begin, 1)
    if end not in rest:
        return None
    inside, after = rest.split(end, 1)
    return before, inside, after
