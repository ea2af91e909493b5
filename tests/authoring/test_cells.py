"""The closed set of cell kinds, told apart by nbgrader's metadata alone."""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

from kurskit.authoring.cells import Kind, kind_of, module_id_in, question_in, split_region


def cell(maker, source="", **nbgrader):
    made = maker(source)
    if nbgrader:
        made.metadata["nbgrader"] = nbgrader
    return made


@pytest.mark.parametrize("made, kind", [
    (cell(new_markdown_cell, "# Lektion"), Kind.LESSON),
    (cell(new_markdown_cell, "Hinweise", solution=True, grade=True, grade_id="brief"),
     Kind.FREE_TEXT_ANSWER),
    (cell(new_code_cell, grade_id="setup", locked=True), Kind.SETUP),
    (cell(new_code_cell, grade_id="brief_frage", locked=True), Kind.FREE_TEXT_QUESTION),
    (cell(new_code_cell, grade_id="frist", solution=True, grade=False), Kind.ANSWER),
    (cell(new_code_cell, grade_id="frist_test", grade=True, solution=False), Kind.TEST),
    (cell(new_code_cell, grade_id="abgabe", locked=True), Kind.SUBMIT),
    (cell(new_code_cell, "print(1)"), Kind.OTHER),
    (cell(new_raw_cell, "roh"), Kind.OTHER),
])
def test_each_cell_has_one_kind(made, kind):
    assert kind_of(made) is kind
    assert kind.asks == (kind in (Kind.ANSWER, Kind.FREE_TEXT_QUESTION))


def test_a_question_call_is_read_never_run():
    spec = question_in('single_choice("frist", "Wie lange?", ["24 h", "72 h"])\n'
                       "# Die Antwort wird beim Abgeben übernommen.\n")
    assert (spec.qid, spec.kind, spec.choices["options"]) == ("frist", "single_choice",
                                                              ("24 h", "72 h"))
    assert question_in('__import__("os").system("true")') is None
    assert question_in("single_choice(") is None  # not Python
    assert question_in('single_choice("x", "Frage?", options)') is None  # not a literal


def test_the_module_id_comes_from_start_module():
    source = 'from kurskit.exercises import *\nstart_module("datenschutz-01-grundlagen")'
    assert module_id_in(source) == "datenschutz-01-grundlagen"
    assert module_id_in("start_module(name)") is None


def test_a_region_splits_only_when_both_markers_are_there():
    assert split_region("a\n### BEGIN SOLUTION\nb\n### END SOLUTION\nc",
                        "### BEGIN SOLUTION", "### END SOLUTION") == ("a\n", "\nb\n", "\nc")
    assert split_region("a\n### BEGIN SOLUTION\nb", "### BEGIN SOLUTION",
                        "### END SOLUTION") is None
